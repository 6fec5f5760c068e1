//! Local transcription, with no knowledge of the UI or the database.
//!
//! - [`engine`]: the [`Transcriber`] trait (16 kHz mono samples in, segments
//!   and timed words out) and its whisper-rs implementation, with defaults
//!   tuned for interview speech and a guard against text invented on silence.
//! - [`audio`]: reading any WAV file hound understands as 16 kHz mono.
//! - [`ct2`], [`ggml`], [`mel`], [`vocab`], [`convert`]: turning a
//!   faster-whisper / CTranslate2 model folder into a whisper.cpp ggml file.
//! - [`download`]: the model catalog and a resumable, checksum-verified download.
//! - [`benchmark`]: a shipped clip to measure each model on this machine.
//! - [`live`]: cutting a recording into stretches at pauses while it is made,
//!   and stitching their transcripts back together.
//! - [`wer`]: word error rate, for tests and the model table.
//! - [`cpu`]: which build of whisper.cpp (portable, or one for a newer
//!   instruction set) runs on this processor; [`load`]: how its threads
//!   wait, from how busy the processor is when a worker starts.

pub mod audio;
pub mod benchmark;
pub mod convert;
pub mod cpu;
pub mod ct2;
pub mod download;
pub mod engine;
mod error;
pub mod ggml;
pub mod limits;
pub mod live;
pub mod load;
pub mod mel;
pub mod testmodel;
pub mod vocab;
pub mod wer;

pub use engine::{Segment, TranscribeOptions, Transcriber, Transcript, TranscriptSource, WhisperTranscriber, Word};
pub use error::TranscribeError;
