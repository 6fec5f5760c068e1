//! Filler words ("um", "you know", "basically") and hedges ("I think",
//! "maybe"), with where they occur. Whisper leaves out some fillers, so the
//! counts are lower bounds and are shown as "at least N".

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::text::norm;
use crate::TimedWord;

const FILLERS: &[&[&str]] = &[
    &["um"], &["umm"], &["uh"], &["uhm"], &["er"], &["erm"], &["ah"], &["hmm"], &["mm"], &["like"], &["you", "know"],
    &["i", "mean"], &["basically"], &["actually"], &["literally"], &["sort", "of"], &["you", "see"],
];

const HEDGES: &[&[&str]] = &[
    &["i", "think"], &["i", "guess"], &["i", "believe"], &["i", "feel", "like"], &["maybe"], &["perhaps"], &["probably"],
    &["kind", "of"], &["might"], &["somewhat"], &["possibly"],
];

/// Words before "like" that make it a verb or a comparison, not a filler.
const LIKE_NOT_FILLER_AFTER: &[&str] =
    &["i", "you", "we", "they", "would", "don't", "didn't", "to", "looks", "look", "looked", "feel", "felt", "seems", "something", "things", "just", "really", "more", "much"];

/// One occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Hit {
    pub phrase: String,
    #[ts(type = "number")]
    pub at_ms: i64,
}

/// Occurrences of a list of phrases, per phrase and per minute of speaking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Counted {
    /// At least this many (the transcript may have dropped some).
    pub at_least: u32,
    pub per_minute: f64,
    pub hits: Vec<Hit>,
    /// Each phrase with its count, most frequent first.
    pub by_phrase: Vec<(String, u32)>,
}

fn count(
    words: &[TimedWord],
    phrases: &[&[&str]],
    speaking_ms: i64,
    keep: impl Fn(&[TimedWord], &[String], usize, &[&str]) -> bool,
) -> Counted {
    let tokens: Vec<String> = words.iter().map(|w| norm(&w.text)).collect();
    let mut hits: Vec<Hit> = Vec::new();
    let mut used = vec![false; tokens.len()];
    // Longer phrases first, so "i feel like" is not also counted as "like".
    let mut ordered: Vec<&&[&str]> = phrases.iter().collect();
    ordered.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for phrase in ordered {
        for i in crate::text::find_phrase(&tokens, phrase) {
            if (i..i + phrase.len()).any(|k| used[k]) || !keep(words, &tokens, i, phrase) {
                continue;
            }
            (i..i + phrase.len()).for_each(|k| used[k] = true);
            hits.push(Hit { phrase: phrase.join(" "), at_ms: words[i].start_ms });
        }
    }
    hits.sort_by_key(|h| h.at_ms);
    let mut by_phrase: Vec<(String, u32)> = Vec::new();
    for h in &hits {
        match by_phrase.iter_mut().find(|(p, _)| *p == h.phrase) {
            Some((_, n)) => *n += 1,
            None => by_phrase.push((h.phrase.clone(), 1)),
        }
    }
    by_phrase.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let minutes = speaking_ms as f64 / 60_000.0;
    Counted {
        at_least: hits.len() as u32,
        per_minute: if minutes > 0.0 { hits.len() as f64 / minutes } else { 0.0 },
        hits,
        by_phrase,
    }
}

/// Filler words and phrases. "like" counts when set off by commas ("I,
/// like, …") or where it is not a verb or a comparison ("I like", "looks
/// like").
pub fn fillers(words: &[TimedWord], speaking_ms: i64) -> Counted {
    count(words, FILLERS, speaking_ms, |words, tokens, i, phrase| {
        if phrase != ["like"] || i == 0 {
            return true;
        }
        let set_off = words[i - 1].text.ends_with(',') || words[i].text.ends_with(',');
        set_off || !LIKE_NOT_FILLER_AFTER.contains(&tokens[i - 1].as_str())
    })
}

/// Hedging words and phrases.
pub fn hedges(words: &[TimedWord], speaking_ms: i64) -> Counted {
    count(words, HEDGES, speaking_ms, |_, _, _, _| true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_words;

    #[test]
    fn fillers_are_counted_with_their_times() {
        let w = test_words("Um, so I, like, basically rewrote it, you know, and uh it worked. I like Rust.");
        let f = fillers(&w, 60_000);
        let phrases: Vec<_> = f.hits.iter().map(|h| h.phrase.as_str()).collect();
        assert_eq!(phrases, vec!["um", "like", "basically", "you know", "uh"]);
        assert_eq!(f.hits[0].at_ms, 0);
        assert_eq!(f.hits[1].at_ms, 3 * 400, "the filler 'like' is the fourth word");
        assert_eq!(f.at_least, 5);
        assert!((f.per_minute - 5.0).abs() < 1e-9);
    }

    #[test]
    fn hedges_prefer_the_longest_phrase() {
        let w = test_words("I think it was kind of slow, maybe. I feel like we probably could do better.");
        let h = hedges(&w, 30_000);
        let phrases: Vec<_> = h.hits.iter().map(|x| x.phrase.as_str()).collect();
        assert_eq!(phrases, vec!["i think", "kind of", "maybe", "i feel like", "probably"]);
        assert_eq!(h.per_minute, 10.0);
        assert_eq!(fillers(&w, 30_000).at_least, 0, "'I feel like' is a hedge, not a filler 'like'");
    }
}
