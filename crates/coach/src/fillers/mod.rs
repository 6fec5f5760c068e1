//! Filler words ("um", "you know", "basically") and hedges ("I think",
//! "maybe"), with where they occur. Whisper leaves out some fillers, so the
//! counts are lower bounds and are shown as "at least N"; for that promise
//! to hold, a word counts only where it works as a filler, and a doubtful
//! case is left out.
//!
//! The rules read each word with its neighbours and the punctuation Whisper
//! wrote ("," ";" ":" dashes and "…" are breaks; "." "?" "!" end a
//! sentence). A word is *sentence-initial* when only "so", "and", "but",
//! "well", "okay", "yeah", "oh", "now", "right" or hesitations come before it
//! in its sentence, and *clause-initial* when it is sentence-initial or
//! follows a break, a conjunction ("and", "but", "so", "because", "or",
//! "then") or a hesitation.
//!
//! - Hesitations — "um", "umm", "uhm", "uh", "er", "erm", "ah", "hmm", "hm",
//!   "mm" — are always fillers.
//! - "you know", "you see", "I mean" are fillers as asides: clause-initial
//!   and followed by a break or the end of the sentence ("I, you know,
//!   tried", "You know, we…", "it was hard, you know?", "I mean, we…"). With
//!   an object or a clause after them ("you know the answer", "I mean it",
//!   "what I mean is", "as you know, …", "do you know") they are content.
//! - "actually", "basically", "literally" are fillers as discourse markers:
//!   sentence-initial ("Basically, we…", "So actually we…"), or
//!   clause-initial and followed by a break ("it was, basically, a
//!   rewrite", "it worked, actually."). Inside a clause they are content
//!   ("what they actually needed", "it literally said").
//! - "like" is a filler when:
//!   - a break follows it and it is clause-initial ("I, like, rewrote it",
//!     "Like, we…") or neither a verb nor a quotative (see below) ("alerts
//!     that like, fixed themselves"), or it ends its sentence after a break
//!     ("…, like.");
//!   - it follows a form of "be" and comes before a degree word, a common
//!     adjective of judgement or a number ("it was like really slow", "it's
//!     like super hard", "it is like easy", "it was like five");
//!   - it comes before a number after a break or a verb or preposition of
//!     quantity ("held, like half the data", "took like twenty minutes",
//!     "for like two weeks", "down to like ten");
//!   - it is sentence-initial or follows a conjunction or a hesitation, and
//!     what comes next is not a determiner, an object pronoun, a name or "I
//!     said"-like clause ("and like nobody knew", "so like we had no tests").
//!
//!   It is content everywhere else, notably as a verb after a pronoun,
//!   auxiliary, negation, "to" or an adverb ("I like", "didn't like", "we'd
//!   like to", "really like"); as a comparison after "look", "sound", "seem",
//!   "feel", "act", "of", "something", "just", "more" and the like ("looks
//!   like", "kind of like having", "just like before"); as a preposition
//!   after a noun ("tools like Grafana", "teams like ours"); and as a
//!   quotative ("he was like, we need to ship"), which introduces speech and
//!   is not counted.
//! - "sort of" is a hedge like "kind of", not a filler; both are content
//!   after a determiner ("the kind of bug", "what sort of team").

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::TimedWord;

mod context;
use context::*;

/// How a filler phrase is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    /// Always a filler.
    Hesitation,
    /// "you know", "you see", "I mean": only as an aside.
    Aside,
    /// "actually", "basically", "literally": only as a discourse marker.
    Marker,
    /// "like": see the module's rules.
    Like,
}

/// Hesitation sounds, always fillers.
const HESITATIONS: &[&str] = &["um", "umm", "uhm", "uh", "er", "erm", "ah", "hmm", "hm", "mm"];

const FILLERS: &[(&[&str], Rule)] = &[
    (&["you", "know"], Rule::Aside),
    (&["you", "see"], Rule::Aside),
    (&["i", "mean"], Rule::Aside),
    (&["basically"], Rule::Marker),
    (&["actually"], Rule::Marker),
    (&["literally"], Rule::Marker),
    (&["like"], Rule::Like),
];

const HEDGES: &[&[&str]] = &[
    &["i", "think"], &["i", "guess"], &["i", "believe"], &["i", "feel", "like"], &["maybe"], &["perhaps"], &["probably"],
    &["kind", "of"], &["sort", "of"], &["might"], &["somewhat"], &["possibly"],
];
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

