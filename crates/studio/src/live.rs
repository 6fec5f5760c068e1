//! The live transcript: text that appears while the answer is spoken.
//!
//! While a take records, a feeder thread reads the recorder's tap (the very
//! samples written to the WAV file), cuts them into stretches at pauses
//! ([`starling_transcribe::live::Chunker`]) and sends each finished stretch
//! to a live worker process (the app's binary with `__live-worker`), which
//! keeps the model loaded and answers with the stretch's segments. When the
//! take stops, only the last stretch is left to transcribe, and the worker's
//! stitched transcript becomes the attempt's transcript.
//!
//! The live path never endangers the recording: the tap never makes the
//! writer wait, the worker runs in its own process at a lower priority, and
//! if anything goes wrong (the worker crashes, the feeder falls so far behind
//! that the tap drops samples) [`LiveTranscription::finish`] says so and the
//! caller transcribes the file in one pass instead.
//!
//! Stretches travel on the worker's stdin in `starling_worker::protocol`'s
//! framing.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use starling_capture::TapReader;
use starling_transcribe::live::{Chunker, ChunkerOptions};
use starling_transcribe::{Segment, Transcript};

use starling_worker::protocol::{write_chunk, WorkerMessage};

/// Why the live transcript could not be used; the file is then
/// transcribed in one pass.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("The live transcription worker could not start ({0}).")]
    Start(std::io::Error),
    #[error("The live transcript fell behind the recording and missed {0} samples.")]
    FellBehind(u64),
    #[error("The live transcription worker stopped ({0}).")]
    Worker(String),
    #[error("The live transcript was not ready within {0} s.")]
    TimedOut(u64),
}

/// A live transcription running beside a recording.
pub struct LiveTranscription {
    child: Arc<Mutex<Child>>,
    feeder: Option<JoinHandle<u64>>,
    result: mpsc::Receiver<Result<Transcript, LiveError>>,
}

impl LiveTranscription {
    /// Starts the worker (`program __live-worker --model MODEL`) and the
    /// threads that feed it from `tap` and pass its segments to `on_segments`.
    pub fn start(
        program: &Path,
        model: &Path,
        tap: TapReader,
        mut on_segments: impl FnMut(Vec<Segment>) + Send + 'static,
    ) -> Result<Self, LiveError> {
        let mut child = Command::new(program)
            .arg("__live-worker")
            .arg("--model")
            .arg(model)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(LiveError::Start)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(LiveError::Start(std::io::Error::other(
                "its pipes could not be opened",
            )));
        };
        let feeder = std::thread::Builder::new()
            .name("starling-live-feed".into())
            .spawn(move || feed(tap, stdin))
            .map_err(LiveError::Start)?;
        let (tx, result) = mpsc::channel();
        std::thread::Builder::new()
            .name("starling-live-read".into())
            .spawn(move || {
                let mut outcome = Err(LiveError::Worker("it ended without a transcript".into()));
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    match serde_json::from_str::<WorkerMessage>(&line) {
                        Ok(WorkerMessage::Live(segments)) => on_segments(segments),
                        Ok(WorkerMessage::Transcript(t)) => outcome = Ok(t),
                        Ok(WorkerMessage::Error(e)) => outcome = Err(LiveError::Worker(e)),
                        Ok(WorkerMessage::Progress(_) | WorkerMessage::Loaded) | Err(_) => {}
                    }
                }
                let _ = tx.send(outcome);
            })
            .map_err(LiveError::Start)?;
        Ok(LiveTranscription {
            child: Arc::new(Mutex::new(child)),
            feeder: Some(feeder),
            result,
        })
    }

    /// The worker's process id (for diagnostics and the fault tests).
    pub fn worker_pid(&self) -> Option<u32> {
        self.child.lock().ok().map(|c| c.id())
    }

    /// Once the recording has stopped: waits for the last stretch and
    /// returns the whole transcript, or why it cannot be trusted.
    pub fn finish(mut self, timeout: Duration) -> Result<Transcript, LiveError> {
        let missed = self
            .feeder
            .take()
            .map(|f| f.join().unwrap_or(u64::MAX))
            .unwrap_or(0);
        let outcome = self.result.recv_timeout(timeout);
        if missed > 0 {
            return Err(LiveError::FellBehind(missed));
        }
        outcome.unwrap_or(Err(LiveError::TimedOut(timeout.as_secs())))
    }
}

impl Drop for LiveTranscription {
    fn drop(&mut self) {
        if let Ok(mut child) = self.child.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Feeds the worker until the recording ends; returns the samples the tap
/// dropped because this thread fell behind (0 when it saw all of them).
fn feed(mut tap: TapReader, mut stdin: std::process::ChildStdin) -> u64 {
    let mut chunker = Chunker::new(ChunkerOptions::default());
    let mut buf = Vec::new();
    let mut worker_alive = true;
    loop {
        let closed = tap.is_closed();
        buf.clear();
        tap.read_into(&mut buf);
        let mut chunks = chunker.push(&buf);
        if closed {
            chunks.extend(chunker.finish());
        }
        for chunk in &chunks {
            if worker_alive && write_chunk(&mut stdin, chunk).is_err() {
                // The worker is gone; keep draining the tap so the
                // outcome still reports what happened.
                worker_alive = false;
            }
        }
        if closed {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(stdin);
    tap.missed()
}
