//! The schema, as an append-only list of migrations tracked in SQLite's
//! `user_version` (by `rusqlite_migration`). Never edit a published migration:
//! add a new one.

use rusqlite_migration::{Migrations, M};

const MIGRATION_LIST: &[M<'static>] = &[M::up(
    r#"
CREATE TABLE question_states (
    question_id     TEXT PRIMARY KEY NOT NULL,
    starred         INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1)),
    view_count      INTEGER NOT NULL DEFAULT 0,
    last_viewed_ms  INTEGER
);

CREATE TABLE star_notes (
    question_id  TEXT PRIMARY KEY NOT NULL,
    situation    TEXT NOT NULL DEFAULT '',
    task         TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    updated_ms   INTEGER NOT NULL
);

CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    question_id  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('recording', 'done', 'recovered', 'failed')),
    started_ms   INTEGER NOT NULL,
    ended_ms     INTEGER,
    duration_ms  INTEGER,
    audio_file   TEXT,
    error        TEXT
);
CREATE INDEX attempts_by_question ON attempts (question_id, started_ms);

CREATE TABLE transcripts (
    attempt_id   INTEGER PRIMARY KEY NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    model        TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_ms   INTEGER NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
);
"#,
)];

/// All migrations in order.
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATION_LIST)
}

/// The schema version this build of Starling writes.
pub fn latest_version() -> i64 {
    MIGRATION_LIST.len() as i64
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().expect("migrations apply cleanly to an empty database");
    }
}
