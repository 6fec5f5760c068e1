//! Errors of the application services, and their IPC form.

use serde::Serialize;
use ts_rs::TS;

use starling_bank::BankError;
use starling_capture::CaptureError;
use starling_transcribe::TranscribeError;
use starling_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum StudioError {
    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(transparent)]
    Bank(#[from] BankError),

    #[error("There is no question with id `{}`. It may have been removed from its deck.", visible(.0))]
    UnknownQuestion(String),

    #[error("Question `{}` is not a quiz question, so it has no options to check.", visible(.0))]
    NotAQuiz(String),

    #[error("Take {attempt_id} has no follow-up to answer: question `{}` has none, or the take already answers one.", visible(.question_id))]
    NoFollowUp { question_id: String, attempt_id: i64 },

    #[error(transparent)]
    Paths(#[from] crate::paths::PathsError),


    #[error(transparent)]
    Capture(#[from] CaptureError),

    #[error("A recording is already running. Stop it before starting another.")]
    AlreadyRecording,

    #[error("No recording is running.")]
    NotRecording,

    #[error("Starling's data is not open. Restart Starling; if it says why the data could not be opened, follow that.")]
    NotOpen,

    #[error("Starling could not encode {what} ({source}). This is a bug in Starling; please report it.")]
    Encode { what: &'static str, source: serde_json::Error },

    #[error("Starling's transcription worker could not be started, so models cannot be checked, measured or used. Reinstall Starling; the log says what was missing.")]
    NoWorker,

    #[error("There is no attempt with id {0}. It may have been deleted.")]
    UnknownAttempt(i64),

    #[error(transparent)]
    Transcribe(#[from] TranscribeError),

    #[error("There is no model called `{}`. Import or download one first (`starling models list` shows what is installed).", visible(.0))]
    UnknownModel(String),

    #[error("`{}` cannot be a model name: use letters, digits, dots, hyphens and underscores.", visible(.0))]
    BadModelName(String),

    #[error("No transcription model is installed yet. Download one, or import a ggml .bin file or a faster-whisper model folder.")]
    NoModel,

    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),

    #[error("Could not read {path}: {source}. Check that the file exists and that you may read it.")]
    ReadFile { path: std::path::PathBuf, source: std::io::Error },

    #[error("Question `{}` comes from a built-in deck, which Starling does not change. Write your own version with New question instead.", visible(.0))]
    ReadOnlyQuestion(String),

    #[error("The question cannot be saved: {0}.")]
    InvalidQuestion(String),

    #[error("{file} has problems, so nothing was changed:\n{problems}")]
    DeckProblems { file: String, problems: String },

    #[error("A deck called `{0}` is already in your deck folder. Rename the file (its name becomes the deck's id) and import it again.")]
    DeckExists(String),

    #[error("{0} cannot be imported as a deck: use a `.toml` file whose name has only letters, digits, hyphens and underscores.")]
    BadDeckName(String),

    #[error("There is no deck called `{}`.", visible(.0))]
    UnknownDeck(String),

    #[error("Those coaching settings cannot be used: use {0}.")]
    InvalidSettings(String),

    #[error(transparent)]
    Interview(#[from] crate::interview::SettingsProblem),

    #[error("Starling could not start the mock interview ({0}). Close some programs and try again.")]
    InterviewThread(std::io::Error),

    #[error("A mock interview is already running. Finish or stop it first.")]
    InterviewRunning,

    #[error(transparent)]
    Voice(#[from] starling_voice::VoiceError),

    #[error("There is no story with id {0}. It may have been deleted.")]
    UnknownStory(i64),

    #[error("Could not write {path}: {source}. Check that the folder exists, is writable and the disk has space.")]
    WriteFile { path: std::path::PathBuf, source: std::io::Error },

    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),

    #[error("Starling will not write there: {0}.")]
    BadOutput(starling_files::FileError),

    #[error("Starling cannot read that: {0}.")]
    BadInput(starling_files::FileError),

    #[error(transparent)]
    Job(#[from] JobError),
}

/// `text` with every character that does not show on screen — controls,
/// zero-width and other format characters, unusual spaces — written as a
/// `\u{…}` escape, so an id that looks right but is not can be told apart.
pub fn visible(text: &str) -> String {
    let invisible = |c: char| {
        c.is_control()
            || (c.is_whitespace() && c != ' ')
            || matches!(c as u32,
                0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F | 0x200B..=0x200F
                | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8
                | 0xE0000..=0xE0FFF)
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Why one transcription job failed; the sentence is shown on the attempt.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("The transcription worker could not start ({0}).")]
    Start(std::io::Error),
    #[error("The transcription worker stopped unexpectedly ({0}). The recording is kept; retry to transcribe it again.")]
    Crashed(String),
    #[error("{0}")]
    Worker(String),
    #[error("The transcript could not be saved: {0}")]
    Save(String),
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
    /// The microphone or the recording file failed.
    Microphone,
    /// Something else is running that must finish first.
    Busy,
    /// A model could not be used or a transcription failed.
    Transcription,
    /// No transcription model is installed, or not the one named: the window
    /// opens the models dialog.
    NoModel,
    /// The disk is full: the window says what can be freed.
    DiskFull,
    /// A backup could not be written or restored.
    Backup,
    /// The user stopped it (a download, a transcription): nothing to report.
    Cancelled,
    /// A download failed (no connection, the server refused, a checksum
    /// that does not match); trying again resumes it.
    Network,
    /// A model file is broken or not a Whisper model: the window opens the
    /// models dialog to replace it.
    BadModel,
    /// Starling itself went wrong (a bug), not the user's data or machine.
    Internal,
}

/// An error as it crosses IPC: a kind the UI can branch on and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
}

/// Whether `e`, or an error it was caused by, is a full disk (or quota).
fn disk_full(e: &StudioError) -> bool {
    if let StudioError::Backup(crate::backup::BackupError::NoSpace { .. }) = e {
        return true;
    }
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            // ENOSPC and EDQUOT on Linux, should the kind not be set.
            if io.kind() == std::io::ErrorKind::StorageFull || io.kind() == std::io::ErrorKind::QuotaExceeded || matches!(io.raw_os_error(), Some(28 | 122)) {
                return true;
            }
        }
        next = err.source();
    }
    false
}

impl From<StudioError> for IpcError {
    fn from(e: StudioError) -> Self {
        if disk_full(&e) {
            return IpcError { kind: ErrorKind::DiskFull, message: e.to_string() };
        }
        let kind = match &e {
            StudioError::Store(StoreError::FromNewerVersion { .. }) => ErrorKind::NewerDatabase,
            StudioError::Store(StoreError::Corrupt { .. }) => ErrorKind::CorruptDatabase,
            StudioError::Store(StoreError::Invalid(_)) => ErrorKind::Invalid,
            StudioError::Store(StoreError::Busy(_)) => ErrorKind::Busy,
            StudioError::Store(StoreError::NotFound(_)) | StudioError::UnknownStory(_) => ErrorKind::NotFound,
            StudioError::WriteFile { .. } => ErrorKind::Storage,
            StudioError::Backup(crate::backup::BackupError::Busy(_)) => ErrorKind::Busy,
            StudioError::Backup(_) => ErrorKind::Backup,
            StudioError::ReadFile { .. } | StudioError::UnknownDeck(_) => ErrorKind::NotFound,
            StudioError::ReadOnlyQuestion(_)
            | StudioError::InvalidQuestion(_)
            | StudioError::DeckProblems { .. }
            | StudioError::DeckExists(_)
            | StudioError::BadDeckName(_)
            | StudioError::InvalidSettings(_)
            | StudioError::Interview(_) => ErrorKind::Invalid,
            StudioError::InterviewThread(_) => ErrorKind::Internal,
            StudioError::Store(_) | StudioError::Paths(_) => ErrorKind::Storage,
            StudioError::Bank(_) => ErrorKind::Bank,
            StudioError::UnknownQuestion(_) => ErrorKind::NotFound,
            StudioError::NotAQuiz(_) | StudioError::NoFollowUp { .. } => ErrorKind::Invalid,
            StudioError::Capture(_) => ErrorKind::Microphone,
            StudioError::AlreadyRecording | StudioError::InterviewRunning | StudioError::Lock(crate::lock::LockError::Busy { .. }) => ErrorKind::Busy,
            StudioError::Lock(crate::lock::LockError::Write { .. }) => ErrorKind::Storage,
            StudioError::BadOutput(_) => ErrorKind::Invalid,
            StudioError::BadInput(starling_files::FileError::Missing { .. }) => ErrorKind::NotFound,
            StudioError::BadInput(_) => ErrorKind::Invalid,
            StudioError::Voice(
                starling_voice::VoiceError::File(starling_files::FileError::Missing { .. }) | starling_voice::VoiceError::NotInstalled { .. }
                | starling_voice::VoiceError::NotOffered { .. },
            ) => ErrorKind::NotFound,
            StudioError::Voice(starling_voice::VoiceError::Install { .. } | starling_voice::VoiceError::Cache { .. }) => ErrorKind::Storage,
            StudioError::Voice(starling_voice::VoiceError::Cancelled) => ErrorKind::Cancelled,
            StudioError::Voice(starling_voice::VoiceError::Download(_)) => ErrorKind::Network,
            StudioError::Voice(_) => ErrorKind::Invalid,
            StudioError::NotRecording => ErrorKind::Invalid,
            StudioError::NotOpen => ErrorKind::Storage,
            StudioError::NoWorker => ErrorKind::Transcription,
            StudioError::UnknownAttempt(_) => ErrorKind::NotFound,
            StudioError::Transcribe(TranscribeError::Cancelled) => ErrorKind::Cancelled,
            StudioError::Transcribe(TranscribeError::Download(_)) => ErrorKind::Network,
            StudioError::Transcribe(TranscribeError::BadModel { .. } | TranscribeError::BadCt2Model { .. }) => ErrorKind::BadModel,
            StudioError::Transcribe(TranscribeError::BadAudio { .. } | TranscribeError::BadOptions(_)) => ErrorKind::Invalid,
            StudioError::Transcribe(_) | StudioError::Job(_) => ErrorKind::Transcription,
            StudioError::Encode { .. } => ErrorKind::Internal,
            StudioError::UnknownModel(_) | StudioError::NoModel => ErrorKind::NoModel,
            StudioError::BadModelName(_) => ErrorKind::Invalid,
        };
        IpcError { kind, message: e.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcription_failures_have_kinds_the_window_can_act_on() {
        let kind = |e: TranscribeError| IpcError::from(StudioError::from(e)).kind;
        assert_eq!(kind(TranscribeError::Cancelled), ErrorKind::Cancelled);
        assert_eq!(kind(TranscribeError::BadModel { path: "/m.bin".into(), reason: "truncated".into() }), ErrorKind::BadModel);
        assert_eq!(kind(TranscribeError::BadOptions(starling_transcribe::engine::OptionsError::Beam(0))), ErrorKind::Invalid);
        assert_eq!(kind(TranscribeError::Whisper("the model ran out of memory".into())), ErrorKind::Transcription);
        assert_eq!(kind(TranscribeError::Download("the server answered HTTP 503".into())), ErrorKind::Network);
        let voice = |e: starling_voice::VoiceError| IpcError::from(StudioError::from(e)).kind;
        assert_eq!(voice(starling_voice::VoiceError::Cancelled), ErrorKind::Cancelled);
        let refused = starling_fetch::FetchError::Nothing { url: "https://files.pythonhosted.org/x.whl".into(), why: "HTTP 404".into() };
        assert_eq!(voice(starling_voice::VoiceError::Download(refused)), ErrorKind::Network);
        let bug = serde_json::from_str::<u8>("x").unwrap_err();
        let e = IpcError::from(StudioError::Encode { what: "a measurement", source: bug });
        assert_eq!(e.kind, ErrorKind::Internal);
        assert!(e.message.contains("a measurement") && e.message.contains("bug"), "{}", e.message);
    }

    #[test]
    fn the_window_can_act_on_a_missing_model_and_a_full_disk() {
        assert_eq!(IpcError::from(StudioError::NoModel).kind, ErrorKind::NoModel);
        assert_eq!(IpcError::from(StudioError::UnknownModel("base".into())).kind, ErrorKind::NoModel);
        let full = StudioError::WriteFile { path: "/media/stick/notes.md".into(), source: std::io::Error::from_raw_os_error(28) };
        let e = IpcError::from(full);
        assert_eq!(e.kind, ErrorKind::DiskFull);
        assert!(e.message.contains("/media/stick/notes.md"), "{}", e.message);
        // Through a wrapped error too (a backup that ran out of space).
        let backup = crate::backup::BackupError::Io { action: "write", path: "/media/stick/b.zip".into(), source: std::io::Error::from(std::io::ErrorKind::StorageFull) };
        assert_eq!(IpcError::from(StudioError::Backup(backup)).kind, ErrorKind::DiskFull);
        let denied = StudioError::WriteFile { path: "/x".into(), source: std::io::Error::from(std::io::ErrorKind::PermissionDenied) };
        assert_eq!(IpcError::from(denied).kind, ErrorKind::Storage);
    }

    #[test]
    fn invisible_characters_in_ids_are_shown() {
        assert_eq!(visible("behavior-x\u{200b}"), "behavior-x\\u{200b}");
        assert_eq!(visible("a\tb\u{feff}"), "a\\u{9}b\\u{feff}");
        assert_eq!(visible("plain id ü"), "plain id ü");
        let e = StudioError::UnknownQuestion("behavior-x\u{200b}".into()).to_string();
        assert!(e.contains("`behavior-x\\u{200b}`"), "{e}");
    }
}
