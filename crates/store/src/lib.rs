//! Starling's SQLite store.
//!
//! One file in the app data folder holds everything the user makes: question
//! state, STAR notes and (from later steps) attempts and transcripts. This crate
//! owns opening that file safely and the queries on it; it knows nothing of the
//! question bank's files or of the window.
//!
//! - [`open`](Store::open) refuses a database from a newer Starling without writing to
//!   it, runs an integrity check, then applies pending [`schema`] migrations.
//! - [`notes`] holds STAR notes, [`state`] per-question state, [`attempts`]
//!   recorded answers, [`transcripts`] their text and word timings.
//! - [`stories`] holds STAR stories linked to questions, [`reviews`] the
//!   spaced-repetition cards and ratings, [`search`] the full-text index
//!   (ranked by the FTS5 function in `rank.rs`),
//!   [`metrics`] cached coaching figures for the progress charts.

pub mod attempts;
mod error;
pub mod metrics;
pub mod notes;
mod open;
mod rank;
pub mod reviews;
pub mod search;
pub mod settings;
pub mod schema;
pub mod state;
pub mod stories;
pub mod transcripts;

pub use attempts::{Attempt, AttemptState, TranscriptionState};
pub use error::StoreError;
pub use metrics::{ProgressPoint, Transcribed};
pub use notes::{StarNote, StarNoteDraft};
pub use open::Store;
pub use reviews::{CardState, Rating, ReviewCard, ReviewSource};
pub use search::{Mark, QuestionDoc, SearchHit, SearchKind};
pub use state::QuestionState;
pub use stories::{Story, StoryDraft};
pub use transcripts::StoredTranscript;

/// How many of each kind of record the database holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct DataCounts {
    pub attempts: u32,
    pub transcripts: u32,
    pub notes: u32,
    pub stories: u32,
    pub reviews: u32,
}

/// Milliseconds since the Unix epoch, the time format of every `*_ms` column.
pub fn now_ms() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
