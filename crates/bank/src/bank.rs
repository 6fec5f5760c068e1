//! The whole bank: built-in decks plus the user's deck folder.
//!
//! A deck with any problem is skipped as a whole (and reported), so one broken
//! user file never hides the rest of the bank.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::builtin::builtin_decks;
use crate::deck::{parse_deck, BankProblem, ParsedDeck};
use crate::model::{DeckInfo, DeckOrigin, Question};

/// Failures that stop the bank from loading at all.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("Could not read the deck folder {path}: {source}. Check that it exists and that you may read it.")]
    ReadDir { path: PathBuf, source: std::io::Error },
}

/// How one deck fared when the bank was loaded.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DeckReport {
    pub info: DeckInfo,
    /// Questions taken from this deck (0 when it was skipped).
    pub question_count: usize,
    /// Why the deck was skipped; empty when it loaded.
    pub problems: Vec<BankProblem>,
}

/// All questions the app offers, and a report per deck.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    questions: Vec<Question>,
    index: HashMap<String, usize>,
    /// Where each id was defined, for duplicate reports across decks.
    origin_of: HashMap<String, String>,
    decks: Vec<DeckReport>,
}

impl Bank {
    /// Only the built-in decks.
    pub fn builtin() -> Bank {
        let mut bank = Bank::default();
        for (id, bytes) in builtin_decks() {
            let file = format!("questions/{id}.toml");
            bank.add(parse_deck(id, &file, DeckOrigin::Builtin, bytes));
        }
        bank
    }

    /// The built-in decks plus every `*.toml` file in `user_dir` (a folder that
    /// does not exist yet counts as empty).
    pub fn load(user_dir: Option<&Path>) -> Result<Bank, BankError> {
        let mut bank = Bank::builtin();
        if let Some(dir) = user_dir.filter(|d| d.exists()) {
            for deck in read_deck_dir(dir, DeckOrigin::User)? {
                bank.add(deck);
            }
        }
        Ok(bank)
    }

    /// Adds a parsed deck if it has no problems (including ids already used by
    /// an earlier deck); otherwise records it as skipped.
    pub fn add(&mut self, mut deck: ParsedDeck) {
        for lq in &deck.questions {
            if let Some(first) = self.origin_of.get(&lq.question.id) {
                deck.problems.push(BankProblem {
                    file: deck.info.file.clone(),
                    line: lq.line,
                    message: format!(
                        "duplicate id `{}`: it is already used at {first}; ids must be unique across all decks",
                        lq.question.id
                    ),
                });
            }
        }
        if !deck.problems.is_empty() {
            tracing::warn!(file = %deck.info.file, problems = deck.problems.len(), "skipping deck with problems");
            self.decks.push(DeckReport { info: deck.info, question_count: 0, problems: deck.problems });
            return;
        }
        let count = deck.questions.len();
        for lq in deck.questions {
            self.origin_of.insert(lq.question.id.clone(), format!("{}:{}", deck.info.file, lq.line));
            self.index.insert(lq.question.id.clone(), self.questions.len());
            self.questions.push(lq.question);
        }
        self.decks.push(DeckReport { info: deck.info, question_count: count, problems: Vec::new() });
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn get(&self, id: &str) -> Option<&Question> {
        self.index.get(id).map(|i| &self.questions[*i])
    }

    pub fn decks(&self) -> &[DeckReport] {
        &self.decks
    }

    /// Every problem of every skipped deck.
    pub fn problems(&self) -> impl Iterator<Item = &BankProblem> {
        self.decks.iter().flat_map(|d| d.problems.iter())
    }
}

/// Parses every `*.toml` file of a folder, sorted by name. Files that cannot be
/// read become decks with a problem, so nothing is skipped silently.
pub fn read_deck_dir(dir: &Path, origin: DeckOrigin) -> Result<Vec<ParsedDeck>, BankError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(source) => return Err(BankError::ReadDir { path: dir.to_path_buf(), source }),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut decks = Vec::new();
    for path in paths {
        let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let file = path.display().to_string();
        match std::fs::read(&path) {
            Ok(bytes) => decks.push(parse_deck(&id, &file, origin, &bytes)),
            Err(e) => {
                let mut d = parse_deck(&id, &file, origin, b"");
                d.problems = vec![BankProblem { file, line: 1, message: format!("could not read the file: {e}") }];
                decks.push(d);
            }
        }
    }
    Ok(decks)
}
