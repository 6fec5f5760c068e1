//! Backup and restore: everything the user has (the database, recordings and
//! own decks) in one zip archive, and back. The archive format itself (names,
//! manifest, the checks made before extracting) is `starling-archive`.
//!
//! Invariants:
//! - An export is written to `<name>.partial` and renamed into place, so a
//!   half-written archive never carries the final name. The database inside
//!   is a `VACUUM INTO` snapshot, consistent even while the app runs.
//! - A restore extracts into a staging folder, checks that its database
//!   opens, and only then writes a journal (`.restore-journal`) naming the
//!   folder the current data will be moved to. From that point the restore
//!   is finished even if Starling is killed: [`finish_interrupted_restore`],
//!   run before the store opens, completes the moves. Killed before the
//!   journal, nothing of the user's data was touched.
//! - A restore never overwrites: what was there is moved into
//!   `backups/before-restore-<time>/` inside the data folder.

use std::fs::{self, File};
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use starling_archive::{copy_entry, ArchiveError, CheckedArchive, DATABASE, FOLDERS};
use starling_store::{DataCounts, Store, StoreError};

use crate::DataPaths;

pub use starling_archive::{entry_target, Manifest, ManifestFile, FORMAT};

/// The file that marks a restore as committed (see the module's invariants).
const JOURNAL: &str = ".restore-journal";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("Could not {action} {path}: {source}. Check the folder's permissions and free disk space.")]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },

    #[error(transparent)]
    Archive(#[from] ArchiveError),

    #[error("The database in the backup could not be opened: {0} Nothing was restored.")]
    BadDatabase(StoreError),

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error("Starling will not write the backup there: {0}.")]
    BadOutput(starling_files::FileError),

    #[error("Starling cannot restore from that: {0}.")]
    BadInput(starling_files::FileError),

    #[error("Restoring {archive} needs {needed} bytes free in {dir}, but only {available} are. Free some space and try again. Nothing was restored.")]
    NoSpace { archive: PathBuf, dir: PathBuf, needed: u64, available: u64 },

    #[error(transparent)]
    Busy(Box<crate::error::StudioError>),
}

/// What an export or a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupSummary {
    /// The archive written or read.
    pub archive: String,
    pub files: u32,
    #[ts(type = "number")]
    pub bytes: u64,
    pub counts: DataCounts,
    /// On restore: where the data that was replaced now lives.
    pub previous: Option<String>,
}

/// Where the app suggests writing exports, before the user edits the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportDefaults {
    pub backup: String,
    pub notes: String,
    /// The data folder, shown so the user knows what a restore replaces.
    pub data_dir: String,
}

/// Dated file names in the user's documents folder (or home, or the
/// system's temporary folder when neither is known).
pub fn export_defaults(paths: &DataPaths, now_ms: i64) -> ExportDefaults {
    let dirs = directories::UserDirs::new();
    let folder = dirs
        .as_ref()
        .and_then(|d| d.document_dir().map(Path::to_path_buf))
        .or_else(|| dirs.as_ref().map(|d| d.home_dir().to_path_buf()))
        // Never the data folder itself: exports are refused there.
        .unwrap_or_else(std::env::temp_dir);
    let day = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default().format("%Y-%m-%d");
    ExportDefaults {
        backup: folder.join(format!("starling-backup-{day}.zip")).display().to_string(),
        notes: folder.join(format!("starling-notes-{day}.md")).display().to_string(),
        data_dir: paths.root().display().to_string(),
    }
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BackupError + 'a {
    move |source| BackupError::Io { action, path: path.to_path_buf(), source }
}

