//! Cutting a live recording into stretches of speech at pauses.
//!
//! Audio is looked at in 20 ms frames. A frame is speech when its RMS level
//! is well above the noise floor, which follows the quietest recent frames
//! (it drops at once to a quieter frame and rises slowly), so a fan or a
//! hissing microphone does not count as speech. A stretch is cut in the
//! middle of a pause once it is long enough: short stretches need a clear
//! pause, long ones take the first breath, and one that never pauses is cut
//! at its quietest moment so no stretch outgrows Whisper's 30 s window.
//! Stretches with no speech at all are never emitted.

/// Samples per second of the audio the chunker reads.
const RATE: usize = 16_000;
/// Samples per analysis frame (20 ms).
const FRAME: usize = RATE / 50;

/// When to cut, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkerOptions {
    /// A stretch shorter than this is only cut at a long pause.
    pub min_ms: u32,
    /// The pause that ends a stretch of at least `min_ms`.
    pub pause_ms: u32,
    /// Past this length, a shorter pause (a breath) is enough.
    pub relaxed_after_ms: u32,
    /// The breath-length pause used past `relaxed_after_ms`.
    pub short_pause_ms: u32,
    /// A pause this long ends even a short stretch.
    pub long_pause_ms: u32,
    /// No stretch grows past this; it is cut at its quietest frame.
    pub max_ms: u32,
    /// Speech needed in a stretch before it is worth transcribing.
    pub min_speech_ms: u32,
    /// Silence kept before the first speech of a stretch.
    pub lead_ms: u32,
}

impl Default for ChunkerOptions {
    fn default() -> Self {
        // Measured on espeak answers with tiny.en: stretches of a single
        // short sentence read worse than one pass (39.6 % WER against
        // 22.6 %); at least 6 s with 0.8 s of lead-in gave 30.2 %, and
        // 8–13 s stretches read as well as one pass (see the real-audio test).
        ChunkerOptions {
            min_ms: 6_000,
            pause_ms: 500,
            relaxed_after_ms: 10_000,
            short_pause_ms: 240,
            long_pause_ms: 1_200,
            max_ms: 20_000,
            min_speech_ms: 200,
            lead_ms: 800,
        }
    }
}

/// A finished stretch of the recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// Where it starts in the recording, in samples from the first one.
    pub start_sample: u64,
    pub samples: Vec<f32>,
}

impl Chunk {
    /// Where it starts in the recording, in milliseconds.
    pub fn start_ms(&self) -> u32 {
        (self.start_sample * 1000 / RATE as u64) as u32
    }

    /// How long it is, in milliseconds.
    pub fn len_ms(&self) -> u32 {
        (self.samples.len() as u64 * 1000 / RATE as u64) as u32
    }
}

/// Splits a stream of 16 kHz samples into [`Chunk`]s.
#[derive(Debug)]
pub struct Chunker {
    opts: ChunkerOptions,
    /// The stretch being built.
    buf: Vec<f32>,
    /// The recording position of `buf[0]`.
    start: u64,
    /// Frame levels of `buf`'s whole frames.
    levels: Vec<f32>,
    /// Whether each of those frames is speech.
    speech: Vec<bool>,
    /// Samples of `buf` not yet framed.
    pending: usize,
    floor: Option<f32>,
}

fn ms_frames(ms: u32) -> usize {
    (ms as usize).div_ceil(20)
}

impl Chunker {
    pub fn new(opts: ChunkerOptions) -> Self {
        Chunker {
            opts,
            buf: Vec::new(),
            start: 0,
            levels: Vec::new(),
            speech: Vec::new(),
            pending: 0,
            floor: None,
        }
    }

    /// The recording position up to which samples were pushed.
    pub fn position(&self) -> u64 {
        self.start + self.buf.len() as u64
    }

    /// Adds samples and returns the stretches they complete.
    pub fn push(&mut self, samples: &[f32]) -> Vec<Chunk> {
        let mut out = Vec::new();
        self.buf.extend_from_slice(samples);
        self.pending += samples.len();
        while self.pending >= FRAME {
            let end = self.buf.len() - self.pending + FRAME;
            let frame = &self.buf[end - FRAME..end];
            self.pending -= FRAME;
            let rms = (frame.iter().map(|x| x * x).sum::<f32>() / FRAME as f32).sqrt();
            let is_speech = self.classify(rms);
            self.levels.push(rms);
            self.speech.push(is_speech);
            if let Some(chunk) = self.after_frame() {
                out.push(chunk);
            }
        }
        out
    }

