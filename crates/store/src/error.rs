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
    Sql(rusqlite::Error),

    #[error("The database is locked by another program ({0}). Close any other Starling or tool that has starling.db open, then try again.")]
    Busy(rusqlite::Error),

    #[error("{0}")]
    Invalid(String),

    #[error("{0}")]
    NotFound(String),
}

impl From<rusqlite::Error> for StoreError {
    /// A busy or locked database is another program's doing, not the disk's,
    /// and is reported as such.
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => StoreError::Busy(e),
            _ => StoreError::Sql(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_database_is_not_blamed_on_the_disk() {
        for code in [rusqlite::ffi::SQLITE_BUSY, rusqlite::ffi::SQLITE_LOCKED] {
            let e = StoreError::from(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None));
            let text = e.to_string();
            assert!(matches!(e, StoreError::Busy(_)), "{text}");
            assert!(text.contains("locked by another program") && !text.contains("disk is full"), "{text}");
        }
        let e = StoreError::from(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR), None));
        assert!(matches!(e, StoreError::Sql(_)));
    }
}
