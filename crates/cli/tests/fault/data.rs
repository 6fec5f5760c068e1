//! Faults around the user's data: a backup onto a full disk, a read-only
//! database, a database from a newer Starling.

use starling_store::{AttemptState, Store};
use starling_studio::Studio;

use super::{keep_note, note_survived, says, Env};
use crate::common::SmallDisk;

const QUESTION: &str = "behavior-tight-deadline";

/// The archive goes to a 160 KiB disk, too small for it: the export fails
/// with the reason, leaves neither a half archive nor its temporary file,
/// and the same data then backs up whole elsewhere.
pub fn backup_disk_full(env: &Env) -> Result<String, String> {
    let paths = env.data("backup-full");
    let studio = Studio::open(paths.clone()).map_err(|e| e.to_string())?;
    keep_note(&studio, QUESTION)?;
    std::fs::create_dir_all(paths.recordings()).map_err(|e| e.to_string())?;
    for i in 0..4 {
        let file = format!("take-{i}.wav");
        std::fs::copy(&env.speech, paths.recordings().join(&file)).map_err(|e| e.to_string())?;
        let store = Store::open(&paths.database()).map_err(|e| e.to_string())?;
        let a = store.begin_attempt(QUESTION, &file, 1).map_err(|e| e.to_string())?;
        store.finish_attempt(a.id, AttemptState::Done, Some(1), None).map_err(|e| e.to_string())?;
    }
    let disk = SmallDisk::mount(&env.dir.path().join("usb-stick"), "160k")?;
    let out = disk.path().join("backup.zip");
    let message = match studio.export_backup(&out) {
        Ok(s) => return Err(format!("a {} byte backup fitted on a 160 KiB disk", s.bytes)),
        Err(e) => e.to_string(),
    };
    let left: Vec<String> = std::fs::read_dir(disk.path()).map_err(|e| e.to_string())?.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    if !left.is_empty() {
        return Err(format!("a half-written archive was left on the full disk: {left:?}"));
    }
    let staging = std::fs::read_dir(paths.root()).map_err(|e| e.to_string())?.flatten().any(|e| e.file_name().to_string_lossy().starts_with(".export-staging"));
    if staging {
        return Err("the export's staging folder was left in the data folder".into());
    }
    let elsewhere = env.dir.path().join("backup-elsewhere.zip");
    let summary = studio.export_backup(&elsewhere).map_err(|e| format!("after the full disk, a backup elsewhere fails: {e}"))?;
    if summary.counts.attempts != 4 || summary.counts.notes != 1 {
        return Err(format!("the backup elsewhere holds {:?}", summary.counts));
    }
    drop(studio);
    note_survived(&paths, QUESTION)?;
    says(&message, &["No space left on device", "free disk space"])
}

/// The data folder's disk is remounted read-only: Starling refuses to start
/// on it with the reason, and once writable again everything is there.
pub fn read_only_database(env: &Env) -> Result<String, String> {
    let paths = env.data("read-only");
    let disk = SmallDisk::mount(paths.root(), "64m")?;
    keep_note(&Studio::open(paths.clone()).map_err(|e| e.to_string())?, QUESTION)?;
    let before = std::fs::read(paths.database()).map_err(|e| e.to_string())?;
    disk.set_writable(false)?;
    let outcome = Studio::open(paths.clone());
    disk.set_writable(true)?;
    let message = match outcome {
        Ok(_) => return Err("Starling opened a read-only database as if it could write to it".into()),
        Err(e) => e.to_string(),
    };
    if std::fs::read(paths.database()).map_err(|e| e.to_string())? != before {
        return Err("the read-only database changed".into());
    }
    note_survived(&paths, QUESTION)?;
    says(&message, &["read-only", "permissions"])
}

/// The database says it is schema version 999: refused untouched.
pub fn newer_database(env: &Env) -> Result<String, String> {
    let paths = env.data("newer");
    keep_note(&Studio::open(paths.clone()).map_err(|e| e.to_string())?, QUESTION)?;
    {
        let conn = rusqlite::Connection::open(paths.database()).map_err(|e| e.to_string())?;
        conn.pragma_update(None, "user_version", 999).map_err(|e| e.to_string())?;
    }
    let before = std::fs::read(paths.database()).map_err(|e| e.to_string())?;
    let message = match Studio::open(paths.clone()) {
        Ok(_) => return Err("a database from a newer Starling was opened".into()),
        Err(e) => e.to_string(),
    };
    if std::fs::read(paths.database()).map_err(|e| e.to_string())? != before {
        return Err("the newer database was changed".into());
    }
    let conn = rusqlite::Connection::open(paths.database()).map_err(|e| e.to_string())?;
    let situation: String = conn
        .query_row("SELECT situation FROM star_notes WHERE question_id = ?1", [QUESTION], |r| r.get(0))
        .map_err(|e| format!("the note is not in the refused file: {e}"))?;
    if situation != "must survive" {
        return Err(format!("the note reads {situation:?}"));
    }
    says(&message, &["newer version of Starling", "999", "not changed"])
}
