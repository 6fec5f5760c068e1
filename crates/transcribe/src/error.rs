//! Transcription and model failures, phrased so the user can act on them.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    #[error("Could not read {path}: {source}.")]
    Read { path: PathBuf, source: std::io::Error },

    #[error("Could not write {path}: {source}. Check free disk space and permissions.")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("{path} is not a WAV file Starling can read ({reason}). Record again, or convert the file to WAV.")]
    BadAudio { path: PathBuf, reason: String },

    #[error("{path} is not a usable CTranslate2 Whisper model: {reason}.")]
    BadCt2Model { path: PathBuf, reason: String },

    #[error("The model {path} could not be loaded ({reason}). It may be truncated or not a Whisper ggml model; download or import it again.")]
    BadModel { path: PathBuf, reason: String },

    /// An option whisper.cpp cannot take (checked before it runs).
    #[error("Transcription failed: {0}.")]
    BadOptions(#[from] crate::limits::OptionsError),

    /// whisper.cpp itself failed while transcribing; the reason explained.
    #[error("Transcription failed: {0}.")]
    Whisper(String),

    #[error("Cancelled.")]
    Cancelled,

    #[error("The model could not be downloaded: {0}. Check the connection and try again; the download resumes where it stopped.")]
    Download(String),
}
