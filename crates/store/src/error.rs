//! What can go wrong with the database, in words a user can act on.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Could not create the data folder {path}: {source}. Check the disk and its permissions.")]
    CreateDir { path: PathBuf, source: std::io::Error },

    #[error("Could not open the database {path}: {source}. Check the file's permissions and free disk space.")]
    Open { path: PathBuf, source: rusqlite::Error },

    #[error(
        "The database {path} was written by a newer version of Starling (schema version {found}; \
         this version understands up to {supported}). Update Starling to open it; the file was not changed."
    )]
    FromNewerVersion { path: PathBuf, found: i64, supported: i64 },

    #[error(
        "The database {path} is read-only: the file, its folder or the disk does not allow writing. \
         Check the permissions of the file and its folder, and that the disk is not mounted read-only. \
         Starling did not change the file."
    )]
    ReadOnly { path: PathBuf },

    #[error(
        "The database {path} is damaged ({detail}). Starling did not write to it; restore it from a backup \
         or move it aside to start afresh."
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error("Could not upgrade the database schema: {0}. The database was left at its previous version.")]
    Migration(#[from] rusqlite_migration::Error),

    #[error("The database could not complete the operation: {0}. If the disk is full, free some space and try again.")]
    Sql(#[from] rusqlite::Error),

    #[error("{0}")]
    Invalid(String),

    #[error("{0}")]
    NotFound(String),
}
