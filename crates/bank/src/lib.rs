//! The question bank: what a question is, and how decks of questions are read
//! from TOML files and checked.
//!
//! This crate knows nothing of the database, the window or Tauri. It turns deck
//! files into [`Question`] values and reports every problem it finds as a
//! [`BankProblem`] that names the file, the line and what was expected.
//!
//! - [`model`] owns the types the rest of Starling (and the UI) shares.
//! - [`deck`] parses and validates one deck file.
//! - [`bank`] gathers the built-in decks and the user's deck folder into one bank.
//! - [`writer`] writes questions back as a deck file.
//! - [`quiz`] grades a set of chosen options against a quiz question.

pub mod bank;
pub mod builtin;
pub mod deck;
mod lines;
pub mod model;
pub mod quiz;
mod raw;
pub mod writer;

pub use bank::{read_deck_dir, Bank, BankError, DeckReport, MAX_DECK_BYTES};
pub use deck::{parse_deck, BankProblem, ParsedDeck};
pub use model::{
    Area, DeckInfo, DeckOrigin, Difficulty, Question, QuestionKind, Quiz, QuizOption, SelectMode,
};
pub use quiz::QuizGrade;
