//! Word error rate: (substitutions + deletions + insertions) / reference
//! words, after lower-casing and dropping punctuation.

/// The words of `text` as compared everywhere in Starling (word error rate,
/// live previews agreeing, the latency benchmark): split at spaces, hyphens,
/// dashes and slashes ("high-performance" and "high performance" are the
/// same two words, as in Whisper's own evaluation normaliser), then see
/// [`normalize_word`]. A round ten said as a word and followed straight on
/// by a unit word is one number ("ninety-nine" and "twenty one" are "99"
/// and "21"), unless punctuation comes between them ("twenty, one").
pub fn normalize(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    // The last word, when it was a round ten in letters with nothing after it.
    let mut open_ten: Option<usize> = None;
    for raw in text.split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '\u{2013}' | '\u{2014}')) {
        let word = clean(raw);
        if word.is_empty() {
            continue;
        }
        let spelled = number_word(&word);
        match (open_ten, spelled) {
            (Some(ten), Some(unit @ 1..=9)) => {
                if let Some(last) = words.last_mut() {
                    *last = (ten + unit).to_string();
                }
                open_ten = None;
            }
            _ => {
                let ends_clean = raw.chars().last().is_some_and(char::is_alphabetic);
                open_ten = spelled.filter(|n| *n >= 20 && n % 10 == 0 && ends_clean);
                words.push(spelled.map_or(word, |n| n.to_string()));
            }
        }
    }
    words
}

/// One word lower-cased, without punctuation; an apostrophe (straight or
/// typographic) stays, so "don't" and "dont" are different words. A number
/// from zero to twenty, or a round ten to ninety, written as a word becomes
/// its digits ("three" and "3" are the same word, as in Whisper's own
/// evaluation normaliser, which Whisper follows in writing small numbers
/// either way).
pub fn normalize_word(word: &str) -> String {
    let w = clean(word);
    number_word(&w).map_or(w, |n| n.to_string())
}

/// `word` lower-cased, keeping only letters, digits and apostrophes (a
/// typographic one made straight).
fn clean(word: &str) -> String {
    word.chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .filter(|c| c.is_alphanumeric() || *c == '\'')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The value of a cleaned word that is a number word from "zero" to
/// "ninety" (see [`NUMBER_WORDS`]); only the whole word counts ("2twenty"
/// is not a number word).
fn number_word(cleaned: &str) -> Option<usize> {
    NUMBER_WORDS.iter().position(|&n| n == cleaned).map(|i| if i <= 20 { i } else { (i - 18) * 10 })
}

/// "zero" to "twenty", then "thirty" to "ninety".
const NUMBER_WORDS: [&str; 28] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
    "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// WER of `hypothesis` against `reference` (0 = perfect): the fewest
/// substitutions, deletions and insertions that turn one into the other, per
/// reference word. A compound written as one word on one side and as two on
/// the other ("codebase" and "code base", "multithreading" and
/// "multi-threading") is the same words and costs nothing: spelling, not
/// hearing (the same allowance NIST's scoring makes with its alternate
/// spellings).
pub fn wer(reference: &str, hypothesis: &str) -> f64 {
    let r = normalize(reference);
    if r.is_empty() {
        return if normalize(hypothesis).is_empty() { 0.0 } else { 1.0 };
    }
    edits(&r, &normalize(hypothesis)) as f64 / r.len() as f64
}

/// WER over many (reference, hypothesis) pairs taken as one text: every
/// pair's edits over every pair's reference words, so a long answer weighs
/// more than a short one (how a WER over a test set is reported). An empty
/// set, or one with no reference words, reads 0.
pub fn pooled<R: AsRef<str>, H: AsRef<str>>(pairs: &[(R, H)]) -> f64 {
    let (mut errors, mut words) = (0usize, 0usize);
    for (reference, hypothesis) in pairs {
        let r = normalize(reference.as_ref());
        errors += edits(&r, &normalize(hypothesis.as_ref()));
        words += r.len();
    }
    if words == 0 {
        0.0
    } else {
        errors as f64 / words as f64
    }
}

/// The fewest substitutions, deletions and insertions that turn `r` into
/// `h`, a compound split or joined costing nothing (see [`wer`]).
fn edits(r: &[String], h: &[String]) -> usize {
    // d[i][j]: edits between the first i reference words and the first j heard.
    let mut d = vec![vec![0usize; h.len() + 1]; r.len() + 1];
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=r.len() {
        d[i][0] = i;
        for j in 1..=h.len() {
            let mut best = (d[i - 1][j - 1] + usize::from(r[i - 1] != h[j - 1])).min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
            if i >= 2 && joined(&r[i - 2], &r[i - 1], &h[j - 1]) {
                best = best.min(d[i - 2][j - 1]);
            }
            if j >= 2 && joined(&h[j - 2], &h[j - 1], &r[i - 1]) {
                best = best.min(d[i - 1][j - 2]);
            }
            d[i][j] = best;
        }
    }
    d[r.len()][h.len()]
}

/// Whether `first` then `second`, written together, is `whole`.
fn joined(first: &str, second: &str, whole: &str) -> bool {
    whole.len() == first.len() + second.len() && whole.starts_with(first) && whole.ends_with(second)
}

#[cfg(test)]
mod tests {
    use super::{normalize, pooled, wer};

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

    #[test]
    fn small_numbers_as_words_are_their_digits() {
        assert_eq!(normalize("Three of them, twenty, ninety-nine, a hundred"), vec!["3", "of", "them", "20", "99", "a", "hundred"]);
        assert_eq!(wer("NULL in 3 of them", "null in three of them"), 0.0);
        assert_eq!(wer("one-on-one", "1 on 1"), 0.0);
        assert_eq!(wer("twenty one days, forty-two nodes", "21 days, 42 nodes"), 0.0);
        // Punctuation between them keeps them apart, as do digits.
        assert_eq!(normalize("twenty, one of them; 20 1"), vec!["20", "1", "of", "them", "20", "1"]);
        assert_eq!(normalize("thirty three-fold"), vec!["33", "fold"]);
        // Only a whole word is a number word.
        assert_eq!(normalize("2twenty twenty's"), vec!["2twenty", "twenty's"]);
    }

    #[test]
    fn a_compound_in_one_word_or_two_is_the_same_words() {
        assert_eq!(wer("a large legacy codebase", "a large legacy code base"), 0.0);
        assert_eq!(wer("multi-threading and a back end", "multithreading and a backend"), 0.0);
        // Only a true split: the letters must be the same ones, in order.
        assert_eq!(wer("the codebase", "the code bass"), 1.0);
        assert_eq!(wer("code base", "codebases"), 1.0);
        // Unrelated words still cost what they did.
        assert_eq!(wer("I fixed the bug", "I fix the bug"), 0.25);
    }

    #[test]
    fn a_pooled_rate_weighs_each_pair_by_its_length() {
        // 1 edit in 4 words and 0 in 1: 1 in 5, not the mean of 25 % and 0 %.
        let pairs = [("I fixed the bug", "I fixed a bug"), ("done", "done")];
        assert_eq!(pooled(&pairs), 0.2);
        assert_eq!(pooled(&[("a b", "a c".to_string())]), wer("a b", "a c"));
        assert_eq!(pooled::<&str, &str>(&[]), 0.0);
    }
}
