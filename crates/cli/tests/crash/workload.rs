//! The work a killed process was doing: each role runs until it is killed
//! and prints a line after every step that the app would have acknowledged
//! to the user (a saved note, a finished export), so the suite knows what
//! must survive.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;

use starling_store::StarNoteDraft;
use starling_studio::transcription::{TranscriptionEvent, TranscriptionRunner};
use starling_studio::{backup, DataPaths, Studio};

/// The questions whose notes are edited.
pub const NOTE_QUESTIONS: [&str; 4] =
    ["behavior-difficult-bug", "behavior-tight-deadline", "behavior-unclear-requirements", "behavior-legacy-codebase"];

/// A note at revision `rev`, long enough that a save is real work.
pub fn note(question: &str, rev: u64) -> StarNoteDraft {
    let body = |field: &str| format!("{field} of {question}, revision {rev}. {}", "Measured, changed, measured again. ".repeat(8));
    StarNoteDraft {
        question_id: question.into(),
        situation: format!("rev {rev}"),
        task: body("Task"),
        action: body("Action"),
        result: body("Result"),
        notes: body("Notes"),
    }
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn paths() -> DataPaths {
    DataPaths::resolve(None).expect("the suite sets STARLING_DATA_DIR")
}

pub fn run(role: &str) {
    match role {
        "notes" => notes(),
        "backup" => backups(),
        "transcribe" => transcribe(),
        other => panic!("unknown crash workload {other}"),
    }
}

/// Saves note revisions round the questions, from `STARLING_CRASH_REV`.
fn notes() {
    let studio = Studio::open(paths()).expect("the studio opens");
    let start: u64 = std::env::var("STARLING_CRASH_REV").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    say("ready");
    for rev in start.. {
        let q = NOTE_QUESTIONS[(rev % NOTE_QUESTIONS.len() as u64) as usize];
        studio.save_star_note(&note(q, rev)).expect("the note saves");
        say(&format!("saved {q} {rev}"));
    }
}

/// Exports an archive and restores it, over and over.
///
/// Each cycle leaves an archive and a `before-restore` copy of the data, so
/// after each restore the older ones are deleted (the newest two of each
/// are kept): a few seconds of cycles would otherwise fill a small disk
/// with hundreds of megabytes, and a restore refuses to start without room.
fn backups() {
    let paths = paths();
    let exports = PathBuf::from(std::env::var("STARLING_CRASH_EXPORTS").expect("the suite names the export folder"));
    say("ready");
    for i in 0u64.. {
        let out = exports.join(format!("backup-{}-{i}.zip", std::process::id()));
        Studio::open(paths.clone()).expect("the studio opens").export_backup(&out).unwrap_or_else(|e| panic!("the export fails: {e}"));
        say(&format!("exported {}", out.display()));
        backup::restore(&paths, &out, starling_studio::clock::Clock::system().now_ms()).unwrap_or_else(|e| panic!("the restore fails: {e}"));
        say("restored");
        if let Some(old) = i.checked_sub(2) {
            let _ = std::fs::remove_file(exports.join(format!("backup-{}-{old}.zip", std::process::id())));
        }
        prune_before_restore(&paths);
    }
}

/// Deletes all but the newest two `backups/before-restore-*` folders, unless
/// a restore is unfinished (its journal names the newest).
fn prune_before_restore(paths: &DataPaths) {
    if paths.root().join(".restore-journal").exists() {
        return;
    }
    let dir = paths.root().join("backups");
    let mut asides: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("before-restore-")))
        .collect();
    // Named by the time of the restore, in milliseconds: the same width for
    // centuries, so the names sort in time order.
    asides.sort();
    let keep = asides.len().saturating_sub(2);
    for old in &asides[..keep] {
        let _ = std::fs::remove_dir_all(old);
    }
}

/// Transcribes every take waiting for a transcript, as the app does at start.
fn transcribe() {
    let paths = paths();
    let studio = Studio::open(paths.clone()).expect("the studio opens");
    let jobs = studio.pending_transcriptions().expect("the pending jobs are listed");
    let worker = crate::common::worker();
    let (tx, rx) = mpsc::channel();
    let runner = TranscriptionRunner::start(&paths, worker, move |e| {
        let _ = tx.send(e);
    })
    .expect("the runner starts");
    let mut left = jobs.len();
    for job in jobs {
        runner.enqueue(job);
    }
    say(&format!("transcribing {left}"));
    while left > 0 {
        match rx.recv().expect("the runner reports") {
            TranscriptionEvent::Done { attempt_id, .. } => {
                left -= 1;
                say(&format!("done {attempt_id}"));
            }
            TranscriptionEvent::Failed { attempt_id, message } => {
                left -= 1;
                say(&format!("failed {attempt_id} {message}"));
            }
            _ => {}
        }
    }
}
