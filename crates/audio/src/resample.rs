//! Streaming conversion of mono audio at the device's rate to 16 kHz (or,
//! for playback, from a voice's rate to the device's), with
//! `rubato`'s FFT resampler. Input arrives in arbitrary pieces; the output is
//! exactly `round(input_len × 16000 / rate)` samples once [`finish`] is called,
//! with the resampler's start-up delay trimmed, so durations stay true.
//!
//! [`finish`]: StreamResampler::finish

use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

use crate::TARGET_RATE;

/// Why the resampler could not be made or run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResampleError {
    #[error("the device reports a sample rate of 0 Hz")]
    ZeroRate,
    #[error("the resampler failed: {0}")]
    Failed(String),
}

const CHUNK: usize = 1024;

pub struct StreamResampler {
    inner: Option<Fft<f32>>,
    in_rate: u32,
    out_rate: u32,
    pending: Vec<f32>,
    out: Vec<f32>,
    to_skip: usize,
    in_total: u64,
    out_total: u64,
}

impl StreamResampler {
    /// A resampler from `in_rate` Hz to 16 kHz (a pass-through at 16 kHz).
    pub fn new(in_rate: u32) -> Result<Self, ResampleError> {
        Self::between(in_rate, TARGET_RATE)
    }

    /// A resampler from `in_rate` to `out_rate` Hz (a pass-through when equal).
    pub fn between(in_rate: u32, out_rate: u32) -> Result<Self, ResampleError> {
        if in_rate == 0 || out_rate == 0 {
            return Err(ResampleError::ZeroRate);
        }
        let inner = if in_rate == out_rate {
            None
        } else {
            Some(
                Fft::<f32>::new(in_rate as usize, out_rate as usize, CHUNK, 1, FixedSync::Input)
                    .map_err(|e| ResampleError::Failed(e.to_string()))?,
            )
        };
        let (out, to_skip) = match &inner {
            Some(r) => (vec![0.0; r.output_frames_max()], r.output_delay()),
            None => (Vec::new(), 0),
        };
        Ok(StreamResampler {
            inner,
            in_rate,
            out_rate,
            pending: Vec::with_capacity(CHUNK * 4),
            out,
            to_skip,
            in_total: 0,
            out_total: 0,
        })
    }

    /// The number of output samples the input so far corresponds to.
    pub fn expected_output(&self) -> u64 {
        (self.in_total * self.out_rate as u64 + self.in_rate as u64 / 2) / self.in_rate as u64
    }

    /// All of `input` at the output rate, in one call.
    pub fn convert(in_rate: u32, out_rate: u32, input: &[f32]) -> Result<Vec<f32>, ResampleError> {
        let mut r = Self::between(in_rate, out_rate)?;
        let mut out = Vec::with_capacity((input.len() as u64 * out_rate as u64 / in_rate as u64) as usize + 16);
        let mut sink = |piece: &[f32]| -> Result<(), ResampleError> {
            out.extend_from_slice(piece);
            Ok(())
        };
        r.push(input, &mut sink)?;
        r.finish(&mut sink)?;
        Ok(out)
    }

    /// Feeds `input`; calls `sink` with every piece of output produced.
    pub fn push<E: From<ResampleError>>(&mut self, input: &[f32], sink: &mut impl FnMut(&[f32]) -> Result<(), E>) -> Result<(), E> {
        self.in_total += input.len() as u64;
        if self.inner.is_none() {
            self.out_total += input.len() as u64;
            return sink(input);
        }
        self.pending.extend_from_slice(input);
        loop {
            let need = self.inner.as_ref().map(|r| r.input_frames_next()).unwrap_or(usize::MAX);
            if self.pending.len() < need {
                return Ok(());
            }
            self.process(need, None, sink)?;
        }
    }

    /// Flushes what is left, so the total output matches the input duration.
    pub fn finish<E: From<ResampleError>>(&mut self, sink: &mut impl FnMut(&[f32]) -> Result<(), E>) -> Result<(), E> {
        if self.inner.is_none() {
            return Ok(());
        }
        let expected = self.expected_output();
        let mut guard = 0;
        while self.out_total < expected && guard < 64 {
            let need = self.inner.as_ref().map(|r| r.input_frames_next()).unwrap_or(0);
            let have = self.pending.len().min(need);
            self.pending.resize(need, 0.0);
            self.process(need, Some(have), sink)?;
            guard += 1;
        }
        self.pending.clear();
        Ok(())
    }

