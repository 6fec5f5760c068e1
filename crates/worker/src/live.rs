//! The live worker: loads the model once, then transcribes the stretches of
//! one answer as they arrive on stdin (in [`crate::protocol`]'s framing).
//!
//! A finished stretch is answered with `{"live":[segments]}` and kept; a
//! preview of the stretch being spoken with `{"preview":[segments]}`, only
//! if nothing newer has arrived by the time the worker gets to it ([`Queue`]).
//! A preview in progress is abandoned the moment a finished stretch or the
//! end of input arrives, so previews never delay the transcript that is kept.
//! At the end of input it prints the stitched `{"transcript":…}`.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use clap::Args;
use starling_transcribe::live::{Chunk, LiveSession};
use starling_transcribe::{TranscribeError, TranscribeOptions, WhisperTranscriber};

use crate::protocol::{read_chunk, send, ChunkKind, WorkerMessage};

#[derive(Debug, Args)]
pub struct LiveArgs {
    #[arg(long)]
    model: PathBuf,
}

/// What the stdin reader hands the transcribing thread.
#[derive(Debug, PartialEq)]
enum Input {
    Chunk(ChunkKind, Chunk),
    /// The input could not be read; the message says why.
    Broken(String),
}

/// Inputs waiting to be transcribed, oldest first.
#[derive(Debug, Default)]
struct Queue {
    waiting: VecDeque<Input>,
}

impl Queue {
    fn push(&mut self, input: Input) {
        self.waiting.push_back(input);
    }

    /// The next input worth working on: finished stretches in order; a
    /// preview only when nothing arrived after it (a newer preview covers
    /// more, and a finished stretch replaces it).
    fn next(&mut self) -> Option<Input> {
        while let Some(input) = self.waiting.pop_front() {
            let stale = matches!(input, Input::Chunk(ChunkKind::Preview, _)) && !self.waiting.is_empty();
            if !stale {
                return Some(input);
            }
        }
        None
    }
}

pub fn live(args: LiveArgs) -> ExitCode {
    lower_priority();
    let engine = match WhisperTranscriber::load(&args.model) {
        Ok(e) => e,
        Err(e) => {
            send(&WorkerMessage::Error(e.to_string()));
            return ExitCode::from(1);
        }
    };
    let mut session = LiveSession::new(engine, TranscribeOptions::default());
    let name = args.model.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();

    // Set when input arrives that makes a preview in progress pointless.
    let newer = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let reader_newer = Arc::clone(&newer);
    std::thread::spawn(move || {
        let mut input = std::io::BufReader::new(std::io::stdin().lock());
        loop {
            let (item, last) = match read_chunk(&mut input) {
                Ok(Some((kind, chunk))) => (Some(Input::Chunk(kind, chunk)), false),
                Ok(None) => (None, true),
                Err(e) => (Some(Input::Broken(format!("The live transcript's input was cut off ({e})."))), true),
            };
            if !matches!(item, Some(Input::Chunk(ChunkKind::Preview, _))) {
                reader_newer.store(true, Ordering::SeqCst);
            }
            if let Some(item) = item {
                if tx.send(item).is_err() {
                    return;
                }
            }
            if last {
                return; // dropping `tx` ends the transcribing loop
            }
        }
    });

    let keep = AtomicBool::new(false);
    let mut queue = Queue::default();
    loop {
        // Cleared before looking at the queue, so input that arrives from
        // here on interrupts the preview chosen below.
        newer.store(false, Ordering::SeqCst);
        while let Ok(item) = rx.try_recv() {
            queue.push(item);
        }
        let item = match queue.next() {
            Some(item) => item,
            None => match rx.recv() {
                Ok(item) => {
                    queue.push(item);
                    continue;
                }
                Err(_) => break, // end of input
            },
        };
        match item {
            Input::Chunk(ChunkKind::Finished, chunk) => match session.transcribe(&chunk, &keep) {
                Ok(segments) => send(&WorkerMessage::Live(segments)),
                Err(e) => {
                    send(&WorkerMessage::Error(e.to_string()));
                    return ExitCode::from(1);
                }
            },
            Input::Chunk(ChunkKind::Preview, chunk) => match session.preview(&chunk, &newer) {
                Ok(segments) => send(&WorkerMessage::Preview(segments)),
                // Interrupted by newer input, or failed: a preview is only a
                // preview, and the finished stretch will be transcribed.
                Err(TranscribeError::Cancelled) => {}
                Err(e) => eprintln!("live preview failed: {e}"),
            },
            Input::Broken(message) => {
                send(&WorkerMessage::Error(message));
                return ExitCode::from(1);
            }
        }
    }
    send(&WorkerMessage::Transcript(session.finish(&name)));
    ExitCode::SUCCESS
}

/// The live worker shares the processor with a recording in progress: it
/// asks the system to serve the recorder first.
#[cfg(unix)]
fn lower_priority() {
    // SAFETY: nice(2) only changes this process's scheduling priority.
    let _ = unsafe { libc::nice(5) };
}

#[cfg(not(unix))]
fn lower_priority() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: ChunkKind, start: u64) -> Input {
        Input::Chunk(kind, Chunk { start_sample: start, samples: vec![] })
    }

    #[test]
    fn only_the_newest_preview_is_worth_transcribing_and_finished_stretches_all_are() {
        let mut q = Queue::default();
        q.push(chunk(ChunkKind::Preview, 1));
        q.push(chunk(ChunkKind::Preview, 2));
        q.push(chunk(ChunkKind::Finished, 3));
        q.push(chunk(ChunkKind::Preview, 4));
        q.push(chunk(ChunkKind::Finished, 5));
        q.push(chunk(ChunkKind::Finished, 6));
        q.push(chunk(ChunkKind::Preview, 7));
        let order: Vec<Input> = std::iter::from_fn(|| q.next()).collect();
        assert_eq!(order, vec![chunk(ChunkKind::Finished, 3), chunk(ChunkKind::Finished, 5), chunk(ChunkKind::Finished, 6), chunk(ChunkKind::Preview, 7)]);
        q.push(Input::Broken("cut".into()));
        assert_eq!(q.next(), Some(Input::Broken("cut".into())));
        assert_eq!(q.next(), None);
    }
}