    /// The stretch being spoken, as far as it goes, once it holds
    /// `min_speech_ms` of speech (a provisional transcript of less is mostly
    /// guesswork); it is not taken out of the stream.
    pub fn current(&self, min_speech_ms: u32) -> Option<Chunk> {
        let has_speech = self.speech_frames(self.speech.len()) >= ms_frames(min_speech_ms.max(self.opts.min_speech_ms));
        has_speech.then(|| Chunk { start_sample: self.start, samples: self.buf.clone() })
    }

    /// Ends the stream: the last stretch, if it holds speech.
    pub fn finish(&mut self) -> Option<Chunk> {
        let all = self.speech.len().max(self.buf.len().div_ceil(FRAME));
        self.take(all)
    }

    fn classify(&mut self, rms: f32) -> bool {
        let floor = match self.floor {
            None => rms,
            // Falls at once to a quieter frame; rises by 0.2 % of the gap
            // per frame (about a tenth of the way per second), so the
            // dips between syllables keep it down while someone speaks.
            Some(f) if rms < f => rms,
            Some(f) => f + (rms - f) * 0.002,
        };
        self.floor = Some(floor);
        rms > 0.004 && rms > floor.max(1e-5) * 3.0
    }

    fn speech_frames(&self, upto: usize) -> usize {
        self.speech[..upto].iter().filter(|s| **s).count()
    }

    fn trailing_silence(&self) -> usize {
        self.speech.iter().rev().take_while(|s| !**s).count()
    }

    /// Decides, after each new frame, whether a stretch ends here.
    fn after_frame(&mut self) -> Option<Chunk> {
        let o = &self.opts;
        let frames = self.speech.len();
        let silence = self.trailing_silence();
        if silence == frames {
            // Nothing said yet: keep only the lead-in before speech starts.
            let keep = ms_frames(o.lead_ms);
            if frames > keep {
                self.drop_front(frames - keep);
            }
            return None;
        }
        let len_ms = frames as u32 * 20;
        let enough_speech = self.speech_frames(frames) >= ms_frames(o.min_speech_ms);
        let needed = if len_ms >= o.relaxed_after_ms {
            o.short_pause_ms
        } else if len_ms >= o.min_ms {
            o.pause_ms
        } else {
            o.long_pause_ms
        };
        if enough_speech && silence >= ms_frames(needed) && silence < frames {
            // Cut in the middle of the pause.
            return self.take(frames - silence / 2);
        }
        if len_ms >= o.max_ms {
            // No pause: cut at the quietest frame of the last quarter.
            let from = frames - frames / 4;
            let quietest = (from..frames)
                .min_by(|&a, &b| self.levels[a].total_cmp(&self.levels[b]))
                .unwrap_or(frames);
            return self.take(quietest.max(1));
        }
        None
    }

    /// Removes the first `frames` frames of the stretch without emitting them.
    fn drop_front(&mut self, frames: usize) {
        let n = (frames * FRAME).min(self.buf.len());
        self.buf.drain(..n);
        self.levels.drain(..frames.min(self.levels.len()));
        self.speech.drain(..frames.min(self.speech.len()));
        self.start += n as u64;
    }