/// The regular files directly inside `dir`, sorted (missing folder: none).
fn files_in(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io("read the folder", dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io("read the folder", dir))?;
        let kind = entry.file_type().map_err(io("read the folder", dir))?;
        if kind.is_file() && !entry.file_name().to_string_lossy().ends_with(".partial") {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Writes everything in `paths` to the archive `out`.
///
/// `out` must lie outside the data folder and be a regular file if it
/// exists. The archive is written to a temporary file beside `out`, unique
/// to this export, and renamed onto `out` when complete; the database
/// snapshot is staged in a folder unique to this export too, so two exports
/// at once never share anything.
pub fn export(paths: &DataPaths, store: &Store, out: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    let target = starling_files::check_output(out, paths.root()).map_err(BackupError::BadOutput)?;
    let dir = target.parent().unwrap_or(Path::new("/"));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(io("create a file in", dir))?
        .into_temp_path();
    let staging = tempfile::Builder::new().prefix(EXPORT_STAGING).tempdir_in(paths.root()).map_err(io("create a folder in", paths.root()))?;
    let summary = write_from(paths, store, staging.path(), &partial, now_ms)?;
    partial.persist(&target).map_err(|e| io("move the finished backup to", out)(e.error))?;
    tracing::info!(archive = %out.display(), files = summary.files, bytes = summary.bytes, "backup written");
    Ok(BackupSummary { archive: out.display().to_string(), ..summary })
}

/// The prefix of an export's staging folder in the data folder.
const EXPORT_STAGING: &str = ".export-staging";

fn write_from(paths: &DataPaths, store: &Store, staging: &Path, dest: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    let db_copy = staging.join(DATABASE);
    store.snapshot_to(&db_copy)?;

    let mut sources: Vec<(String, PathBuf)> = vec![(DATABASE.to_string(), db_copy)];
    for folder in FOLDERS {
        for file in files_in(&paths.root().join(folder))? {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            sources.push((format!("{folder}/{name}"), file));
        }
    }
    let manifest = starling_archive::write(dest, &sources, store.schema_version()?, now_ms, env!("CARGO_PKG_VERSION"))?;
    Ok(BackupSummary {
        archive: dest.display().to_string(),
        files: sources.len() as u32,
        bytes: manifest.files.iter().map(|f| f.bytes).sum(),
        counts: store.counts()?,
        previous: None,
    })
}

/// A fresh, empty working folder inside the data folder (same disk, so the
/// final moves are renames). Only a restore uses a fixed name (the journal's
/// recovery finds it there); it runs under the folder's lock, so only one at
/// a time.
fn tempfile_dir(paths: &DataPaths, what: &str) -> Result<PathBuf, BackupError> {
    let dir = paths.root().join(format!(".{what}-staging"));
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
    let lock = crate::lock::DataLock::acquire(paths).map_err(|e| BackupError::Busy(Box::new(e)))?;
    restore_locked(&lock, archive, now_ms)
}

/// Room kept free beyond the archive's contents (the database's journal,
/// the journal file, the rest of the system).
const SPARE_BYTES: u64 = 64 << 20;

/// [`restore`] into the folder whose lock the caller holds.
///
/// The whole archive is validated before anything is extracted: names,
/// manifest, sizes and the total (see `starling-archive`), and the free
/// space for it. After extraction, and before anything of the user's moves,
/// the staged database must open and pass SQLite's full integrity check.
pub fn restore_locked(lock: &crate::lock::DataLock, archive: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    let paths = lock.paths();
    let file = starling_files::open_regular(archive).map_err(BackupError::BadInput)?;
    // Every name and the manifest are checked before anything is extracted.
    let mut checked = CheckedArchive::open(BufReader::new(file), archive, starling_store::schema::latest_version())?;
    let files = checked.targets().count() as u32;
    let needed = checked.total_bytes().saturating_add(SPARE_BYTES);
    let available = starling_files::available_space(paths.root()).map_err(BackupError::BadInput)?;
    if needed > available {
        return Err(BackupError::NoSpace { archive: archive.to_path_buf(), dir: paths.root().to_path_buf(), needed, available });
    }

    let staging = tempfile_dir(paths, "restore")?;
    let extracted = checked.for_each_entry(|target, reader| {
        let dest = staging.join(target);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|source| ArchiveError::Io { action: "create", path: parent.to_path_buf(), source })?;
        }
        let mut out = File::create(&dest).map_err(|source| ArchiveError::Io { action: "create", path: dest.clone(), source })?;
        // Reading to the end checks the entry's CRC-32.
        let n = copy_entry(archive, target, reader, &mut out, &dest)?;
        out.sync_all().map_err(|source| ArchiveError::Io { action: "write", path: dest.clone(), source })?;
        Ok(n)
    });
    let bytes = match extracted {
        Ok(b) => b,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e.into());
        }
    };
    let staged = DataPaths::new(&staging);
    // Opening the staged database checks it (and migrates an older one); the
    // store is closed again before the database is moved.
    if !staged.database().is_file() {
        let _ = fs::remove_dir_all(&staging);
        return Err(ArchiveError::NotABackup { path: archive.to_path_buf(), detail: "it holds no database".into() }.into());
    }
    let counts = match Store::open(&staged.database()).and_then(|s| s.integrity_check().and_then(|_| s.counts())) {
        Ok(c) => c,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(BackupError::BadDatabase(e));
        }
    };

    let aside = paths.root().join("backups").join(format!("before-restore-{now_ms}"));
    write_journal(paths, &aside)?;
    let previous = finish_interrupted_restore(paths)?.flatten();
    tracing::info!(archive = %archive.display(), previous = ?previous, "backup restored");
    Ok(BackupSummary {
        archive: archive.display().to_string(),
        files,
        bytes,
        counts,
        previous: previous.map(|p| p.display().to_string()),
    })
}

