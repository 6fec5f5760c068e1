//! [`SharedStudio`]: the one open [`Studio`] of a running app, used from many
//! threads at once (the window's commands, a finishing take, long work), with
//! its transcription queue.
//!
//! Invariant: a lock is held only for as long as a short command takes.
//! Short calls go through [`SharedStudio::with`]. Long work never runs
//! inside it; each takes the studio only to read what it needs and to record
//! what it did:
//!
//! - exporting a backup: a [`backup::Snapshot`] (database copy, hard links)
//!   under the lock, the archive written without it;
//! - restoring one: the archive checked and extracted without it, the lock
//!   taken only to swap the data in and reopen;
//! - importing, downloading or measuring a model: the file work and the
//!   worker process without it, the result recorded under it;
//! - transcription: the runner's own thread and store connection.
//!
//! Exports and restores also exclude each other (a restore must not move
//! data an export is reading), through a lock no short command takes.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use starling_store::{Attempt, TranscriptionState};
use starling_transcribe::Transcript;

use crate::backup::{self, BackupSummary};
use crate::clock::Clock;
use crate::models::{DownloadProgress, InstalledModel, ModelMeasurement};
use crate::takes::{self, LiveOutcome, TakeHost};
use crate::transcription::{Job, TranscriptionEvent, TranscriptionRunner, WorkerCommand};
use crate::voices::VoiceList;
use crate::{Studio, StudioError};

/// Where transcription events go (the window, a test).
pub type EventSink = Arc<dyn Fn(TranscriptionEvent) + Send + Sync>;

/// Download progress reaches the caller at most this often (and at the end).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A take just stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct StoppedTake {
    pub attempt: Attempt,
    /// Whether events about its transcript will follow (a live transcript is
    /// being finished or a one-pass job was queued); false when no model is
    /// installed or the take failed.
    pub transcript_coming: bool,
}

pub struct SharedStudio {
    studio: Mutex<Option<Studio>>,
    runner: Mutex<Option<TranscriptionRunner>>,
    /// The worker transcriptions run in; `None`: no transcription.
    worker: Option<WorkerCommand>,
    on_event: EventSink,
    /// Held for a whole export or restore, which exclude each other.
    backup: Mutex<()>,
    clock: Clock,
    download_cancel: AtomicBool,
    voice_cancel: AtomicBool,
}

/// `on_progress`, called at most every [`PROGRESS_EVERY`] and at the end.
fn throttled(on_progress: &impl Fn(DownloadProgress)) -> impl FnMut(u64, Option<u64>) + '_ {
    let mut last: Option<Instant> = None;
    move |done, total| {
        if last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) || Some(done) == total {
            last = Some(Instant::now());
            on_progress(DownloadProgress { done, total });
        }
    }
}

