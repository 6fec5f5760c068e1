//! The state Tauri manages: the open studio, or why it could not be opened
//! (for example a database from a newer Starling), which every command then
//! reports instead of touching anything.

use std::sync::{Mutex, MutexGuard};

use starling_studio::transcription::{Job, TranscriptionRunner};
use starling_studio::{ErrorKind, IpcError, Studio};

pub struct AppState {
    studio: Mutex<Option<Studio>>,
    runner: Option<TranscriptionRunner>,
    startup_error: Option<IpcError>,
    /// Set to stop the model download in progress.
    pub download_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl AppState {
    pub fn ready(studio: Studio, runner: Option<TranscriptionRunner>) -> Self {
        AppState { studio: Mutex::new(Some(studio)), runner, startup_error: None, download_cancel: Default::default() }
    }

    pub fn failed(error: IpcError) -> Self {
        AppState { studio: Mutex::new(None), runner: None, startup_error: Some(error), download_cancel: Default::default() }
    }

    /// Hands a job to the transcription runner.
    pub fn enqueue(&self, job: Job) {
        match &self.runner {
            Some(r) => r.enqueue(job),
            None => tracing::warn!(attempt = job.attempt_id, "no transcription runner; job dropped"),
        }
    }

    /// Stops the worker transcribing `attempt_id`, if it is the running job.
    pub fn cancel_transcription(&self, attempt_id: i64) -> bool {
        self.runner.as_ref().is_some_and(|r| r.cancel(attempt_id))
    }

    /// Queues every finished take still waiting for a transcript.
    pub fn queue_pending(&self) {
        match self.with(|s| Ok(s.pending_transcriptions()?)) {
            Ok(jobs) => jobs.into_iter().for_each(|j| self.enqueue(j)),
            Err(e) => tracing::warn!(error = %e.message, "could not queue pending transcriptions"),
        }
    }

    /// Runs `f` on the studio, or returns the start-up error.
    pub fn with<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, IpcError>) -> Result<T, IpcError> {
        let mut guard: MutexGuard<'_, Option<Studio>> = self.studio.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Some(studio) => f(studio),
            None => Err(self.startup_error.clone().unwrap_or(IpcError {
                kind: ErrorKind::Storage,
                message: "Starling's data could not be opened.".into(),
            })),
        }
    }
}
