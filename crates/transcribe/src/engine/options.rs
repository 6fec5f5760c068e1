//! How to transcribe: [`TranscribeOptions`], their defaults for interview
//! answers, and their checks against what whisper.cpp accepts.

/// How to transcribe.
#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    pub language: String,
    /// `None`: greedy decoding; `Some(n)`: beam search of width n.
    pub beam_size: Option<usize>,
    pub threads: usize,
    /// A short prompt that keeps fillers ("um", "uh") in the text.
    pub initial_prompt: Option<String>,
    /// Segments the model thinks are more likely silence than speech are dropped.
    pub no_speech_threshold: f32,
    /// Encoder positions to use (`None`: all 1500, a full 30 s window). A
    /// short stretch of speech needs only its own length, which makes the
    /// encoder proportionally faster; see [`audio_ctx_for`].
    pub audio_ctx: Option<u32>,
    /// Decode a segment again at higher temperatures when its text looks
    /// like a loop or the model is unsure (whisper.cpp's fallback). Worth
    /// it for text that is kept; a preview is replaced a second later.
    pub temperature_fallback: bool,
    /// The most tokens one segment may have (`None`: whisper.cpp's own
    /// limit), which bounds the time a looping decoder can take.
    pub max_tokens: Option<u32>,
}

/// The encoder positions that cover `samples` of 16 kHz audio with a second
/// to spare (Whisper's encoder has 50 positions per second), or `None` when
/// the audio needs the whole window anyway.
pub fn audio_ctx_for(samples: usize) -> Option<u32> {
    let secs = samples as f64 / 16_000.0 + 1.0;
    let ctx = ((secs * 50.0).ceil() as u32).div_ceil(64) * 64;
    (ctx < 1_500).then_some(ctx)
}

pub use crate::limits::{OptionsError, MAX_BEAM, MAX_THREADS};

impl TranscribeOptions {
    /// Checks every option against what whisper.cpp accepts, so no bare
    /// error code (or a panic inside whisper-rs) comes back from it.
    pub fn validate(&self) -> Result<(), OptionsError> {
        if let Some(n) = self.beam_size {
            if !(1..=MAX_BEAM).contains(&n) {
                return Err(OptionsError::Beam(n));
            }
        }
        if self.threads > MAX_THREADS {
            return Err(OptionsError::Threads(self.threads));
        }
        let lang = self.language.as_str();
        if lang.contains('\0') || (lang != "auto" && !lang.is_empty() && whisper_rs::get_lang_id(lang).is_none()) {
            return Err(OptionsError::Language(self.language.clone()));
        }
        if self.initial_prompt.as_deref().is_some_and(|p| p.contains('\0')) {
            return Err(OptionsError::PromptNul);
        }
        if !(0.0..=1.0).contains(&self.no_speech_threshold) {
            return Err(OptionsError::NoSpeech(self.no_speech_threshold.to_string()));
        }
        Ok(())
    }
}
impl Default for TranscribeOptions {
    fn default() -> Self {
        TranscribeOptions {
            language: "en".into(),
            beam_size: None,
            threads: std::thread::available_parallelism()
                .map(|n| n.get().min(8))
                .unwrap_or(2),
            initial_prompt: Some("Um, uh, hmm.".into()),
            no_speech_threshold: 0.6,
            audio_ctx: None,
            temperature_fallback: true,
            max_tokens: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_whisper_cpp_cannot_take_are_explained() {
        let ok = TranscribeOptions::default();
        assert_eq!(ok.validate(), Ok(()));
        let bad = |f: &dyn Fn(&mut TranscribeOptions)| {
            let mut o = TranscribeOptions::default();
            f(&mut o);
            o.validate().unwrap_err()
        };
        assert_eq!(bad(&|o| o.beam_size = Some(9)), OptionsError::Beam(9));
        assert_eq!(bad(&|o| o.beam_size = Some(0)), OptionsError::Beam(0));
        assert_eq!(bad(&|o| o.language = "klingon".into()), OptionsError::Language("klingon".into()));
        assert_eq!(bad(&|o| o.language = "e\0n".into()), OptionsError::Language("e\0n".into()));
        assert_eq!(bad(&|o| o.initial_prompt = Some("a\0b".into())), OptionsError::PromptNul);
        assert!(matches!(bad(&|o| o.no_speech_threshold = f32::NAN), OptionsError::NoSpeech(_)));
    }
}
