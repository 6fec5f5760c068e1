//! Starling's application services.
//!
//! [`Studio`] holds the question bank and the open store and offers one method
//! per thing a user does (open a question, save a note, check a quiz answer).
//! The Tauri shell and the command-line entry are thin layers over it, and its
//! tests need no window.
//!
//! - [`paths`] decides where the user's data lives.
//! - [`models`] manages installed transcription models.
//! - [`error`] turns failures into the `{kind, message}` shape the UI shows.
//! - [`recording`] records answers into attempts and recovers interrupted ones.
//! - [`transcription`] runs transcriptions in a worker process, one at a time.
//! - [`views`] holds the composite values sent to the UI.
//! - [`bindings`] generates the TypeScript declarations of every IPC type.

pub mod bindings;
pub mod error;
pub mod models;
pub mod paths;
pub mod recording;
mod studio;
pub mod transcription;
pub mod views;

pub use error::{ErrorKind, IpcError, StudioError};
pub use paths::DataPaths;
pub use studio::Studio;
pub use views::{BankSnapshot, MicrophoneList, QuestionDetail, RecordingEvent};
