//! Long pauses: silences inside the answer (not before the first word or
//! after the last) at least as long as the threshold. With the audio at hand
//! the silence is measured on the signal itself (10 ms frames against the
//! recording's own noise floor), which is more precise than word timings;
//! without it, the gaps between words are used.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::TimedWord;

/// Samples per second of the audio this module reads.
pub const RATE: usize = 16_000;
const FRAME: usize = RATE / 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Pause {
    #[ts(type = "number")]
    pub start_ms: i64,
    #[ts(type = "number")]
    pub end_ms: i64,
}

impl Pause {
    pub fn duration_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }
}

/// The pauses of an answer.
pub fn find(words: &[TimedWord], samples: Option<&[f32]>, threshold_ms: u32) -> Vec<Pause> {
    match samples {
        Some(s) if !s.is_empty() => from_audio(s, words, threshold_ms),
        _ => from_words(words, threshold_ms),
    }
}

/// Gaps between consecutive words.
pub fn from_words(words: &[TimedWord], threshold_ms: u32) -> Vec<Pause> {
    words
        .windows(2)
        .filter_map(|w| {
            let p = Pause { start_ms: w[0].end_ms, end_ms: w[1].start_ms };
            (p.duration_ms() >= i64::from(threshold_ms)).then_some(p)
        })
        .collect()
}

/// Silent stretches of the signal between the first and the last sound.
/// Speech is a frame clearly above the noise floor (the 10th percentile of
/// frame energy), so a steady hum or hiss does not hide a pause.
pub fn from_audio(samples: &[f32], words: &[TimedWord], threshold_ms: u32) -> Vec<Pause> {
    let rms: Vec<f32> = samples.chunks(FRAME).map(|f| (f.iter().map(|x| x * x).sum::<f32>() / f.len() as f32).sqrt()).collect();
    if rms.is_empty() {
        return Vec::new();
    }
    let mut sorted = rms.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let floor = sorted[sorted.len() / 10];
    let loudest = sorted[sorted.len() - 1];
    // Halfway (in dB) between the floor and the loudest frame, and at least
    // well above digital silence.
    let level = (floor.max(1e-5) * loudest.max(1e-5)).sqrt().max(floor * 4.0).max(0.003);
    let voiced: Vec<bool> = rms.iter().map(|r| *r > level).collect();
    let (Some(first), Some(last)) = (voiced.iter().position(|v| *v), voiced.iter().rposition(|v| *v)) else {
        return Vec::new();
    };
    // Only the part the words cover counts when the words are known, so
    // breathing before the answer is not a pause.
    let (lo, hi) = match (words.first(), words.last()) {
        (Some(a), Some(b)) => ((a.start_ms / 10).max(first as i64) as usize, ((b.end_ms / 10) as usize).min(last)),
        _ => (first, last),
    };
    let min_frames = (threshold_ms as usize).div_ceil(10);
    let mut out = Vec::new();
    let mut run_start: Option<usize> = None;
    for (i, v) in voiced.iter().enumerate().take(hi + 1).skip(lo) {
        match (v, run_start) {
            (false, None) => run_start = Some(i),
            (true, Some(s)) => {
                if i - s >= min_frames {
                    out.push(Pause { start_ms: s as i64 * 10, end_ms: i as i64 * 10 });
                }
                run_start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timed;

    /// A tone burst of `ms` at 0.3 amplitude, or low noise for silence.
    fn signal(parts: &[(bool, usize)]) -> Vec<f32> {
        let mut out = Vec::new();
        let mut seed = 7u32;
        for (loud, ms) in parts {
            for i in 0..ms * RATE / 1000 {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                out.push(if *loud { 0.3 * (i as f32 * 0.2).sin() + 0.002 * noise } else { 0.002 * noise });
            }
        }
        out
    }

    #[test]
    fn word_gaps_over_the_threshold_are_pauses() {
        let mut words = timed("one two three", 0, 400);
        words.extend(timed("four five", 4_000, 400));
        assert_eq!(from_words(&words, 2_000), vec![Pause { start_ms: 1_120, end_ms: 4_000 }]);
        assert!(from_words(&words, 3_000).is_empty());
    }

    #[test]
    fn silences_in_the_audio_are_found_to_the_frame() {
        // 0.5 s quiet, 1 s speech, 2.5 s quiet, 1 s speech, 1.2 s quiet, 1 s speech, 3 s quiet.
        let audio = signal(&[(false, 500), (true, 1000), (false, 2500), (true, 1000), (false, 1200), (true, 1000), (false, 3000)]);
        let pauses = from_audio(&audio, &[], 2_000);
        assert_eq!(pauses, vec![Pause { start_ms: 1_500, end_ms: 4_000 }], "leading, trailing and short silences are not pauses");
        assert_eq!(from_audio(&audio, &[], 1_000).len(), 2);
        assert!(from_audio(&signal(&[(false, 3000)]), &[], 2_000).is_empty());
    }
}
