//! The user's own questions and decks. Questions written in the app go to
//! `decks/my-questions.toml`; deck files can be imported into the deck folder
//! and any deck exported. Everything passes the same checks as the built-in
//! bank (`starling_bank::parse_deck`) before it is written, and files are
//! replaced atomically, so a failed save never leaves a broken deck.

use std::path::{Path, PathBuf};

use starling_bank::writer::deck_toml;
use starling_bank::{builtin::builtin_decks, parse_deck, DeckOrigin, DeckReport, Question};

use crate::error::StudioError;
use crate::Studio;

/// The deck the app writes the user's questions to.
pub const MY_DECK: &str = "my-questions";

/// An id made from the first words of a prompt: `my-tell-me-about-a-launch`.
fn slug(prompt: &str) -> String {
    let words: Vec<String> = prompt
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.is_empty() {
        "my-question".into()
    } else {
        format!("my-{}", words.join("-"))
    }
}

/// The largest deck file an import reads (a deck of 100,000 questions is
/// about 30 MB).
const IMPORT_LIMIT: u64 = 64 << 20;

fn problems_text(problems: &[starling_bank::BankProblem]) -> String {
    problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
}

impl Studio {
    fn my_deck_path(&self) -> PathBuf {
        self.paths.decks().join(format!("{MY_DECK}.toml"))
    }

