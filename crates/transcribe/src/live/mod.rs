//! Live transcription of an answer while it is being spoken.
//!
//! - [`chunker`]: splits the growing stream of 16 kHz samples into stretches
//!   of speech at pauses, with an energy detector that follows the room's
//!   noise floor.
//! - [`session`]: transcribes the stretches of one answer in order, each
//!   prompted with the words before it.
//! - [`guard`]: recognises a stretch's text that is a decoder loop, which
//!   the session then transcribes again with the full encoder window.
//! - [`stitch`]: joins the transcripts of those stretches into one
//!   [`crate::Transcript`] on the recording's own time line.
//!
//! Starling runs the session in a worker process fed by the recorder's tap
//! (see `starling_studio::live`), so a crash in the model never reaches the
//! recording.

pub mod chunker;
pub mod guard;
pub mod session;
pub mod stitch;

pub use chunker::{Chunk, Chunker, ChunkerOptions};
pub use session::LiveSession;
pub use stitch::Stitcher;
