//! Restoring a backup: the archive is checked whole, extracted into a
//! staging folder and its database checked, and only then committed through
//! the journal (see `journal.rs`).

use std::fs::{self, File};
use std::io::BufReader;
use std::path::{Path, PathBuf};

use starling_archive::{copy_entry, ArchiveError, CheckedArchive};
use starling_store::Store;

use super::journal::{finish_interrupted_restore, write_journal, RESTORE_STAGING};
use super::{io, BackupError, BackupSummary};
use crate::DataPaths;

/// A fresh, empty staging folder for a restore inside the data folder (same
/// disk, so the final moves are renames). Its name is fixed (the journal's
/// recovery finds it there); a restore runs under the folder's lock, so
/// only one at a time.
fn restore_staging(paths: &DataPaths) -> Result<PathBuf, BackupError> {
    let dir = paths.root().join(RESTORE_STAGING);
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(io("clear", &dir))?;
    }
    fs::create_dir_all(&dir).map_err(io("create", &dir))?;
    Ok(dir)
}

/// Restores the archive into `paths`, taking the data folder's lock for the
/// whole restore (another Starling using the folder refuses it). The studio
/// must be closed: the live database file is moved aside.
pub fn restore(paths: &DataPaths, archive: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    let lock = crate::lock::DataLock::acquire(paths).map_err(BackupError::Busy)?;
    restore_locked(&lock, archive, now_ms)
}

/// Room kept free beyond the archive's contents (the database's journal,
/// the journal file, the rest of the system).
const SPARE_BYTES: u64 = 64 << 20;

/// [`restore`] into the folder whose lock the caller holds: [`stage`] and
/// [`Staged::commit`] at once.
pub fn restore_locked(lock: &crate::lock::DataLock, archive: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    stage(lock.paths(), archive)?.commit(lock, now_ms)
}

/// A backup checked and extracted into the data folder's restore staging
/// folder, its database checked, and nothing of the user's touched yet.
/// Dropped without [`Staged::commit`], the staging folder is removed.
pub struct Staged {
    staging: Option<PathBuf>,
    archive: PathBuf,
    files: u32,
    bytes: u64,
    counts: starling_store::DataCounts,
}

/// The long part of a restore, which needs no open store: the whole archive
/// is validated before anything is extracted (names, manifest, sizes, the
/// total and that it holds a database; see `starling-archive`), and the
/// free space for it; after extraction the staged database must open and
/// pass SQLite's full integrity check.
///
/// Only one restore may stage into a data folder at a time (the staging
/// folder's name is fixed so that recovery finds it); the caller sees to it.
pub fn stage(paths: &DataPaths, archive: &Path) -> Result<Staged, BackupError> {
    let file = starling_files::open_regular(archive).map_err(BackupError::BadInput)?;
    // Every name and the manifest are checked before anything is extracted.
    let mut checked = CheckedArchive::open(BufReader::new(file), archive, starling_store::schema::latest_version())?;
    let files = checked.targets().count() as u32;
    let needed = checked.total_bytes().saturating_add(SPARE_BYTES);
    let available = starling_files::available_space(paths.root()).map_err(BackupError::BadInput)?;
    if needed > available {
        return Err(BackupError::NoSpace { archive: archive.to_path_buf(), dir: paths.root().to_path_buf(), needed, available });
    }

    let staging = restore_staging(paths)?;
    let mut staged = Staged { staging: Some(staging.clone()), archive: archive.to_path_buf(), files, bytes: 0, counts: Default::default() };
    staged.bytes = checked.for_each_entry(|target, reader| {
        let dest = staging.join(target);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|source| ArchiveError::Io { action: "create", path: parent.to_path_buf(), source })?;
        }
        let mut out = File::create(&dest).map_err(|source| ArchiveError::Io { action: "create", path: dest.clone(), source })?;
        // Reading to the end checks the entry's CRC-32.
        let n = copy_entry(archive, target, reader, &mut out, &dest)?;
        out.sync_all().map_err(|source| ArchiveError::Io { action: "write", path: dest.clone(), source })?;
        Ok(n)
    })?;
    // Opening the staged database checks it (and migrates an older one); the
    // store is closed again before the database is moved. The archive was
    // refused before extraction if it held no database.
    let db = DataPaths::new(&staging).database();
    staged.counts = Store::open(&db).and_then(|s| s.integrity_check().and_then(|_| s.counts())).map_err(BackupError::BadDatabase)?;
    Ok(staged)
}

