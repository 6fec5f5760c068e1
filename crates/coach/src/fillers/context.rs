//! What the filler rules read around a word: the word lists they consult,
//! and each word's token, the breaks and sentence ends after it and whether
//! it is capitalised ([`Context`]).

use crate::text::norm;
use crate::TimedWord;

use super::{Rule, HESITATIONS};


/// Words that may open a sentence before a filler without making it
/// mid-sentence ("So basically, …", "And you know, …").
pub(super) const LEADS: &[&str] = &["so", "and", "but", "well", "okay", "ok", "oh", "yeah", "yes", "now", "right", "alright"];

/// Conjunctions that start a clause inside a sentence.
pub(super) const CONJUNCTIONS: &[&str] = &["and", "but", "so", "because", "cause", "or", "then"];

/// Words before "like" that make it a verb or a comparison: pronouns,
/// auxiliaries, negations, adverbs, verbs of seeming, indefinite and
/// quantity words, "of" ("to" is handled on its own).
pub(super) const LIKE_HEADS: &[&str] = &[
    "i", "you", "we", "they", "he", "she", "who", "people", "i'd", "you'd", "we'd", "they'd", "he'd", "she'd", "would",
    "wouldn't", "do", "does", "did", "don't", "doesn't", "didn't", "not", "never", "always", "also", "still", "just",
    "really", "might", "may", "will", "won't", "could", "couldn't", "should", "can", "can't", "look", "looks", "looked",
    "looking", "sound", "sounds", "sounded", "seem", "seems", "seemed", "feel", "feels", "felt", "feeling", "act", "acts",
    "acted", "acting", "behave", "behaves", "behaved", "something", "anything", "nothing", "everything", "someone",
    "somebody", "anyone", "much", "more", "less", "most", "exactly", "of", "a", "the", "quite",
];

/// Degree words that follow a filler "like" after "be" ("it was like really
/// slow").
pub(super) const DEGREE: &[&str] = &[
    "really", "very", "so", "super", "totally", "completely", "pretty", "quite", "just", "literally", "actually",
    "basically", "kinda", "extremely", "incredibly", "insanely", "too", "way", "always", "never", "constantly", "crazy",
];

/// Common adjectives of judgement that follow a filler "like" after "be"
/// ("it was like easy"); after "be like" a noun or "-ing" form is a
/// comparison ("it was like chaos", "it's like having a pager").
pub(super) const ADJECTIVES: &[&str] = &[
    "easy", "hard", "difficult", "impossible", "slow", "fast", "quick", "huge", "big", "small", "tiny", "terrible",
    "awful", "great", "good", "bad", "fine", "okay", "insane", "wild", "weird", "scary", "stressful", "painful", "tough",
    "messy", "broken", "done", "ready", "stuck", "confused", "surprised", "worried", "nervous", "happy", "annoyed",
    "frustrated", "exhausted", "late", "early", "obvious", "clear", "simple",
];

/// Verbs and prepositions of quantity before an approximating "like" ("took
/// like twenty minutes").
pub(super) const APPROX_HEADS: &[&str] = &[
    "took", "take", "takes", "taking", "spent", "spend", "spends", "for", "about", "around", "in", "after", "within",
    "over", "under", "only", "maybe", "had", "have", "has", "got", "get", "gets", "lasted", "cost", "costs", "saved",
    "lost", "from", "waited", "there",
];

/// Number words ("one" left out: "like one PR per feature" is an example).
pub(super) const NUMBERS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty",
    "seventy", "eighty", "ninety", "hundred", "thousand", "million", "half", "dozen",
];

/// Words after "like" that make it a preposition or a conjunction of
/// comparison: determiners and object pronouns ("like the others", "like
/// that", "like them").
pub(super) const LIKE_OBJECTS: &[&str] = &[
    "a", "an", "the", "this", "that", "these", "those", "my", "our", "your", "his", "her", "their", "its", "some", "any",
    "every", "each", "many", "most", "all", "other", "another", "such", "what", "which", "me", "him", "us", "them", "it",
    "you", "how", "when", "before", "ours", "yours", "theirs", "mine",
];

pub(super) const SUBJECTS: &[&str] = &["i", "we", "you", "they", "he", "she", "it", "people", "everyone", "somebody"];

/// Verbs after "like <subject>" that make it a comparison ("like I said",
/// "like we planned").
pub(super) const REPORT_VERBS: &[&str] = &[
    "said", "say", "says", "mentioned", "mention", "did", "do", "does", "explained", "described", "planned", "expected",
    "wanted", "suggested", "asked", "promised", "would", "always", "usually", "normally", "used", "showed", "predicted",
    "thought", "told", "agreed", "discussed", "noted",
];

/// Determiners before "kind of" / "sort of" that make it a noun ("the kind
/// of bug").
pub(super) const KIND_DETERMINERS: &[&str] = &[
    "a", "an", "the", "this", "that", "these", "those", "what", "which", "any", "some", "every", "each", "one", "same",
    "different", "other", "another", "new", "right", "wrong", "whatever", "no", "our", "my", "your", "their", "his",
    "her", "its", "certain", "particular", "similar", "first", "last", "only", "whole",
];

/// One occurrence.
/// start time. Words that are only punctuation are folded into the word
/// before them.
pub(super) struct Context {
    pub(super) tokens: Vec<String>,
    pub(super) brk: Vec<bool>,
    pub(super) end: Vec<bool>,
    pub(super) capital: Vec<bool>,
    pub(super) at_ms: Vec<i64>,
}

