//! The mel filter bank whisper.cpp expects in a ggml file: 80 triangular
//! filters over the 201 bins of a 400-point FFT at 16 kHz, on the Slaney mel
//! scale with Slaney area normalisation (what `librosa.filters.mel` computes
//! and Whisper ships as `mel_filters.npz`).

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn logstep() -> f64 {
    6.4f64.ln() / 27.0
}

fn hz_to_mel(f: f64) -> f64 {
    if f >= MIN_LOG_HZ {
        MIN_LOG_MEL + (f / MIN_LOG_HZ).ln() / logstep()
    } else {
        f / F_SP
    }
}

fn mel_to_hz(m: f64) -> f64 {
    if m >= MIN_LOG_MEL {
        MIN_LOG_HZ * (logstep() * (m - MIN_LOG_MEL)).exp()
    } else {
        F_SP * m
    }
}

/// `n_mels × (n_fft / 2 + 1)` weights, row by row.
pub fn filters(sample_rate: u32, n_fft: usize, n_mels: usize) -> Vec<f32> {
    let n_bins = n_fft / 2 + 1;
    let sr = sample_rate as f64;
    let fft_freqs: Vec<f64> = (0..n_bins).map(|i| i as f64 * (sr / 2.0) / (n_bins - 1) as f64).collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sr / 2.0));
    let mel_f: Vec<f64> = (0..n_mels + 2).map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64)).collect();
    let mut out = vec![0f32; n_mels * n_bins];
    for m in 0..n_mels {
        let (left, centre, right) = (mel_f[m], mel_f[m + 1], mel_f[m + 2]);
        let enorm = 2.0 / (right - left);
        for (k, &f) in fft_freqs.iter().enumerate() {
            let lower = (f - left) / (centre - left);
            let upper = (right - f) / (right - centre);
            let w = lower.min(upper).max(0.0);
            out[m * n_bins + k] = (w * enorm) as f32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_librosa_reference_values() {
        let f = filters(16_000, 400, 80);
        assert_eq!(f.len(), 80 * 201);
        // Reference values from Whisper's own assets/mel_filters.npz (mel_80).
        assert!((f[1] - 0.024_862_595).abs() < 1e-6, "{}", f[1]);
        assert!((f[201 + 2] - 0.022_871_772).abs() < 1e-6, "{}", f[203]);
        assert!((f[79 * 201 + 199] - 0.000_448_759).abs() < 1e-7, "{}", f[79 * 201 + 199]);
        assert_eq!(f[0], 0.0);
        let sum: f32 = f.iter().sum();
        assert!((sum - 1.999_024_2).abs() < 1e-4, "{sum}");
        // Every filter has some weight and the last ones sit near 8 kHz.
        for m in 0..80 {
            assert!(f[m * 201..(m + 1) * 201].iter().any(|&w| w > 0.0), "filter {m} is empty");
        }
        assert!(f[79 * 201 + 199] > 0.0);
    }

    #[test]
    fn the_scale_round_trips() {
        for hz in [0.0, 500.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-6);
        }
    }
}
