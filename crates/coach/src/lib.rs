//! Coaching: observable facts about one spoken answer, computed from its
//! transcript (words with times), its audio and the question.
//!
//! Everything here is a pure function: no files, no database, no clock. The
//! facts are reported as counts and times ("3 pauses over 2 s"), never as
//! verdicts about the speaker.
//!
//! - [`text`] normalises words and finds sentences and phrases.
//! - [`pace`] measures words per minute over speaking time and length.
//! - [`fillers`] counts filler words and hedges.
//! - [`pauses`] finds long pauses from word timings and audio energy.
//! - [`star`] labels sentences Situation / Task / Action / Result with a
//!   model learned from labelled answers.
//! - [`points`] checks which key points of a model answer were covered.
//! - [`vocab`] lists the most-used words and the share of "I" and "we".
//! - [`labelled`] reads the labelled data sets that train and measure them.

pub mod fillers;
pub mod labelled;
pub mod pace;
pub mod pauses;
pub mod points;
pub mod star;
pub mod text;
pub mod vocab;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One transcribed word with its times (ms from the start of the recording).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimedWord {
    pub text: String,
    #[ts(type = "number")]
    pub start_ms: i64,
    #[ts(type = "number")]
    pub end_ms: i64,
}

/// What kind of answer is being coached; decides which facts apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Behavioral,
    Technical,
    Coding,
}

/// Settings of an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CoachSettings {
    /// A silence at least this long counts as a pause.
    pub pause_ms: u32,
    /// The target length band, in seconds.
    pub target_min_s: u32,
    pub target_max_s: u32,
}

impl CoachSettings {
    /// Defaults: 2 s pauses; 1–2 minutes for behavioral answers, 30 s to
    /// 2 minutes otherwise.
    pub fn for_kind(kind: AnswerKind) -> CoachSettings {
        let (min, max) = match kind {
            AnswerKind::Behavioral => (60, 120),
            AnswerKind::Technical | AnswerKind::Coding => (30, 120),
        };
        CoachSettings { pause_ms: 2_000, target_min_s: min, target_max_s: max }
    }
}

/// Everything an analysis reads.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub words: &'a [TimedWord],
    /// The recording as 16 kHz mono samples, when it is still on disk.
    pub samples: Option<&'a [f32]>,
    pub duration_ms: i64,
    pub kind: AnswerKind,
    /// The model answer of a technical question, for key-point coverage.
    pub model_answer: Option<&'a str>,
    pub settings: CoachSettings,
}

/// The facts about one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Analysis {
    pub pace: pace::Pace,
    pub length: pace::Length,
    pub fillers: fillers::Counted,
    pub hedges: fillers::Counted,
    pub pauses: Vec<pauses::Pause>,
    pub top_words: Vec<vocab::WordCount>,
    /// Behavioral answers: sentences that speak of "I" and of "we".
    pub voice: Option<vocab::Voice>,
    /// Behavioral answers: each sentence's STAR label and what is missing.
    pub star: Option<star::StarReport>,
    /// Technical answers with a model answer: its key points, covered or not.
    pub key_points: Vec<points::KeyPoint>,
}

/// Analyses one answer.
pub fn analyze(answer: &Answer<'_>) -> Analysis {
    let pauses = pauses::find(answer.words, answer.samples, answer.settings.pause_ms);
    let pace = pace::pace(answer.words, &pauses);
    let behavioral = answer.kind == AnswerKind::Behavioral;
    Analysis {
        length: pace::length(answer.duration_ms, &answer.settings),
        fillers: fillers::fillers(answer.words, pace.speaking_ms),
        hedges: fillers::hedges(answer.words, pace.speaking_ms),
        top_words: vocab::top_words(answer.words, 5),
        voice: behavioral.then(|| vocab::voice(answer.words)),
        star: behavioral.then(|| star::report(answer.words)),
        key_points: match (answer.kind, answer.model_answer) {
            (AnswerKind::Technical, Some(model)) => points::coverage(model, answer.words),
            _ => Vec::new(),
        },
        pace,
        pauses,
    }
}

/// Words spread evenly from `start_ms`, `step_ms` apart (tests).
#[cfg(test)]
pub(crate) fn timed(text: &str, start_ms: i64, step_ms: i64) -> Vec<TimedWord> {
    text.split_whitespace()
        .enumerate()
        .map(|(i, w)| TimedWord { text: w.into(), start_ms: start_ms + i as i64 * step_ms, end_ms: start_ms + i as i64 * step_ms + step_ms * 4 / 5 })
        .collect()
}

/// Words 400 ms apart from 0 (tests).
#[cfg(test)]
pub(crate) fn test_words(text: &str) -> Vec<TimedWord> {
    timed(text, 0, 400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_behavioral_answer_gets_every_behavioral_fact() {
        let words = test_words(
            "At my last job our checkout was slow. My task was to fix it before Black Friday. \
             I profiled the service and I added a cache. As a result latency dropped by 40 percent.",
        );
        let a = analyze(&Answer {
            words: &words,
            samples: None,
            duration_ms: 14_000,
            kind: AnswerKind::Behavioral,
            model_answer: None,
            settings: CoachSettings::for_kind(AnswerKind::Behavioral),
        });
        assert!(a.star.as_ref().unwrap().missing.is_empty(), "{:?}", a.star);
        assert!(a.voice.is_some());
        assert!(a.key_points.is_empty());
        assert_eq!(a.length.verdict, pace::LengthVerdict::Short);
        assert!(a.pauses.is_empty());
    }
}
