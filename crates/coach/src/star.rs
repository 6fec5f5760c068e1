//! STAR coverage: every sentence of a behavioral answer is labelled
//! Situation, Task, Action or Result by cue phrases (and a number for
//! results), or left unlabelled. Each label keeps the cue that set it, so the
//! feedback can say why; parts with no sentence are named with what to add.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::text::{find_phrase, sentences, tokens};
use crate::TimedWord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StarPart {
    Situation,
    Task,
    Action,
    Result,
}

impl StarPart {
    pub const ALL: [StarPart; 4] = [StarPart::Situation, StarPart::Task, StarPart::Action, StarPart::Result];

    /// What to add when an answer has no sentence of this part.
    pub fn advice(self) -> &'static str {
        match self {
            StarPart::Situation => "no Situation: say where and when it happened, in a sentence or two",
            StarPart::Task => "no Task: say what you were responsible for",
            StarPart::Action => "no Action: say what you did, in the first person",
            StarPart::Result => "no Result: say what changed, with a number",
        }
    }
}

const SITUATION: &[&str] = &[
    "at my last job", "at my previous", "at my current", "when i was", "we were", "we had", "there was", "there were",
    "the situation", "the context", "our team", "the team", "the company", "years ago", "last year", "back in",
    "i was working", "i worked at", "the problem was", "the issue was", "our product", "our service",
];
const TASK: &[&str] = &[
    "my task", "my job was", "my role", "i was responsible", "i was asked", "i needed to", "i had to", "we needed to",
    "we had to", "the goal was", "our goal", "my goal", "the task", "i was tasked", "i owned", "i was in charge",
];
const ACTION: &[&str] = &[
    "i decided", "so i", "then i", "first i", "i started", "i built", "i wrote", "i added", "i implemented", "i created",
    "i set up", "i reproduced", "i talked", "i met", "i proposed", "i changed", "i moved", "i fixed", "i led",
    "i organized", "i reached out", "i worked with", "i broke", "i measured", "i profiled", "i used", "i introduced",
    "i refactored", "i migrated", "i investigated", "i analyzed", "i analysed", "i paired", "i tested", "i rolled",
];
const RESULT: &[&str] = &[
    "as a result", "in the end", "the result", "result was", "which reduced", "which cut", "we shipped", "we launched",
    "reduced", "improved", "increased", "decreased", "saved", "dropped", "went from", "i learned", "we learned",
    "since then", "the outcome", "faster", "no longer", "on time",
];

/// One sentence and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Labelled {
    pub text: String,
    pub part: Option<StarPart>,
    /// The phrase that decided the label, e.g. "my task" or "a number".
    pub cue: Option<String>,
    #[ts(type = "number")]
    pub start_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StarReport {
    pub sentences: Vec<Labelled>,
    /// Parts with at least one sentence.
    pub covered: Vec<StarPart>,
    /// What to add, one line per missing part.
    pub missing: Vec<String>,
}

fn has_number(tokens: &[String]) -> bool {
    tokens.iter().any(|t| t.chars().any(|c| c.is_ascii_digit()) || ["percent", "half", "twice", "double", "doubled", "tripled"].contains(&t.as_str()))
}

/// The best label for one sentence, with its cue. A cue phrase scores 2, a
/// number 1 (towards Result), and "I" before a verb in the past tense 1
/// (towards Action); on a tie the later part of the story wins.
pub fn label(tokens: &[String]) -> Option<(StarPart, String)> {
    let mut best: Option<(StarPart, u32, String)> = None;
    for (part, cues) in [(StarPart::Situation, SITUATION), (StarPart::Task, TASK), (StarPart::Action, ACTION), (StarPart::Result, RESULT)] {
        let mut score = 0;
        let mut cue = None;
        for c in cues {
            let words: Vec<&str> = c.split(' ').collect();
            if !find_phrase(tokens, &words).is_empty() {
                score += 2;
                cue.get_or_insert_with(|| c.to_string());
            }
        }
        if part == StarPart::Result && has_number(tokens) {
            score += 1;
            cue.get_or_insert_with(|| "a number".to_string());
        }
        if part == StarPart::Action && tokens.windows(2).any(|w| w[0] == "i" && w[1].len() > 3 && w[1].ends_with("ed")) {
            score += 1;
            cue.get_or_insert_with(|| "\"I\" and a past-tense verb".to_string());
        }
        if score > 0 && best.as_ref().is_none_or(|(_, s, _)| score >= *s) {
            best = cue.map(|c| (part, score, c));
        }
    }
    best.map(|(p, _, c)| (p, c))
}

pub fn report(words: &[TimedWord]) -> StarReport {
    let sentences: Vec<Labelled> = sentences(words)
        .into_iter()
        .map(|span| {
            let t = tokens(words, span);
            let label = label(&t);
            Labelled {
                text: words[span.start..span.end].iter().map(|w| w.text.trim()).collect::<Vec<_>>().join(" "),
                part: label.as_ref().map(|l| l.0),
                cue: label.map(|l| l.1),
                start_ms: words[span.start].start_ms,
            }
        })
        .collect();
    let covered: Vec<StarPart> = StarPart::ALL.into_iter().filter(|p| sentences.iter().any(|s| s.part == Some(*p))).collect();
    let missing = StarPart::ALL.into_iter().filter(|p| !covered.contains(p)).map(|p| p.advice().to_string()).collect();
    StarReport { sentences, covered, missing }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_words;

    #[test]
    fn a_complete_story_has_all_four_parts() {
        let w = test_words(
            "Two years ago our team ran the billing service. My task was to cut the nightly job's runtime. \
             I profiled it and I rewrote the slowest query. As a result the job went from 3 hours to 20 minutes.",
        );
        let r = report(&w);
        let parts: Vec<_> = r.sentences.iter().map(|s| s.part).collect();
        assert_eq!(parts, vec![Some(StarPart::Situation), Some(StarPart::Task), Some(StarPart::Action), Some(StarPart::Result)]);
        assert!(r.missing.is_empty());
        assert_eq!(r.sentences[1].cue.as_deref(), Some("my task"));
    }

    #[test]
    fn a_story_without_a_result_is_flagged() {
        let w = test_words("At my last job the deploys kept failing. I was responsible for the pipeline. So I added retries and I fixed the flaky tests.");
        let r = report(&w);
        assert_eq!(r.covered, vec![StarPart::Situation, StarPart::Task, StarPart::Action]);
        assert_eq!(r.missing, vec!["no Result: say what changed, with a number".to_string()]);
    }

    #[test]
    fn sentences_without_cues_stay_unlabelled_and_numbers_lean_to_result() {
        let t = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(label(&t("it was a monday")), None);
        assert_eq!(label(&t("errors fell 80 percent")).map(|l| l.0), Some(StarPart::Result));
        assert_eq!(label(&t("i rewrote it and i deployed the fix")).map(|l| l.1), Some("\"I\" and a past-tense verb".to_string()));
    }
}
