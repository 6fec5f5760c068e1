//! Microphone capture for Starling, with no knowledge of the UI or database.
//!
//! The path of a sample, from the device to the disk:
//!
//! 1. [`recorder`]: one thread owns the `cpal` input stream. Its data callback
//!    converts each frame to one mono `f32` ([`convert`]) and pushes it into a
//!    wait-free ring buffer (`rtrb`): no allocation, no lock.
//! 2. A writer thread (`writer.rs`) drains the ring buffer, resamples to 16 kHz
//!    (`starling_audio::resample`, `rubato`), measures the level ([`level`]) and appends 16-bit
//!    samples to the WAV file ([`wav`], `hound`), bringing its header up to date
//!    every second, so a crash loses at most about a second.
//! 3. [`wav::repair`] fixes the header of a file cut off by a crash or a full
//!    disk, so what was written is playable.
//!
//! [`tap`] lets another thread read the 16 kHz samples as they are written
//! (the live transcript) without ever making the writer wait.
//!
//! [`devices`] lists input devices for pickers and the command line.
//!
//! [`player`] plays speech (the interviewer's questions) on the default
//! output and returns once it has been heard.

pub mod convert;
pub mod devices;
mod error;
pub mod level;
pub mod player;
pub mod recorder;
pub mod recording;
pub mod tap;
pub mod wav;
mod writer;

pub use devices::{list_input_devices, InputDevice};
pub use error::CaptureError;
pub use recorder::Recorder;
pub use recording::{CaptureEvent, RecordOptions, RecordingSummary, StopReason};
pub use tap::{audio_tap, AudioTap, TapReader};

/// The sample rate of every recording Starling writes.
pub use starling_audio::TARGET_RATE;
