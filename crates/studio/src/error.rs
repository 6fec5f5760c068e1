//! Errors of the application services, and their IPC form.

use serde::Serialize;
use ts_rs::TS;

use starling_bank::BankError;
use starling_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum StudioError {
    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(transparent)]
    Bank(#[from] BankError),

    #[error("There is no question with id `{0}`. It may have been removed from its deck.")]
    UnknownQuestion(String),

    #[error("Question `{0}` is not a quiz question, so it has no options to check.")]
    NotAQuiz(String),

    #[error("Could not find a folder for Starling's data. Set STARLING_DATA_DIR to a writable folder.")]
    NoDataDir,
}

/// Broad classes of failure the UI treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The database could not be read or written.
    Storage,
    /// The database comes from a newer Starling.
    NewerDatabase,
    /// The database file is damaged.
    CorruptDatabase,
    /// A deck folder could not be read.
    Bank,
    /// The thing asked for does not exist.
    NotFound,
    /// The request does not make sense for its target.
    Invalid,
}

/// An error as it crosses IPC: a kind the UI can branch on and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
}

impl From<StudioError> for IpcError {
    fn from(e: StudioError) -> Self {
        let kind = match &e {
            StudioError::Store(StoreError::FromNewerVersion { .. }) => ErrorKind::NewerDatabase,
            StudioError::Store(StoreError::Corrupt { .. }) => ErrorKind::CorruptDatabase,
            StudioError::Store(_) | StudioError::NoDataDir => ErrorKind::Storage,
            StudioError::Bank(_) => ErrorKind::Bank,
            StudioError::UnknownQuestion(_) => ErrorKind::NotFound,
            StudioError::NotAQuiz(_) => ErrorKind::Invalid,
        };
        IpcError { kind, message: e.to_string() }
    }
}
