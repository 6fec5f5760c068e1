//! Attempts: one spoken answer to a question. A row is written the moment
//! recording starts (state `recording`) and finished when it stops, so an
//! answer interrupted by a crash is found and recovered on the next start.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{now_ms, Store, StoreError};

/// Where an attempt is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AttemptState {
    Recording,
    Done,
    Recovered,
    Failed,
}

impl AttemptState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recording => "recording",
            Self::Done => "done",
            Self::Recovered => "recovered",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "recording" => Some(Self::Recording),
            "done" => Some(Self::Done),
            "recovered" => Some(Self::Recovered),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// Where an attempt's transcription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum TranscriptionState {
    /// Not asked for yet (for example, no model was installed).
    None,
    Queued,
    Running,
    Done,
    Failed,
}

impl TranscriptionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "queued" => Self::Queued,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::None,
        }
    }
}

/// One recorded answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Attempt {
    #[ts(type = "number")]
    pub id: i64,
    pub question_id: String,
    pub state: AttemptState,
    #[ts(type = "number")]
    pub started_ms: i64,
    #[ts(type = "number | null")]
    pub duration_ms: Option<i64>,
    /// The WAV file, relative to the recordings folder.
    pub audio_file: Option<String>,
    /// What went wrong, or what the user should know (for example that the
    /// microphone was unplugged and the take was cut short).
    pub error: Option<String>,
    pub transcription: TranscriptionState,
    /// Why the last transcription failed.
    pub transcription_error: Option<String>,
    /// When the retention setting deleted the recording (the transcript and
    /// the row stay).
    #[ts(type = "number | null")]
    pub audio_removed_ms: Option<i64>,
    /// For the answer to a follow-up question: the take that answered the
    /// question it follows.
    #[ts(type = "number | null")]
    pub follow_up_of: Option<i64>,
}

const COLUMNS: &str =
    "id, question_id, state, started_ms, duration_ms, audio_file, error, transcription, transcription_error, audio_removed_ms, follow_up_of";

fn attempt_from(r: &Row<'_>) -> rusqlite::Result<Attempt> {
    let state: String = r.get(2)?;
    Ok(Attempt {
        id: r.get(0)?,
        question_id: r.get(1)?,
        // The CHECK constraint guarantees one of the four values.
        state: AttemptState::parse(&state).unwrap_or(AttemptState::Failed),
        started_ms: r.get(3)?,
        duration_ms: r.get(4)?,
        audio_file: r.get(5)?,
        error: r.get(6)?,
        transcription: TranscriptionState::parse(&r.get::<_, String>(7)?),
        transcription_error: r.get(8)?,
        audio_removed_ms: r.get(9)?,
        follow_up_of: r.get(10)?,
    })
}

