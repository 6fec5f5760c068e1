//! The command line's host for a take (`starling record --question`): the
//! studio, the one-pass transcription queue and a channel that hears when a
//! transcript is stored, so the command can wait for it and print it. What
//! happens to the take is `starling_studio::takes`, as in the app.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Mutex;
use std::time::Duration;

use starling_studio::takes::TakeHost;
use starling_studio::transcription::{Job, TranscriptionEvent, TranscriptionRunner, WorkerCommand};
use starling_studio::{Studio, StudioError};

/// Why a take got no transcript.
#[derive(Debug, thiserror::Error)]
pub enum NotTranscribed {
    /// The one-pass transcription failed; its reason, as the runner gives it.
    #[error("{0}")]
    Failed(String),
    #[error("no transcription worker could be started, so the take waits until Starling next opens")]
    NoWorker,
}

/// How a take's transcription ended: the attempt whose transcript is stored.
pub type Finished = Result<i64, NotTranscribed>;

pub struct CliHost {
    studio: Mutex<Studio>,
    runner: Option<TranscriptionRunner>,
    done: Sender<Finished>,
    heard: Mutex<Receiver<Finished>>,
}

impl CliHost {
    /// Holds `studio`; with `worker`, one-pass transcriptions run as in the app.
    pub fn new(studio: Studio, worker: Option<WorkerCommand>) -> Result<CliHost, StudioError> {
        let (done, heard) = mpsc::channel();
        let runner = match worker {
            Some(w) => {
                let tx = done.clone();
                Some(TranscriptionRunner::start(studio.paths(), w, move |ev| match ev {
                    TranscriptionEvent::Done { attempt_id } => {
                        let _ = tx.send(Ok(i64::from(attempt_id)));
                    }
                    TranscriptionEvent::Failed { message, .. } => {
                        let _ = tx.send(Err(NotTranscribed::Failed(message)));
                    }
                    TranscriptionEvent::Queued { .. } | TranscriptionEvent::Progress { .. } => {}
                })?)
            }
            None => None,
        };
        Ok(CliHost { studio: Mutex::new(studio), runner, done, heard: Mutex::new(heard) })
    }

    /// Waits up to `limit` for the next stored transcript (or failure).
    pub fn wait(&self, limit: Duration) -> Option<Finished> {
        self.heard.lock().unwrap_or_else(|p| p.into_inner()).recv_timeout(limit).ok()
    }
}

impl TakeHost for CliHost {
    fn with_studio<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, StudioError>) -> Result<T, StudioError> {
        f(&mut self.studio.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn enqueue(&self, job: Job) {
        match &self.runner {
            Some(r) => r.enqueue(job),
            None => {
                let _ = self.done.send(Err(NotTranscribed::NoWorker));
            }
        }
    }

    fn transcript_stored(&self, attempt_id: i64) {
        let _ = self.done.send(Ok(attempt_id));
    }
}
