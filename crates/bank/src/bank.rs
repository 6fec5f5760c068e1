//! The whole bank: built-in decks plus the user's deck folder.
//!
//! A deck with any problem is skipped as a whole (and reported), so one broken
//! user file never hides the rest of the bank.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use starling_files::FileError;

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

/// The largest deck file read, in bytes. The biggest built-in deck is a few
/// kilobytes; 64 MiB holds hundreds of thousands of questions.
pub const MAX_DECK_BYTES: u64 = 64 << 20;

/// Parses every `*.toml` entry of a folder, sorted by name. Names starting
/// with `.` are hidden files (editors keep lock files and backups so) and are
/// not decks. Every other `*.toml` entry becomes a deck: one that is not a
/// regular file (a folder, a named pipe, a dangling link, a loop of links), is
/// larger than [`MAX_DECK_BYTES`] or cannot be read becomes a deck with a
/// problem naming the file and what it is, so nothing is skipped silently.
/// Opening an entry never blocks, whatever it is.
pub fn read_deck_dir(dir: &Path, origin: DeckOrigin) -> Result<Vec<ParsedDeck>, BankError> {
    let read_dir_error = |source| BankError::ReadDir { path: dir.to_path_buf(), source };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_dir_error)? {
        let path = entry.map_err(read_dir_error)?.path();
        let hidden = path.file_name().is_some_and(|n| n.as_encoded_bytes().starts_with(b"."));
        if !hidden && path.extension().is_some_and(|x| x == "toml") {
            paths.push(path);
        }
    }
    paths.sort();
    let mut decks = Vec::new();
    for path in paths {
        let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let file = path.display().to_string();
        match starling_files::read_limited(&path, MAX_DECK_BYTES) {
            Ok(bytes) => decks.push(parse_deck(&id, &file, origin, &bytes)),
            Err(e) => {
                let mut d = parse_deck(&id, &file, origin, b"");
                d.problems = vec![BankProblem { file, line: 1, message: unreadable(&e) }];
                decks.push(d);
            }
        }
    }
    Ok(decks)
}

/// The problem reported for a deck entry that could not be read, with what
/// the user can do about it.
fn unreadable(e: &FileError) -> String {
    let advice = match e {
        FileError::NotRegular { .. } => "a deck must be a plain .toml file: replace the entry with one, or remove it from the deck folder",
        FileError::TooLarge { .. } => "split it into several smaller deck files",
        FileError::Missing { .. } => "it was removed while the decks were being read; reload the decks",
        FileError::InsideDataFolder { .. } | FileError::Io { .. } => "check that the file exists and that you may read it",
    };
    format!("{e}; {advice}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECK: &str = "[[question]]\nid = \"ok-1\"\nkind = \"technical\"\narea = \"Python\"\nprompt = \"?\"\n";

    /// The one problem of the deck read from `name` in `dir`, as displayed.
    fn problem_of(decks: &[ParsedDeck], dir: &Path, name: &str) -> String {
        let file = dir.join(name).display().to_string();
        let deck = decks.iter().find(|d| d.info.file == file).unwrap_or_else(|| panic!("{name} is not reported: {decks:?}"));
        assert!(deck.questions.is_empty());
        assert_eq!(deck.problems.len(), 1, "{:?}", deck.problems);
        assert_eq!(deck.problems[0].file, file);
        deck.problems[0].to_string()
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("no NUL in a temp path");
        // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
    }

    #[cfg(unix)]
    #[test]
    fn entries_that_are_not_deck_files_are_reported_by_name() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("good.toml"), DECK).unwrap();
        symlink(d.join("gone.toml"), d.join("dangling.toml")).unwrap();
        symlink(d.join("loop-b.toml"), d.join("loop-a.toml")).unwrap();
        symlink(d.join("loop-a.toml"), d.join("loop-b.toml")).unwrap();
        std::fs::create_dir(d.join("folder.toml")).unwrap();
        mkfifo(&d.join("pipe.toml"));
        // Hidden files and other extensions are not decks.
        symlink(d.join("gone"), d.join(".#good.toml")).unwrap();
        std::fs::write(d.join("notes.txt"), "not a deck").unwrap();

        // A FIFO with no writer would block a plain open(); this returns.
        let decks = read_deck_dir(d, DeckOrigin::User).unwrap();
        assert_eq!(decks.len(), 6, "{decks:?}");
        let good = decks.iter().find(|x| x.info.id == "good").unwrap();
        assert!(good.is_ok(), "{:?}", good.problems);

        let p = problem_of(&decks, d, "dangling.toml");
        assert!(p.contains("dangling.toml is a symbolic link to a file that does not exist"), "{p}");
        for name in ["loop-a.toml", "loop-b.toml"] {
            let p = problem_of(&decks, d, name);
            assert!(p.contains(&format!("{name} is a loop of symbolic links")), "{p}");
        }
        let p = problem_of(&decks, d, "folder.toml");
        assert!(p.contains("folder.toml is a folder, not a regular file"), "{p}");
        let p = problem_of(&decks, d, "pipe.toml");
        assert!(p.contains("pipe.toml is a named pipe (FIFO), not a regular file"), "{p}");
        assert!(p.contains("remove it from the deck folder"), "{p}");
    }

    #[test]
    fn a_deck_file_over_the_size_limit_is_reported_unread() {
        let dir = tempfile::tempdir().unwrap();
        let big = std::fs::File::create(dir.path().join("huge.toml")).unwrap();
        // A sparse file: it has the length without taking the disk space.
        big.set_len(MAX_DECK_BYTES + 1).unwrap();
        let decks = read_deck_dir(dir.path(), DeckOrigin::User).unwrap();
        let p = problem_of(&decks, dir.path(), "huge.toml");
        assert!(p.contains(&format!("is {} bytes; the most Starling accepts here is {MAX_DECK_BYTES} bytes", MAX_DECK_BYTES + 1)), "{p}");
        assert!(p.contains("split it"), "{p}");
    }

    #[cfg(unix)]
    #[test]
    fn the_bank_shows_a_broken_entry_as_a_skipped_deck() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone.toml"), dir.path().join("mine.toml")).unwrap();
        let bank = Bank::load(Some(dir.path())).unwrap();
        let report = bank.decks().iter().find(|r| r.info.id == "mine").expect("the broken entry has a deck report");
        assert_eq!(report.question_count, 0);
        assert_eq!(report.info.origin, DeckOrigin::User);
        assert!(report.problems[0].message.contains("symbolic link to a file that does not exist"), "{:?}", report.problems);
    }
}
