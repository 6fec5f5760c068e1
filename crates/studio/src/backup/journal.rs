//! The restore journal: the file that commits a restore, and finishing a
//! committed restore (moving the current data aside and the staged data in)
//! on the next open if Starling was killed before it was done.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use starling_archive::{DATABASE, FOLDERS};

use super::{io, BackupError, EXPORT_STAGING};
use crate::DataPaths;

/// The file that marks a restore as committed (see the module's invariants).
const JOURNAL: &str = ".restore-journal";

/// The folder in the data folder a restore extracts into.
pub(super) const RESTORE_STAGING: &str = ".restore-staging";

/// Writes the journal durably: a temporary file, synced, renamed.
pub(super) fn write_journal(paths: &DataPaths, aside: &Path) -> Result<(), BackupError> {
    let journal = paths.root().join(JOURNAL);
    let tmp = paths.root().join(format!("{JOURNAL}.tmp"));
    let mut f = File::create(&tmp).map_err(io("create", &tmp))?;
    std::io::Write::write_all(&mut f, aside.display().to_string().as_bytes()).map_err(io("write", &tmp))?;
    f.sync_all().map_err(io("write", &tmp))?;
    fs::rename(&tmp, &journal).map_err(io("create", &journal))?;
    Ok(())
}

/// Finishes a restore whose journal was written: moves the current data
/// aside and the staged data into place, each step safe to repeat. Without a
/// journal it only clears staging folders left by a killed export or restore.
///
/// Returns `None` when there was no journal, `Some(None)` when a restore was
/// finished with nothing to keep aside, and `Some(Some(folder))` with where
/// the replaced data now lives.
pub fn finish_interrupted_restore(paths: &DataPaths) -> Result<Option<Option<PathBuf>>, BackupError> {
    let root = paths.root();
    let journal = root.join(JOURNAL);
    let staging = root.join(RESTORE_STAGING);
    let aside = match fs::read_to_string(&journal) {
        Ok(text) => PathBuf::from(text.trim()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Killed before the journal: the user's data was never touched.
            // The caller holds the folder's lock, so no export is running.
            let mut leftovers = vec![staging];
            if let Ok(entries) = fs::read_dir(root) {
                leftovers.extend(entries.flatten().filter(|e| e.file_name().to_string_lossy().starts_with(EXPORT_STAGING)).map(|e| e.path()));
            }
            for dir in leftovers {
                if dir.exists() {
                    tracing::warn!(dir = %dir.display(), "removing an unfinished backup's staging folder");
                    fs::remove_dir_all(&dir).map_err(io("clear", &dir))?;
                }
            }
            return Ok(None);
        }
        Err(e) => return Err(io("read", &journal)(e)),
    };
    fs::create_dir_all(&aside).map_err(io("create", &aside))?;
    let db_files = [DATABASE.to_string(), format!("{DATABASE}-wal"), format!("{DATABASE}-shm")];
    // Phase 1, everything current goes aside. The staged database is moved in
    // first in phase 2, so while it is still staged nothing in the data
    // folder is restored data.
    if staging.join(DATABASE).exists() {
        for item in db_files.iter().map(String::as_str).chain(FOLDERS) {
            move_if_present(&root.join(item), &aside.join(item))?;
        }
    }
    // Phase 2, the staged data comes in, the database first.
    for item in std::iter::once(DATABASE).chain(FOLDERS) {
        move_if_present(&staging.join(item), &root.join(item))?;
    }
    let kept = fs::read_dir(&aside).map(|mut d| d.next().is_some()).unwrap_or(false);
    if !kept {
        let _ = fs::remove_dir(&aside);
    }
    fs::remove_file(&journal).map_err(io("remove", &journal))?;
    let _ = fs::remove_dir_all(&staging);
    tracing::info!(aside = %aside.display(), "restore completed");
    Ok(Some(kept.then_some(aside)))
}

fn move_if_present(from: &Path, to: &Path) -> Result<(), BackupError> {
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !from.exists() => Ok(()),
        Err(e) => Err(io("move", from)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_data::{db_with_note, note_of};
    use super::*;

    /// A restore killed after its journal, at each point of the moves, is
    /// finished on the next open: the restored data is in place and the old
    /// data is kept aside, whole.
    #[test]
    fn a_restore_interrupted_after_its_journal_is_finished() {
        for moved_before_kill in 0..=4 {
            let dir = tempfile::tempdir().unwrap();
            let data = DataPaths::new(dir.path().join("data"));
            db_with_note(&data, "old");
            let staging = dir.path().join("data/.restore-staging");
            db_with_note(&DataPaths::new(&staging), "new");
            let aside = data.root().join("backups/before-restore-9");
            write_journal(&data, &aside).unwrap();
            // The moves a killed restore had done: old database, old
            // recordings, new database, new recordings.
            fs::create_dir_all(&aside).unwrap();
            let steps = [
                (data.database(), aside.join(DATABASE)),
                (data.recordings(), aside.join("recordings")),
                (staging.join(DATABASE), data.database()),
                (staging.join("recordings"), data.recordings()),
            ];
            for (from, to) in steps.iter().take(moved_before_kill) {
                fs::rename(from, to).unwrap();
            }
            let finished = finish_interrupted_restore(&data).unwrap();
            assert_eq!(finished, Some(Some(aside.clone())), "after {moved_before_kill} moves");
            assert_eq!(note_of(&data), "new", "after {moved_before_kill} moves");
            assert!(data.recordings().join("new.wav").exists());
            assert!(!data.recordings().join("old.wav").exists());
            assert_eq!(note_of(&DataPaths::new(&aside)), "old");
            assert!(aside.join("recordings/old.wav").exists());
            assert!(!staging.exists() && !data.root().join(JOURNAL).exists());
            assert_eq!(finish_interrupted_restore(&data).unwrap(), None, "a second open has nothing to do");
        }
    }

    #[test]
    fn a_restore_killed_before_its_journal_leaves_the_data_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        db_with_note(&data, "old");
        db_with_note(&DataPaths::new(dir.path().join("data/.restore-staging")), "new");
        assert_eq!(finish_interrupted_restore(&data).unwrap(), None);
        assert_eq!(note_of(&data), "old");
        assert!(!dir.path().join("data/.restore-staging").exists());
    }
}
