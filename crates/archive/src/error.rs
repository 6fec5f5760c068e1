//! What can be wrong with a backup archive, each a sentence the user can act on.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("Could not {action} {path}: {source}. Check the folder's permissions and free disk space.")]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },

    #[error("{path} is not a Starling backup: {detail}.")]
    NotABackup { path: PathBuf, detail: String },

    #[error("{path} contains the entry `{entry}`, which would be written outside Starling's data folder or is not part of a backup. Nothing was restored.")]
    UnsafeEntry { path: PathBuf, entry: String },

    #[error("{path} was made by a newer Starling (backup version {found}, database version {schema}); update Starling to restore it. Nothing was restored.")]
    TooNew { path: PathBuf, found: u32, schema: i64 },

    #[error("{path} is damaged: {detail}. Nothing was restored.")]
    Damaged { path: PathBuf, detail: String },

    #[error("{path} is too large to restore: {detail}. Nothing was restored.")]
    TooLarge { path: PathBuf, detail: String },

    #[error("{source}, so it cannot be backed up. Remove it from the data folder or replace it with a regular file, then make the backup again.")]
    Source { source: starling_files::FileError },

    #[error("{path} changed while the backup was being written: it held {expected} bytes when listed and {found} when copied. Make the backup again when nothing is recording.")]
    SourceChanged { path: PathBuf, expected: u64, found: u64 },
}

impl ArchiveError {
    pub(crate) fn io<'a>(action: &'static str, path: &'a std::path::Path) -> impl FnOnce(std::io::Error) -> ArchiveError + 'a {
        move |source| ArchiveError::Io { action, path: path.to_path_buf(), source }
    }

    pub(crate) fn zip(path: &std::path::Path) -> impl Fn(zip::result::ZipError) -> ArchiveError + '_ {
        move |e| match e {
            zip::result::ZipError::Io(source) => ArchiveError::Io { action: "read or write", path: path.to_path_buf(), source },
            other => ArchiveError::Damaged { path: path.to_path_buf(), detail: other.to_string() },
        }
    }
}
