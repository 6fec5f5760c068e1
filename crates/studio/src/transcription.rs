//! Transcribing attempts off the UI thread and outside the app's process.
//!
//! A [`TranscriptionRunner`] owns one thread and its own database connection
//! (opened with the first job).
//! Jobs run one at a time in a worker process (the app's own binary with a
//! hidden `__transcribe-worker` subcommand), so a crash inside whisper.cpp
//! only fails that job: the attempt is marked failed with the reason and its
//! recording is untouched. The worker reports on stdout, one JSON
//! [`WorkerMessage`] per line.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde::Serialize;
use ts_rs::TS;

use starling_store::{Store, StoredTranscript, TranscriptionState};
use starling_transcribe::{Transcript, TranscriptSource};

pub use starling_worker::protocol::WorkerMessage;

pub use crate::error::JobError;
use crate::error::StudioError;
use crate::paths::DataPaths;
use crate::studio::Studio;

/// How to start a worker process.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    pub program: PathBuf,
    /// Arguments before the worker's own (normally `__transcribe-worker`).
    pub prefix: Vec<String>,
}

impl WorkerCommand {
    /// This very executable in worker mode, or the build of it for a newer
    /// instruction set when one is installed and this processor runs it
    /// (see [`starling_transcribe::cpu`]).
    pub fn current_exe() -> std::io::Result<Self> {
        let (program, level) = starling_transcribe::cpu::worker_program(&std::env::current_exe()?);
        tracing::debug!(program = %program.display(), %level, "transcription worker");
        Ok(WorkerCommand {
            program,
            prefix: vec!["__transcribe-worker".into()],
        })
    }
}

/// A transcription to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub attempt_id: i64,
    pub wav: PathBuf,
    pub model: PathBuf,
    pub model_name: String,
}

/// What happens to a take's transcript, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TranscriptionEvent {
    /// A one-pass transcription is this far along.
    Progress { attempt_id: i32, percent: u8 },
    /// The live transcript could not be trusted (the reason); the file is
    /// being transcribed in one pass instead.
    FellBack { attempt_id: i32, reason: String },
    /// The transcript is stored; here it is, as stored.
    Done { attempt_id: i32, transcript: Transcript },
    /// No transcript could be made; the take is kept and can be retried.
    Failed { attempt_id: i32, message: String },
}

/// The transcription thread and its queue.
pub struct TranscriptionRunner {
    tx: Option<mpsc::Sender<Job>>,
    current: Arc<Mutex<Option<(i64, Child)>>>,
    thread: Option<JoinHandle<()>>,
}

impl TranscriptionRunner {
    pub fn start(
        paths: &DataPaths,
        worker: WorkerCommand,
        on_event: impl Fn(TranscriptionEvent) + Send + 'static,
    ) -> Result<Self, StudioError> {
        let database = paths.database();
        let (tx, rx) = mpsc::channel::<Job>();
        let current: Arc<Mutex<Option<(i64, Child)>>> = Arc::default();
        let cur = current.clone();
        let thread = std::thread::Builder::new()
            .name("starling-transcribe".into())
            .spawn(move || {
                // Opened with the first job, not at start-up: an app that
                // transcribes nothing never pays for a second connection.
                let mut opened: Option<Store> = None;
                for job in rx {
                    let id = job.attempt_id as i32;
                    if opened.is_none() {
                        match Store::open(&database) {
                            Ok(s) => opened = Some(s),
                            Err(e) => {
                                let message = format!("The transcript could not be saved: {e}");
                                tracing::warn!(attempt = job.attempt_id, %message, "transcription failed");
                                on_event(TranscriptionEvent::Failed { attempt_id: id, message });
                                continue;
                            }
                        }
                    }
                    let Some(store) = opened.as_mut() else { continue };
                    let outcome = run_job(&job, &worker, &cur, &mut |p| on_event(TranscriptionEvent::Progress { attempt_id: id, percent: p }))
                        .and_then(|t| save(store, &job, t));
                    match outcome {
                        Ok(transcript) => on_event(TranscriptionEvent::Done { attempt_id: id, transcript }),
                        Err(e) => {
                            let message = e.to_string();
                            tracing::warn!(attempt = job.attempt_id, %message, "transcription failed");
                            let _ = store.set_transcription(job.attempt_id, TranscriptionState::Failed, Some(&message));
                            on_event(TranscriptionEvent::Failed { attempt_id: id, message });
                        }
                    }
                }
            })
            .map_err(|e| StudioError::Job(JobError::Start(e)))?;
        Ok(TranscriptionRunner {
            tx: Some(tx),
            current,
            thread: Some(thread),
        })
    }

