//! The state Tauri manages: the open studio, or why it could not be opened
//! (for example a database from a newer Starling), which every command then
//! reports instead of touching anything.

use std::sync::{Mutex, MutexGuard};

use starling_studio::backup::{self, BackupSummary};
use starling_studio::clock::Clock;
use starling_studio::takes::TakeHost;
use starling_studio::transcription::{Job, TranscriptionRunner};
use starling_studio::{ErrorKind, IpcError, Studio, StudioError};

/// Starts the transcription runner for an open studio (again after a restore).
pub type RunnerFactory = Box<dyn Fn(&Studio) -> Option<TranscriptionRunner> + Send + Sync>;

pub struct AppState {
    studio: Mutex<Option<Studio>>,
    runner: Mutex<Option<TranscriptionRunner>>,
    start_runner: RunnerFactory,
    clock: Clock,
    startup_error: Option<IpcError>,
    /// Set to stop the model download in progress.
    pub download_cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl AppState {
    pub fn ready(mut studio: Studio, clock: Clock, start_runner: RunnerFactory) -> Self {
        studio.set_clock(clock);
        let runner = start_runner(&studio);
        AppState {
            studio: Mutex::new(Some(studio)),
            runner: Mutex::new(runner),
            start_runner,
            clock,
            startup_error: None,
            download_cancel: Default::default(),
        }
    }

    pub fn failed(error: IpcError) -> Self {
        AppState {
            studio: Mutex::new(None),
            runner: Mutex::new(None),
            start_runner: Box::new(|_| None),
            clock: Clock::system(),
            startup_error: Some(error),
            download_cancel: Default::default(),
        }
    }

    fn studio(&self) -> MutexGuard<'_, Option<Studio>> {
        self.studio.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn runner(&self) -> MutexGuard<'_, Option<TranscriptionRunner>> {
        self.runner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands a job to the transcription runner.
    pub fn enqueue(&self, job: Job) {
        match self.runner().as_ref() {
            Some(r) => r.enqueue(job),
            None => tracing::warn!(attempt = job.attempt_id, "no transcription runner; job dropped"),
        }
    }

    /// Stops the worker transcribing `attempt_id`, if it is the running job.
    pub fn cancel_transcription(&self, attempt_id: i64) -> bool {
        self.runner().as_ref().is_some_and(|r| r.cancel(attempt_id))
    }

    /// Queues every finished take still waiting for a transcript.
    pub fn queue_pending(&self) {
        match self.with(|s| Ok(s.pending_transcriptions()?)) {
            Ok(jobs) => jobs.into_iter().for_each(|j| self.enqueue(j)),
            Err(e) => tracing::warn!(error = %e.message, "could not queue pending transcriptions"),
        }
    }

    /// Runs `f` on the studio (for library code that speaks `StudioError`).
    fn with_open<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, StudioError>) -> Result<T, StudioError> {
        let mut guard = self.studio();
        guard.as_mut().map_or(Err(StudioError::NotOpen), f)
    }

    /// Runs `f` on the studio, or returns the start-up error.
    pub fn with<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, IpcError>) -> Result<T, IpcError> {
        let mut guard = self.studio();
        match guard.as_mut() {
            Some(studio) => f(studio),
            None => Err(self.startup_error.clone().unwrap_or(IpcError {
                kind: ErrorKind::Storage,
                message: "Starling's data could not be opened.".into(),
            })),
        }
    }

    /// Replaces the user's data with a backup: the studio and the
    /// transcription runner are closed, the archive restored (what was there
    /// is kept aside), and both reopened on the restored data. If the restore
    /// fails, the old data is reopened untouched.
    pub fn restore(&self, archive: &std::path::Path) -> Result<BackupSummary, IpcError> {
        let mut guard = self.studio();
        let Some(studio) = guard.take() else {
            return Err(self.startup_error.clone().unwrap_or(IpcError { kind: ErrorKind::Storage, message: "Starling's data is not open.".into() }));
        };
        if studio.recording().is_some() {
            *guard = Some(studio);
            return Err(StudioError::AlreadyRecording.into());
        }
        // The data folder stays locked from close to reopen.
        let lock = studio.close();
        self.runner().take();
        let result = backup::restore_locked(&lock, archive, self.clock.now_ms());
        let mut reopened = Studio::open_locked(lock).map_err(IpcError::from)?;
        reopened.set_clock(self.clock);
        *self.runner() = (self.start_runner)(&reopened);
        *guard = Some(reopened);
        drop(guard);
        self.queue_pending();
        result.map_err(|e| StudioError::from(e).into())
    }
}

/// The shell holds the studio and the queue; `starling_studio::takes`
/// decides what happens to a take.
pub struct Host<'a> {
    pub state: &'a AppState,
    pub emit_done: &'a (dyn Fn(i64) + Sync),
}

impl TakeHost for Host<'_> {
    fn with_studio<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, StudioError>) -> Result<T, StudioError> {
        self.state.with_open(f)
    }

    fn enqueue(&self, job: Job) {
        self.state.enqueue(job);
    }

    fn transcript_stored(&self, attempt_id: i64) {
        (self.emit_done)(attempt_id);
    }
}
