//! The live transcript: text that appears while the answer is spoken.
//!
//! While a take records, a feeder thread reads the recorder's tap (the very
//! samples written to the WAV file), cuts them into stretches at pauses
//! ([`starling_transcribe::live::Chunker`]) and sends each finished stretch
//! to a live worker process (the app's binary with `__live-worker`), which
//! keeps the model loaded and answers with the stretch's segments. Every
//! second of speech in between, it also sends the stretch being spoken, as
//! far as it goes, for a provisional transcript ([`LiveUpdate::Preview`]),
//! so words appear while they are said; the worker drops a preview that
//! newer input overtook and abandons one in progress when a finished stretch
//! arrives. Words two previews in a row agree on are marked confirmed. When
//! the take stops, only the last stretch is left to transcribe, and the
//! worker's stitched transcript becomes the attempt's transcript.
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
use starling_transcribe::live::{Chunk, Chunker, ChunkerOptions};
use starling_transcribe::{Segment, Transcript};

use starling_worker::protocol::{write_chunk, ChunkKind, WorkerMessage};

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

/// What the live transcript tells the window while the take records.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveUpdate {
    /// One more finished stretch, kept in the transcript.
    Stretch(Vec<Segment>),
    /// A provisional transcript of the stretch being spoken, replacing the
    /// previous preview; its first `confirmed_words` words are the ones the
    /// previous preview also had.
    Preview { segments: Vec<Segment>, confirmed_words: u32 },
}

/// Speech a stretch needs before it is previewed: less is mostly guesswork.
const PREVIEW_MIN_SPEECH_MS: u32 = 600;

/// How the live transcript runs.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveOptions {
    /// How much more speech between two previews of the stretch being
    /// spoken; `None`: no previews, text only when a stretch ends.
    pub preview_every: Option<Duration>,
    /// Set in the worker's environment (how its threads wait, from
    /// [`starling_transcribe::load::worker_env`]).
    pub worker_env: Vec<(&'static str, &'static str)>,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions { preview_every: Some(Duration::from_secs(1)), worker_env: Vec::new() }
    }
}

/// Counts the words two successive previews agree on, from the start.
#[derive(Debug, Default)]
pub struct Agreement {
    previous: Vec<String>,
}

impl Agreement {
    fn words(segments: &[Segment]) -> Vec<String> {
        segments.iter().flat_map(|s| starling_transcribe::wer::normalize(&s.text)).collect()
    }

    /// How many of `segments`' first words the previous preview had too.
    pub fn preview(&mut self, segments: &[Segment]) -> u32 {
        let words = Self::words(segments);
        let agreed = words.iter().zip(&self.previous).take_while(|(a, b)| a == b).count();
        self.previous = words;
        agreed as u32
    }

    /// A stretch ended: the next preview starts afresh.
    pub fn reset(&mut self) {
        self.previous.clear();
    }
}

/// A live transcription running beside a recording.
pub struct LiveTranscription {
    child: Arc<Mutex<Child>>,
    feeder: Option<JoinHandle<u64>>,
    result: mpsc::Receiver<Result<Transcript, LiveError>>,
}

impl LiveTranscription {
    /// Starts the worker (`program __live-worker --model MODEL`) and the
    /// threads that feed it from `tap` and pass what it says to `on_update`,
    /// with previews every second.
    pub fn start(
        program: &Path,
        model: &Path,
        tap: TapReader,
        on_update: impl FnMut(LiveUpdate) + Send + 'static,
    ) -> Result<Self, LiveError> {
        Self::start_with(program, model, tap, LiveOptions::default(), on_update)
    }

    /// [`start`](Self::start) with other options.
    pub fn start_with(
        program: &Path,
        model: &Path,
        tap: TapReader,
        opts: LiveOptions,
        mut on_update: impl FnMut(LiveUpdate) + Send + 'static,
    ) -> Result<Self, LiveError> {
        let mut child = Command::new(program)
            .envs(opts.worker_env.iter().copied())
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
            .spawn(move || feed(tap, stdin, opts))
            .map_err(LiveError::Start)?;
        let (tx, result) = mpsc::channel();
        std::thread::Builder::new()
            .name("starling-live-read".into())
            .spawn(move || {
                let mut outcome = Err(LiveError::Worker("it ended without a transcript".into()));
                let mut agreement = Agreement::default();
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    match serde_json::from_str::<WorkerMessage>(&line) {
                        Ok(WorkerMessage::Live(segments)) => {
                            agreement.reset();
                            on_update(LiveUpdate::Stretch(segments));
                        }
                        Ok(WorkerMessage::Preview(segments)) => {
                            let confirmed_words = agreement.preview(&segments);
                            on_update(LiveUpdate::Preview { segments, confirmed_words });
                        }
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
fn feed(mut tap: TapReader, mut stdin: std::process::ChildStdin, opts: LiveOptions) -> u64 {
    let mut chunker = Chunker::new(ChunkerOptions::default());
    let mut buf = Vec::new();
    let mut worker_alive = true;
    let preview_every = opts.preview_every.map(|d| (d.as_millis() as u64 * 16).max(1));
    // The recording position of the last preview (or stretch end).
    let mut previewed_to = 0u64;
    loop {
        let closed = tap.is_closed();
        buf.clear();
        tap.read_into(&mut buf);
        let mut chunks = chunker.push(&buf);
        if closed {
            chunks.extend(chunker.finish());
        }
        let mut send = |kind, chunk: &Chunk| {
            if worker_alive && write_chunk(&mut stdin, kind, chunk).is_err() {
                // The worker is gone; keep draining the tap so the
                // outcome still reports what happened.
                worker_alive = false;
            }
        };
        for chunk in &chunks {
            send(ChunkKind::Finished, chunk);
        }
        if !chunks.is_empty() {
            previewed_to = chunker.position();
        } else if let Some(every) = preview_every.filter(|_| !closed) {
            if chunker.position() >= previewed_to + every {
                if let Some(current) = chunker.current(PREVIEW_MIN_SPEECH_MS) {
                    send(ChunkKind::Preview, &current);
                }
                previewed_to = chunker.position();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn said(text: &str) -> Vec<Segment> {
        vec![Segment { start_ms: 0, end_ms: 1_000, text: text.into(), words: vec![] }]
    }

    #[test]
    fn previews_confirm_the_words_they_agree_on_from_the_start() {
        let mut a = Agreement::default();
        assert_eq!(a.preview(&said("I led the")), 0, "a first preview confirms nothing");
        assert_eq!(a.preview(&said("I led the migration")), 3);
        assert_eq!(a.preview(&said("I LED the, migration of")), 4, "case and punctuation do not count");
        assert_eq!(a.preview(&said("Eye led the migration of")), 0, "agreement runs from the start");
        a.reset();
        assert_eq!(a.preview(&said("Eye led")), 0, "a new stretch starts afresh");
    }
}
