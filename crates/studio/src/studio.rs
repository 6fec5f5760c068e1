//! The [`Studio`]: the bank and the store, and one method per user action.

use starling_bank::{Bank, QuizGrade};
use starling_store::{StarNote, StarNoteDraft, Store};

use crate::clock::Clock;
use crate::error::StudioError;
use crate::paths::DataPaths;
use crate::views::{BankSnapshot, QuestionDetail};

pub struct Studio {
    pub(crate) paths: DataPaths,
    pub(crate) bank: Bank,
    pub(crate) store: Store,
    pub(crate) active: Option<crate::active::ActiveRecording>,
    pub(crate) clock: Clock,
    /// Held while the studio is open (see [`crate::lock`]).
    pub(crate) lock: crate::lock::DataLock,
}

impl Studio {
    /// Opens the store and loads the bank (built-in decks plus the user's deck
    /// folder, which is created if missing so the user can find it).
    ///
    /// Takes the data folder's lock first: while this studio is open, no
    /// other Starling process writes to the folder.
    pub fn open(paths: DataPaths) -> Result<Studio, StudioError> {
        Studio::open_locked(crate::lock::DataLock::acquire(&paths)?)
    }

    /// Opens the studio on a folder whose lock this process already holds.
    pub fn open_locked(lock: crate::lock::DataLock) -> Result<Studio, StudioError> {
        let paths = lock.paths().clone();
        // A restore killed after it committed is finished before anything
        // reads the database (see `backup`'s invariants).
        if let Some(previous) = crate::backup::finish_interrupted_restore(&paths)? {
            tracing::warn!(previous = ?previous, "finished a restore that was interrupted");
        }
        let store = Store::open(&paths.database())?;
        if let Err(e) = std::fs::create_dir_all(paths.decks()) {
            tracing::warn!(dir = %paths.decks().display(), error = %e, "could not create the deck folder");
        }
        let bank = Bank::load(Some(&paths.decks()))?;
        tracing::info!(questions = bank.questions().len(), db = %paths.database().display(), "studio opened");
        let mut studio = Studio { paths, bank, store, active: None, clock: Clock::system(), lock };
        studio.recover_interrupted()?;
        studio.index_bank()?;
        if let Err(e) = studio.apply_retention() {
            tracing::warn!(error = %e, "could not apply the retention setting");
        }
        Ok(studio)
    }

    pub fn paths(&self) -> &DataPaths {
        &self.paths
    }

    /// Closes the studio but keeps the data folder's lock, for work that
    /// needs the store closed (a restore) without letting another process in.
    pub fn close(self) -> crate::lock::DataLock {
        self.lock
    }

    /// Moves the studio's clock (scheduling reads the time through it).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Now, by the studio's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn bank(&self) -> &Bank {
        &self.bank
    }

    /// Re-reads the user's deck folder.
    pub fn reload_bank(&mut self) -> Result<BankSnapshot, StudioError> {
        self.bank = Bank::load(Some(&self.paths.decks()))?;
        self.index_bank()?;
        self.snapshot()
    }

    /// The whole bank with the user's state, for the browser.
    pub fn snapshot(&self) -> Result<BankSnapshot, StudioError> {
        Ok(BankSnapshot {
            questions: self.bank.questions().to_vec(),
            areas: starling_bank::Area::ALL.to_vec(),
            decks: self.bank.decks().to_vec(),
            states: self.store.question_states()?,
            noted: self.store.noted_question_ids()?,
            user_deck_dir: self.paths.decks().display().to_string(),
        })
    }

    /// Opens a question: its content, note and attempts; counts the view.
    pub fn open_question(&self, id: &str) -> Result<QuestionDetail, StudioError> {
        let question = self.bank.get(id).ok_or_else(|| StudioError::UnknownQuestion(id.to_string()))?.clone();
        self.store.mark_viewed(id)?;
        let starred = self.store.question_states()?.iter().any(|s| s.question_id == id && s.starred);
        Ok(QuestionDetail {
            note: self.store.star_note(id)?,
            attempts: self.store.attempts_for(id)?,
            stories: self.store.stories_for(id)?,
            review: self.store.review_card(id)?,
            question,
            starred,
        })
    }

    /// Saves a STAR note; notes are kept even for ids no deck defines any more,
    /// so removing a deck never deletes what the user wrote.
    pub fn save_star_note(&self, draft: &StarNoteDraft) -> Result<Option<StarNote>, StudioError> {
        Ok(self.store.save_star_note(draft)?)
    }

    pub fn set_starred(&self, id: &str, starred: bool) -> Result<(), StudioError> {
        if self.bank.get(id).is_none() {
            return Err(StudioError::UnknownQuestion(id.to_string()));
        }
        Ok(self.store.set_starred(id, starred)?)
    }

    /// Grades chosen options of a quiz question.
    pub fn check_quiz(&self, id: &str, chosen: &[usize]) -> Result<QuizGrade, StudioError> {
        let q = self.bank.get(id).ok_or_else(|| StudioError::UnknownQuestion(id.to_string()))?;
        let quiz = q.quiz.as_ref().ok_or_else(|| StudioError::NotAQuiz(id.to_string()))?;
        Ok(quiz.grade(chosen))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, IpcError};

    fn studio(dir: &std::path::Path) -> Studio {
        Studio::open(DataPaths::new(dir)).unwrap()
    }

    #[test]
    fn a_note_written_through_the_studio_is_there_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let draft = StarNoteDraft {
            question_id: "behavior-difficult-bug".into(),
            situation: "Dashboard showed stale numbers".into(),
            ..Default::default()
        };
        studio(dir.path()).save_star_note(&draft).unwrap();
        let s = studio(dir.path());
        let detail = s.open_question("behavior-difficult-bug").unwrap();
        assert_eq!(detail.note.unwrap().situation, "Dashboard showed stale numbers");
        assert_eq!(s.snapshot().unwrap().noted, vec!["behavior-difficult-bug"]);
        assert!(dir.path().join("decks").is_dir());
    }

    #[test]
    fn quiz_checks_and_errors_cross_as_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let s = studio(dir.path());
        assert!(s.check_quiz("quiz-http-403-forbidden", &[2]).unwrap().correct);
        assert!(!s.check_quiz("quiz-http-403-forbidden", &[1]).unwrap().correct);
        let e: IpcError = s.check_quiz("behavior-difficult-bug", &[0]).unwrap_err().into();
        assert_eq!(e.kind, ErrorKind::Invalid);
        let e: IpcError = s.open_question("nope").unwrap_err().into();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.message.contains("`nope`"));
    }

    #[test]
    fn a_broken_user_deck_shows_up_in_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = studio(dir.path());
        std::fs::write(dir.path().join("decks/mine.toml"), "[[question]]\nid = \"x\"\nkind = \"poem\"\n").unwrap();
        let snap = s.reload_bank().unwrap();
        let mine = snap.decks.iter().find(|d| d.info.id == "mine").unwrap();
        assert!(!mine.problems.is_empty());
        assert_eq!(snap.questions.len(), starling_bank::Bank::builtin().questions().len(), "a broken user deck hides no built-in question");
    }

    #[test]
    fn starring_is_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let s = studio(dir.path());
        s.set_starred("sql-normalization", true).unwrap();
        assert!(s.open_question("sql-normalization").unwrap().starred);
        assert!(s.set_starred("missing", true).is_err());
    }
}
