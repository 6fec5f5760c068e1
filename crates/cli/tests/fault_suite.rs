//! The fault suite: each fault a user can meet, made real, and what Starling
//! then does. Every case checks that the user is told something specific
//! (the message is printed in the tally) and that nothing already saved is
//! lost. The faults: a full disk while recording and while backing up, the
//! microphone vanishing mid-answer, a model file that is truncated, empty or
//! of another format, whisper.cpp aborting inside a transcription, a
//! read-only database, a database from a newer Starling; and hostile input:
//! backups with duplicate names, lying sizes or no database, a model of an
//! unknown weight type imported over a good one, exports aimed at the live
//! database or a device, a 1 Hz WAV header and a named pipe as a WAV, and
//! two processes on one data folder.
//!
//! Full disks and the read-only database are small tmpfs mounts, so the suite
//! runs as root (as CI does). Needs the virtual microphone and test model of
//! `cargo xtask test`; runs with `--include-ignored`.

mod common;
mod fault;

fn main() {
    fault::main();
}
