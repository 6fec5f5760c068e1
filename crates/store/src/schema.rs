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
    // 3: stories (named STAR stories linked to many questions), spaced
    // repetition (one FSRS card per question and a log of every rating), when
    // retention removed an attempt's recording, cached coaching figures for
    // the progress charts, and one FTS5 index over questions, notes, stories
    // and transcripts. Triggers
    // keep the index in step with the tables; questions come from the bank's
    // files and are re-indexed by the application when it opens.
    M::up(
        r#"
ALTER TABLE attempts ADD COLUMN audio_removed_ms INTEGER;

CREATE TABLE stories (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    situation   TEXT NOT NULL DEFAULT '',
    task        TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL
);

CREATE TABLE story_links (
    story_id     INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    linked_ms    INTEGER NOT NULL,
    PRIMARY KEY (story_id, question_id)
);
CREATE INDEX story_links_by_question ON story_links (question_id);

CREATE TABLE review_cards (
    question_id     TEXT PRIMARY KEY NOT NULL,
    due_ms          INTEGER NOT NULL,
    stability       REAL NOT NULL,
    difficulty      REAL NOT NULL,
    elapsed_days    INTEGER NOT NULL,
    scheduled_days  INTEGER NOT NULL,
    reps            INTEGER NOT NULL,
    lapses          INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('new', 'learning', 'review', 'relearning')),
    last_review_ms  INTEGER NOT NULL
);
CREATE INDEX review_cards_by_due ON review_cards (due_ms);

CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    question_id  TEXT NOT NULL,
    rating       TEXT NOT NULL CHECK (rating IN ('again', 'hard', 'good', 'easy')),
    source       TEXT NOT NULL CHECK (source IN ('attempt', 'quiz', 'manual')),
    attempt_id   INTEGER REFERENCES attempts (id) ON DELETE SET NULL,
    reviewed_ms  INTEGER NOT NULL,
    due_ms       INTEGER NOT NULL
);
CREATE INDEX reviews_by_question ON reviews (question_id, reviewed_ms);

CREATE TABLE coach_metrics (
    attempt_id       INTEGER PRIMARY KEY NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    transcript_ms    INTEGER NOT NULL,
    rules_version    INTEGER NOT NULL,
    wpm              REAL NOT NULL,
    fillers_per_min  REAL NOT NULL,
    pauses           INTEGER NOT NULL,
    star_covered     INTEGER,
    duration_ms      INTEGER NOT NULL
);

