//! What happens to a take once it stops: where its transcript comes from.
//!
//! A take recorded with a live transcript keeps it when the worker delivers
//! the last stretch; otherwise — the worker died, fell behind or the tap
//! missed audio — the whole file is queued for a one-pass transcription with
//! the same model. A take recorded without one is queued for one pass when a
//! model is installed. The window and the command line both go through
//! [`stop_take`] and [`finish_live`]; the stored transcript's `source` says
//! which path made it.
//!
//! The host is whatever holds the studio and the transcription queue (the
//! Tauri shell's state, the command line, a test), so this runs without a
//! window.

use starling_store::Attempt;
use starling_transcribe::Transcript;

use crate::error::StudioError;
use crate::recording::PendingLive;
use crate::studio::Studio;
use crate::transcription::Job;

/// What holds the studio and the transcription queue.
pub trait TakeHost {
    /// Runs `f` on the studio under its lock; keep `f` short.
    fn with_studio<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, StudioError>) -> Result<T, StudioError>;
    /// Queues a one-pass transcription.
    fn enqueue(&self, job: Job);
    /// The live transcript `t` was stored for `attempt_id`.
    fn transcript_stored(&self, attempt_id: i64, t: &Transcript);
}

/// Stops the recording. Returns the finished attempt and, when the take was
/// transcribed live, the live transcript still to finish (hand it to
/// [`finish_live`] off the caller's thread). A take without one is queued
/// for one pass here, when a model is installed.
pub fn stop_take(host: &impl TakeHost) -> Result<(Attempt, Option<PendingLive>), StudioError> {
    let (attempt, live, job) = host.with_studio(|s| {
        let (attempt, live) = s.stop_recording_live()?;
        let job = match (&live, s.default_model()?) {
            (None, Some(_)) => Some(s.transcription_job(attempt.id, None)?),
            _ => None,
        };
        let attempt = if job.is_some() { s.attempt(attempt.id)? } else { attempt };
        Ok((attempt, live, job))
    })?;
    if let Some(job) = job {
        host.enqueue(job);
    }
    Ok((attempt, live))
}

/// How a take's live transcript ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveOutcome {
    /// The live transcript was complete and is stored.
    Kept,
    /// It could not be trusted (the reason); the file was queued for one pass.
    FellBack(String),
    /// It could not be trusted, and the one-pass job could not be queued
    /// either (both reasons); the take waits for a transcription at the next
    /// start.
    Lost(String),
}

/// Waits for the live worker's last stretch and stores the transcript, or
/// queues the file for one pass with the same model. Blocks for as long as
/// the last stretch takes; never holds the studio's lock while waiting.
pub fn finish_live(host: &impl TakeHost, live: PendingLive) -> LiveOutcome {
    let (id, model) = (live.attempt_id, live.model_name.clone());
    let saved = live.finish().map_err(|e| e.to_string()).and_then(|t| host.with_studio(|s| s.save_live_transcript(id, t)).map_err(|e| e.to_string()));
    match saved {
        Ok(t) => {
            host.transcript_stored(id, &t);
            LiveOutcome::Kept
        }
        Err(reason) => {
            tracing::warn!(attempt = id, %reason, "live transcript unusable; transcribing the file in one pass");
            match host.with_studio(|s| s.transcription_job(id, Some(&model))) {
                Ok(job) => {
                    host.enqueue(job);
                    LiveOutcome::FellBack(reason)
                }
                Err(e) => {
                    tracing::warn!(attempt = id, error = %e, "cannot queue the transcription");
                    LiveOutcome::Lost(format!("{reason}; and the one-pass transcription could not be queued: {e}"))
                }
            }
        }
    }
}
