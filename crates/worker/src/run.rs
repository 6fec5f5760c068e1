//! What a worker process does: [`transcribe`] one file, or transcribe the
//! stretches of one answer [`live`] as they arrive. A separate process, so a
//! crash inside whisper.cpp never takes the app down; it speaks
//! [`crate::protocol`] on stdout: one JSON object per line, `{"progress":N}`
//! while working, then `{"transcript":…}` or `{"error":"…"}`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::Args;

use crate::protocol::{read_chunk, WorkerMessage};
use starling_transcribe::{audio, TranscribeOptions, Transcriber, WhisperTranscriber};

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    #[arg(long)]
    model: PathBuf,
    /// The recording to transcribe; without it the worker only loads the
    /// model and says whether whisper.cpp accepted it (`{"loaded":…}`).
    #[arg(long)]
    wav: Option<PathBuf>,
    #[arg(long)]
    beam: Option<usize>,
}

fn send(msg: &WorkerMessage) {
    if let Ok(line) = serde_json::to_string(msg) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// Asks Linux to kill this worker when the thread that started it goes: a
/// Starling killed outright must not leave a transcription running on.
fn die_with_parent() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_PDEATHSIG only sets the signal this process receives
    // when its parent thread exits; no memory is passed.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
    }
}

pub fn transcribe(args: TranscribeArgs) -> ExitCode {
    die_with_parent();
    let Some(wav) = args.wav else {
        // Only the model: an abort inside whisper.cpp ends this process,
        // which the caller reads as "this model cannot be loaded".
        return match WhisperTranscriber::load(&args.model) {
            Ok(_) => {
                send(&WorkerMessage::Loaded);
                ExitCode::SUCCESS
            }
            Err(starling_transcribe::TranscribeError::BadModel { reason, .. }) => {
                send(&WorkerMessage::Error(reason));
                ExitCode::from(1)
            }
            Err(e) => {
                send(&WorkerMessage::Error(e.to_string()));
                ExitCode::from(1)
            }
        };
    };
    let result =
        (|| -> Result<starling_transcribe::Transcript, starling_transcribe::TranscribeError> {
            let samples = audio::load_wav(&wav)?;
            let mut engine = WhisperTranscriber::load(&args.model)?;
            let opts = TranscribeOptions {
                beam_size: args.beam,
                ..TranscribeOptions::default()
            };
            engine.transcribe(
                &samples,
                &opts,
                &mut |p| send(&WorkerMessage::Progress(p)),
                &AtomicBool::new(false),
            )
        })();
    match result {
        Ok(t) => {
            send(&WorkerMessage::Transcript(t));
            ExitCode::SUCCESS
        }
        Err(e) => {
            send(&WorkerMessage::Error(e.to_string()));
            ExitCode::from(1)
        }
    }
}

#[derive(Debug, Args)]
pub struct LiveArgs {
    #[arg(long)]
    model: PathBuf,
}

/// The live worker: loads the model once, then transcribes the stretches of
/// one answer as they arrive on stdin (in [`crate::protocol`]'s framing),
/// answering each with `{"live":[segments]}`. At the end of input
/// it prints the stitched `{"transcript":…}`.
pub fn live(args: LiveArgs) -> ExitCode {
    lower_priority();
    let engine = match WhisperTranscriber::load(&args.model) {
        Ok(e) => e,
        Err(e) => {
            send(&WorkerMessage::Error(e.to_string()));
            return ExitCode::from(1);
        }
    };
    let mut session =
        starling_transcribe::live::LiveSession::new(engine, TranscribeOptions::default());
    let name = args
        .model
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut input = std::io::BufReader::new(std::io::stdin().lock());
    let cancel = AtomicBool::new(false);
    loop {
        match read_chunk(&mut input) {
            Ok(Some(chunk)) => match session.transcribe(&chunk, &cancel) {
                Ok(segments) => send(&WorkerMessage::Live(segments)),
                Err(e) => {
                    send(&WorkerMessage::Error(e.to_string()));
                    return ExitCode::from(1);
                }
            },
            Ok(None) => break,
            Err(e) => {
                send(&WorkerMessage::Error(format!(
                    "The live transcript's input was cut off ({e})."
                )));
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
