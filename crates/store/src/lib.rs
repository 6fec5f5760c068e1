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

pub mod attempts;
mod error;
pub mod notes;
mod open;
pub mod settings;
pub mod schema;
pub mod state;
pub mod transcripts;

pub use attempts::{Attempt, AttemptState, TranscriptionState};
pub use error::StoreError;
pub use notes::{StarNote, StarNoteDraft};
pub use open::Store;
pub use state::QuestionState;
pub use transcripts::StoredTranscript;

/// Milliseconds since the Unix epoch, the time format of every `*_ms` column.
pub fn now_ms() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
