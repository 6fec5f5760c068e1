//! Key points of a model answer, and whether the spoken answer covered each:
//! the model answer is split into sentences, each reduced to its content
//! words (lightly stemmed), and a point counts as covered when at least half
//! of them were said.

pub mod dataset;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::text::{is_stopword, norm};
use crate::TimedWord;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyPoint {
    pub text: String,
    pub covered: bool,
    /// Content words of the point that were said.
    pub said: Vec<String>,
    /// Content words of the point that were not.
    pub unsaid: Vec<String>,
}

/// A crude stem so "caches", "caching" and "cached" meet at "cach".
pub fn stem(word: &str) -> String {
    for suffix in ["ing", "ed", "es", "s", "ly"] {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.len() >= 4 {
                return base.trim_end_matches('e').to_string();
            }
        }
    }
    word.trim_end_matches('e').to_string()
}

fn content_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split(|c: char| c.is_whitespace() || c == '/' || c == '-').map(norm) {
        if w.len() >= 4 && !is_stopword(&w) && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// The key points of a model answer: its sentences (split after `.`, `;`,
/// `?` and `!`).
pub fn split_points(model_answer: &str) -> Vec<&str> {
    model_answer.split_inclusive(['.', ';', '?', '!']).map(str::trim).filter(|s| !s.is_empty()).collect()
}

pub fn coverage(model_answer: &str, words: &[TimedWord]) -> Vec<KeyPoint> {
    let said: std::collections::HashSet<String> = words.iter().map(|w| stem(&norm(&w.text))).collect();
    split_points(model_answer)
        .into_iter()
        .filter_map(|sentence| {
            let keys = content_words(sentence);
            if keys.is_empty() {
                return None;
            }
            let (yes, no): (Vec<String>, Vec<String>) = keys.into_iter().partition(|k| said.contains(&stem(k)));
            Some(KeyPoint { text: sentence.to_string(), covered: yes.len() * 2 >= yes.len() + no.len(), said: yes, unsaid: no })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_words;

    #[test]
    fn points_are_covered_when_half_their_content_words_are_said() {
        let model = "An index is a sorted structure that speeds up reads. It slows down writes because every insert updates it. \
                     Composite indexes follow the leftmost prefix rule.";
        let spoken = test_words("An index keeps a sorted copy so reads are fast, but writes get slower since each insert updates the index.");
        let points = coverage(model, &spoken);
        assert_eq!(points.len(), 3);
        assert!(points[0].covered, "{:?}", points[0]);
        assert!(points[1].covered, "{:?}", points[1]);
        assert!(!points[2].covered, "{:?}", points[2]);
        assert!(points[2].unsaid.contains(&"leftmost".to_string()));
    }

    #[test]
    fn stems_meet() {
        assert_eq!(stem("caches"), stem("caching"));
        assert_eq!(stem("cached"), stem("cache"));
        assert_eq!(stem("reads"), "read");
    }
}
