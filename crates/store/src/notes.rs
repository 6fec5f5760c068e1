//! STAR notes: the user's own Situation, Task, Action, Result and free notes,
//! one set per question.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{now_ms, Store, StoreError};

/// The saved notes of one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StarNote {
    pub question_id: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
    pub notes: String,
    /// When the note was last saved (ms since the Unix epoch).
    #[ts(type = "number")]
    pub updated_ms: i64,
}

/// What the UI sends to save a note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StarNoteDraft {
    pub question_id: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
    pub notes: String,
}

impl StarNoteDraft {
    fn is_blank(&self) -> bool {
        [&self.situation, &self.task, &self.action, &self.result, &self.notes].iter().all(|s| s.trim().is_empty())
    }
}

impl Store {
    /// The note of a question, if one was ever saved.
    pub fn star_note(&self, question_id: &str) -> Result<Option<StarNote>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT question_id, situation, task, action, result, notes, updated_ms
                 FROM star_notes WHERE question_id = ?1",
                [question_id],
                |r| {
                    Ok(StarNote {
                        question_id: r.get(0)?,
                        situation: r.get(1)?,
                        task: r.get(2)?,
                        action: r.get(3)?,
                        result: r.get(4)?,
                        notes: r.get(5)?,
                        updated_ms: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    /// Saves (inserts or replaces) a note. Saving an all-blank draft deletes
    /// the note, so cleared notes do not linger as empty rows.
    pub fn save_star_note(&self, draft: &StarNoteDraft) -> Result<Option<StarNote>, StoreError> {
        if draft.is_blank() {
            self.conn.execute("DELETE FROM star_notes WHERE question_id = ?1", [&draft.question_id])?;
            return Ok(None);
        }
        let updated_ms = now_ms();
        self.conn.execute(
            "INSERT INTO star_notes (question_id, situation, task, action, result, notes, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (question_id) DO UPDATE SET
               situation = excluded.situation, task = excluded.task, action = excluded.action,
               result = excluded.result, notes = excluded.notes, updated_ms = excluded.updated_ms",
            params![draft.question_id, draft.situation, draft.task, draft.action, draft.result, draft.notes, updated_ms],
        )?;
        Ok(Some(StarNote {
            question_id: draft.question_id.clone(),
            situation: draft.situation.clone(),
            task: draft.task.clone(),
            action: draft.action.clone(),
            result: draft.result.clone(),
            notes: draft.notes.clone(),
            updated_ms,
        }))
    }

    /// Ids of every question that has a note.
    pub fn noted_question_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT question_id FROM star_notes ORDER BY question_id")?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(id: &str, s: &str) -> StarNoteDraft {
        StarNoteDraft { question_id: id.into(), situation: s.into(), task: "t".into(), ..Default::default() }
    }

    #[test]
    fn notes_survive_reopening_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let store = Store::open(&path).unwrap();
            store.save_star_note(&draft("q1", "first")).unwrap();
            store.save_star_note(&draft("q1", "second — with ünïcode")).unwrap();
        }
        let store = Store::open(&path).unwrap();
        let note = store.star_note("q1").unwrap().unwrap();
        assert_eq!(note.situation, "second — with ünïcode");
        assert_eq!(note.task, "t");
        assert!(note.updated_ms > 0);
        assert_eq!(store.noted_question_ids().unwrap(), vec!["q1"]);
        assert_eq!(store.star_note("other").unwrap(), None);
    }

    #[test]
    fn a_blank_draft_removes_the_note() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        store.save_star_note(&draft("q1", "x")).unwrap();
        assert_eq!(store.save_star_note(&StarNoteDraft { question_id: "q1".into(), ..Default::default() }).unwrap(), None);
        assert_eq!(store.star_note("q1").unwrap(), None);
        assert!(store.noted_question_ids().unwrap().is_empty());
    }
}
