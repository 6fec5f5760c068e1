//! Per-question state the user builds up while browsing: stars and views.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{now_ms, Store, StoreError};

/// What Starling remembers about a question for this user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuestionState {
    pub question_id: String,
    pub starred: bool,
    pub view_count: u32,
    #[ts(type = "number | null")]
    pub last_viewed_ms: Option<i64>,
}

impl Store {
    /// Every question with any remembered state.
    pub fn question_states(&self) -> Result<Vec<QuestionState>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT question_id, starred, view_count, last_viewed_ms FROM question_states ORDER BY question_id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(QuestionState {
                    question_id: r.get(0)?,
                    starred: r.get(1)?,
                    view_count: r.get(2)?,
                    last_viewed_ms: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Records that the user opened a question.
    pub fn mark_viewed(&self, question_id: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO question_states (question_id, view_count, last_viewed_ms) VALUES (?1, 1, ?2)
             ON CONFLICT (question_id) DO UPDATE SET view_count = view_count + 1, last_viewed_ms = excluded.last_viewed_ms",
            params![question_id, now_ms()],
        )?;
        Ok(())
    }

    /// Stars or unstars a question.
    pub fn set_starred(&self, question_id: &str, starred: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO question_states (question_id, starred) VALUES (?1, ?2)
             ON CONFLICT (question_id) DO UPDATE SET starred = excluded.starred",
            params![question_id, starred],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn views_and_stars_accumulate() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        store.mark_viewed("a").unwrap();
        store.mark_viewed("a").unwrap();
        store.set_starred("b", true).unwrap();
        store.set_starred("a", true).unwrap();
        store.set_starred("a", false).unwrap();
        let s = store.question_states().unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].question_id.as_str(), s[0].view_count, s[0].starred), ("a", 2, false));
        assert!(s[0].last_viewed_ms.is_some());
        assert_eq!((s[1].question_id.as_str(), s[1].view_count, s[1].starred), ("b", 0, true));
    }
}