/// Locks `m`, taking the value even if a thread panicked while holding it
/// (every value kept behind these locks stays valid between statements).
pub(crate) fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SharedStudio {
    /// Shares `studio`, with a transcription runner on `worker` (when given)
    /// whose events, and those of finished live takes, go to `on_event`.
    /// Takes still waiting for a transcript are not queued until
    /// [`SharedStudio::queue_pending`] (the app does at start).
    pub fn new(mut studio: Studio, clock: Clock, worker: Option<WorkerCommand>, on_event: EventSink) -> Arc<SharedStudio> {
        studio.set_clock(clock);
        let shared = Arc::new(SharedStudio {
            runner: Mutex::new(None),
            worker,
            on_event,
            backup: Mutex::new(()),
            clock,
            download_cancel: AtomicBool::new(false),
            voice_cancel: AtomicBool::new(false),
            studio: Mutex::new(None),
        });
        *relock(&shared.runner) = shared.start_runner(&studio);
        *relock(&shared.studio) = Some(studio);
        shared
    }

    fn start_runner(&self, studio: &Studio) -> Option<TranscriptionRunner> {
        let worker = self.worker.clone()?;
        let sink = self.on_event.clone();
        TranscriptionRunner::start(studio.paths(), worker, move |ev| sink(ev))
            .inspect_err(|e| tracing::error!(error = %e, "transcription is unavailable"))
            .ok()
    }

    /// Runs a short call `f` on the studio under its lock.
    pub fn with<T, E: From<StudioError>>(&self, f: impl FnOnce(&mut Studio) -> Result<T, E>) -> Result<T, E> {
        let mut guard = relock(&self.studio);
        match guard.as_mut() {
            Some(studio) => f(studio),
            None => Err(StudioError::NotOpen.into()),
        }
    }

    /// Hands a job to the transcription queue. Without a runner (no worker
    /// could be found) the job fails at once, so nobody waits for it; the take
    /// stays queued for the next start.
    pub fn enqueue(&self, job: Job) {
        match relock(&self.runner).as_ref() {
            Some(r) => r.enqueue(job),
            None => {
                tracing::warn!(attempt = job.attempt_id, "no transcription runner; job not run");
                (self.on_event)(TranscriptionEvent::Failed { attempt_id: job.attempt_id as i32, message: StudioError::NoWorker.to_string() });
            }
        }
    }

    /// Stops the worker transcribing `attempt_id`, if it is the running job.
    pub fn cancel_transcription(&self, attempt_id: i64) -> bool {
        relock(&self.runner).as_ref().is_some_and(|r| r.cancel(attempt_id))
    }

    /// Queues every finished take still waiting for a transcript.
    pub fn queue_pending(&self) {
        match self.with(|s| s.pending_transcriptions()) {
            Ok(jobs) => jobs.into_iter().for_each(|j| self.enqueue(j)),
            Err(e) => tracing::warn!(error = %e, "could not queue pending transcriptions"),
        }
    }

    /// Stops the recording (see [`takes::stop_take`]). A live transcript is
    /// finished on a thread of its own, which reports how it ended as an
    /// event: `Done` with the transcript, `FellBack` (a one-pass job follows,
    /// with its own events) or `Failed`.
    pub fn stop_take(self: &Arc<Self>) -> Result<StoppedTake, StudioError> {
        let (attempt, live) = takes::stop_take(&**self)?;
        let transcript_coming = live.is_some() || attempt.transcription == TranscriptionState::Queued;
        if let Some(live) = live {
            let shared = Arc::clone(self);
            std::thread::Builder::new()
                .name("starling-live-finish".into())
                .spawn(move || {
                    let attempt_id = live.attempt_id as i32;
                    match takes::finish_live(&*shared, live) {
                        // Done was sent when it was stored.
                        LiveOutcome::Kept => {}
                        LiveOutcome::FellBack(reason) => (shared.on_event)(TranscriptionEvent::FellBack { attempt_id, reason }),
                        LiveOutcome::Lost(why) => {
                            tracing::error!(%why, "a take's transcript could not be made now; it is queued again at the next start");
                            let message = format!("The take is kept, but it could not be transcribed now ({why}). Starling transcribes it when it next opens.");
                            (shared.on_event)(TranscriptionEvent::Failed { attempt_id, message });
                        }
                    }
                })
                .map_err(|e| StudioError::Job(crate::transcription::JobError::Start(e)))?;
        }
        Ok(StoppedTake { attempt, transcript_coming })
    }

    /// Writes every user record and recording to the archive `out`. Refused
    /// while a take is recording, so the archive never holds half a take.
    /// The studio is locked only while the snapshot is taken.
    pub fn export_backup(&self, out: &Path) -> Result<BackupSummary, StudioError> {
        let _one = relock(&self.backup);
        let snapshot = self.with(|s| s.backup_snapshot())?;
        Ok(snapshot.write(out)?)
    }

    /// Replaces the user's data with a backup. The archive is checked and
    /// extracted with the studio open and unlocked; then the studio and the
    /// transcription queue are closed, the restore committed (what was
    /// there is kept aside) and both reopened on the restored data. If the
    /// restore fails before its commit, nothing of the user's changed.
    pub fn restore_backup(&self, archive: &Path) -> Result<BackupSummary, StudioError> {
        let _one = relock(&self.backup);
        let paths = self.with(|s| s.ensure_not_recording().map(|()| s.paths().clone()))?;
        let staged = backup::stage(&paths, archive)?;
        let mut guard = relock(&self.studio);
        let Some(studio) = guard.take() else { return Err(StudioError::NotOpen) };
        if let Err(e) = studio.ensure_not_recording() {
            // Recording started while the archive was extracted.
            *guard = Some(studio);
            return Err(e);
        }
        // The data folder stays locked from close to reopen.
        let lock = studio.close();
        relock(&self.runner).take();
        let result = staged.commit(&lock, self.clock.now_ms());
        let mut reopened = Studio::open_locked(lock)?;
        reopened.set_clock(self.clock);
        *relock(&self.runner) = self.start_runner(&reopened);
        *guard = Some(reopened);
        drop(guard);
        self.queue_pending();
        Ok(result?)
    }

    /// Imports a model file or folder (converting and loading it take
    /// seconds, with the studio unlocked), then queues every take waiting
    /// for a transcript.
    pub fn import_model(&self, src: &Path, name: Option<&str>) -> Result<InstalledModel, StudioError> {
        let worker = self.worker()?;
        let dir = self.with(|s| Ok::<_, StudioError>(s.models_dir()))?;
        let name = Studio::install_model(&dir, src, name, worker)?;
        let model = self.with(|s| s.adopt_model(&name))?;
        self.queue_pending();
        Ok(model)
    }

    /// Downloads a catalog model, reporting progress to `on_progress` about
    /// ten times a second; [`SharedStudio::cancel_download`] stops it.
    pub fn download_model(&self, name: &str, on_progress: impl Fn(DownloadProgress)) -> Result<InstalledModel, StudioError> {
        let dir = self.with(|s| Ok::<_, StudioError>(s.models_dir()))?;
        self.download_cancel.store(false, Ordering::SeqCst);
        let mut report = throttled(&on_progress);
        Studio::download_model(&dir, name, &mut report, &self.download_cancel)?;
        let model = self.with(|s| s.adopt_model(name))?;
        self.queue_pending();
        Ok(model)
    }

    /// Stops the download in progress (it fails as cancelled).
    pub fn cancel_download(&self) {
        self.download_cancel.store(true, Ordering::SeqCst);
    }

    /// Installs the Piper voice at `src` (its `.onnx`, with the `.onnx.json`
    /// beside it) into the voices folder. The copy and the check (opening the
    /// voice takes a second) run without the studio's lock.
    pub fn import_voice(&self, src: &std::path::Path) -> Result<VoiceList, StudioError> {
        let dir = self.with(|s| Ok::<_, StudioError>(s.paths().voices()))?;
        let name = starling_voice::install::import(&dir, src)?;
        tracing::info!(%name, "voice installed");
        self.with(|s| Ok(s.voice_list()))
    }

    /// Downloads the offered voice `name` (checked against its published
    /// SHA-256) and installs it, reporting progress at most ten times a
    /// second, without the studio's lock; [`SharedStudio::cancel_voice_download`]
    /// stops it.
    pub fn download_voice(&self, name: &str, on_progress: impl Fn(DownloadProgress)) -> Result<VoiceList, StudioError> {
        let offered = starling_voice::catalog::find(name)?;
        let dir = self.with(|s| Ok::<_, StudioError>(s.paths().voices()))?;
        self.voice_cancel.store(false, Ordering::SeqCst);
        let mut report = throttled(&on_progress);
        let installed = starling_voice::catalog::download(&dir, offered, &offered.source_url(), &mut report, &self.voice_cancel)?;
        tracing::info!(name = %installed, "voice downloaded and installed");
        self.with(|s| Ok(s.voice_list()))
    }

    /// Stops the voice download in progress (it fails as cancelled).
    pub fn cancel_voice_download(&self) {
        self.voice_cancel.store(true, Ordering::SeqCst);
    }

    /// Measures a model on the shipped clip in a worker process, with the
    /// studio unlocked, and remembers the figures.
    pub fn measure_model(&self, name: &str) -> Result<ModelMeasurement, StudioError> {
        let worker = self.worker()?;
        let (dir, model) = self.with(|s| Ok::<_, StudioError>((s.models_dir(), s.resolve_model(name)?)))?;
        let m = Studio::run_benchmark(&dir, &model, worker)?;
        self.with(|s| s.save_measurement(name, &m))?;
        Ok(m)
    }

    fn worker(&self) -> Result<&WorkerCommand, StudioError> {
        self.worker.as_ref().ok_or(StudioError::NoWorker)
    }
}