impl Store {
    /// A question's attempts, newest first.
    pub fn attempts_for(&self, question_id: &str) -> Result<Vec<Attempt>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM attempts WHERE question_id = ?1 ORDER BY started_ms DESC, id DESC");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([question_id], attempt_from)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One attempt by id.
    pub fn attempt(&self, id: i64) -> Result<Option<Attempt>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM attempts WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], attempt_from).optional()?)
    }

    /// Every attempt, newest first, at most `limit` (the global history).
    pub fn recent_attempts(&self, limit: u32) -> Result<Vec<Attempt>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM attempts ORDER BY started_ms DESC, id DESC LIMIT ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([limit], attempt_from)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Finished attempts started before `cutoff_ms` that still have a
    /// recording: what a retention of that age would delete.
    pub fn recordings_older_than(&self, cutoff_ms: i64) -> Result<Vec<Attempt>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM attempts WHERE started_ms < ?1 AND audio_file IS NOT NULL AND state != 'recording'
             ORDER BY started_ms"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([cutoff_ms], attempt_from)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Records that an attempt's recording was deleted; its transcript stays.
    pub fn mark_audio_removed(&self, id: i64, when_ms: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE attempts SET audio_file = NULL, audio_removed_ms = ?2 WHERE id = ?1", params![id, when_ms])?;
        Ok(())
    }

    /// Attempts still marked `recording`: interrupted by a crash or a kill.
    pub fn interrupted_attempts(&self) -> Result<Vec<Attempt>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM attempts WHERE state = 'recording' ORDER BY id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], attempt_from)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Records that an answer to `question_id` started recording into
    /// `audio_file` (relative to the recordings folder).
    pub fn begin_attempt(&self, question_id: &str, audio_file: &str, started_ms: i64) -> Result<Attempt, StoreError> {
        self.begin_follow_up(question_id, audio_file, started_ms, None)
    }

    /// As [`Store::begin_attempt`], for the answer to a follow-up question
    /// when `follow_up_of` names the take that answered the first question.
    pub fn begin_follow_up(&self, question_id: &str, audio_file: &str, started_ms: i64, follow_up_of: Option<i64>) -> Result<Attempt, StoreError> {
        self.conn.execute(
            "INSERT INTO attempts (question_id, state, started_ms, audio_file, follow_up_of) VALUES (?1, 'recording', ?2, ?3, ?4)",
            params![question_id, started_ms, audio_file, follow_up_of],
        )?;
        let id = self.conn.last_insert_rowid();
        self.attempt(id)?.ok_or(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))
    }

    /// Finishes an attempt with its final state, duration and note.
    pub fn finish_attempt(&self, id: i64, state: AttemptState, duration_ms: Option<i64>, error: Option<&str>) -> Result<Attempt, StoreError> {
        self.conn.execute(
            "UPDATE attempts SET state = ?2, ended_ms = ?3, duration_ms = ?4, error = ?5 WHERE id = ?1",
            params![id, state.as_str(), now_ms(), duration_ms, error],
        )?;
        self.attempt(id)?.ok_or(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))
    }

    /// The takes that answered follow-ups to take `id`, oldest first.
    pub fn follow_ups_of(&self, id: i64) -> Result<Vec<Attempt>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM attempts WHERE follow_up_of = ?1 ORDER BY started_ms, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([id], attempt_from)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Deletes an attempt (its transcript goes with it).
    pub fn delete_attempt(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM attempts WHERE id = ?1", [id])? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_are_listed_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        store
            .conn
            .execute_batch(
                "INSERT INTO attempts (question_id, state, started_ms, duration_ms) VALUES ('q', 'done', 10, 5000);
                 INSERT INTO attempts (question_id, state, started_ms) VALUES ('q', 'recording', 20);
                 INSERT INTO attempts (question_id, state, started_ms) VALUES ('other', 'done', 30);",
            )
            .unwrap();
        let a = store.attempts_for("q").unwrap();
        assert_eq!(a.iter().map(|a| a.state).collect::<Vec<_>>(), vec![AttemptState::Recording, AttemptState::Done]);
        assert_eq!(a[1].duration_ms, Some(5000));
        assert_eq!(store.interrupted_attempts().unwrap().len(), 1);
        assert!(store
            .conn
            .execute("INSERT INTO attempts (question_id, state, started_ms) VALUES ('q', 'bogus', 1)", [])
            .is_err());
    }
}

#[cfg(test)]
mod lifecycle_tests {
    use super::*;

    #[test]
    fn an_attempt_goes_from_recording_to_done_and_can_be_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let a = store.begin_attempt("q", "1-q.wav", 1_000).unwrap();
        assert_eq!((a.state, a.audio_file.as_deref(), a.duration_ms), (AttemptState::Recording, Some("1-q.wav"), None));
        assert_eq!(store.interrupted_attempts().unwrap(), vec![a.clone()]);
        let done = store.finish_attempt(a.id, AttemptState::Done, Some(61_500), Some("cut short")).unwrap();
        assert_eq!((done.state, done.duration_ms, done.error.as_deref()), (AttemptState::Done, Some(61_500), Some("cut short")));
        assert!(store.interrupted_attempts().unwrap().is_empty());
        assert!(store.delete_attempt(a.id).unwrap());
        assert!(!store.delete_attempt(a.id).unwrap());
        assert_eq!(store.attempt(a.id).unwrap(), None);
    }

    #[test]
    fn a_follow_up_take_is_linked_to_the_first_and_outlives_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let first = store.begin_attempt("q", "1-q.wav", 1_000).unwrap();
        assert_eq!(first.follow_up_of, None);
        let follow = store.begin_follow_up("q", "2-q.wav", 2_000, Some(first.id)).unwrap();
        assert_eq!(follow.follow_up_of, Some(first.id));
        assert_eq!(store.follow_ups_of(first.id).unwrap(), vec![follow.clone()]);
        // A link to a take that does not exist is refused.
        assert!(store.begin_follow_up("q", "3-q.wav", 3_000, Some(999)).is_err());
        // Deleting the first take keeps the follow-up, unlinked.
        assert!(store.delete_attempt(first.id).unwrap());
        assert_eq!(store.attempt(follow.id).unwrap().unwrap().follow_up_of, None);
    }
}
