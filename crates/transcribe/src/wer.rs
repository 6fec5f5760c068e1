//! Word error rate: (substitutions + deletions + insertions) / reference
//! words, after lower-casing and dropping punctuation.

pub fn normalize(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric() || *c == '\'').collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
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
    use super::wer;

    #[test]
    fn counts_edits_per_reference_word() {
        assert_eq!(wer("I fixed the bug.", "i fixed the bug"), 0.0);
        assert_eq!(wer("I fixed the bug", "I fixed a bug"), 0.25);
        assert_eq!(wer("I fixed the bug", "I fixed bug"), 0.25);
        assert_eq!(wer("I fixed the bug", "so I fixed the bug"), 0.25);
        assert_eq!(wer("", ""), 0.0);
    }
}
