//! Audio helpers that both sides of Starling need: the recorder (capture)
//! and the transcriber (a worker process that must not link the sound
//! system). [`resample`] turns any rate into the 16 kHz mono that Whisper
//! reads, as a stream.

pub mod resample;

pub use resample::{ResampleError, StreamResampler};

/// The sample rate every recording is stored at and Whisper reads.
pub const TARGET_RATE: u32 = 16_000;
