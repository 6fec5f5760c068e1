//! Stories: named STAR stories the user tells in interviews, each linked to
//! any number of questions (one good story answers "a difficult bug", "a tight
//! deadline" and "ownership"). Deleting a story removes its links, never the
//! questions' own notes.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{now_ms, Store, StoreError};

/// A saved story and the questions it is linked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Story {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
    pub notes: String,
    /// Ids of the linked questions, in the order they were linked.
    pub question_ids: Vec<String>,
    #[ts(type = "number")]
    pub updated_ms: i64,
}

/// What the UI sends to create (`id` null) or update a story.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StoryDraft {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub title: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
    pub notes: String,
}

const COLUMNS: &str = "id, title, situation, task, action, result, notes, updated_ms";

fn story_row(r: &Row<'_>) -> rusqlite::Result<Story> {
    Ok(Story {
        id: r.get(0)?,
        title: r.get(1)?,
        situation: r.get(2)?,
        task: r.get(3)?,
        action: r.get(4)?,
        result: r.get(5)?,
        notes: r.get(6)?,
        updated_ms: r.get(7)?,
        question_ids: Vec::new(),
    })
}

impl Store {
    /// Creates or updates a story. A blank title is refused: a story needs a
    /// name to be found and linked.
    pub fn save_story(&self, draft: &StoryDraft) -> Result<Story, StoreError> {
        let title = draft.title.trim();
        if title.is_empty() {
            return Err(StoreError::Invalid("A story needs a title, for example \"The Friday outage\".".into()));
        }
        let now = now_ms();
        let id = match draft.id {
            Some(id) => {
                let changed = self.conn.execute(
                    "UPDATE stories SET title = ?2, situation = ?3, task = ?4, action = ?5, result = ?6, notes = ?7,
                       updated_ms = ?8 WHERE id = ?1",
                    params![id, title, draft.situation, draft.task, draft.action, draft.result, draft.notes, now],
                )?;
                if changed == 0 {
                    return Err(StoreError::NotFound(format!("There is no story with id {id}; it may have been deleted.")));
                }
                id
            }
            None => {
                self.conn.execute(
                    "INSERT INTO stories (title, situation, task, action, result, notes, created_ms, updated_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                    params![title, draft.situation, draft.task, draft.action, draft.result, draft.notes, now],
                )?;
                self.conn.last_insert_rowid()
            }
        };
        self.story(id)?.ok_or_else(|| StoreError::NotFound(format!("Story {id} vanished while it was being saved.")))
    }

    pub fn story(&self, id: i64) -> Result<Option<Story>, StoreError> {
        let story = self
            .conn
            .query_row(&format!("SELECT {COLUMNS} FROM stories WHERE id = ?1"), [id], story_row)
            .optional()?;
        story.map(|s| self.with_links(s)).transpose()
    }

    /// Every story, most recently edited first.
    pub fn stories(&self) -> Result<Vec<Story>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM stories ORDER BY updated_ms DESC, id DESC"))?;
        let rows = stmt.query_map([], story_row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|s| self.with_links(s)).collect()
    }

    /// The stories linked to a question.
    pub fn stories_for(&self, question_id: &str) -> Result<Vec<Story>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM stories WHERE id IN (SELECT story_id FROM story_links WHERE question_id = ?1)
             ORDER BY title COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([question_id], story_row)?.collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|s| self.with_links(s)).collect()
    }

    /// Deletes a story and its links; returns it so the caller can offer undo
    /// through [`restore_story`](Store::restore_story).
    pub fn delete_story(&self, id: i64) -> Result<Option<Story>, StoreError> {
        let story = self.story(id)?;
        self.conn.execute("DELETE FROM stories WHERE id = ?1", [id])?;
        Ok(story)
    }

    /// Puts a deleted story back with its id and links.
    pub fn restore_story(&mut self, story: &Story) -> Result<Story, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO stories (id, title, situation, task, action, result, notes, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![story.id, story.title, story.situation, story.task, story.action, story.result, story.notes, story.updated_ms],
        )?;
        for (i, q) in story.question_ids.iter().enumerate() {
            tx.execute(
                "INSERT OR IGNORE INTO story_links (story_id, question_id, linked_ms) VALUES (?1, ?2, ?3)",
                params![story.id, q, story.updated_ms + i as i64],
            )?;
        }
        tx.commit()?;
        self.story(story.id)?.ok_or_else(|| StoreError::NotFound(format!("Story {} could not be restored.", story.id)))
    }

    /// Links a story to a question (linking twice is harmless).
    pub fn link_story(&self, story_id: i64, question_id: &str) -> Result<(), StoreError> {
        if self.story(story_id)?.is_none() {
            return Err(StoreError::NotFound(format!("There is no story with id {story_id}; it may have been deleted.")));
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO story_links (story_id, question_id, linked_ms) VALUES (?1, ?2, ?3)",
            params![story_id, question_id, now_ms()],
        )?;
        Ok(())
    }

    pub fn unlink_story(&self, story_id: i64, question_id: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM story_links WHERE story_id = ?1 AND question_id = ?2", params![story_id, question_id])?;
        Ok(())
    }

    fn with_links(&self, mut story: Story) -> Result<Story, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT question_id FROM story_links WHERE story_id = ?1 ORDER BY linked_ms, question_id")?;
        story.question_ids = stmt.query_map([story.id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(story)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str) -> StoryDraft {
        StoryDraft { title: title.into(), situation: "A cache served stale prices".into(), ..Default::default() }
    }

    #[test]
    fn one_story_links_to_many_questions_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let id = {
            let store = Store::open(&path).unwrap();
            let s = store.save_story(&draft("Friday outage")).unwrap();
            store.link_story(s.id, "behavior-difficult-bug").unwrap();
            store.link_story(s.id, "behavior-tight-deadline").unwrap();
            store.link_story(s.id, "behavior-tight-deadline").unwrap();
            s.id
        };
        let store = Store::open(&path).unwrap();
        let s = store.story(id).unwrap().unwrap();
        assert_eq!(s.question_ids, vec!["behavior-difficult-bug", "behavior-tight-deadline"]);
        assert_eq!(store.stories_for("behavior-tight-deadline").unwrap()[0].title, "Friday outage");
        store.unlink_story(id, "behavior-difficult-bug").unwrap();
        assert!(store.stories_for("behavior-difficult-bug").unwrap().is_empty());
    }

    #[test]
    fn edits_keep_the_id_and_a_blank_title_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let s = store.save_story(&draft("First")).unwrap();
        let edited = store.save_story(&StoryDraft { id: Some(s.id), result: "Saved the launch".into(), ..draft("Renamed") }).unwrap();
        assert_eq!((edited.id, edited.title.as_str(), edited.result.as_str()), (s.id, "Renamed", "Saved the launch"));
        assert_eq!(store.stories().unwrap().len(), 1);
        assert!(matches!(store.save_story(&draft("   ")), Err(StoreError::Invalid(_))));
        assert!(matches!(store.save_story(&StoryDraft { id: Some(999), ..draft("x") }), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn a_deleted_story_comes_back_with_its_links() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let s = store.save_story(&draft("Ownership")).unwrap();
        store.link_story(s.id, "q1").unwrap();
        let gone = store.delete_story(s.id).unwrap().unwrap();
        assert!(store.stories_for("q1").unwrap().is_empty());
        let back = store.restore_story(&gone).unwrap();
        assert_eq!((back.id, back.question_ids.clone()), (s.id, vec!["q1".to_string()]));
    }
}
