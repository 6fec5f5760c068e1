//! The state a take leaves in the studio: the take in progress, and a
//! stopped take whose live transcript is still being finished. Kept apart
//! from `recording.rs` (which starts and stops takes on the `Studio`) so the
//! studio can hold a take without depending on the code that runs one.

use starling_capture::Recorder;
use starling_store::Attempt;
use starling_transcribe::Transcript;

use crate::live::{LiveError, LiveTranscription};

/// A take in progress.
pub struct ActiveRecording {
    pub(crate) attempt: Attempt,
    pub(crate) recorder: Recorder,
    /// The model's name and the live transcription, when there is one.
    pub(crate) live: Option<(String, LiveTranscription)>,
}

/// A stopped take whose live transcript is being completed (its last
/// stretch is still with the worker). Finish it off the studio's lock.
pub struct PendingLive {
    pub attempt_id: i64,
    pub model_name: String,
    pub(crate) duration_ms: u32,
    pub(crate) live: LiveTranscription,
}

impl PendingLive {
    /// Waits for the last stretch and returns the take's whole transcript.
    pub fn finish(self) -> Result<Transcript, LiveError> {
        // A slow machine may still be working through earlier stretches;
        // give it as long as a one-pass transcription could take.
        let timeout = std::time::Duration::from_millis(u64::from(self.duration_ms).max(60_000));
        let mut t = self.live.finish(timeout)?;
        t.model = self.model_name;
        t.audio_ms = self.duration_ms.max(t.audio_ms);
        Ok(t)
    }
}
