//! Composite values sent to the UI in one round trip.

use serde::Serialize;
use ts_rs::TS;

use starling_bank::{Area, DeckReport, Question};
use starling_store::{Attempt, QuestionState, StarNote};

/// Everything the question browser needs at start-up.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BankSnapshot {
    pub questions: Vec<Question>,
    /// Every area, in the order the browser lists them.
    pub areas: Vec<Area>,
    /// Every deck, loaded or skipped, with its problems.
    pub decks: Vec<DeckReport>,
    pub states: Vec<QuestionState>,
    /// Ids of questions that have STAR notes.
    pub noted: Vec<String>,
    /// The folder the user's own decks are read from.
    pub user_deck_dir: String,
}

/// One question opened in the question view.
#[derive(Debug, Clone, Serialize, TS)]
pub struct QuestionDetail {
    pub question: Question,
    pub note: Option<StarNote>,
    pub attempts: Vec<Attempt>,
    pub starred: bool,
}
