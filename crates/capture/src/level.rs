//! Loudness of the incoming audio, for the level meter and the muted-mic warning.

/// Peak and RMS of one block, both in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Level {
    pub peak: f32,
    pub rms: f32,
}

/// Below this RMS (about −50 dBFS) a block counts as silence.
pub const SILENCE_RMS: f32 = 0.003;

/// Accumulates samples into blocks and reports each block's level.
#[derive(Debug, Default)]
pub struct LevelMeter {
    peak: f32,
    sum_sq: f64,
    n: usize,
}

impl LevelMeter {
    pub fn add(&mut self, samples: &[f32]) {
        for &s in samples {
            self.peak = self.peak.max(s.abs());
            self.sum_sq += (s as f64) * (s as f64);
        }
        self.n += samples.len();
    }

    /// The level since the last call, and a reset. `None` when nothing came in.
    pub fn take(&mut self) -> Option<Level> {
        if self.n == 0 {
            return None;
        }
        let level = Level { peak: self.peak.min(1.0), rms: ((self.sum_sq / self.n as f64).sqrt() as f32).min(1.0) };
        *self = LevelMeter::default();
        Some(level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_peak_and_rms_per_block() {
        let mut m = LevelMeter::default();
        assert_eq!(m.take(), None);
        m.add(&[0.5, -0.5, 0.5, -0.5]);
        let l = m.take().unwrap();
        assert_eq!(l.peak, 0.5);
        assert!((l.rms - 0.5).abs() < 1e-6);
        m.add(&[0.0; 100]);
        assert!(m.take().unwrap().rms < SILENCE_RMS);
    }
}
