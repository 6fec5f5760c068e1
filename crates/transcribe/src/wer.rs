//! Word error rate: (substitutions + deletions + insertions) / reference
//! words, after lower-casing and dropping punctuation.

/// The words of `text` as compared everywhere in Starling (word error rate,
/// live previews agreeing, the latency benchmark): split at spaces, hyphens,
/// dashes and slashes ("high-performance" and "high performance" are the
/// same two words, as in Whisper's own evaluation normaliser), then see
/// [`normalize_word`].
pub fn normalize(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '\u{2013}' | '\u{2014}'))
        .map(normalize_word)
        .filter(|w| !w.is_empty())
        .collect()
}

/// One word lower-cased, without punctuation; an apostrophe (straight or
/// typographic) stays, so "don't" and "dont" are different words.
pub fn normalize_word(word: &str) -> String {
    word.chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .filter(|c| c.is_alphanumeric() || *c == '\'')
        .flat_map(char::to_lowercase)
        .collect()
}

/// WER of `hypothesis` against `reference` (0 = perfect).
pub fn wer(reference: &str, hypothesis: &str) -> f64 {
    let r = normalize(reference);
    let h = normalize(hypothesis);
    if r.is_empty() {
        return if h.is_empty() { 0.0 } else { 1.0 };
    }
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for i in 1..=r.len() {
        let mut cur = vec![i; h.len() + 1];
        for j in 1..=h.len() {
            let sub = prev[j - 1] + usize::from(r[i - 1] != h[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len() as f64
}

#[cfg(test)]
mod tests {
    use super::{normalize, wer};

    #[test]
    fn words_lose_case_and_punctuation_but_keep_apostrophes() {
        assert_eq!(normalize("Don\u{2019}t, STOP! 42 x-ray  ... CI/CD"), vec!["don't", "stop", "42", "x", "ray", "ci", "cd"]);
        assert_eq!(wer("a high-performance back end", "a high performance back-end"), 0.0);
        assert_eq!(wer("don't", "Don\u{2019}t."), 0.0);
        assert_eq!(wer("don't", "dont"), 1.0);
    }

    #[test]
    fn counts_edits_per_reference_word() {
        assert_eq!(wer("I fixed the bug.", "i fixed the bug"), 0.0);
        assert_eq!(wer("I fixed the bug", "I fixed a bug"), 0.25);
        assert_eq!(wer("I fixed the bug", "I fixed bug"), 0.25);
        assert_eq!(wer("I fixed the bug", "so I fixed the bug"), 0.25);
        assert_eq!(wer("", ""), 0.0);
    }
}
