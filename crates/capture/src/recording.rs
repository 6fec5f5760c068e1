//! What a recording is asked to do and what it reports: its options, the
//! events the writer sends while it runs, why it stopped and its summary.
//! Shared by the recorder (which starts it) and the writer (which reports),
//! so neither depends on the other for them.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

/// How a recording should run.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// Input device name; `None` for the system default.
    pub device: Option<String>,
    /// Stop by itself after this long.
    pub max_duration: Option<Duration>,
    /// Warn when the input has been silent this long (a muted microphone).
    pub silence_warning: Duration,
    /// How often level events are sent (50 ms = 20 per second).
    pub level_interval: Duration,
    /// Treat the device as lost when it delivers nothing for this long.
    pub stall_timeout: Duration,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions {
            device: None,
            max_duration: None,
            silence_warning: Duration::from_secs(3),
            level_interval: Duration::from_millis(50),
            stall_timeout: Duration::from_secs(3),
        }
    }
}

/// Why a recording ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StopReason {
    /// The user (or caller) stopped it.
    Requested,
    /// It reached the maximum duration.
    MaxDuration,
    /// The microphone failed or disappeared; what came before is kept.
    DeviceLost { message: String },
    /// The file could not be written (for example, the disk is full); what
    /// reached the disk is kept and playable.
    WriteFailed { message: String },
}

/// What the engine reports while recording.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureEvent {
    /// Audio is flowing from `device`.
    Started {
        device: String,
        sample_rate: u32,
        channels: u16,
        sample_format: String,
    },
    /// The level of the last interval, and the recorded time so far.
    Level {
        peak: f32,
        rms: f32,
        elapsed_ms: u64,
    },
    /// The input has been silent this long (sent once per silent stretch).
    Silence { silent_ms: u64 },
    /// Sound came back after a silence warning.
    SoundResumed,
    /// The recording ended by itself (not by `stop`): maximum duration or a fault.
    Ended { reason: StopReason },
}

/// The outcome of a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingSummary {
    pub path: PathBuf,
    /// 16 kHz samples in the file.
    pub samples: u64,
    pub duration_ms: u64,
    pub reason: StopReason,
    pub device: String,
    pub native_rate: u32,
    pub native_channels: u16,
    /// Samples the ring buffer had to drop because the writer fell behind.
    pub dropped: u64,
    /// Device samples (mono frames) the callback received.
    pub captured_frames: u64,
}

pub(crate) struct StreamInfo {
    pub(crate) device: String,
    pub(crate) sample_rate: u32,
    pub(crate) channels: u16,
    pub(crate) sample_format: String,
}