    /// Adds a job to the queue (it runs after those before it).
    pub fn enqueue(&self, job: Job) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(job);
        }
    }

    /// The process id of the running worker and its attempt, if any.
    pub fn running(&self) -> Option<(i64, u32)> {
        self.current
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(|(id, child)| (*id, child.id())))
    }

    /// Stops the running job of `attempt_id`; its attempt becomes failed
    /// ("stopped unexpectedly (it was killed)") and can be retried.
    pub fn cancel(&self, attempt_id: i64) -> bool {
        if let Ok(mut c) = self.current.lock() {
            if let Some((id, child)) = c.as_mut() {
                if *id == attempt_id {
                    return child.kill().is_ok();
                }
            }
        }
        false
    }
}

impl Drop for TranscriptionRunner {
    fn drop(&mut self) {
        self.tx.take();
        if let Ok(mut c) = self.current.lock() {
            if let Some((_, child)) = c.as_mut() {
                let _ = child.kill();
            }
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run_job(
    job: &Job,
    worker: &WorkerCommand,
    current: &Mutex<Option<(i64, Child)>>,
    progress: &mut dyn FnMut(u8),
) -> Result<Transcript, JobError> {
    run_worker(
        worker,
        &job.model,
        &job.wav,
        None,
        job.attempt_id,
        current,
        progress,
    )
}

/// Transcribes one WAV file in a worker process and waits for it, as the
/// command line's `transcribe` does: the same worker (and the same choice of
/// whisper.cpp build for this processor) as the app's transcriptions.
pub fn transcribe_file(
    worker: &WorkerCommand,
    model: &std::path::Path,
    wav: &std::path::Path,
    beam: Option<usize>,
    progress: &mut dyn FnMut(u8),
) -> Result<Transcript, JobError> {
    run_worker(worker, model, wav, beam, 0, &Mutex::new(None), progress)
}

/// Loads `model` in a worker process and nothing more: whether whisper.cpp
/// accepts it, found out where an abort inside whisper.cpp cannot take this
/// process down. The error is the reason alone (no path), for the caller to
/// put beside the file the user named.
pub fn check_model_loads(worker: &WorkerCommand, model: &std::path::Path) -> Result<(), JobError> {
    let out = Command::new(&worker.program)
        .args(&worker.prefix)
        .arg("--model")
        .arg(model)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(JobError::Start)?;
    let mut error = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        match serde_json::from_str::<WorkerMessage>(line) {
            Ok(WorkerMessage::Loaded) if out.status.success() => return Ok(()),
            Ok(WorkerMessage::Error(e)) => error = Some(e),
            _ => {}
        }
    }
    match error {
        Some(e) => Err(JobError::Worker(e)),
        None => Err(JobError::Crashed(describe(out.status))),
    }
}

/// Runs one worker process on `wav` with `model` and collects its transcript.
/// While it runs, the child is kept in `current` (with `tag`) so it can be
/// cancelled.
pub(crate) fn run_worker(
    worker: &WorkerCommand,
    model: &std::path::Path,
    wav: &std::path::Path,
    beam: Option<usize>,
    tag: i64,
    current: &Mutex<Option<(i64, Child)>>,
    progress: &mut dyn FnMut(u8),
) -> Result<Transcript, JobError> {
    let mut cmd = Command::new(&worker.program);
    cmd.envs(starling_transcribe::load::worker_env())
        .args(&worker.prefix)
        .arg("--model")
        .arg(model)
        .arg("--wav")
        .arg(wav);
    if let Some(beam) = beam {
        cmd.arg("--beam").arg(beam.to_string());
    }
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null());
    let mut child = cmd.spawn().map_err(JobError::Start)?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| JobError::Crashed("it has no output".into()))?;
    if let Ok(mut c) = current.lock() {
        *c = Some((tag, child));
    }
    let mut transcript = None;
    let mut error = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        match serde_json::from_str::<WorkerMessage>(&line) {
            Ok(WorkerMessage::Progress(p)) => progress(p),
            Ok(WorkerMessage::Live(_) | WorkerMessage::Preview(_) | WorkerMessage::Loaded) => {}
            Ok(WorkerMessage::Transcript(t)) => transcript = Some(t),
            Ok(WorkerMessage::Error(e)) => error = Some(e),
            Err(_) => tracing::debug!(%line, "ignoring a line from the worker"),
        }
    }
    let status = current
        .lock()
        .ok()
        .and_then(|mut c| c.take())
        .map(|(_, mut child)| child.wait());
    if let Some(t) = transcript {
        return Ok(t);
    }
    if let Some(e) = error {
        return Err(JobError::Worker(e));
    }
    let how = match status {
        Some(Ok(s)) => describe(s),
        _ => "it could not be waited for".into(),
    };
    Err(JobError::Crashed(how))
}

