//! Starling's application services.
//!
//! [`Studio`] holds the question bank and the open store and offers one method
//! per thing a user does (open a question, save a note, check a quiz answer).
//! The Tauri shell and the command-line entry are thin layers over it, and its
//! tests need no window.
//!
//! - [`paths`] decides where the user's data lives; [`lock`] keeps it to one
//!   Starling at a time.
//! - [`models`] manages installed transcription models.
//! - [`error`] turns failures into the `{kind, message}` shape the UI shows.
//! - [`recording`] records answers into attempts and recovers interrupted ones;
//!   `active` holds the state a take leaves in the studio meanwhile;
//!   [`app_take`] is how the app's takes record (microphone, limit, live words).
//! - [`transcription`] runs transcriptions in a worker process, one at a time.
//! - [`live`] transcribes a take while it is recorded, stretch by stretch.
//! - [`shared`] shares the open studio between threads: short calls lock
//!   it briefly, long work (export, restore, model import) runs unlocked.
//! - [`takes`] decides, when a take stops, whether its live transcript is
//!   kept or the file is transcribed in one pass.
//! - [`study`] schedules reviews with FSRS; [`clock`] is the time it reads.
//! - [`search`] searches questions, notes, stories and transcripts.
//! - [`markdown`] renders notes' Markdown safely.
//! - [`stories`] links STAR stories to questions.
//! - `files` reads and writes the files a user names (exports stay out of
//!   the data folder).
//! - [`backup`] exports everything to one archive and restores it safely.
//! - [`retention`] deletes recordings older than the user's setting.
//! - [`questions`] writes the user's own questions and imports/exports decks.
//! - [`coaching`] hands an attempt to `starling-coach` for feedback.
//! - [`views`] holds the composite values sent to the UI.
//! - [`interview`] is a hands-free mock interview as a state machine;
//!   [`interview_run`] runs one with the voice, the speakers and takes.
//! - [`voices`] lists the interviewer's voices, installed and offered.
//! - [`bindings`] generates the TypeScript declarations of every IPC type.

mod active;
pub mod app_take;
pub mod backup;
pub mod bindings;
pub mod clock;
pub mod coaching;
pub mod error;
mod files;
pub mod interview;
pub mod interview_run;
pub mod live;
pub mod lock;
pub mod markdown;
pub mod models;
pub mod paths;
pub mod questions;
pub mod recording;
pub mod retention;
pub mod search;
pub mod shared;
pub mod stories;
mod studio;
pub mod study;
pub mod takes;
pub mod transcription;
pub mod views;
pub mod voices;

pub use error::{ErrorKind, IpcError, StudioError};
pub use lock::DataLock;
pub use paths::DataPaths;
pub use studio::Studio;
pub use views::{BankSnapshot, MicrophoneList, QuestionDetail, RecordingEvent};
