//! The fault suite: each fault a user can meet, made real, and what Starling
//! then does. Every case checks that the user is told something specific
//! (the message is printed in the tally) and that nothing already saved is
//! lost. The faults: a full disk while recording and while backing up, the
//! microphone vanishing mid-answer, a model file that is truncated, empty or
//! of another format, whisper.cpp aborting inside a transcription, a
//! read-only database, and a database from a newer Starling.
//!
//! Full disks and the read-only database are small tmpfs mounts, so the suite
//! runs as root (as CI does). Needs the virtual microphone and test model of
//! `cargo xtask test`; runs with `--include-ignored`.

mod common;
mod fault;

fn main() {
    fault::main();
}