/// Writes the journal durably: a temporary file, synced, renamed.
fn write_journal(paths: &DataPaths, aside: &Path) -> Result<(), BackupError> {
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
    let staging = root.join(".restore-staging");
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
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    use zip::ZipWriter;

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

    fn db_with_note(paths: &DataPaths, situation: &str) {
        fs::create_dir_all(paths.recordings()).unwrap();
        fs::write(paths.recordings().join(format!("{situation}.wav")), situation).unwrap();
        let store = Store::open(&paths.database()).unwrap();
        store
            .save_star_note(&starling_store::StarNoteDraft { question_id: "q".into(), situation: situation.into(), ..Default::default() })
            .unwrap();
    }

    fn note_of(paths: &DataPaths) -> String {
        Store::open(&paths.database()).unwrap().star_note("q").unwrap().unwrap().situation
    }

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

    /// Two exports at once (two windows, two threads) each stage in their
    /// own folder and write their own temporary file: both archives come out
    /// whole, and nothing is left behind.
    #[test]
    fn two_exports_at_once_share_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        db_with_note(&data, "both");
        let outs: Vec<PathBuf> = (0..2).map(|i| dir.path().join(format!("b{i}.zip"))).collect();
        std::thread::scope(|scope| {
            for out in &outs {
                let data = &data;
                scope.spawn(move || {
                    let store = Store::open(&data.database()).unwrap();
                    for _ in 0..5 {
                        export(data, &store, out, 1).unwrap();
                    }
                });
            }
        });
        for out in &outs {
            let restored = DataPaths::new(dir.path().join(format!("r-{}", out.file_stem().unwrap().to_string_lossy())));
            restore(&restored, out, 2).unwrap();
            assert_eq!(note_of(&restored), "both");
        }
        let left: Vec<String> = fs::read_dir(data.root()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.contains("staging")).collect();
        assert!(left.is_empty(), "{left:?}");
        let partials = fs::read_dir(dir.path()).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".partial")).count();
        assert_eq!(partials, 0);
    }

    #[test]
    fn an_export_into_the_data_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        db_with_note(&data, "kept");
        let store = Store::open(&data.database()).unwrap();
        let e = export(&data, &store, &data.database(), 1).unwrap_err();
        assert!(matches!(e, BackupError::BadOutput(_)), "{e}");
        drop(store);
        assert_eq!(note_of(&data), "kept");
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