impl TakeHost for SharedStudio {
    fn with_studio<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, StudioError>) -> Result<T, StudioError> {
        self.with(f)
    }

    fn enqueue(&self, job: Job) {
        SharedStudio::enqueue(self, job);
    }

    fn transcript_stored(&self, attempt_id: i64, transcript: &Transcript) {
        (self.on_event)(TranscriptionEvent::Done { attempt_id: attempt_id as i32, transcript: transcript.clone() });
    }
}

#[cfg(test)]
mod tests {
    use starling_store::StarNoteDraft;

    use super::*;
    use crate::DataPaths;

    const Q: &str = "behavior-difficult-bug";

    fn note(task: &str) -> StarNoteDraft {
        StarNoteDraft { question_id: Q.into(), task: task.into(), ..Default::default() }
    }

    fn task_of(shared: &SharedStudio) -> String {
        shared.with(|s| s.open_question(Q)).unwrap().note.map(|n| n.task).unwrap_or_default()
    }

    fn shared_in(dir: &Path) -> (Arc<SharedStudio>, Arc<Mutex<Vec<TranscriptionEvent>>>) {
        let events: Arc<Mutex<Vec<TranscriptionEvent>>> = Arc::default();
        let sink = events.clone();
        let studio = Studio::open(DataPaths::new(dir)).unwrap();
        (SharedStudio::new(studio, Clock::system(), None, Arc::new(move |e| relock(&sink).push(e))), events)
    }

