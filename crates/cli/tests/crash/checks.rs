//! What must hold after every restart.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::Path;

use starling_archive::{copy_entry, CheckedArchive};
use starling_store::{AttemptState, Store};
use starling_studio::DataPaths;

/// SQLite's full integrity check, on a read-only connection.
pub fn integrity(paths: &DataPaths) -> Result<(), String> {
    let conn = rusqlite::Connection::open_with_flags(paths.database(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("the database does not open: {e}"))?;
    let answer: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| format!("integrity_check failed: {e}"))?;
    if answer == "ok" {
        Ok(())
    } else {
        Err(format!("integrity_check says: {answer}"))
    }
}

/// Every acknowledged note revision is there (or a newer one). Returns how
/// many were lost.
pub fn notes(store: &Store, acked: &BTreeMap<String, u64>, problems: &mut Vec<String>) -> u32 {
    let mut lost = 0;
    for (q, rev) in acked {
        let found = store.star_note(q).ok().flatten().and_then(|n| n.situation.strip_prefix("rev ").and_then(|r| r.parse::<u64>().ok()));
        match found {
            Some(have) if have >= *rev => {}
            other => {
                lost += 1;
                problems.push(format!("the note of {q} is at revision {other:?}; revision {rev} had been saved"));
            }
        }
    }
    lost
}

/// No attempt still `recording`, none gone, and no restore left half done.
pub fn nothing_half_done(paths: &DataPaths, store: &Store, attempts_before: usize, problems: &mut Vec<String>) -> usize {
    let attempts = store.recent_attempts(100_000).unwrap_or_default();
    if let Some(a) = attempts.iter().find(|a| a.state == AttemptState::Recording) {
        problems.push(format!("attempt {} is still `recording` after a restart", a.id));
    }
    if attempts.len() < attempts_before {
        problems.push(format!("{} attempts before the kill, {} after", attempts_before, attempts.len()));
    }
    for leftover in [".restore-journal", ".restore-staging", ".export-staging"] {
        if paths.root().join(leftover).exists() {
            problems.push(format!("{leftover} is still there after a restart"));
        }
    }
    attempts.len()
}

/// Every archive under its final name in `dir` opens and reads back whole.
pub fn archives(dir: &Path, problems: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "zip") {
            continue;
        }
        let result = std::fs::File::open(&path)
            .map_err(|e| e.to_string())
            .and_then(|f| CheckedArchive::open(BufReader::new(f), &path, i64::MAX).map_err(|e| e.to_string()))
            .and_then(|mut a| a.for_each_entry(|t, r| copy_entry(&path, t, r, &mut std::io::sink(), Path::new("sink"))).map_err(|e| e.to_string()));
        if let Err(e) = result {
            problems.push(format!("the finished archive {} does not read back: {e}", path.display()));
        }
    }
}

/// Root mean square of a 16-bit WAV file's samples.
pub fn rms(path: &Path) -> f64 {
    let Ok(mut reader) = hound::WavReader::open(path) else { return 0.0 };
    let (sum, n) = reader.samples::<i16>().flatten().fold((0.0f64, 0u64), |(s, n), x| (s + (x as f64 / 32768.0).powi(2), n + 1));
    if n == 0 {
        0.0
    } else {
        (sum / n as f64).sqrt()
    }
}
