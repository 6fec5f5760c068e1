//! What whisper.cpp accepts, and why options outside it are refused. Kept
//! apart from the engine so errors can name these limits without depending
//! on the engine.

/// The most decoders whisper.cpp runs at once (`WHISPER_MAX_DECODERS`): a
/// wider beam makes `whisper_full` fail with code -4.
pub const MAX_BEAM: usize = 8;
/// The most threads accepted: more than any desktop has, and more only
/// costs memory.
pub const MAX_THREADS: usize = 256;

/// Why `TranscribeOptions` cannot be used. Each message completes
/// "Transcription failed: …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    #[error("a beam size of {0} is not possible; whisper.cpp searches with 1 to {MAX_BEAM} beams")]
    Beam(usize),
    #[error("{0} threads were asked for; use 1 to {MAX_THREADS}")]
    Threads(usize),
    #[error("{0:?} is not a language whisper.cpp knows; use a code such as \"en\", or \"auto\"")]
    Language(String),
    #[error("the initial prompt contains a NUL character, which whisper.cpp cannot take")]
    PromptNul,
    #[error("the no-speech threshold is {0}; it must be a probability between 0 and 1")]
    NoSpeech(String),
}
