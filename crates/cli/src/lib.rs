//! The headless command line: everything Starling can do without a window.
//!
//! Both the `starling-cli` binary and the desktop app binary (`starling bank …`)
//! call [`run`]. Each subcommand lives in its own module.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod audio_cmd;
mod bank_cmd;
mod coach_cmd;
mod data_cmd;
mod say_cmd;
mod transcribe_cmd;

#[derive(Debug, Parser)]
#[command(
    name = "starling",
    version,
    about = "Rehearse interview answers aloud — command-line entry"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Inspect and validate question decks.
    #[command(subcommand)]
    Bank(bank_cmd::BankCommand),
    /// List input devices (microphones) with their default configuration.
    Devices {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Record from a microphone into a 16 kHz mono WAV file.
    Record(audio_cmd::RecordArgs),
    /// Transcribe a WAV file with a local Whisper model.
    Transcribe(transcribe_cmd::TranscribeArgs),
    /// Coach one answer: STAR labels and missing parts, fillers, hedges and,
    /// from a recording, pace, length, pauses and key points.
    Coach(coach_cmd::CoachArgs),
    /// Manage transcription models.
    #[command(subcommand)]
    Models(transcribe_cmd::ModelsCommand),
    /// Write everything (database, recordings, own decks) to one archive.
    Export(data_cmd::ExportArgs),
    /// Restore an archive written by `export`; the current data is kept aside.
    Import(data_cmd::ImportArgs),
    /// Write every STAR note and story to a Markdown file.
    Notes(data_cmd::NotesArgs),
    /// Speak a question (or any text) into a WAV file with the interviewer's voice.
    Say(say_cmd::SayArgs),
    /// Internal: the transcription worker process the app starts.
    #[command(name = "__transcribe-worker", hide = true)]
    TranscribeWorker(starling_worker::TranscribeArgs),
    /// Internal: the live transcript worker the app starts while recording.
    #[command(name = "__live-worker", hide = true)]
    LiveWorker(starling_worker::LiveArgs),
}

/// The subcommand names this entry understands; the app binary starts the
/// window unless its first argument is one of these (or a help/version flag).
pub const SUBCOMMANDS: &[&str] = &[
    "bank",
    "devices",
    "record",
    "transcribe",
    "models",
    "coach",
    "export",
    "import",
    "notes",
    "say",
    "__transcribe-worker",
    "__live-worker",
    "help",
    "--help",
    "-h",
    "--version",
    "-V",
];

/// Parses `args` (including the program name) and runs the subcommand.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Bank(cmd) => bank_cmd::run(cmd),
        Command::Devices { json } => audio_cmd::devices(json),
        Command::Record(args) => audio_cmd::record(args),
        Command::Transcribe(args) => transcribe_cmd::transcribe(args),
        Command::Models(cmd) => transcribe_cmd::models(cmd),
        Command::Coach(args) => coach_cmd::run(args),
        Command::Export(args) => data_cmd::export(args),
        Command::Import(args) => data_cmd::import(args),
        Command::Notes(args) => data_cmd::notes(args),
        Command::Say(args) => say_cmd::run(args),
        Command::TranscribeWorker(args) => starling_worker::run::transcribe(args),
        Command::LiveWorker(args) => starling_worker::live::live(args),
    }
}

/// Prints an error for the user and gives the exit status of a failed command.
pub(crate) fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(1)
}

/// Prints `value` as pretty JSON on stdout (the `--json` of the commands).
pub(crate) fn print_json(value: &impl serde::Serialize) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// Sets up `tracing` to stderr, honouring `RUST_LOG` (default: warnings).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