#[cfg(unix)]
fn describe(s: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (_, Some(9)) => "it was killed".into(),
        (_, Some(6)) => "whisper.cpp stopped on an internal error: SIGABRT".into(),
        (_, Some(11)) => "it crashed: SIGSEGV".into(),
        (_, Some(sig)) => format!("signal {sig}"),
        (Some(code), _) => format!("exit code {code}"),
        _ => s.to_string(),
    }
}

#[cfg(not(unix))]
fn describe(s: std::process::ExitStatus) -> String {
    s.to_string()
}

/// Stores a one-pass transcript and returns it as stored.
fn save(store: &mut Store, job: &Job, t: Transcript) -> Result<Transcript, JobError> {
    let t = Transcript { model: job.model_name.clone(), source: TranscriptSource::OnePass, ..t };
    let row = stored(job.attempt_id, &t).map_err(|e| JobError::Save(e.to_string()))?;
    store.save_transcript(&row).map_err(|e| JobError::Save(e.to_string()))?;
    Ok(t)
}

/// A transcript as the store keeps it, its segments as JSON.
pub(crate) fn stored(attempt_id: i64, t: &Transcript) -> Result<StoredTranscript, serde_json::Error> {
    Ok(StoredTranscript {
        attempt_id,
        model: t.model.clone(),
        text: t.text.clone(),
        segments_json: serde_json::to_string(&t.segments)?,
        audio_ms: t.audio_ms as i64,
        elapsed_ms: t.elapsed_ms as i64,
        created_ms: 0,
        source: t.source.as_str().into(),
    })
}

impl Studio {
    /// Prepares a transcription job for `attempt_id` with `model` (a name or
    /// path; `None`: the default model) and marks the attempt queued. The
    /// caller hands the job to a [`TranscriptionRunner`].
    pub fn transcription_job(
        &self,
        attempt_id: i64,
        model: Option<&str>,
    ) -> Result<Job, StudioError> {
        let wav = self.attempt_audio(attempt_id)?;
        let (model_path, model_name) = match model {
            Some(m) => {
                let p = self.resolve_model(m)?;
                let name = p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| m.to_string());
                (p, name)
            }
            None => {
                let d = self.default_model()?.ok_or(StudioError::NoModel)?;
                (PathBuf::from(d.path), d.name)
            }
        };
        self.store
            .set_transcription(attempt_id, TranscriptionState::Queued, None)?;
        Ok(Job {
            attempt_id,
            wav,
            model: model_path,
            model_name,
        })
    }

    /// Jobs for every finished take still waiting for a transcript (for
    /// example, recorded before any model was installed, or interrupted).
    /// Empty when no model is installed yet.
    pub fn pending_transcriptions(&self) -> Result<Vec<Job>, StudioError> {
        // Resolve the default model once, not once per waiting take.
        let Some(default) = self.default_model()? else {
            return Ok(Vec::new());
        };
        let mut jobs = Vec::new();
        for a in self.store.attempts_awaiting_transcription()? {
            match self.transcription_job(a.id, Some(&default.name)) {
                Ok(j) => jobs.push(j),
                Err(e) => {
                    tracing::warn!(attempt = a.id, error = %e, "cannot queue a transcription")
                }
            }
        }
        Ok(jobs)
    }

    /// The stored transcript of an attempt, with its segments parsed.
    pub fn transcript(&self, attempt_id: i64) -> Result<Option<Transcript>, StudioError> {
        let Some(t) = self.store.transcript(attempt_id)? else {
            return Ok(None);
        };
        let segments = match serde_json::from_str(&t.segments_json) {
            Ok(s) => s,
            Err(e) => {
                // The text is still there: show it, without word timings.
                tracing::warn!(attempt_id, error = %e, "the stored word timings cannot be read");
                untimed(&t.text, t.audio_ms)
            }
        };
        let source = TranscriptSource::parse(&t.source).unwrap_or_else(|| {
            tracing::warn!(attempt_id, source = %t.source, "unknown transcript source; shown as one pass");
            TranscriptSource::OnePass
        });
        Ok(Some(Transcript {
            text: t.text,
            segments,
            model: t.model,
            audio_ms: t.audio_ms as u32,
            elapsed_ms: t.elapsed_ms as u32,
            source,
        }))
    }
}

