//! Joining the transcripts of live stretches into one transcript.
//!
//! Each stretch was transcribed on its own, its times counted from its own
//! start. The stitcher moves them onto the recording's time line and keeps
//! them in order, so the result has the same shape as a single pass over the
//! whole file (and the coaching metrics read it the same way).

use crate::engine::{Segment, Transcript, TranscriptSource};

/// Collects stretch transcripts in the order they were cut.
#[derive(Debug, Default, Clone)]
pub struct Stitcher {
    segments: Vec<Segment>,
    elapsed_ms: u64,
}

impl Stitcher {
    /// The segments of a stretch that starts `offset_ms` into the recording,
    /// moved onto the recording's time line (never before what was already
    /// added), without adding them: a provisional pass over the stretch
    /// still being spoken.
    pub fn place(&self, offset_ms: u32, part: &Transcript) -> Vec<Segment> {
        let floor = self.segments.last().map_or(0, |s| s.end_ms);
        part.segments
            .iter()
            .map(|s| {
                let mut s = s.clone();
                s.start_ms = (s.start_ms + offset_ms).max(floor);
                s.end_ms = (s.end_ms + offset_ms).max(s.start_ms);
                for w in &mut s.words {
                    w.start_ms = (w.start_ms + offset_ms).max(floor);
                    w.end_ms = (w.end_ms + offset_ms).max(w.start_ms);
                }
                s
            })
            .collect()
    }

    /// Adds the transcript of a stretch that starts `offset_ms` into the
    /// recording; returns its segments on the recording's time line.
    pub fn add(&mut self, offset_ms: u32, part: &Transcript) -> Vec<Segment> {
        let moved = self.place(offset_ms, part);
        self.elapsed_ms += part.elapsed_ms as u64;
        self.segments.extend(moved.iter().cloned());
        moved
    }

    /// The text so far.
    pub fn text(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The whole transcript of a recording `audio_ms` long.
    pub fn finish(self, model: &str, audio_ms: u32) -> Transcript {
        Transcript {
            text: self.text(),
            segments: self.segments,
            model: model.to_string(),
            audio_ms,
            elapsed_ms: self.elapsed_ms.min(u32::MAX as u64) as u32,
            source: TranscriptSource::Live,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Word;

    fn part(text: &str, words: &[(&str, u32, u32)], elapsed: u32) -> Transcript {
        let words: Vec<Word> = words
            .iter()
            .map(|&(t, a, b)| Word {
                text: t.into(),
                start_ms: a,
                end_ms: b,
                probability: 0.9,
            })
            .collect();
        Transcript {
            text: text.into(),
            segments: vec![Segment {
                start_ms: words[0].start_ms,
                end_ms: words.last().unwrap().end_ms,
                text: text.into(),
                words,
            }],
            model: "tiny.en".into(),
            audio_ms: 5_000,
            elapsed_ms: elapsed,
            source: TranscriptSource::OnePass,
        }
    }

    #[test]
    fn stretches_land_on_the_recording_time_line_in_order() {
        let mut s = Stitcher::default();
        let first = s.add(
            0,
            &part(
                "I led the move.",
                &[
                    ("I", 100, 200),
                    ("led", 200, 500),
                    ("the", 500, 600),
                    ("move.", 600, 1_000),
                ],
                300,
            ),
        );
        assert_eq!(first[0].words[3].end_ms, 1_000);
        let second = s.add(
            4_260,
            &part(
                "It took a week.",
                &[
                    ("It", 50, 200),
                    ("took", 200, 400),
                    ("a", 400, 450),
                    ("week.", 450, 900),
                ],
                250,
            ),
        );
        assert_eq!((second[0].start_ms, second[0].end_ms), (4_310, 5_160));
        assert_eq!(second[0].words[0].start_ms, 4_310);
        let t = s.finish("tiny.en", 6_000);
        assert_eq!(t.text, "I led the move. It took a week.");
        assert_eq!(
            (t.audio_ms, t.elapsed_ms, t.segments.len()),
            (6_000, 550, 2)
        );
    }

    #[test]
    fn times_never_run_backwards_across_a_cut() {
        let mut s = Stitcher::default();
        s.add(
            0,
            &part("one two", &[("one", 0, 300), ("two", 300, 3_000)], 1),
        );
        let moved = s.add(2_500, &part("three", &[("three", 0, 400)], 1));
        assert_eq!(moved[0].words[0].start_ms, 3_000);
        assert!(moved[0].end_ms >= moved[0].start_ms);
    }
}