    /// The questions now in the user's own deck (refused while the file has
    /// problems, so a hand-edit in progress is never overwritten).
    fn my_questions(&self) -> Result<Vec<Question>, StudioError> {
        let path = self.my_deck_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(StudioError::ReadFile { path, source }),
        };
        let deck = parse_deck(MY_DECK, &path.display().to_string(), DeckOrigin::User, &bytes);
        if !deck.is_ok() {
            return Err(StudioError::DeckProblems { file: path.display().to_string(), problems: problems_text(&deck.problems) });
        }
        Ok(deck.questions.into_iter().map(|lq| lq.question).collect())
    }

    /// Writes the user's deck after checking it, then reloads the bank. With
    /// no questions left the file is removed (a deck must hold one).
    fn write_my_deck(&mut self, questions: &[Question]) -> Result<(), StudioError> {
        let path = self.my_deck_path();
        if questions.is_empty() {
            std::fs::remove_file(&path).map_err(|source| StudioError::WriteFile { path: path.clone(), source })?;
            self.reload_bank()?;
            return Ok(());
        }
        let text = deck_toml("My questions", Some("Questions written in Starling."), questions);
        let check = parse_deck(MY_DECK, &path.display().to_string(), DeckOrigin::User, text.as_bytes());
        if !check.is_ok() {
            // Lines refer to the generated file; the messages say what is wrong.
            let what = check.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("; ");
            return Err(StudioError::InvalidQuestion(what));
        }
        std::fs::create_dir_all(self.paths.decks())
            .map_err(|source| StudioError::WriteFile { path: self.paths.decks(), source })?;
        crate::files::write_atomically(&path, text.as_bytes())?;
        self.reload_bank()?;
        Ok(())
    }

    /// Adds a question (empty `id`: one is made from the prompt) or replaces
    /// one of the user's own. Built-in questions cannot be edited.
    pub fn save_question(&mut self, mut question: Question) -> Result<Question, StudioError> {
        let mut mine = self.my_questions()?;
        if question.id.trim().is_empty() {
            let base = slug(&question.prompt);
            let mut id = base.clone();
            let mut n = 2;
            while self.bank.get(&id).is_some() || mine.iter().any(|q| q.id == id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            question.id = id;
        } else if self.bank.get(&question.id).is_some_and(|q| q.deck != MY_DECK) {
            return Err(StudioError::ReadOnlyQuestion(question.id));
        }
        question.deck = MY_DECK.into();
        match mine.iter_mut().find(|q| q.id == question.id) {
            Some(slot) => *slot = question.clone(),
            None => mine.push(question.clone()),
        }
        self.write_my_deck(&mine)?;
        self.bank.get(&question.id).cloned().ok_or(StudioError::UnknownQuestion(question.id))
    }

    /// Removes one of the user's own questions; returns it for undo (save it
    /// again). Notes and attempts on it stay, as for any removed question.
    pub fn delete_question(&mut self, id: &str) -> Result<Question, StudioError> {
        let mut mine = self.my_questions()?;
        let Some(pos) = mine.iter().position(|q| q.id == id) else {
            return Err(if self.bank.get(id).is_some() { StudioError::ReadOnlyQuestion(id.into()) } else { StudioError::UnknownQuestion(id.into()) });
        };
        let gone = mine.remove(pos);
        self.write_my_deck(&mine)?;
        Ok(gone)
    }

    /// Copies a deck file into the deck folder after checking it like the
    /// built-in bank: every problem is reported with its line, and nothing is
    /// copied unless the deck is clean and its ids are new.
    pub fn import_deck(&mut self, file: &Path) -> Result<DeckReport, StudioError> {
        let bytes = crate::files::read_user_file(file, IMPORT_LIMIT)?;
        let id = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') || file.extension().is_none_or(|x| x != "toml") {
            return Err(StudioError::BadDeckName(file.display().to_string()));
        }
        let parsed = parse_deck(&id, &file.display().to_string(), DeckOrigin::User, &bytes);
        let mut problems = parsed.problems.clone();
        for lq in &parsed.questions {
            if self.bank.get(&lq.question.id).is_some() {
                problems.push(starling_bank::BankProblem {
                    file: file.display().to_string(),
                    line: lq.line,
                    message: format!("the id `{}` is already used by a question in Starling; give it a new id", lq.question.id),
                });
            }
        }
        if !problems.is_empty() {
            return Err(StudioError::DeckProblems { file: file.display().to_string(), problems: problems_text(&problems) });
        }
        if self.bank.decks().iter().any(|d| d.info.id == id) {
            return Err(StudioError::DeckExists(id));
        }
        std::fs::create_dir_all(self.paths.decks()).map_err(|source| StudioError::WriteFile { path: self.paths.decks(), source })?;
        crate::files::write_atomically(&self.paths.decks().join(format!("{id}.toml")), &bytes)?;
        self.reload_bank()?;
        self.bank.decks().iter().find(|d| d.info.id == id).cloned().ok_or(StudioError::UnknownDeck(id))
    }

    /// Writes a deck (built-in or the user's) to `out`, as its TOML file.
    pub fn export_deck(&self, deck_id: &str, out: &Path) -> Result<usize, StudioError> {
        let report = self.bank.decks().iter().find(|d| d.info.id == deck_id).ok_or_else(|| StudioError::UnknownDeck(deck_id.into()))?;
        let bytes: Vec<u8> = match report.info.origin {
            DeckOrigin::Builtin => builtin_decks().iter().find(|(id, _)| *id == deck_id).map(|(_, b)| b.to_vec()).unwrap_or_default(),
            DeckOrigin::User => {
                let path = PathBuf::from(&report.info.file);
                std::fs::read(&path).map_err(|source| StudioError::ReadFile { path, source })?
            }
        };
        crate::files::write_export(out, self.paths.root(), &bytes)?;
        Ok(bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataPaths;
    use starling_bank::{Area, QuestionKind, Quiz, QuizOption, SelectMode};

    fn draft(prompt: &str) -> Question {
        Question {
            id: String::new(),
            kind: QuestionKind::Behavioral,
            area: Area::Behavioral,
            topic: None,
            difficulty: None,
            prompt: prompt.into(),
            answer: None,
            explanation: None,
            follow_up: None,
            sample_answer: Some("My own sample.".into()),
            example: None,
            approach: None,
            quiz: None,
            deck: String::new(),
        }
    }

    #[test]
    fn own_questions_are_added_edited_and_removed_through_the_deck_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Studio::open(DataPaths::new(dir.path())).unwrap();
        let q = s.save_question(draft("Tell me about a launch you led.")).unwrap();
        assert_eq!((q.id.as_str(), q.deck.as_str()), ("my-tell-me-about-a-launch-you", MY_DECK));
        let builtin = starling_bank::Bank::builtin().questions().len();
        assert_eq!(s.bank().questions().len(), builtin + 1);
        let twin = s.save_question(draft("Tell me about a launch you led!")).unwrap();
        assert_eq!(twin.id, "my-tell-me-about-a-launch-you-2");

        let edited = s.save_question(Question { prompt: "Tell me about a launch that slipped.".into(), ..q.clone() }).unwrap();
        assert_eq!(edited.id, q.id, "editing keeps the id");
        // The file on disk is a normal deck that the bank loads after a restart.
        // (Read by the bank itself: a second studio on the folder would be
        // refused while this one holds its lock.)
        let reloaded = starling_bank::Bank::load(Some(&DataPaths::new(dir.path()).decks())).unwrap();
        assert_eq!(reloaded.get(&q.id).unwrap().prompt, "Tell me about a launch that slipped.");

        let gone = s.delete_question(&twin.id).unwrap();
        assert!(s.bank().get(&twin.id).is_none());
        s.save_question(gone).unwrap();
        assert!(s.bank().get(&twin.id).is_some(), "saving the deleted question again is the undo");

        // Deleting the last one removes the file rather than leave an empty deck.
        s.delete_question(&twin.id).unwrap();
        s.delete_question(&q.id).unwrap();
        assert!(!dir.path().join("decks/my-questions.toml").exists());
        assert_eq!(s.bank().questions().len(), starling_bank::Bank::builtin().questions().len());
        assert!(s.bank().decks().iter().all(|d| d.problems.is_empty()));
    }

    #[test]
    fn invalid_and_builtin_questions_are_refused_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Studio::open(DataPaths::new(dir.path())).unwrap();
        let bad_quiz = Question {
            kind: QuestionKind::Quiz,
            quiz: Some(Quiz { select: SelectMode::Single, options: vec![QuizOption { text: "a".into(), correct: false }] }),
            ..draft("Pick one")
        };
        let e = s.save_question(bad_quiz).unwrap_err();
        assert!(matches!(e, StudioError::InvalidQuestion(_)), "{e}");
        assert!(e.to_string().contains("correct"), "{e}");
        assert!(!dir.path().join("decks/my-questions.toml").exists());
        let builtin = s.bank().get("behavior-difficult-bug").unwrap().clone();
        assert!(matches!(s.save_question(builtin), Err(StudioError::ReadOnlyQuestion(_))));
        assert!(matches!(s.delete_question("behavior-difficult-bug"), Err(StudioError::ReadOnlyQuestion(_))));
    }

    #[test]
    fn decks_import_only_when_clean_and_export_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Studio::open(DataPaths::new(dir.path().join("data"))).unwrap();
        let out = dir.path().join("quiz.toml");
        s.export_deck("quiz", &out).unwrap();
        let builtin = builtin_decks().iter().find(|(id, _)| *id == "quiz").unwrap().1;
        assert_eq!(std::fs::read(&out).unwrap(), builtin);
        // The exported built-in deck clashes with the bank's ids.
        let e = s.import_deck(&out).unwrap_err().to_string();
        assert!(e.contains("quiz.toml:") && e.contains("already used"), "{e}");

        let broken = dir.path().join("team.toml");
        std::fs::write(&broken, "[[question]]\nid = \"t1\"\nkind = \"behavioral\"\narea = \"Behavioral\"\n").unwrap();
        let e = s.import_deck(&broken).unwrap_err().to_string();
        assert!(e.contains("team.toml:1:") && e.contains("prompt"), "{e}");
        assert!(!dir.path().join("data/decks/team.toml").exists());

        std::fs::write(&broken, "[[question]]\nid = \"t1\"\nkind = \"behavioral\"\narea = \"Behavioral\"\nprompt = \"Why us?\"\n").unwrap();
        let report = s.import_deck(&broken).unwrap();
        assert_eq!(report.question_count, 1);
        assert_eq!(s.bank().get("t1").unwrap().prompt, "Why us?");
        assert!(matches!(s.import_deck(&broken), Err(StudioError::DeckProblems { .. } | StudioError::DeckExists(_))));
        assert!(matches!(s.import_deck(Path::new("/nope/x.toml")), Err(StudioError::BadInput(starling_files::FileError::Missing { .. }))));
    }
}
