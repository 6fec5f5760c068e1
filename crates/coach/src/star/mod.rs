//! STAR coverage: every sentence of a behavioral answer is labelled
//! Situation, Task, Action, Result or nothing by a learned model that reads
//! the sentence and the answer around it ([`model`], trained by [`train`] on
//! the labelled answers of [`dataset`]). Each label keeps what decided it, in
//! words, so the feedback can say why; parts with no sentence are named with
//! what to add. [`rules`] keeps the keyword rules this replaced, as the
//! baseline of the evaluation.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::text::sentences;
use crate::TimedWord;

pub mod dataset;
pub mod features;
pub mod model;
pub mod rules;
pub mod train;

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

/// One sentence and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Labelled {
    pub text: String,
    pub part: Option<StarPart>,
    /// What decided the label, in words: up to three of the sentence's
    /// words or its place in the answer, e.g. `“ended up”, near the end`.
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

/// Labels every sentence of a transcript and names the missing parts.
pub fn report(words: &[TimedWord]) -> StarReport {
    let spans = sentences(words);
    let texts: Vec<String> = spans.iter().map(|span| words[span.start..span.end].iter().map(|w| w.text.trim()).collect::<Vec<_>>().join(" ")).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let m = model::shipped();
    let feats = features::answer(&refs, m.features);
    let decision = m.decide(&m.probabilities_of(&feats));
    let sentences: Vec<Labelled> = texts
        .into_iter()
        .zip(&spans)
        .zip(decision.labels.iter().zip(&feats))
        .map(|((text, span), (part, f))| {
            let cue = part.map(|p| m.explain(f, model::CLASSES.iter().position(|c| *c == Some(p)).unwrap_or(4)));
            Labelled { text, part: *part, cue, start_ms: words[span.start].start_ms }
        })
        .collect();
    let covered: Vec<StarPart> = StarPart::ALL.into_iter().filter(|p| !decision.missing.contains(p)).collect();
    let missing = decision.missing.iter().map(|p| p.advice().to_string()).collect();
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
        // The explanation quotes words of the sentence itself.
        let why = r.sentences[1].cue.as_deref().unwrap_or_default();
        let quoted: Vec<&str> = why.split('\u{201c}').skip(1).filter_map(|q| q.split('\u{201d}').next()).collect();
        assert!(!quoted.is_empty() && quoted.iter().all(|q| r.sentences[1].text.to_lowercase().contains(q)), "{why}");
    }

    #[test]
    fn a_story_without_a_result_is_flagged() {
        let w = test_words("At my last job the deploys kept failing. I was responsible for the pipeline. So I added retries and I fixed the flaky tests.");
        let r = report(&w);
        assert_eq!(r.covered, vec![StarPart::Situation, StarPart::Task, StarPart::Action]);
        assert_eq!(r.missing, vec!["no Result: say what changed, with a number".to_string()]);
    }
}
