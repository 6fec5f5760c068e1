//! The energy gate: whether a clip holds anything that could be speech,
//! decided before the model sees it.

/// An energy gate: speech needs at least 0.3 s of 30 ms frames clearly above
/// the quietest frames of the clip, so silence, a steady hiss or a lone click
/// never reach the model (which would invent text for them).
pub fn has_speech_energy(samples: &[f32]) -> bool {
    const FRAME: usize = 480;
    let mut rms: Vec<f32> = samples
        .chunks(FRAME)
        .filter(|c| c.len() == FRAME)
        .map(|c| (c.iter().map(|x| x * x).sum::<f32>() / FRAME as f32).sqrt())
        .collect();
    if rms.len() < 10 {
        return false;
    }
    let frames = rms.clone();
    rms.sort_by(f32::total_cmp);
    let floor = rms[rms.len() / 10].max(1e-4);
    let loud = frames
        .iter()
        .filter(|&&r| r > 0.01 && r > floor * 4.0)
        .count();
    loud >= 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_energy_gate_rejects_silence_noise_and_clicks_but_not_speechlike_bursts() {
        let n = 16_000 * 3;
        assert!(!has_speech_energy(&vec![0.0; n]));
        // Steady white noise: loud, but no frame stands out from the floor.
        let mut seed = 1u32;
        let noise: Vec<f32> = (0..n)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1u32 << 24) as f32 * 0.6 - 0.3
            })
            .collect();
        assert!(!has_speech_energy(&noise));
        // A 0.2 s click in silence: under 0.3 s of loud frames.
        let mut click = vec![0.0f32; n];
        for (i, x) in click[16_000..19_200].iter_mut().enumerate() {
            *x = 0.8 * ((i as f32) * 0.3).sin();
        }
        assert!(!has_speech_energy(&click));
        // Syllable-like bursts over a quiet floor.
        let bursts: Vec<f32> = (0..n)
            .map(|i| {
                if (i / 3_200) % 2 == 0 {
                    0.3 * ((i as f32) * 0.05).sin()
                } else {
                    0.001
                }
            })
            .collect();
        assert!(has_speech_energy(&bursts));
    }
}