    /// Emits the first `frames` frames as a chunk when they hold speech
    /// (otherwise drops them), keeping the rest for the next stretch.
    fn take(&mut self, frames: usize) -> Option<Chunk> {
        let framed = frames.min(self.speech.len());
        let has_speech = self.speech_frames(framed) >= ms_frames(self.opts.min_speech_ms);
        let n = (frames * FRAME).min(self.buf.len());
        let rest = self.buf.split_off(n);
        let samples = std::mem::replace(&mut self.buf, rest);
        let chunk = Chunk {
            start_sample: self.start,
            samples,
        };
        self.start += n as u64;
        self.levels.drain(..framed);
        self.speech.drain(..framed);
        has_speech.then_some(chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ms` of speech-like sound (a tone whose loudness swells and dips
    /// four times a second, like syllables) or of quiet room noise.
    fn sound(ms: u32) -> Vec<f32> {
        (0..ms as usize * 16)
            .map(|i| {
                let t = i as f32 / 16_000.0;
                0.3 * (t * 1_100.0).sin() * (0.55 + 0.45 * (t * std::f32::consts::TAU * 4.0).sin())
            })
            .collect()
    }
    fn quiet(ms: u32) -> Vec<f32> {
        (0..ms as usize * 16)
            .map(|i| 0.001 * ((i as f32) * 1.3).sin())
            .collect()
    }
    /// Shorter stretches than the defaults, so the cases stay small.
    fn opts() -> ChunkerOptions {
        ChunkerOptions { min_ms: 3_000, relaxed_after_ms: 8_000, lead_ms: 300, ..ChunkerOptions::default() }
    }

    fn run(parts: &[Vec<f32>], piece: usize) -> Vec<(u32, u32)> {
        let all: Vec<f32> = parts.concat();
        let mut c = Chunker::new(opts());
        let mut out = Vec::new();
        for p in all.chunks(piece) {
            out.extend(c.push(p));
        }
        out.extend(c.finish());
        // Every chunk is contiguous audio from the recording at its offset.
        for ch in &out {
            let s = ch.start_sample as usize;
            assert_eq!(&all[s..s + ch.samples.len()], &ch.samples[..]);
        }
        out.iter()
            .map(|c| (c.start_ms(), c.len_ms()))
            .collect()
    }

    #[test]
    fn sentences_are_cut_in_the_middle_of_the_pauses_between_them() {
        let got = run(
            &[
                sound(4_000),
                quiet(800),
                sound(5_000),
                quiet(1_000),
                sound(2_000),
            ],
            1_600,
        );
        assert_eq!(got.len(), 3, "{got:?}");
        // The first cut is 250 ms into the first pause, once 500 ms of it passed.
        assert_eq!(got[0], (0, 4_260));
        // Silence after a cut is trimmed to a 300 ms lead-in before the next
        // stretch; the second is cut 250 ms into the second pause.
        assert_eq!(got[1], (4_500, 5_560));
        // The last stretch comes out on finish, with what followed it.
        assert_eq!(got[2], (10_500, 2_300));
    }

    #[test]
    fn the_stretch_being_spoken_is_there_to_preview_and_stays_in_the_stream() {
        let mut c = Chunker::new(ChunkerOptions::default());
        c.push(&quiet(2_000));
        assert!(c.current(0).is_none(), "silence alone has nothing to preview");
        c.push(&sound(3_000));
        assert!(c.current(5_000).is_none(), "not yet that much speech");
        let now = c.current(500).expect("speech so far");
        assert!(c.push(&[]).is_empty());
        // The preview covers the lead-in and the speech, from the stretch's start.
        assert_eq!(now.start_sample + now.samples.len() as u64, c.position());
        assert!(now.samples.len() >= 3_000 * 16);
        let last = c.finish().expect("the stretch itself");
        assert_eq!((last.start_sample, last.samples.len()), (now.start_sample, now.samples.len()));
    }

    #[test]
    fn leading_and_trailing_silence_is_never_emitted_alone() {
        let got = run(&[quiet(5_000), sound(2_000), quiet(6_000)], 3_200);
        assert_eq!(got.len(), 1, "{got:?}");
        let (start, len) = got[0];
        assert_eq!(start, 4_700, "keeps 300 ms of lead-in: {got:?}");
        assert!(len < 4_000, "{got:?}");
        assert!(run(&[quiet(10_000)], 1_000).is_empty());
    }

    #[test]
    fn a_short_phrase_waits_for_a_long_pause_and_a_long_one_takes_a_breath() {
        // 1.5 s then a 600 ms pause: too short to cut at a normal pause.
        let got = run(&[sound(1_500), quiet(600), sound(1_500), quiet(2_000)], 800);
        assert_eq!(got.len(), 1, "{got:?}");
        // 9 s of speech, a 300 ms breath: long enough to cut there.
        let got = run(&[sound(9_000), quiet(300), sound(2_000)], 800);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!((9_100..=9_200).contains(&got[1].0), "{got:?}");
    }

    #[test]
    fn speech_without_pauses_is_cut_before_whisper_s_window_is_full() {
        let mut s = sound(45_000);
        // A quieter moment at 17 s, in the last quarter of 20 s.
        for x in &mut s[17 * 16_000..17 * 16_000 + 320] {
            *x *= 0.01;
        }
        let got = run(&[s], 4_000);
        assert!(got.iter().all(|&(_, len)| len <= 20_000), "{got:?}");
        assert_eq!(got[0], (0, 17_000));
        assert_eq!(got.iter().map(|g| g.1).sum::<u32>(), 45_000);
    }

    #[test]
    fn a_steady_noise_floor_is_not_speech() {
        let hum: Vec<f32> = (0..16_000 * 8)
            .map(|i| 0.05 * ((i as f32) * 0.2).sin())
            .collect();
        let speech: Vec<f32> = sound(3_000).iter().zip(&hum).map(|(a, b)| a + b).collect();
        let got = run(&[hum.clone(), speech, hum], 1_600);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].0 >= 7_000,
            "the hum before the speech is dropped: {got:?}"
        );
    }
}