/// The raw word without closing quotes and brackets.
pub(super) fn bare(raw: &str) -> &str {
    raw.trim_end_matches(['"', '\'', ')', ']', '”', '’'])
}

pub(super) fn is_end(raw: &str) -> bool {
    let w = bare(raw);
    !is_break(raw) && (w.ends_with('.') || w.ends_with('?') || w.ends_with('!'))
}

pub(super) fn is_break(raw: &str) -> bool {
    let w = bare(raw);
    w.ends_with("..") || w.ends_with([',', ';', ':', '-', '—', '–', '…'])
}

impl Context {
    pub(super) fn new(words: &[TimedWord]) -> Context {
        let mut c = Context { tokens: Vec::new(), brk: Vec::new(), end: Vec::new(), capital: Vec::new(), at_ms: Vec::new() };
        for w in words {
            let t = norm(&w.text);
            if t.is_empty() {
                if let (Some(b), Some(e)) = (c.brk.last_mut(), c.end.last_mut()) {
                    *b |= is_break(&w.text);
                    *e |= is_end(&w.text);
                }
                continue;
            }
            c.capital.push(w.text.trim_start_matches(|ch: char| !ch.is_alphanumeric()).starts_with(char::is_uppercase));
            c.tokens.push(t);
            c.brk.push(is_break(&w.text));
            c.end.push(is_end(&w.text));
            c.at_ms.push(w.start_ms);
        }
        c
    }

    pub(super) fn token(&self, k: usize) -> &str {
        self.tokens.get(k).map(String::as_str).unwrap_or("")
    }

    /// The word before `k` in its sentence.
    pub(super) fn prev(&self, k: usize) -> Option<&str> {
        (k > 0 && !self.end[k - 1]).then(|| self.token(k - 1))
    }

    /// The index of the word after `k` in its sentence, hesitations skipped.
    pub(super) fn next(&self, k: usize) -> Option<usize> {
        let mut j = k;
        loop {
            if self.end[j] || j + 1 >= self.tokens.len() {
                return None;
            }
            j += 1;
            if !HESITATIONS.contains(&self.token(j)) {
                return Some(j);
            }
        }
    }

    /// Whether `k` ends its sentence or the transcript.
    pub(super) fn ends(&self, k: usize) -> bool {
        self.end[k] || k + 1 == self.tokens.len()
    }

    pub(super) fn sentence_initial(&self, k: usize) -> bool {
        (0..k).rev().take_while(|&j| !self.end[j]).all(|j| LEADS.contains(&self.token(j)) || HESITATIONS.contains(&self.token(j)))
    }

    pub(super) fn clause_initial(&self, k: usize) -> bool {
        match self.prev(k) {
            None => true,
            Some(p) => self.brk[k - 1] || CONJUNCTIONS.contains(&p) || HESITATIONS.contains(&p) || self.sentence_initial(k),
        }
    }

    /// Whether the phrase at `k..k + len` works as a filler.
    pub(super) fn is_filler(&self, k: usize, len: usize, rule: Rule) -> bool {
        let last = k + len - 1;
        match rule {
            Rule::Hesitation => true,
            Rule::Aside => self.clause_initial(k) && (self.brk[last] || self.ends(last)),
            Rule::Marker => self.sentence_initial(k) || (self.clause_initial(k) && (self.brk[k] || self.ends(k))),
            Rule::Like => self.like_is_filler(k),
        }
    }

    pub(super) fn like_is_filler(&self, k: usize) -> bool {
        let prev = self.prev(k);
        let verb_or_quote = prev.is_some_and(|p| LIKE_HEADS.contains(&p) || is_be(p));
        let comma_before = k > 0 && self.brk[k - 1];
        if (self.brk[k] && (self.clause_initial(k) || !verb_or_quote)) || (comma_before && self.ends(k)) {
            return true;
        }
        let next = self.next(k);
        let next_word = next.map(|j| self.token(j));
        let number = next_word.is_some_and(is_number);
        match prev {
            // "to like" is a verb, except before a number ("dropped to like ten").
            Some("to") => number,
            Some(p) if LIKE_HEADS.contains(&p) => false,
            Some(p) if is_be(p) => next_word.is_some_and(|n| DEGREE.contains(&n) || ADJECTIVES.contains(&n)) || number,
            Some(p) if number && (comma_before || APPROX_HEADS.contains(&p)) => true,
            _ if !(self.sentence_initial(k) || prev.is_some_and(|p| CONJUNCTIONS.contains(&p) || HESITATIONS.contains(&p))) => false,
            _ => match next {
                None => false,
                Some(j) => {
                    let n = self.token(j);
                    let name = self.capital[j] && !n.starts_with("i'") && n != "i";
                    let reported = SUBJECTS.contains(&n) && self.next(j).is_some_and(|v| REPORT_VERBS.contains(&self.token(v)));
                    !(LIKE_OBJECTS.contains(&n) || name || reported)
                }
            },
        }
    }
}

/// A form of "be", or a word ending in one ("it's", "we're").
pub(super) fn is_be(t: &str) -> bool {
    ["is", "was", "were", "are", "am", "be", "been", "being", "isn't", "wasn't", "weren't", "aren't"].contains(&t)
        || t.ends_with("'s")
        || t.ends_with("'re")
        || t.ends_with("'m")
}

pub(super) fn is_number(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_digit()) || NUMBERS.contains(&t)
}