/// The words of a transcript with what the rules read around each: the
/// normalised token, whether a break or a sentence end follows it, and its
fn count(words: &[TimedWord], phrases: &[&[&str]], speaking_ms: i64, keep: impl Fn(&Context, usize, &[&str]) -> bool) -> Counted {
    let c = Context::new(words);
    let mut hits: Vec<Hit> = Vec::new();
    let mut used = vec![false; c.tokens.len()];
    // Longer phrases first, so "i feel like" is not also counted as "like".
    let mut ordered: Vec<&[&str]> = phrases.to_vec();
    ordered.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for phrase in ordered {
        for k in crate::text::find_phrase(&c.tokens, phrase) {
            if (k..k + phrase.len()).any(|j| used[j]) || !keep(&c, k, phrase) {
                continue;
            }
            (k..k + phrase.len()).for_each(|j| used[j] = true);
            hits.push(Hit { phrase: phrase.join(" "), at_ms: c.at_ms[k] });
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

/// Filler words and phrases, each only where it works as a filler (see the
/// module's rules).
pub fn fillers(words: &[TimedWord], speaking_ms: i64) -> Counted {
    let phrases: Vec<&[&str]> = HESITATIONS.iter().map(std::slice::from_ref).chain(FILLERS.iter().map(|(p, _)| *p)).collect();
    count(words, &phrases, speaking_ms, |c, k, phrase| {
        let rule = FILLERS.iter().find(|(p, _)| *p == phrase).map_or(Rule::Hesitation, |(_, r)| *r);
        c.is_filler(k, phrase.len(), rule)
    })
}

/// Hedging words and phrases; "kind of" and "sort of" not after a
/// determiner.
pub fn hedges(words: &[TimedWord], speaking_ms: i64) -> Counted {
    count(words, HEDGES, speaking_ms, |c, k, _| {
        let noun = matches!(c.token(k), "kind" | "sort") && c.prev(k).is_some_and(|p| KIND_DETERMINERS.contains(&p));
        !noun
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_words;
    use crate::text::norm;

    fn found(text: &str) -> Vec<String> {
        fillers(&test_words(text), 60_000).hits.into_iter().map(|h| h.phrase).collect()
    }

    #[test]
    fn fillers_are_counted_with_their_times() {
        let w = test_words("Um, so I, like, basically rewrote it, you know, and uh it worked. I like Rust.");
        let f = fillers(&w, 60_000);
        let phrases: Vec<_> = f.hits.iter().map(|h| h.phrase.as_str()).collect();
        assert_eq!(phrases, vec!["um", "like", "you know", "uh"], "'basically' inside the clause is content");
        assert_eq!(f.hits[0].at_ms, 0);
        assert_eq!(f.hits[1].at_ms, 3 * 400, "the filler 'like' is the fourth word");
        assert_eq!(f.at_least, 4);
        assert!((f.per_minute - 4.0).abs() < 1e-9);
        assert_eq!(f.by_phrase[0], ("like".to_string(), 1));
    }

    /// Content uses: not one filler in any of these.
    const CONTENT: &[&str] = &[
        "We looked at tools like Grafana and Prometheus.",
        "It was kind of like having a pager that never stopped.",
        "I found out what they actually needed from the report.",
        "The manager didn't like the first design.",
        "If you know the answer, say it early.",
        "I mean it when I say the tests saved us.",
        "What I mean is that the cache was never warm.",
        "The file literally said do not edit.",
        "The old scheduler basically never ran on weekends.",
        "It looks like the queue was the problem.",
        "I would like to lead the next migration.",
        "Teams like ours rarely get time for cleanup.",
        "We wanted something like a feature flag for every change.",
        "It was like a maze of services.",
        "The code was like spaghetti, and it's like having a second job.",
        "We kept the tools we like, and dropped the rest.",
        "Like many teams, we started with a monolith.",
        "As you know, the release train leaves on Fridays.",
        "Do you know how long the build took?",
        "You know the feeling when a test fails only on Fridays.",
        "I like working with designers early.",
        "The people you know in the platform team can help.",
        "We did it just like the runbook said.",
        "Like I said, the data was wrong.",
        "It sounded like a network issue at first.",
        "That is the kind of bug nobody wants.",
        "You see the error only under load.",
        "We actually shipped two days early.",
        "He was like, we need to ship this today.",
        "They would like us to write more tests.",
        "We wanted to like the new process, but it was slow.",
        "She acted like the outage was routine.",
        "Companies like Stripe publish their postmortems.",
        "We split the work into small pieces, like one review per feature.",
        "I'd like more time for reviews.",
        "It felt like we were finally in control.",
        "The new dashboard literally changed how we plan.",
    ];

    #[test]
    fn content_uses_are_not_fillers() {
        for s in CONTENT {
            assert_eq!(found(s), Vec::<String>::new(), "{s}");
        }
    }

    /// Filler uses, each with the fillers it holds.
    const FILLER_CASES: &[(&str, &[&str])] = &[
        ("Um, we rewrote the service.", &["um"]),
        ("The deploy, uh, took two hours. Er, then we fixed it. Erm, hmm.", &["uh", "er", "erm", "hmm"]),
        ("I, like, rewrote the whole thing.", &["like"]),
        ("Like, we had no tests at all.", &["like"]),
        ("The pipeline was like really slow.", &["like"]),
        ("It's like super hard to debug.", &["like"]),
        ("The build took like twenty minutes.", &["like"]),
        ("We waited for like two weeks.", &["like"]),
        ("Errors dropped to like ten a day.", &["like"]),
        ("The old table held, like half the rows.", &["like"]),
        ("We got alerts that like, fixed themselves.", &["like"]),
        ("Writing the fix was like easy.", &["like"]),
        ("And like nobody knew who owned it.", &["like"]),
        ("So like we had no tests.", &["like"]),
        ("It was, you know, a hard quarter.", &["you know"]),
        ("You know, we had to move fast.", &["you know"]),
        ("It was hard, you know?", &["you know"]),
        ("And you know, nobody complained.", &["you know"]),
        ("I mean, the numbers were fine.", &["i mean"]),
        ("The plan was good, I mean, on paper.", &["i mean"]),
        ("You see, the cache was cold.", &["you see"]),
        ("Basically, every release took two hours.", &["basically"]),
        ("Actually, the first fix made it worse.", &["actually"]),
        ("So basically we rebuilt the queue.", &["basically"]),
        ("The fix was, literally, one line.", &["literally"]),
        ("It worked, basically.", &["basically"]),
        ("We tested it and actually, it held up.", &["actually"]),
        ("Um, so, basically, I, like, just, you know, tried again.", &["um", "basically", "like", "you know"]),
        ("We had, like, uh, five services.", &["like", "uh"]),
    ];

    #[test]
    fn filler_uses_are_fillers() {
        for (s, expected) in FILLER_CASES {
            assert_eq!(found(s), *expected, "{s}");
        }
    }

    /// The written text of the filler test set (`data/fillers/`): every
    /// inserted filler is found, in order, and nothing in the clean answers.
    #[test]
    fn the_filler_test_set_as_written() {
        let set = include_str!("../../data/fillers/answers.jsonl");
        for line in set.lines() {
            let a: serde_json::Value = serde_json::from_str(line).unwrap();
            let inserted: Vec<&str> = a["fillers"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
            // Taking the inserted fillers out gives the clean answer back.
            let tokens = |key: &str| a[key].as_str().unwrap().split_whitespace().map(norm).collect::<Vec<_>>();
            let (with, clean) = (tokens("with_fillers"), tokens("clean"));
            let (mut c, mut f, mut w) = (0, 0, 0);
            while w < with.len() {
                if clean.get(c) == Some(&with[w]) {
                    (c, w) = (c + 1, w + 1);
                } else {
                    let filler: Vec<String> = inserted.get(f).map(|p| p.split(' ').map(String::from).collect()).unwrap_or_default();
                    assert!(!filler.is_empty() && with[w..].starts_with(&filler), "{}: {:?} is neither the clean text nor the next filler", a["id"], with[w]);
                    (f, w) = (f + 1, w + filler.len());
                }
            }
            assert_eq!((c, f), (clean.len(), inserted.len()), "{}", a["id"]);
            assert_eq!(found(a["with_fillers"].as_str().unwrap()), inserted, "{}", a["id"]);
            assert_eq!(found(a["clean"].as_str().unwrap()), Vec::<String>::new(), "{}", a["id"]);
        }
        assert!(set.lines().count() >= 16);
    }

    #[test]
    fn punctuation_only_words_still_break_the_clause() {
        // Whisper sometimes gives a dash or an ellipsis as a word of its own.
        let words = test_words("I — like — rewrote it …");
        assert_eq!(fillers(&words, 60_000).at_least, 1);
        let words = test_words("Tools like Grafana .");
        assert_eq!(fillers(&words, 60_000).at_least, 0);
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

    #[test]
    fn kind_of_and_sort_of_are_hedges_unless_nouns() {
        let w = test_words("It was sort of slow. That is the kind of bug we fear. What sort of team? It kind of worked.");
        let phrases: Vec<_> = hedges(&w, 60_000).hits.into_iter().map(|x| x.phrase).collect();
        assert_eq!(phrases, vec!["sort of", "kind of"]);
        assert_eq!(fillers(&w, 60_000).at_least, 0, "'sort of' is no filler");
    }
}