/// A transcript's text as one segment of words without times, for a stored
/// transcript whose word timings cannot be read.
fn untimed(text: &str, audio_ms: i64) -> Vec<starling_transcribe::Segment> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let words = text
        .split_whitespace()
        .map(|w| starling_transcribe::Word { text: w.to_string(), start_ms: 0, end_ms: 0, probability: 0.0 })
        .collect();
    vec![starling_transcribe::Segment { start_ms: 0, end_ms: audio_ms.max(0) as u32, text: text.trim().to_string(), words }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use starling_store::{Attempt, AttemptState};

    /// A studio in `dir` with one finished 0.9 s take.
    fn finished_take(dir: &std::path::Path) -> (Studio, Attempt) {
        let studio = Studio::open(DataPaths::new(dir)).unwrap();
        let a = studio.store.begin_attempt("behavior-difficult-bug", "a.wav", 1).unwrap();
        studio.store.finish_attempt(a.id, AttemptState::Done, Some(900), None).unwrap();
        (studio, a)
    }

    #[test]
    fn unreadable_word_timings_still_show_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let (mut studio, a) = finished_take(dir.path());
        let row = StoredTranscript {
            attempt_id: a.id,
            model: "tiny.en".into(),
            text: " I fixed the cache key.".into(),
            segments_json: "{not json".into(),
            audio_ms: 900,
            elapsed_ms: 10,
            created_ms: 0,
            source: "one_pass".into(),
        };
        studio.store.save_transcript(&row).unwrap();
        let t = studio.transcript(a.id).unwrap().unwrap();
        assert_eq!(t.segments.len(), 1);
        let words: Vec<&str> = t.segments[0].words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(words, ["I", "fixed", "the", "cache", "key."]);
        assert_eq!(t.segments[0].end_ms, 900);
    }

    #[test]
    fn the_stored_transcript_says_which_path_made_it() {
        let dir = tempfile::tempdir().unwrap();
        let (mut studio, a) = finished_take(dir.path());
        let made = Transcript { text: "I fixed it.".into(), segments: Vec::new(), model: "tiny.en".into(), audio_ms: 900, elapsed_ms: 5, source: TranscriptSource::OnePass };
        // The live path records "live" whatever the transcript claims.
        studio.save_live_transcript(a.id, made.clone()).unwrap();
        assert_eq!(studio.transcript(a.id).unwrap().unwrap().source, TranscriptSource::Live);
        // A one-pass job over the file replaces it and records "one_pass".
        let job = Job { attempt_id: a.id, wav: dir.path().join("a.wav"), model: dir.path().join("base.bin"), model_name: "base".into() };
        let live_claim = Transcript { source: TranscriptSource::Live, ..made.clone() };
        let announced = save(&mut studio.store, &job, live_claim).unwrap();
        let back = studio.transcript(a.id).unwrap().unwrap();
        assert_eq!((back.source, back.model.as_str()), (TranscriptSource::OnePass, "base"));
        // What the Done event carries is what was stored.
        assert_eq!(announced, back);
    }
}
