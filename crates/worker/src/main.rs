//! `starling-worker`: only the worker subcommands, built once per processor
//! level (`cargo xtask` installs them as `starling-worker-<level>` beside the
//! app), so a faster build of whisper.cpp does not mean another build of the
//! whole app.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "starling-worker", about = "Starling's transcription worker (started by Starling, not by hand)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(name = "__transcribe-worker")]
    Transcribe(starling_worker::TranscribeArgs),
    #[command(name = "__live-worker")]
    Live(starling_worker::LiveArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Transcribe(args) => starling_worker::run::transcribe(args),
        Command::Live(args) => starling_worker::live::live(args),
    }
}
