//! The schema, as an append-only list of migrations tracked in SQLite's
//! `user_version` (by `rusqlite_migration`). Never edit a published migration:
//! add a new one.

use rusqlite_migration::{Migrations, M};

const MIGRATION_LIST: &[M<'static>] = &[
    // 1: question state, STAR notes, attempts, transcripts, settings.
    M::up(
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
    ),
    // 2: transcription state per attempt, and the full transcript with its
    // segments and word timings (JSON) beside the text.
    M::up(
        r#"
ALTER TABLE attempts ADD COLUMN transcription TEXT NOT NULL DEFAULT 'none'
    CHECK (transcription IN ('none', 'queued', 'running', 'done', 'failed'));
ALTER TABLE attempts ADD COLUMN transcription_error TEXT;
ALTER TABLE transcripts ADD COLUMN segments_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE transcripts ADD COLUMN audio_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transcripts ADD COLUMN elapsed_ms INTEGER NOT NULL DEFAULT 0;
"#,
    ),
];

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

#[cfg(test)]
mod upgrade_tests {
    use crate::{AttemptState, Store, TranscriptionState};

    #[test]
    fn a_version_1_database_upgrades_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            super::migrations().to_version(&mut conn, 1).unwrap();
            conn.execute_batch(
                "INSERT INTO attempts (question_id, state, started_ms, duration_ms, audio_file) VALUES ('q', 'done', 5, 900, '5-q.wav');
                 INSERT INTO star_notes (question_id, situation, updated_ms) VALUES ('q', 'kept', 1);",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), super::latest_version());
        let a = &store.attempts_for("q").unwrap()[0];
        assert_eq!((a.state, a.duration_ms, a.transcription), (AttemptState::Done, Some(900), TranscriptionState::None));
        assert_eq!(store.star_note("q").unwrap().unwrap().situation, "kept");
    }
}
