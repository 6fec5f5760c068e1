//! How a mock interview runs (voice, pace, think time, silence, follow-ups),
//! as the window sends it, and what is out of range.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a mock interview runs. Shared with the window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct InterviewSettings {
    /// The interviewer reads each question (and follow-up) aloud.
    pub speak: bool,
    /// The voice's pace, 0.5 to 2.
    pub speed: f32,
    /// Think time after a question is asked, before recording starts.
    #[ts(type = "number")]
    pub think_ms: u64,
    /// Silence after speech that ends an answer; 0 turns it off (Space only).
    #[ts(type = "number")]
    pub silence_ms: u64,
    /// Ask each question's follow-up, when it has one.
    pub follow_ups: bool,
}

impl Default for InterviewSettings {
    fn default() -> Self {
        InterviewSettings { speak: true, speed: 1.0, think_ms: 3_000, silence_ms: 4_000, follow_ups: true }
    }
}

impl InterviewSettings {
    /// The first setting out of range.
    pub fn check(&self) -> Result<(), SettingsProblem> {
        if !(0.5..=2.0).contains(&self.speed) {
            return Err(SettingsProblem::Speed(self.speed));
        }
        if self.think_ms > MAX_THINK_MS {
            return Err(SettingsProblem::ThinkTime(self.think_ms));
        }
        if self.silence_ms != 0 && !(1_000..=60_000).contains(&self.silence_ms) {
            return Err(SettingsProblem::Silence(self.silence_ms));
        }
        Ok(())
    }
}

/// The longest think time.
const MAX_THINK_MS: u64 = 600_000;

/// A mock interview setting out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsProblem {
    #[error("The voice's speed is {0}; it can be 0.5 to 2.")]
    Speed(f32),
    #[error("The think time is {} s; it can be up to {} s.", .0 / 1000, MAX_THINK_MS / 1000)]
    ThinkTime(u64),
    #[error("The silence that ends an answer is {0} ms; it can be 1 to 60 s, or off.")]
    Silence(u64),
    #[error("A mock interview needs at least one question; pick a wider set of questions.")]
    NoQuestions,
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_setting_out_of_range_is_named() {
        let ok = InterviewSettings::default();
        assert_eq!(ok.check(), Ok(()));
        assert_eq!(InterviewSettings { speed: 2.5, ..ok }.check(), Err(SettingsProblem::Speed(2.5)));
        assert_eq!(InterviewSettings { think_ms: MAX_THINK_MS + 1, ..ok }.check(), Err(SettingsProblem::ThinkTime(MAX_THINK_MS + 1)));
        let e = InterviewSettings { silence_ms: 200, ..ok }.check().unwrap_err();
        assert_eq!(e, SettingsProblem::Silence(200));
        assert!(e.to_string().contains("200 ms; it can be 1 to 60 s"), "{e}");
        // Off is allowed.
        assert_eq!(InterviewSettings { silence_ms: 0, ..ok }.check(), Ok(()));
    }
}
