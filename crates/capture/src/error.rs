//! Capture failures, each phrased so the user knows what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("No microphone was found. Connect one (or enable it in the system sound settings) and try again.")]
    NoInputDevice,

    #[error("The microphone \"{0}\" is not available. Pick another one, or reconnect it and try again.")]
    DeviceNotFound(String),

    #[error("The microphone could not be opened: {0}. Close other programs that use it, or pick another one.")]
    OpenFailed(String),

    #[error("The microphone uses a sample format Starling cannot read ({0}). Pick another microphone.")]
    UnsupportedFormat(String),

    #[error("Could not write the recording {path}: {source}. Check free disk space and permissions.")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("The recording {path} is not a WAV file Starling can read: {reason}.")]
    BadWav { path: PathBuf, reason: String },

    #[error("The recording could not be converted to 16 kHz: {0}.")]
    Resampler(#[from] starling_audio::ResampleError),

    #[error("The recording thread stopped unexpectedly. What was recorded so far has been kept.")]
    ThreadPanicked,
}
