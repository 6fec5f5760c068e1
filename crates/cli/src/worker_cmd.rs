//! The transcription worker: a separate process, so a crash inside
//! whisper.cpp never takes the app down. It transcribes one file and speaks
//! the protocol of `starling_studio::transcription` on stdout: one JSON
//! object per line, `{"progress":N}` while working, then `{"transcript":…}`
//! or `{"error":"…"}`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::Args;

use starling_studio::transcription::WorkerMessage;
use starling_transcribe::{audio, TranscribeOptions, Transcriber, WhisperTranscriber};

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[arg(long)]
    model: PathBuf,
    #[arg(long)]
    wav: PathBuf,
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

pub fn run(args: WorkerArgs) -> ExitCode {
    let result = (|| -> Result<starling_transcribe::Transcript, starling_transcribe::TranscribeError> {
        let samples = audio::load_wav(&args.wav)?;
        let mut engine = WhisperTranscriber::load(&args.model)?;
        let opts = TranscribeOptions { beam_size: args.beam, ..TranscribeOptions::default() };
        engine.transcribe(&samples, &opts, &mut |p| send(&WorkerMessage::Progress(p)), &AtomicBool::new(false))
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
