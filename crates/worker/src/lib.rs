//! Starling's worker processes and the protocol they speak.
//!
//! whisper.cpp runs outside the app's process, so a crash inside it fails
//! one job and never the app. The workers are the app's own binary (with
//! `__transcribe-worker` or `__live-worker`), and, for processors that run
//! them, the `starling-worker-<level>` builds of this crate's small binary,
//! which link only `starling-transcribe` — not the studio, the store or the
//! sound system.
//!
//! - [`protocol`]: the messages and the audio framing on the pipes.
//! - [`run`]: what each worker does; [`live`]: the live worker, which
//!   transcribes finished stretches and previews of the one being spoken.

pub mod live;
pub mod protocol;
pub mod run;

pub use live::LiveArgs;
pub use run::TranscribeArgs;

/// The hidden subcommand that runs the one-pass transcription worker.
pub const TRANSCRIBE: &str = "__transcribe-worker";
/// The hidden subcommand that runs the live transcript worker.
pub const LIVE: &str = "__live-worker";
