//! The fault suite's driver and tally (see `fault_suite.rs`).

mod audio;
mod data;
mod hostile;
mod models;

use std::path::{Path, PathBuf};
use std::process::Command;

use starling_store::StarNoteDraft;
use starling_studio::{DataPaths, Studio};

/// One fault: its name and the case that makes it real. A case returns the
/// message the user was shown, or why it failed.
type Case = (&'static str, fn(&Env) -> Result<String, String>);

const CASES: &[Case] = &[
    ("recording: disk full", audio::recording_disk_full),
    ("recording: microphone vanishes", audio::microphone_vanishes),
    ("backup: disk full", data::backup_disk_full),
    ("model: truncated", models::truncated),
    ("model: zero bytes", models::zero_bytes),
    ("model: another format", models::other_format),
    ("model: installed file truncated", models::installed_truncated),
    ("whisper.cpp aborts mid-transcription", models::whisper_aborts),
    ("database: read-only", data::read_only_database),
    ("database: from a newer version", data::newer_database),
    ("backup: duplicate entry names", hostile::archive_duplicate_names),
    ("backup: sizes that lie (a bomb)", hostile::archive_lying_sizes),
    ("backup: no database", hostile::archive_without_database),
    ("model: unknown type, existing name", hostile::model_unknown_type_under_an_existing_name),
    ("two processes on one data folder", hostile::two_processes_on_one_folder),
    ("export: over the live database", hostile::export_over_the_database),
    ("wav: 1 Hz header and a named pipe", hostile::hostile_wav_files),
    ("backup: restore onto a full disk", hostile::restore_without_room),
];

/// What every case may use.
pub struct Env {
    pub dir: tempfile::TempDir,
    /// A spoken answer, 16-bit WAV.
    pub speech: PathBuf,
    /// tiny.en as a ggml file, converted once from the test model.
    pub model: PathBuf,
}

pub fn main() {
    if !crate::common::should_run("fault_suite") {
        return;
    }
    let env = Env::new();
    let mut rows = Vec::new();
    let mut failed = 0;
    for (name, case) in CASES {
        let outcome = case(&env);
        if outcome.is_err() {
            failed += 1;
        }
        rows.push((name, outcome));
    }
    println!("\nfault suite: {} faults, {} handled, {failed} failed", CASES.len(), CASES.len() - failed);
    println!("{:<38} {:<7} what the user is told", "fault", "result");
    for (name, outcome) in &rows {
        let (result, text) = match outcome {
            Ok(message) => ("ok", message.as_str()),
            Err(why) => ("FAILED", why.as_str()),
        };
        let short: String = text.chars().take(150).collect();
        println!("{name:<38} {result:<7} {short}{}", if text.chars().count() > 150 { "…" } else { "" });
    }
    if failed > 0 {
        drop(env); // removes its temporary folder
        std::process::exit(1);
    }
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let speech = dir.path().join("speech.wav");
        let text = "The situation was an outage on a Friday evening. My task was to bring the service back. \
            I rolled back the release, then found the bad configuration and added a check for it. \
            As a result we were back within twenty minutes, and it never happened again.";
        assert!(Command::new("espeak-ng").arg("-w").arg(&speech).arg(text).status().is_ok_and(|s| s.success()), "espeak-ng speaks");
        let ct2 = std::env::var("STARLING_CT2_TINY_EN").expect("STARLING_CT2_TINY_EN names the test model (cargo xtask test sets it)");
        let model = dir.path().join("tiny.en.bin");
        starling_transcribe::convert::convert_folder(Path::new(&ct2), &model).expect("the test model converts");
        Env { dir, speech, model }
    }

    /// A fresh data folder under the suite's folder.
    pub fn data(&self, name: &str) -> DataPaths {
        DataPaths::new(self.dir.path().join(name))
    }
}

/// A note that must survive the fault.
pub fn keep_note(studio: &Studio, question: &str) -> Result<(), String> {
    let draft = StarNoteDraft { question_id: question.into(), situation: "must survive".into(), ..Default::default() };
    studio.save_star_note(&draft).map(|_| ()).map_err(|e| e.to_string())
}

pub fn note_survived(paths: &DataPaths, question: &str) -> Result<(), String> {
    let studio = Studio::open(paths.clone()).map_err(|e| format!("the data does not open afterwards: {e}"))?;
    match studio.open_question(question).map_err(|e| e.to_string())?.note {
        Some(n) if n.situation == "must survive" => Ok(()),
        other => Err(format!("the note was lost: {other:?}")),
    }
}

/// `Err` unless `text` contains every one of `words`.
pub fn says(text: &str, words: &[&str]) -> Result<String, String> {
    match words.iter().find(|w| !text.contains(*w)) {
        None => Ok(text.to_string()),
        Some(w) => Err(format!("the message does not say `{w}`: {text}")),
    }
}
