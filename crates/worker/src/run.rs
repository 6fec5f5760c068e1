//! What a worker process does: [`transcribe`] one file, or transcribe the
//! stretches of one answer [`live`] as they arrive (in [`crate::live`]). A separate process, so a
//! crash inside whisper.cpp never takes the app down; it speaks
//! [`crate::protocol`] on stdout: one JSON object per line, `{"progress":N}`
//! while working, then `{"transcript":…}` or `{"error":"…"}`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::Args;

use crate::protocol::{send, WorkerMessage};
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


/// Asks Linux to kill this worker when the thread that started it goes: a
/// Starling killed outright must not leave a transcription running on.
pub(crate) fn die_with_parent() {
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

