//! Stories and the notes export: named STAR stories linked to questions, and
//! one Markdown file holding every note and story the user wrote.

use std::fmt::Write as _;
use std::path::Path;

use starling_store::{Story, StoryDraft};

use crate::error::StudioError;
use crate::Studio;

impl Studio {
    pub fn stories(&self) -> Result<Vec<Story>, StudioError> {
        Ok(self.store.stories()?)
    }

    pub fn save_story(&self, draft: &StoryDraft) -> Result<Story, StudioError> {
        Ok(self.store.save_story(draft)?)
    }

    /// Deletes a story; the returned copy can be handed to
    /// [`restore_story`](Studio::restore_story) to undo.
    pub fn delete_story(&self, id: i64) -> Result<Story, StudioError> {
        self.store.delete_story(id)?.ok_or(StudioError::UnknownStory(id))
    }

    pub fn restore_story(&mut self, story: &Story) -> Result<Story, StudioError> {
        Ok(self.store.restore_story(story)?)
    }

    /// Links a story to a question the bank knows.
    pub fn link_story(&self, story_id: i64, question_id: &str) -> Result<Story, StudioError> {
        if self.bank.get(question_id).is_none() {
            return Err(StudioError::UnknownQuestion(question_id.to_string()));
        }
        self.store.link_story(story_id, question_id)?;
        self.store.story(story_id)?.ok_or(StudioError::UnknownStory(story_id))
    }

    pub fn unlink_story(&self, story_id: i64, question_id: &str) -> Result<Story, StudioError> {
        self.store.unlink_story(story_id, question_id)?;
        self.store.story(story_id)?.ok_or(StudioError::UnknownStory(story_id))
    }

    /// Writes every user record and recording to the archive `out`: a
    /// [`Studio::backup_snapshot`], written at once.
    pub fn export_backup(&self, out: &Path) -> Result<crate::backup::BackupSummary, StudioError> {
        Ok(self.backup_snapshot()?.write(out)?)
    }

    /// What a backup taken now holds (see [`crate::backup::Snapshot`]).
    /// Refused while a take is recording, so an archive never holds half a
    /// take.
    pub fn backup_snapshot(&self) -> Result<crate::backup::Snapshot, StudioError> {
        self.ensure_not_recording()?;
        Ok(crate::backup::Snapshot::take(&self.paths, &self.store, self.clock.now_ms())?)
    }

    /// Every STAR note and story as one Markdown document.
    pub fn notes_markdown(&self) -> Result<String, StudioError> {
        let mut out = String::from("# Starling notes\n");
        let prompt = |id: &str| self.bank.get(id).map(|q| q.prompt.clone()).unwrap_or_else(|| format!("Question `{id}`"));
        let stories = self.store.stories()?;
        if !stories.is_empty() {
            out.push_str("\n## Stories\n");
        }
        for s in &stories {
            let _ = write!(out, "\n### {}\n", s.title.trim());
            star_sections(&mut out, [&s.situation, &s.task, &s.action, &s.result, &s.notes]);
            if !s.question_ids.is_empty() {
                out.push_str("\n**Answers:**\n\n");
                for q in &s.question_ids {
                    let _ = writeln!(out, "- {}", prompt(q));
                }
            }
        }
        let noted = self.store.noted_question_ids()?;
        if !noted.is_empty() {
            out.push_str("\n## Question notes\n");
        }
        for id in noted {
            if let Some(n) = self.store.star_note(&id)? {
                let _ = write!(out, "\n### {}\n", prompt(&id));
                star_sections(&mut out, [&n.situation, &n.task, &n.action, &n.result, &n.notes]);
            }
        }
        Ok(out)
    }

    /// Writes [`notes_markdown`](Studio::notes_markdown) to `path`.
    pub fn export_notes(&self, path: &Path) -> Result<usize, StudioError> {
        let text = self.notes_markdown()?;
        crate::files::write_export(path, self.paths.root(), text.as_bytes())?;
        Ok(text.len())
    }
}

fn star_sections(out: &mut String, fields: [&String; 5]) {
    for (label, text) in ["Situation", "Task", "Action", "Result", "Notes"].iter().zip(fields) {
        if !text.trim().is_empty() {
            let _ = write!(out, "\n**{label}:** {}\n", text.trim());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataPaths;
    use starling_store::StarNoteDraft;

    #[test]
    fn a_story_shows_on_every_linked_question_and_in_the_export() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Studio::open(DataPaths::new(dir.path())).unwrap();
        let story = s
            .save_story(&StoryDraft { title: "The Friday outage".into(), action: "Rolled back in *four* minutes".into(), ..Default::default() })
            .unwrap();
        s.link_story(story.id, "behavior-difficult-bug").unwrap();
        let linked = s.link_story(story.id, "behavior-tight-deadline").unwrap();
        assert_eq!(linked.question_ids.len(), 2);
        for q in ["behavior-difficult-bug", "behavior-tight-deadline"] {
            assert_eq!(s.open_question(q).unwrap().stories[0].title, "The Friday outage");
        }
        assert!(matches!(s.link_story(story.id, "nope"), Err(StudioError::UnknownQuestion(_))));
        s.save_star_note(&StarNoteDraft { question_id: "sql-normalization".into(), notes: "3NF first".into(), ..Default::default() }).unwrap();

        let md = s.notes_markdown().unwrap();
        assert!(md.contains("### The Friday outage\n\n**Action:** Rolled back in *four* minutes"));
        assert!(md.contains("## Question notes"));
        assert!(md.contains("**Notes:** 3NF first"));
        let elsewhere = tempfile::tempdir().unwrap();
        let path = elsewhere.path().join("notes.md");
        s.export_notes(&path).unwrap();
        assert_eq!(std::fs::read_to_string(path).unwrap(), md);

        let gone = s.delete_story(story.id).unwrap();
        assert!(s.open_question("behavior-tight-deadline").unwrap().stories.is_empty());
        s.restore_story(&gone).unwrap();
        assert_eq!(s.open_question("behavior-tight-deadline").unwrap().stories.len(), 1);
    }
}
