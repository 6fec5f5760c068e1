//! Composite values sent to the UI in one round trip.

use serde::Serialize;
use ts_rs::TS;

use starling_bank::{Area, DeckReport, Question};
use starling_store::{Attempt, QuestionState, ReviewCard, StarNote, Story};

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
    /// Stories linked to this question.
    pub stories: Vec<Story>,
    /// The question's spaced-repetition schedule, once it has been rated.
    pub review: Option<ReviewCard>,
}

/// Microphones for the picker, and the one the user chose before.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MicrophoneList {
    pub devices: Vec<starling_capture::InputDevice>,
    /// The remembered choice; `null` means the system default.
    pub preferred: Option<String>,
}

/// What the recorder reports to the window while a take runs.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordingEvent {
    Started {
        device: String,
    },
    Level {
        peak: f32,
        rms: f32,
        elapsed_ms: u32,
    },
    Silence {
        silent_ms: u32,
    },
    SoundResumed,
    Ended {
        reason: starling_capture::StopReason,
    },
    /// The live transcript of one more stretch of the answer.
    Live {
        segments: Vec<starling_transcribe::Segment>,
    },
    /// A provisional transcript of the stretch being spoken, replacing the
    /// previous one until the stretch ends (then a `live` event carries its
    /// kept text). Its first `confirmed_words` words were in the previous
    /// preview too.
    Preview {
        segments: Vec<starling_transcribe::Segment>,
        confirmed_words: u32,
    },
}

impl From<crate::live::LiveUpdate> for RecordingEvent {
    fn from(u: crate::live::LiveUpdate) -> Self {
        match u {
            crate::live::LiveUpdate::Stretch(segments) => RecordingEvent::Live { segments },
            crate::live::LiveUpdate::Preview { segments, confirmed_words } => RecordingEvent::Preview { segments, confirmed_words },
        }
    }
}

impl From<starling_capture::CaptureEvent> for RecordingEvent {
    fn from(e: starling_capture::CaptureEvent) -> Self {
        use starling_capture::CaptureEvent as C;
        match e {
            C::Started { device, .. } => RecordingEvent::Started { device },
            C::Level {
                peak,
                rms,
                elapsed_ms,
            } => RecordingEvent::Level {
                peak,
                rms,
                elapsed_ms: elapsed_ms.min(u32::MAX as u64) as u32,
            },
            C::Silence { silent_ms } => RecordingEvent::Silence {
                silent_ms: silent_ms.min(u32::MAX as u64) as u32,
            },
            C::SoundResumed => RecordingEvent::SoundResumed,
            C::Ended { reason } => RecordingEvent::Ended { reason },
        }
    }
}

/// One row of the global attempt history.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HistoryItem {
    pub attempt: Attempt,
    /// The question's prompt, or its id when no deck defines it any more.
    pub prompt: String,
    pub kind: Option<starling_bank::QuestionKind>,
    /// The model of its transcript, if it has one.
    pub model: Option<String>,
}
