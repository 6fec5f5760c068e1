//! Words and sentences of a transcript: normalised tokens (lower case,
//! punctuation stripped, apostrophes kept) and sentence boundaries, shared by
//! every metric.

use crate::TimedWord;

/// A word as the metrics compare it: "Don't," → "don't".
pub fn norm(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '’')
        .map(|c| if c == '’' { '\'' } else { c })
        .collect::<String>()
        .to_lowercase()
}

/// Whether a raw word ends a sentence.
fn ends_sentence(word: &str) -> bool {
    let w = word.trim_end_matches(['"', '\'', ')', '”', '’']);
    w.ends_with('.') || w.ends_with('?') || w.ends_with('!')
}

/// A sentence: the index range of its words in the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Splits words into sentences at `.`, `?` and `!` (the last sentence may
/// lack one).
pub fn sentences(words: &[TimedWord]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, w) in words.iter().enumerate() {
        if ends_sentence(&w.text) {
            out.push(Span { start, end: i + 1 });
            start = i + 1;
        }
    }
    if start < words.len() {
        out.push(Span { start, end: words.len() });
    }
    out
}

/// The normalised words of a span, empty tokens dropped.
pub fn tokens(words: &[TimedWord], span: Span) -> Vec<String> {
    words[span.start..span.end].iter().map(|w| norm(&w.text)).filter(|t| !t.is_empty()).collect()
}

/// Positions where `phrase` (normalised words) occurs in `tokens`.
pub fn find_phrase(tokens: &[String], phrase: &[&str]) -> Vec<usize> {
    if phrase.is_empty() || tokens.len() < phrase.len() {
        return Vec::new();
    }
    (0..=tokens.len() - phrase.len()).filter(|&i| phrase.iter().enumerate().all(|(k, p)| tokens[i + k] == *p)).collect()
}

/// Common English words that say nothing about content.
pub const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "but", "by",
    "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "i'm", "if", "in",
    "into", "is", "it", "it's", "its", "just", "me", "more", "my", "no", "not", "of", "on", "one", "or", "our", "out", "over",
    "she", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "up",
    "us", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "why", "will", "with", "would", "you",
    "your", "um", "uh", "like", "really", "get", "got", "make", "made", "way", "thing", "things", "lot", "we're", "i've", "that's",
];

pub fn is_stopword(t: &str) -> bool {
    STOPWORDS.contains(&t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_words;

    #[test]
    fn sentences_split_at_terminal_punctuation() {
        let w = test_words("We had an outage. I fixed it! Did it help? Yes it did");
        let spans = sentences(&w);
        assert_eq!(spans.len(), 4);
        assert_eq!(tokens(&w, spans[1]), vec!["i", "fixed", "it"]);
        assert_eq!(tokens(&w, spans[3]), vec!["yes", "it", "did"]);
    }

    #[test]
    fn phrases_match_whole_words() {
        let t: Vec<String> = ["you", "know", "i", "know", "you"].iter().map(|s| s.to_string()).collect();
        assert_eq!(find_phrase(&t, &["you", "know"]), vec![0]);
        assert_eq!(find_phrase(&t, &["know"]), vec![1, 3]);
        assert_eq!(norm("Don’t,"), "don't");
    }
}
