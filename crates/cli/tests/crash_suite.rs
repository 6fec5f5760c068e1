//! The crash suite: Starling killed outright (SIGKILL) at random moments while
//! recording, transcribing, editing STAR notes and backing up, then started
//! again on the same data folder — 20 times by default. After every restart
//! it checks that
//! - no note the app had acknowledged as saved is lost or older,
//! - an interrupted recording is recovered to within 1 s of the kill, and
//!   holds sound,
//! - SQLite's `PRAGMA integrity_check` answers `ok`,
//! - nothing is left half done: no attempt still `recording`, no restore
//!   journal or staging folder, every archive under its final name reads back,
//!   and the attempts are all still there;
//!
//! and after a transcription kill, that the restarted app finishes the
//! interrupted transcriptions. It prints a tally per phase.
//!
//! The killed processes are the headless entry `starling-cli record` and this
//! test binary re-run as a small workload (`STARLING_CRASH_ROLE`), which calls
//! the same `starling-studio` methods as the window's commands.
//!
//! `STARLING_CRASH_KILLS` sets the number of kills, `STARLING_CRASH_SEED`
//! repeats a run (the seed is printed). Needs the virtual microphone and the
//! test model that `cargo xtask test` provides, so, like the other tests that
//! do, it runs only with `--include-ignored`.

mod common;
mod crash;

fn main() {
    crash::main();
}