    /// Export, change, restore: the restored studio is open again (short
    /// calls work), holds what was exported, and what it replaced is kept.
    #[test]
    fn a_backup_exported_and_restored_through_the_shared_studio_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, _) = shared_in(&dir.path().join("data"));
        shared.with(|s| s.save_star_note(&note("exported"))).unwrap();
        let archive = dir.path().join("backup.zip");
        let summary = shared.export_backup(&archive).unwrap();
        assert!(summary.counts.notes >= 1, "{summary:?}");
        shared.with(|s| s.save_star_note(&note("changed later"))).unwrap();

        let restored = shared.restore_backup(&archive).unwrap();
        assert!(restored.previous.is_some(), "the replaced data is kept aside");
        assert_eq!(task_of(&shared), "exported");
        // And the reopened studio takes writes.
        shared.with(|s| s.save_star_note(&note("after restore"))).unwrap();
        assert_eq!(task_of(&shared), "after restore");
    }

    /// A broken archive is refused before the studio is touched: it stays
    /// open with its data.
    #[test]
    fn a_broken_backup_changes_nothing_and_keeps_the_studio_open() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, _) = shared_in(&dir.path().join("data"));
        shared.with(|s| s.save_star_note(&note("mine"))).unwrap();
        let junk = dir.path().join("junk.zip");
        std::fs::write(&junk, b"not a zip").unwrap();
        assert!(shared.restore_backup(&junk).is_err());
        assert_eq!(task_of(&shared), "mine");
        assert!(!dir.path().join("data/.restore-staging").exists());
    }

    /// Without a worker, model work says so instead of failing obscurely.
    #[test]
    fn model_work_without_a_worker_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, _) = shared_in(&dir.path().join("data"));
        let e = shared.import_model(&dir.path().join("m.bin"), None).unwrap_err();
        assert!(matches!(e, StudioError::NoWorker), "{e}");
        assert!(matches!(shared.measure_model("tiny.en").unwrap_err(), StudioError::NoWorker));
    }

    /// Without a worker a queued job fails at once instead of waiting forever.
    #[test]
    fn a_job_with_no_worker_to_run_it_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, events) = shared_in(&dir.path().join("data"));
        shared.enqueue(Job { attempt_id: 3, wav: dir.path().join("a.wav"), model: dir.path().join("m.bin"), model_name: "m".into() });
        let got = relock(&events).clone();
        assert!(matches!(got.as_slice(), [TranscriptionEvent::Failed { attempt_id: 3, message }] if message.contains("worker")), "{got:?}");
    }

    /// A transcript stored by a finished take reaches the event sink.
    #[test]
    fn a_stored_transcript_is_announced() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, events) = shared_in(&dir.path().join("data"));
        let t = Transcript { text: "I fixed it.".into(), segments: Vec::new(), model: "tiny.en".into(), audio_ms: 900, elapsed_ms: 5, source: starling_transcribe::TranscriptSource::Live };
        shared.transcript_stored(7, &t);
        assert_eq!(*relock(&events), [TranscriptionEvent::Done { attempt_id: 7, transcript: t }]);
    }

    #[test]
    fn a_voice_not_offered_is_not_found_and_downloads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, _) = shared_in(&dir.path().join("data"));
        let e = crate::IpcError::from(shared.download_voice("en_GB-nobody", |_| panic!("no progress for a voice not offered")).unwrap_err());
        assert_eq!(e.kind, crate::ErrorKind::NotFound, "{}", e.message);
        assert!(e.message.contains("offered for download (offered: en_US-joe-medium"), "{}", e.message);
        assert!(shared.with(|s| Ok::<_, StudioError>(s.voice_list().voices)).unwrap().is_empty());
    }
}
