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
//! Stretches travel on the worker's stdin as a 12-byte header (the first
//! sample's position, u64 little-endian, then the sample count, u32) and the
//! samples as f32 little-endian.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use starling_capture::TapReader;
use starling_transcribe::live::{Chunk, Chunker, ChunkerOptions};
use starling_transcribe::{Segment, Transcript};

use crate::transcription::WorkerMessage;

/// The most samples one stretch may carry (five minutes), so a corrupt
/// header cannot make the worker allocate without bound.
const MAX_CHUNK_SAMPLES: u32 = 16_000 * 300;

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

/// Writes one stretch in the worker's framing.
pub fn write_chunk(out: &mut impl Write, chunk: &Chunk) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(12 + chunk.samples.len() * 4);
    bytes.extend_from_slice(&chunk.start_sample.to_le_bytes());
    bytes.extend_from_slice(&(chunk.samples.len() as u32).to_le_bytes());
    for x in &chunk.samples {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    out.write_all(&bytes)?;
    out.flush()
}

/// Reads one stretch; `None` at a clean end of input.
pub fn read_chunk(input: &mut impl Read) -> std::io::Result<Option<Chunk>> {
    let mut header = [0u8; 12];
    let mut got = 0;
    while got < header.len() {
        match input.read(&mut header[got..])? {
            0 if got == 0 => return Ok(None),
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => got += n,
        }
    }
    let start_sample = u64::from_le_bytes(header[..8].try_into().unwrap_or_default());
    let count = u32::from_le_bytes(header[8..].try_into().unwrap_or_default());
    if count > MAX_CHUNK_SAMPLES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a stretch of {count} samples is longer than five minutes"),
        ));
    }
    let mut raw = vec![0u8; count as usize * 4];
    input.read_exact(&mut raw)?;
    let samples = raw
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Ok(Some(Chunk {
        start_sample,
        samples,
    }))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretches_cross_the_pipe_intact_and_a_cut_off_one_is_an_error() {
        let a = Chunk {
            start_sample: 48_000,
            samples: vec![0.25, -0.5, 1.0],
        };
        let b = Chunk {
            start_sample: u64::MAX,
            samples: vec![],
        };
        let mut wire = Vec::new();
        write_chunk(&mut wire, &a).unwrap();
        write_chunk(&mut wire, &b).unwrap();
        let mut input = &wire[..];
        assert_eq!(read_chunk(&mut input).unwrap(), Some(a));
        assert_eq!(read_chunk(&mut input).unwrap(), Some(b));
        assert_eq!(read_chunk(&mut input).unwrap(), None);
        let mut cut = &wire[..20];
        assert_eq!(
            read_chunk(&mut cut).unwrap_err().kind(),
            std::io::ErrorKind::UnexpectedEof
        );
        let mut huge = Vec::from(0u64.to_le_bytes());
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(read_chunk(&mut &huge[..])
            .unwrap_err()
            .to_string()
            .contains("five minutes"));
    }
}
