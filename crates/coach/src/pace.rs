//! Pace and length: words per minute over the time spent speaking (long
//! pauses left out), against the 130–160 band; and the answer's length
//! against its target.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::pauses::Pause;
use crate::{CoachSettings, TimedWord};

/// The comfortable pace band for interview answers, in words per minute.
pub const PACE_BAND: (u32, u32) = (130, 160);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaceVerdict {
    Slower,
    InBand,
    Faster,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Pace {
    pub words: u32,
    /// From the first word to the last, minus long pauses.
    #[ts(type = "number")]
    pub speaking_ms: i64,
    /// Words per minute over speaking time; 0 when nothing was said.
    pub wpm: f64,
    pub band_min: u32,
    pub band_max: u32,
    pub verdict: PaceVerdict,
}

pub fn pace(words: &[TimedWord], pauses: &[Pause]) -> Pace {
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return Pace { words: 0, speaking_ms: 0, wpm: 0.0, band_min: PACE_BAND.0, band_max: PACE_BAND.1, verdict: PaceVerdict::InBand };
    };
    let span = (last.end_ms - first.start_ms).max(0);
    let paused: i64 = pauses.iter().map(|p| p.end_ms - p.start_ms).sum();
    let speaking_ms = (span - paused).max(1);
    let wpm = words.len() as f64 / (speaking_ms as f64 / 60_000.0);
    let verdict = if wpm < PACE_BAND.0 as f64 {
        PaceVerdict::Slower
    } else if wpm > PACE_BAND.1 as f64 {
        PaceVerdict::Faster
    } else {
        PaceVerdict::InBand
    };
    Pace { words: words.len() as u32, speaking_ms, wpm, band_min: PACE_BAND.0, band_max: PACE_BAND.1, verdict }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LengthVerdict {
    Short,
    InBand,
    Long,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Length {
    #[ts(type = "number")]
    pub duration_ms: i64,
    pub target_min_s: u32,
    pub target_max_s: u32,
    pub verdict: LengthVerdict,
}

pub fn length(duration_ms: i64, settings: &CoachSettings) -> Length {
    let verdict = if duration_ms < i64::from(settings.target_min_s) * 1000 {
        LengthVerdict::Short
    } else if duration_ms > i64::from(settings.target_max_s) * 1000 {
        LengthVerdict::Long
    } else {
        LengthVerdict::InBand
    };
    Length { duration_ms, target_min_s: settings.target_min_s, target_max_s: settings.target_max_s, verdict }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{timed, AnswerKind};

    fn n_words(n: usize) -> String {
        vec!["word"; n].join(" ")
    }

    #[test]
    fn one_hundred_fifty_words_over_sixty_seconds_is_150_wpm() {
        // 150 words 400 ms apart: the last ends at 149 × 400 + 320 = 59 920 ms.
        let words = timed(&n_words(150), 0, 400);
        let p = pace(&words, &[]);
        assert_eq!(p.words, 150);
        assert!((p.wpm - 150.2).abs() < 0.1, "{}", p.wpm);
        assert_eq!(p.verdict, PaceVerdict::InBand);
    }

    #[test]
    fn long_pauses_do_not_count_as_speaking_time() {
        let mut words = timed(&n_words(60), 0, 500);
        let later = timed(&n_words(60), 40_000, 500);
        words.extend(later);
        let pause = Pause { start_ms: 29_900, end_ms: 40_000 };
        let p = pace(&words, &[pause]);
        // 69 900 ms from first word to last, minus the 10 100 ms pause.
        assert_eq!(p.speaking_ms, 59_800);
        assert!((p.wpm - 120.4).abs() < 0.05, "{}", p.wpm);
        assert_eq!(p.verdict, PaceVerdict::Slower);
        assert_eq!(pace(&[], &[]).wpm, 0.0);
    }

    #[test]
    fn length_is_judged_against_the_kind_of_question() {
        let b = CoachSettings::for_kind(AnswerKind::Behavioral);
        assert_eq!(length(45_000, &b).verdict, LengthVerdict::Short);
        assert_eq!(length(90_000, &b).verdict, LengthVerdict::InBand);
        assert_eq!(length(130_000, &b).verdict, LengthVerdict::Long);
        assert_eq!(length(45_000, &CoachSettings::for_kind(AnswerKind::Technical)).verdict, LengthVerdict::InBand);
    }
}
