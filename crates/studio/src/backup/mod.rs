//! Backup and restore: everything the user has (the database, recordings and
//! own decks) in one zip archive, and back. The archive format itself (names,
//! manifest, the checks made before extracting) is `starling-archive`.
//!
//! - [`export`] (`export.rs`) writes the archive: a [`Snapshot`] taken
//!   quickly with the store, then written with no lock held.
//! - [`restore`] (`restore.rs`) checks, extracts and commits it.
//! - [`finish_interrupted_restore`] (`journal.rs`) completes a committed
//!   restore and clears what a killed export or restore left behind.
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

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use starling_archive::ArchiveError;
use starling_store::{DataCounts, StoreError};

use crate::DataPaths;

mod export;
mod journal;
mod restore;

pub use export::{export, Snapshot};
pub use journal::finish_interrupted_restore;
pub use restore::{restore, restore_locked, stage, Staged};
pub use starling_archive::{entry_target, Manifest, ManifestFile, FORMAT};

/// The prefix of an export's staging folder in the data folder.
const EXPORT_STAGING: &str = ".export-staging";

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
    Busy(crate::lock::LockError),
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

/// Data folders for the tests of the submodules.
#[cfg(test)]
mod test_data {
    use starling_store::Store;

    use crate::DataPaths;

    /// A data folder with one recording and one STAR note, both named
    /// `situation`.
    pub(super) fn db_with_note(paths: &DataPaths, situation: &str) {
        std::fs::create_dir_all(paths.recordings()).unwrap();
        std::fs::write(paths.recordings().join(format!("{situation}.wav")), situation).unwrap();
        let store = Store::open(&paths.database()).unwrap();
        store
            .save_star_note(&starling_store::StarNoteDraft { question_id: "q".into(), situation: situation.into(), ..Default::default() })
            .unwrap();
    }

    /// The situation of the STAR note in `paths`.
    pub(super) fn note_of(paths: &DataPaths) -> String {
        Store::open(&paths.database()).unwrap().star_note("q").unwrap().unwrap().situation
    }
}
