//! Opening the database file safely.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode};

use crate::error::StoreError;
use crate::schema;

/// An open Starling database.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Row lengths for ranking search results, see [`crate::rank`].
    pub(crate) search_lengths: std::cell::RefCell<crate::rank::LengthCache>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    ///
    /// Order matters: the schema version and integrity are checked before the
    /// first write, so a database from a newer Starling or a damaged file is
    /// refused untouched.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        let corrupt = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt { path: path.to_path_buf(), detail: e.to_string() }
            }
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen) => StoreError::ReadOnly { path: path.to_path_buf() },
            _ => StoreError::from(e),
        };

        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(corrupt)?;
        let supported = schema::latest_version();
        if found > supported {
            return Err(StoreError::FromNewerVersion { path: path.to_path_buf(), found, supported });
        }
        let check: String = conn.pragma_query_value(None, "quick_check", |r| r.get(0)).map_err(corrupt)?;
        if check != "ok" {
            return Err(StoreError::Corrupt { path: path.to_path_buf(), detail: check });
        }

        // SQLite falls back to read-only when it cannot write; Starling
        // cannot work so, and says why before anything else fails.
        let read_only = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => StoreError::ReadOnly { path: path.to_path_buf() },
            _ => StoreError::from(e),
        };
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(StoreError::ReadOnly { path: path.to_path_buf() });
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(read_only)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mut conn = conn;
        schema::migrations().to_latest(&mut conn)?;
        if found < supported {
            tracing::info!(from = found, to = supported, path = %path.display(), "database schema upgraded");
        }
        crate::rank::register(&conn)?;
        Ok(Store { conn, path: path.to_path_buf(), search_lengths: Default::default() })
    }

    /// Where the database file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a consistent copy of the whole database to `dest` (SQLite's
    /// `VACUUM INTO`), safe to take while the app is running.
    pub fn snapshot_to(&self, dest: &Path) -> Result<(), StoreError> {
        let dest = dest.to_str().ok_or_else(|| StoreError::Invalid(format!("The path {} is not valid UTF-8.", dest.display())))?;
        self.conn.execute("VACUUM INTO ?1", [dest])?;
        Ok(())
    }

    /// SQLite's full `integrity_check` (every page, index and constraint),
    /// slower than the quick check made on every open; used on a database
    /// before it replaces the user's (a restore).
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let problems: Vec<String> = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<_, _>>()?;
        if problems.len() == 1 && problems[0] == "ok" {
            return Ok(());
        }
        Err(StoreError::Corrupt { path: self.path.clone(), detail: problems.into_iter().take(5).collect::<Vec<_>>().join("; ") })
    }

    /// Row counts of the user's data, for summaries and round-trip checks.
    pub fn counts(&self) -> Result<crate::DataCounts, StoreError> {
        let count = |table: &str| -> Result<u32, StoreError> {
            Ok(self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(crate::DataCounts {
            attempts: count("attempts")?,
            transcripts: count("transcripts")?,
            notes: count("star_notes")?,
            stories: count("stories")?,
            reviews: count("reviews")?,
        })
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(store: &Store, name: &str) -> String {
        store.conn.pragma_query_value(None, name, |r| r.get::<_, rusqlite::types::Value>(0)).map(|v| format!("{v:?}")).unwrap()
    }

    #[test]
    fn an_empty_file_is_migrated_to_the_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/starling.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), schema::latest_version());
        let tables: Vec<String> = store
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search\\_%\\_%' ESCAPE '\\' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            tables,
            ["attempts", "coach_metrics", "question_states", "review_cards", "reviews", "search_note", "search_question", "search_story", "search_transcript", "settings", "star_notes", "stories", "story_links", "transcripts"]
        );
        assert_eq!(pragma(&store, "journal_mode"), "Text(\"wal\")");
        assert_eq!(pragma(&store, "foreign_keys"), "Integer(1)");
        drop(store);
        // Opening again is a no-op migration.
        assert_eq!(Store::open(&path).unwrap().schema_version().unwrap(), schema::latest_version());
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE from_the_future (x); PRAGMA user_version = 99;").unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::FromNewerVersion { found: 99, .. }), "{err}");
        assert!(err.to_string().contains("newer version of Starling"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "the file must not change");
        assert!(!dir.path().join("future.db-wal").exists());
    }

    #[test]
    fn a_file_that_is_not_a_database_is_reported_as_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.db");
        std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), vec![0x42u8; 8192]);
    }

    #[test]
    fn foreign_keys_are_enforced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let err = store
            .conn
            .execute("INSERT INTO transcripts (attempt_id, model, text, created_ms) VALUES (42, 'm', 't', 0)", [])
            .unwrap_err();
        assert_eq!(err.sqlite_error_code(), Some(ErrorCode::ConstraintViolation));
    }
}
