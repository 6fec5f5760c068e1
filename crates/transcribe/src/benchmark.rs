//! A short spoken answer shipped with the app (made with espeak-ng) and its
//! text, so every installed model can be measured on this machine: word
//! error rate and real-time factor on the same clip.

/// 16 kHz mono 16-bit WAV, about 9 s.
pub const CLIP_WAV: &[u8] = include_bytes!("../assets/benchmark.wav");

/// What the clip says.
pub const CLIP_TEXT: &str = include_str!("../assets/benchmark.txt");

#[cfg(test)]
mod tests {
    #[test]
    fn the_clip_is_a_16k_mono_wav_of_the_text() {
        let r = hound::WavReader::new(std::io::Cursor::new(super::CLIP_WAV)).unwrap();
        assert_eq!((r.spec().sample_rate, r.spec().channels), (16_000, 1));
        assert!(r.duration() > 16_000 * 5);
        assert!(super::CLIP_TEXT.split_whitespace().count() > 20);
    }
}
