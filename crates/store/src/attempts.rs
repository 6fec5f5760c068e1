//! Attempts: one spoken answer to a question. The table is created now so the
//! recording step can fill it; this module reads it for the question view.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

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
    pub error: Option<String>,
}

impl Store {
    /// A question's attempts, newest first.
    pub fn attempts_for(&self, question_id: &str) -> Result<Vec<Attempt>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, question_id, state, started_ms, duration_ms, error FROM attempts
             WHERE question_id = ?1 ORDER BY started_ms DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([question_id], |r| {
                let state: String = r.get(2)?;
                Ok(Attempt {
                    id: r.get(0)?,
                    question_id: r.get(1)?,
                    // The CHECK constraint guarantees one of the four values.
                    state: AttemptState::parse(&state).unwrap_or(AttemptState::Failed),
                    started_ms: r.get(3)?,
                    duration_ms: r.get(4)?,
                    error: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
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
        assert!(store
            .conn
            .execute("INSERT INTO attempts (question_id, state, started_ms) VALUES ('q', 'bogus', 1)", [])
            .is_err());
    }
}
