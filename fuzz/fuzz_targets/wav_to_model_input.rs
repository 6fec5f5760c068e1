//! Bytes as a WAV recording, through everything Starling does before the
//! model sees it: `decode_wav` never panics, and what it accepts is finite,
//! 16 kHz mono, and no longer than the duration limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use starling_transcribe::audio::{decode_wav, MAX_SECONDS, MODEL_RATE};

fuzz_target!(|data: &[u8]| {
    if let Ok(samples) = decode_wav(data, data.len() as u64) {
        // The resampler may add a little at the end of the last block.
        assert!(samples.len() as u64 <= MAX_SECONDS * u64::from(MODEL_RATE) + 4_096, "{} samples", samples.len());
        assert!(samples.iter().all(|s| s.is_finite()), "a sample the model gets is not a number");
        // The model's input: the energy gate and the encoder context run on it.
        let _ = starling_transcribe::engine::has_speech_energy(&samples);
        let _ = starling_transcribe::engine::audio_ctx_for(samples.len());
    }
});