    fn process<E: From<ResampleError>>(
        &mut self,
        need: usize,
        partial: Option<usize>,
        sink: &mut impl FnMut(&[f32]) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some(r) = self.inner.as_mut() else { return Ok(()) };
        let input = InterleavedSlice::new(&self.pending[..need], 1, need).map_err(|e| ResampleError::Failed(e.to_string()))?;
        let frames_out = self.out.len();
        let mut output =
            InterleavedSlice::new_mut(&mut self.out[..], 1, frames_out).map_err(|e| ResampleError::Failed(e.to_string()))?;
        let indexing = partial.map(|n| Indexing { input_offset: 0, output_offset: 0, partial_len: Some(n), active_channels_mask: None });
        let (used, written) = r
            .process_into_buffer(&input, &mut output, indexing.as_ref())
            .map_err(|e| ResampleError::Failed(e.to_string()))?;
        self.pending.drain(..used.min(self.pending.len()));
        let skip = self.to_skip.min(written);
        self.to_skip -= skip;
        let mut piece = &self.out[skip..written];
        // Never emit more than the input duration accounts for.
        let room = self.expected_output().saturating_sub(self.out_total) as usize;
        if partial.is_some() && piece.len() > room {
            piece = &piece[..room];
        }
        self.out_total += piece.len() as u64;
        if piece.is_empty() {
            return Ok(());
        }
        sink(piece)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, freq: f32, secs: f32) -> Vec<f32> {
        (0..(rate as f32 * secs) as usize).map(|i| 0.5 * (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin()).collect()
    }

    fn run(rate: u32, input: &[f32], piece: usize) -> Vec<f32> {
        let mut r = StreamResampler::new(rate).unwrap();
        let mut out = Vec::new();
        for chunk in input.chunks(piece) {
            r.push(chunk, &mut |p| {
                out.extend_from_slice(p);
                Ok::<(), ResampleError>(())
            })
            .unwrap();
        }
        r.finish(&mut |p| {
            out.extend_from_slice(p);
            Ok::<(), ResampleError>(())
        })
        .unwrap();
        out
    }

    /// Frequency estimated from zero crossings (away from the edges).
    fn frequency(signal: &[f32], rate: u32) -> f32 {
        let s = &signal[signal.len() / 10..signal.len() * 9 / 10];
        let crossings = s.windows(2).filter(|w| w[0] <= 0.0 && w[1] > 0.0).count();
        crossings as f32 * rate as f32 / s.len() as f32
    }

    #[test]
    fn a_440_hz_tone_keeps_its_pitch_and_length() {
        for rate in [48_000, 44_100, 22_050, 16_000] {
            let input = tone(rate, 440.0, 2.0);
            // Odd piece sizes, like a real device delivers.
            let out = run(rate, &input, 441);
            let expected = (input.len() as u64 * 16_000 + rate as u64 / 2) / rate as u64;
            assert_eq!(out.len() as u64, expected, "length at {rate} Hz");
            let f = frequency(&out, 16_000);
            assert!((f - 440.0).abs() < 3.0, "{rate} Hz → {f} Hz");
            let rms = (out.iter().map(|x| x * x).sum::<f32>() / out.len() as f32).sqrt();
            assert!((rms - 0.3535).abs() < 0.03, "amplitude kept at {rate} Hz: rms {rms}");
        }
    }

    #[test]
    fn the_start_is_not_delayed() {
        // A click at 0.5 s must still be at 0.5 s after resampling.
        let rate = 48_000;
        let mut input = vec![0.0f32; rate as usize];
        for x in &mut input[24_000..24_048] {
            *x = 0.9;
        }
        let out = run(rate, &input, 1000);
        let peak = out.iter().enumerate().max_by(|a, b| a.1.abs().total_cmp(&b.1.abs())).unwrap().0;
        assert!((peak as i64 - 8_000).abs() < 40, "click moved to sample {peak}");
    }

    #[test]
    fn short_inputs_and_zero_rate() {
        assert_eq!(run(48_000, &[0.1; 30], 7).len(), 10);
        assert!(run(44_100, &[], 1).is_empty());
        assert!(StreamResampler::new(0).is_err());
    }

    #[test]
    fn a_voice_at_22050_hz_plays_at_48000_with_its_pitch_and_length() {
        let input = tone(22_050, 300.0, 1.5);
        let out = StreamResampler::convert(22_050, 48_000, &input).unwrap();
        assert_eq!(out.len() as u64, (input.len() as u64 * 48_000 + 11_025) / 22_050);
        let f = frequency(&out, 48_000);
        assert!((f - 300.0).abs() < 3.0, "{f} Hz");
        assert_eq!(StreamResampler::convert(48_000, 48_000, &input).unwrap(), input);
        assert!(StreamResampler::between(22_050, 0).is_err());
    }
}
