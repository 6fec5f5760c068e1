//! Word use: the most-used content words, and in behavioral answers how many
//! sentences speak of "I" and how many of "we" (interviewers listen for what
//! *you* did).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::text::{is_stopword, norm, sentences, tokens};
use crate::TimedWord;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WordCount {
    pub word: String,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Voice {
    pub sentences: u32,
    pub i_sentences: u32,
    pub we_sentences: u32,
}

/// The `n` most-used content words said at least twice, most used first.
pub fn top_words(words: &[TimedWord], n: usize) -> Vec<WordCount> {
    let mut counts: Vec<WordCount> = Vec::new();
    for t in words.iter().map(|w| norm(&w.text)).filter(|t| t.len() >= 3 && !is_stopword(t)) {
        match counts.iter_mut().find(|c| c.word == t) {
            Some(c) => c.count += 1,
            None => counts.push(WordCount { word: t, count: 1 }),
        }
    }
    counts.retain(|c| c.count >= 2);
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.word.cmp(&b.word)));
    counts.truncate(n);
    counts
}

pub fn voice(words: &[TimedWord]) -> Voice {
    let mut v = Voice { sentences: 0, i_sentences: 0, we_sentences: 0 };
    for span in sentences(words) {
        let t = tokens(words, span);
        v.sentences += 1;
        if t.iter().any(|w| ["i", "i'm", "i've", "i'd", "my", "me", "myself"].contains(&w.as_str())) {
            v.i_sentences += 1;
        }
        if t.iter().any(|w| ["we", "we're", "we've", "we'd", "our", "us", "ourselves"].contains(&w.as_str())) {
            v.we_sentences += 1;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_words;

    #[test]
    fn top_words_skip_stopwords_and_singletons() {
        let w = test_words("The cache was stale. The cache key missed the user. Cache keys matter; users noticed.");
        assert_eq!(top_words(&w, 5), vec![WordCount { word: "cache".into(), count: 3 }]);
    }

    #[test]
    fn i_and_we_sentences_are_counted() {
        let w = test_words("We had an outage. I rolled back. Our team wrote a postmortem and I led it. It never recurred.");
        assert_eq!(voice(&w), Voice { sentences: 4, i_sentences: 2, we_sentences: 2 });
    }
}