CREATE VIRTUAL TABLE search_index USING fts5 (
    kind UNINDEXED, ref UNINDEXED, question_id UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER star_notes_indexed AFTER INSERT ON star_notes BEGIN
    INSERT INTO search_index (kind, ref, question_id, title, body)
    VALUES ('note', new.question_id, new.question_id, '',
            concat_ws(char(10), new.situation, new.task, new.action, new.result, new.notes));
END;
CREATE TRIGGER star_notes_reindexed AFTER UPDATE ON star_notes BEGIN
    DELETE FROM search_index WHERE kind = 'note' AND ref = old.question_id;
    INSERT INTO search_index (kind, ref, question_id, title, body)
    VALUES ('note', new.question_id, new.question_id, '',
            concat_ws(char(10), new.situation, new.task, new.action, new.result, new.notes));
END;
CREATE TRIGGER star_notes_unindexed AFTER DELETE ON star_notes BEGIN
    DELETE FROM search_index WHERE kind = 'note' AND ref = old.question_id;
END;

CREATE TRIGGER stories_indexed AFTER INSERT ON stories BEGIN
    INSERT INTO search_index (kind, ref, question_id, title, body)
    VALUES ('story', new.id, NULL, new.title,
            concat_ws(char(10), new.situation, new.task, new.action, new.result, new.notes));
END;
CREATE TRIGGER stories_reindexed AFTER UPDATE ON stories BEGIN
    DELETE FROM search_index WHERE kind = 'story' AND ref = old.id;
    INSERT INTO search_index (kind, ref, question_id, title, body)
    VALUES ('story', new.id, NULL, new.title,
            concat_ws(char(10), new.situation, new.task, new.action, new.result, new.notes));
END;
CREATE TRIGGER stories_unindexed AFTER DELETE ON stories BEGIN
    DELETE FROM search_index WHERE kind = 'story' AND ref = old.id;
END;

CREATE TRIGGER transcripts_indexed AFTER INSERT ON transcripts BEGIN
    INSERT INTO search_index (kind, ref, question_id, title, body)
    VALUES ('transcript', new.attempt_id,
            (SELECT question_id FROM attempts WHERE id = new.attempt_id), '', new.text);
END;
CREATE TRIGGER transcripts_reindexed AFTER UPDATE ON transcripts BEGIN
    DELETE FROM search_index WHERE kind = 'transcript' AND ref = old.attempt_id;
    INSERT INTO search_index (kind, ref, question_id, title, body)
    VALUES ('transcript', new.attempt_id,
            (SELECT question_id FROM attempts WHERE id = new.attempt_id), '', new.text);
END;
CREATE TRIGGER transcripts_unindexed AFTER DELETE ON transcripts BEGIN
    DELETE FROM search_index WHERE kind = 'transcript' AND ref = old.attempt_id;
END;

INSERT INTO search_index (kind, ref, question_id, title, body)
    SELECT 'note', question_id, question_id, '',
           concat_ws(char(10), situation, task, action, result, notes) FROM star_notes;
INSERT INTO search_index (kind, ref, question_id, title, body)
    SELECT 'transcript', t.attempt_id, a.question_id, '', t.text
    FROM transcripts t JOIN attempts a ON a.id = t.attempt_id;
"#,
    ),
    // 4: which path made each transcript: 'live' (while the take recorded)
    // or 'one_pass' (the whole file after Stop). Rows from before this
    // version were not told apart and read as 'one_pass'.
    M::up(
        r#"
ALTER TABLE transcripts ADD COLUMN source TEXT NOT NULL DEFAULT 'one_pass'
    CHECK (source IN ('one_pass', 'live'));
"#,
    ),
    // 5: one FTS5 table per kind of record instead of one shared index. Each
    // keystroke then ranks every kind with LIMIT on its own table (no
    // per-row read of a `kind` column, no sort of the other kinds' rows),
    // and the rowid is the source row's id, so the triggers delete by rowid
    // instead of scanning (notes excepted: their key is text and VACUUM may
    // renumber their implicit rowids, so they are found by question; there
    // is at most one per question). Same columns everywhere: the question a row
    // belongs to (not searched), a title and a body. Questions are
    // re-indexed by the application when it opens, as before.
    M::up(
        r#"
DROP TRIGGER star_notes_indexed;
DROP TRIGGER star_notes_reindexed;
DROP TRIGGER star_notes_unindexed;
DROP TRIGGER stories_indexed;
DROP TRIGGER stories_reindexed;
DROP TRIGGER stories_unindexed;
DROP TRIGGER transcripts_indexed;
DROP TRIGGER transcripts_reindexed;
DROP TRIGGER transcripts_unindexed;
DROP TABLE search_index;

CREATE VIRTUAL TABLE search_question USING fts5 (
    question_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE VIRTUAL TABLE search_note USING fts5 (
    question_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE VIRTUAL TABLE search_story USING fts5 (
    question_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE VIRTUAL TABLE search_transcript USING fts5 (
    question_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

CREATE TRIGGER star_notes_indexed AFTER INSERT ON star_notes BEGIN
    INSERT INTO search_note (question_id, title, body)
    VALUES (new.question_id, '',
            concat_ws(char(10), new.situation, new.task, new.action, new.result, new.notes));
END;
CREATE TRIGGER star_notes_reindexed AFTER UPDATE ON star_notes BEGIN
    DELETE FROM search_note WHERE question_id = old.question_id;
    INSERT INTO search_note (question_id, title, body)
    VALUES (new.question_id, '',
            concat_ws(char(10), new.situation, new.task, new.action, new.result, new.notes));
END;
CREATE TRIGGER star_notes_unindexed AFTER DELETE ON star_notes BEGIN
    DELETE FROM search_note WHERE question_id = old.question_id;
END;

CREATE TRIGGER stories_indexed AFTER INSERT ON stories BEGIN
    INSERT INTO search_story (rowid, question_id, title, body)
    VALUES (new.id, NULL, new.title,
            concat_ws(char(10), new.situation, new.task, new.action, new.result, new.notes));
END;
CREATE TRIGGER stories_reindexed AFTER UPDATE ON stories BEGIN
    DELETE FROM search_story WHERE rowid = old.id;
    INSERT INTO search_story (rowid, question_id, title, body)
    VALUES (new.id, NULL, new.title,
            concat_ws(char(10), new.situation, new.task, new.action, new.result, new.notes));
END;
CREATE TRIGGER stories_unindexed AFTER DELETE ON stories BEGIN
    DELETE FROM search_story WHERE rowid = old.id;
END;

CREATE TRIGGER transcripts_indexed AFTER INSERT ON transcripts BEGIN
    INSERT INTO search_transcript (rowid, question_id, title, body)
    VALUES (new.attempt_id, (SELECT question_id FROM attempts WHERE id = new.attempt_id), '', new.text);
END;
CREATE TRIGGER transcripts_reindexed AFTER UPDATE ON transcripts BEGIN
    DELETE FROM search_transcript WHERE rowid = old.attempt_id;
    INSERT INTO search_transcript (rowid, question_id, title, body)
    VALUES (new.attempt_id, (SELECT question_id FROM attempts WHERE id = new.attempt_id), '', new.text);
END;
CREATE TRIGGER transcripts_unindexed AFTER DELETE ON transcripts BEGIN
    DELETE FROM search_transcript WHERE rowid = old.attempt_id;
END;

INSERT INTO search_note (question_id, title, body)
    SELECT question_id, '', concat_ws(char(10), situation, task, action, result, notes) FROM star_notes;
INSERT INTO search_story (rowid, question_id, title, body)
    SELECT id, NULL, title, concat_ws(char(10), situation, task, action, result, notes) FROM stories;
INSERT INTO search_transcript (rowid, question_id, title, body)
    SELECT t.attempt_id, a.question_id, '', t.text FROM transcripts t JOIN attempts a ON a.id = t.attempt_id;
"#,
    ),
    // 6: a follow-up answer is its own take, linked to the take that
    // answered the question it follows (a mock interview asks both).
    // Deleting the first take leaves the follow-up standing, unlinked.
    M::up(
        r#"
ALTER TABLE attempts ADD COLUMN follow_up_of INTEGER REFERENCES attempts (id) ON DELETE SET NULL;
CREATE INDEX attempts_by_follow_up ON attempts (follow_up_of) WHERE follow_up_of IS NOT NULL;
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
    use crate::{AttemptState, SearchKind, Store, TranscriptionState};

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

    #[test]
    fn a_version_4_database_moves_its_index_to_one_table_per_kind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            super::migrations().to_version(&mut conn, 4).unwrap();
            conn.execute_batch(
                "INSERT INTO attempts (id, question_id, state, started_ms, duration_ms, audio_file) VALUES (7, 'q', 'done', 5, 900, '5-q.wav');
                 INSERT INTO transcripts (attempt_id, model, text, created_ms) VALUES (7, 'tiny.en', 'the zeppelin rollout', 1);
                 INSERT INTO star_notes (question_id, action, updated_ms) VALUES ('q', 'bisected the flaky deploy', 1);
                 INSERT INTO stories (id, title, situation, created_ms, updated_ms) VALUES (3, 'Kubernetes move', 'three clusters', 1, 1);",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let found = |s: &Store, q: &str| s.search(q, 5).unwrap().into_iter().map(|h| (h.kind, h.ref_id)).collect::<Vec<_>>();
        assert_eq!(found(&store, "zeppelin"), vec![(SearchKind::Transcript, "7".to_string())]);
        assert_eq!(found(&store, "bisected"), vec![(SearchKind::Note, "q".to_string())]);
        assert_eq!(found(&store, "clusters"), vec![(SearchKind::Story, "3".to_string())]);
        // The new triggers follow edits and deletes.
        store.delete_attempt(7).unwrap();
        assert!(found(&store, "zeppelin").is_empty());
    }
}
