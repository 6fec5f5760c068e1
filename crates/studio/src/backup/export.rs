//! Writing a backup: a database snapshot and the files of the data folder's
//! folders, into an archive staged beside its destination and renamed into
//! place when complete.

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

/// Writes everything in `paths` to the archive `out`.
///
/// `out` must lie outside the data folder and be a regular file if it
/// exists. The archive is written to a temporary file beside `out`, unique
/// to this export, and renamed onto `out` when complete; the database
/// snapshot is staged in a folder unique to this export too, so two exports
/// at once never share anything.
pub fn export(paths: &DataPaths, store: &Store, out: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    let target = starling_files::check_output(out, paths.root()).map_err(BackupError::BadOutput)?;
    let partial = starling_files::temp_beside(&target, ".partial").map_err(io("create a file in", starling_files::folder_of(&target)))?;
    let staging = tempfile::Builder::new().prefix(EXPORT_STAGING).tempdir_in(paths.root()).map_err(io("create a folder in", paths.root()))?;
    let summary = write_from(paths, store, staging.path(), &partial, now_ms)?;
    partial.persist(&target).map_err(|e| io("move the finished backup to", out)(e.error))?;
    tracing::info!(archive = %out.display(), files = summary.files, bytes = summary.bytes, "backup written");
    Ok(BackupSummary { archive: out.display().to_string(), ..summary })
}

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
