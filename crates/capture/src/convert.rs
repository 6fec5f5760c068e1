//! Sample format conversion and down-mixing, used inside the audio callback:
//! nothing here allocates or locks.

use cpal::{FromSample, Sample};

/// Averages each interleaved frame of `data` (with `channels` channels) into
/// one mono `f32` in [-1, 1] and passes it to `push`.
#[inline]
pub fn downmix<T>(data: &[T], channels: usize, mut push: impl FnMut(f32))
where
    T: Sample,
    f32: FromSample<T>,
{
    let channels = channels.max(1);
    let scale = 1.0 / channels as f32;
    for frame in data.chunks_exact(channels) {
        let mut sum = 0.0f32;
        for s in frame {
            sum += s.to_sample::<f32>();
        }
        push(sum * scale);
    }
}

/// A float sample as 16-bit PCM, clipped to the valid range.
#[inline]
pub fn to_i16(x: f32) -> i16 {
    (x.clamp(-1.0, 1.0) * i16::MAX as f32).round() as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mono<T: Sample>(data: &[T], channels: usize) -> Vec<f32>
    where
        f32: FromSample<T>,
    {
        let mut out = Vec::new();
        downmix(data, channels, |x| out.push(x));
        out
    }

    #[test]
    fn integer_formats_map_to_unit_range() {
        assert_eq!(mono(&[i16::MIN, 0i16, 16384], 1), vec![-1.0, 0.0, 0.5]);
        // u16 is offset binary: 32768 is silence.
        assert_eq!(mono(&[0u16, 32768, 65535], 1)[..2], [-1.0, 0.0]);
        assert!((mono(&[65535u16], 1)[0] - 1.0).abs() < 1e-4);
        assert_eq!(mono(&[0.25f32, -0.75], 1), vec![0.25, -0.75]);
        assert!((mono(&[i32::MAX], 1)[0] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn stereo_is_averaged_and_partial_frames_dropped() {
        assert_eq!(mono(&[1.0f32, 0.0, 0.5, 0.5, -1.0, 1.0, 0.9], 2), vec![0.5, 0.5, 0.0]);
        assert_eq!(mono(&[i16::MAX, i16::MIN, 0, 0], 2).len(), 2);
    }

    #[test]
    fn to_i16_clips() {
        assert_eq!(to_i16(2.0), i16::MAX);
        assert_eq!(to_i16(-2.0), -i16::MAX);
        assert_eq!(to_i16(0.0), 0);
        assert_eq!(to_i16(0.5), 16384);
    }
}
