//! Writing a backup: a [`Snapshot`] of the database and the files of the
//! data folder's folders, taken in a moment, then written into an archive
//! staged beside its destination and renamed into place when complete.

use std::fs;
use std::path::{Path, PathBuf};

use starling_archive::{DATABASE, FOLDERS};
use starling_store::Store;

use super::{io, BackupError, BackupSummary, EXPORT_STAGING};
use crate::DataPaths;

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

/// Writes everything in `paths` to the archive `out`: a [`Snapshot`] taken
/// and written at once.
pub fn export(paths: &DataPaths, store: &Store, out: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    Snapshot::take(paths, store, now_ms)?.write(out)
}

/// What a backup will hold, fixed at one moment: the database copied and
/// every file of the archived folders hard-linked into a staging folder in
/// the data folder, unique to this export.
///
/// Taking it is quick (a database copy and one link per file) and needs
/// the store; writing the archive is the long part and needs neither the
/// store nor the studio, so it runs with no lock held. A recording deleted
/// or a take finished after the snapshot does not change the archive: the
/// links keep the files as they were.
pub struct Snapshot {
    staging: tempfile::TempDir,
    root: PathBuf,
    sources: Vec<(String, PathBuf)>,
    schema_version: i64,
    counts: starling_store::DataCounts,
    now_ms: i64,
}

impl Snapshot {
    pub fn take(paths: &DataPaths, store: &Store, now_ms: i64) -> Result<Snapshot, BackupError> {
        let staging = tempfile::Builder::new().prefix(EXPORT_STAGING).tempdir_in(paths.root()).map_err(io("create a folder in", paths.root()))?;
        let db_copy = staging.path().join(DATABASE);
        store.snapshot_to(&db_copy)?;
        let mut sources: Vec<(String, PathBuf)> = vec![(DATABASE.to_string(), db_copy)];
        for folder in FOLDERS {
            let linked = staging.path().join(folder);
            fs::create_dir_all(&linked).map_err(io("create", &linked))?;
            for file in files_in(&paths.root().join(folder))? {
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let link = linked.join(&name);
                // Same disk, so a link; where the file system has none, the
                // archive reads the file in place.
                let source = match fs::hard_link(&file, &link) {
                    Ok(()) => link,
                    Err(e) => {
                        tracing::debug!(file = %file.display(), error = %e, "no hard link; the export reads the file in place");
                        file
                    }
                };
                sources.push((format!("{folder}/{name}"), source));
            }
        }
        Ok(Snapshot {
            root: paths.root().to_path_buf(),
            sources,
            schema_version: store.schema_version()?,
            counts: store.counts()?,
            now_ms,
            staging,
        })
    }

    /// The bytes the archive will hold before compression.
    pub fn bytes(&self) -> u64 {
        self.sources.iter().filter_map(|(_, p)| fs::metadata(p).ok()).map(|m| m.len()).sum()
    }

    /// Writes the archive to `out`, which must lie outside the data folder
    /// and be a regular file if it exists. It is written to a temporary file
    /// beside `out`, unique to this export, and renamed onto `out` when
    /// complete; the staging folder is removed either way.
    pub fn write(self, out: &Path) -> Result<BackupSummary, BackupError> {
        let target = starling_files::check_output(out, &self.root).map_err(BackupError::BadOutput)?;
        let partial = starling_files::temp_beside(&target, ".partial").map_err(io("create a file in", starling_files::folder_of(&target)))?;
        let manifest = starling_archive::write(&partial, &self.sources, self.schema_version, self.now_ms, env!("CARGO_PKG_VERSION"))?;
        partial.persist(&target).map_err(|e| io("move the finished backup to", out)(e.error))?;
        let summary = BackupSummary {
            archive: out.display().to_string(),
            files: self.sources.len() as u32,
            bytes: manifest.files.iter().map(|f| f.bytes).sum(),
            counts: self.counts,
            previous: None,
        };
        tracing::info!(archive = %out.display(), files = summary.files, bytes = summary.bytes, "backup written");
        drop(self.staging);
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::super::restore;
    use super::super::test_data::{db_with_note, note_of};
    use super::*;

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

    /// What the snapshot saw is what the archive holds, even when the
    /// recording is deleted and another added while the archive is written
    /// (the window may do both while an export runs outside the lock).
    #[test]
    fn the_archive_holds_the_snapshot_not_later_changes() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        db_with_note(&data, "then");
        fs::create_dir_all(data.recordings()).unwrap();
        fs::write(data.recordings().join("1.wav"), b"first take").unwrap();
        let store = Store::open(&data.database()).unwrap();
        let snapshot = Snapshot::take(&data, &store, 1).unwrap();
        assert!(snapshot.bytes() >= 10);
        fs::remove_file(data.recordings().join("1.wav")).unwrap();
        fs::write(data.recordings().join("2.wav"), b"later take").unwrap();
        let out = dir.path().join("b.zip");
        let summary = snapshot.write(&out).unwrap();
        assert_eq!(summary.files, 3, "the database, the note's recording and the first take");
        let restored = DataPaths::new(dir.path().join("r"));
        restore(&restored, &out, 2).unwrap();
        assert_eq!(fs::read(restored.recordings().join("1.wav")).unwrap(), b"first take");
        assert!(!restored.recordings().join("2.wav").exists());
        assert_eq!(note_of(&restored), "then");
        let left: Vec<String> = fs::read_dir(data.root()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.contains("staging")).collect();
        assert!(left.is_empty(), "{left:?}");
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
}