impl Staged {
    /// Commits the restore into the folder whose lock the caller holds, with
    /// its store closed: the journal is written, and from then on the
    /// restore completes even if Starling is killed. What was there is moved
    /// to `backups/before-restore-<now_ms>/`.
    pub fn commit(mut self, lock: &crate::lock::DataLock, now_ms: i64) -> Result<BackupSummary, BackupError> {
        let paths = lock.paths();
        let aside = paths.root().join("backups").join(format!("before-restore-{now_ms}"));
        write_journal(paths, &aside)?;
        // From here the journal owns the staging folder.
        self.staging = None;
        let previous = finish_interrupted_restore(paths)?.flatten();
        tracing::info!(archive = %self.archive.display(), previous = ?previous, "backup restored");
        Ok(BackupSummary {
            archive: self.archive.display().to_string(),
            files: self.files,
            bytes: self.bytes,
            counts: self.counts,
            previous: previous.map(|p| p.display().to_string()),
        })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(dir) = self.staging.take() {
            let _ = fs::remove_dir_all(&dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;
    use zip::ZipWriter;

    use super::super::export;
    use super::super::test_data::db_with_note;
    use super::*;

    fn archive_with(dir: &Path, entries: &[(&str, &[u8])]) -> PathBuf {
        let path = dir.join("crafted.zip");
        let mut zip = ZipWriter::new(File::create(&path).unwrap());
        for (name, data) in entries {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    #[test]
    fn an_archive_escaping_the_data_folder_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        fs::create_dir_all(data.recordings()).unwrap();
        fs::write(data.recordings().join("keep.wav"), b"mine").unwrap();
        let manifest = br#"{"format":"starling-backup","version":1,"schema_version":1,"created_ms":0,"app_version":"0","files":[]}"#;
        let evil = archive_with(dir.path(), &[("manifest.json", manifest), ("recordings/../../escaped.txt", b"x")]);
        let err = restore(&data, &evil, 1).unwrap_err();
        assert!(matches!(&err, BackupError::Archive(ArchiveError::UnsafeEntry { entry, .. }) if entry == "recordings/../../escaped.txt"), "{err}");
        assert!(err.to_string().contains("Nothing was restored"));
        assert!(!dir.path().join("escaped.txt").exists());
        assert_eq!(fs::read(data.recordings().join("keep.wav")).unwrap(), b"mine");
        assert!(!data.root().join("backups").exists());
    }

    #[test]
    fn archives_that_are_not_backups_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        let junk = dir.path().join("junk.zip");
        fs::write(&junk, b"not a zip at all").unwrap();
        assert!(matches!(restore(&data, &junk, 1), Err(BackupError::Archive(ArchiveError::NotABackup { .. }))));
        let no_manifest = archive_with(dir.path(), &[("starling.db", b"x")]);
        let e = restore(&data, &no_manifest, 1).unwrap_err();
        assert!(e.to_string().contains("no manifest.json"), "{e}");
        let newer = br#"{"format":"starling-backup","version":1,"schema_version":999,"created_ms":0,"app_version":"9","files":[]}"#;
        let e = restore(&data, &archive_with(dir.path(), &[("manifest.json", newer)]), 1).unwrap_err();
        assert!(matches!(e, BackupError::Archive(ArchiveError::TooNew { schema: 999, .. })), "{e}");
        let bad_db = br#"{"format":"starling-backup","version":1,"schema_version":1,"created_ms":0,"app_version":"0","files":[{"path":"starling.db","bytes":9}]}"#;
        let e = restore(&data, &archive_with(dir.path(), &[("manifest.json", bad_db), ("starling.db", b"not a db!")]), 1).unwrap_err();
        assert!(matches!(e, BackupError::BadDatabase(_)), "{e}");
        assert!(!data.database().exists(), "nothing was put in place");
    }

    #[test]
    fn a_restore_while_another_holder_has_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        db_with_note(&data, "mine");
        let out = dir.path().join("b.zip");
        export(&data, &Store::open(&data.database()).unwrap(), &out, 1).unwrap();
        let held = crate::lock::DataLock::acquire(&data).unwrap();
        let e = restore(&data, &out, 2).unwrap_err();
        assert!(e.to_string().contains("Starling is already using this data folder"), "{e}");
        drop(held);
        restore(&data, &out, 3).unwrap();
    }
}
