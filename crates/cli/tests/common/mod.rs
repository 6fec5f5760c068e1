#![allow(dead_code)] // each suite uses a different part

//! What the suites with their own `main` (harness = false) share: reading
//! cargo test's arguments, and small disks for full-disk and read-only faults.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether the suite `name` should run, given cargo test's arguments: it
/// needs the virtual microphone and test model, so, like the `#[ignore]`d
/// tests that do, only with `--include-ignored` (or `--ignored`), and only
/// when no name filter excludes it.
pub fn should_run(name: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        println!("{name}: test");
        return false;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
        return false;
    }
    if !args.iter().any(|a| a == "--include-ignored" || a == "--ignored") {
        println!("{name}: not run; it needs the virtual microphone and test model of `cargo xtask test` (-- --include-ignored)");
        return false;
    }
    true
}

/// A tmpfs of a given size mounted on a folder (root only), unmounted on drop.
pub struct SmallDisk(PathBuf);

impl SmallDisk {
    pub fn mount(at: &Path, size: &str) -> Result<SmallDisk, String> {
        std::fs::create_dir_all(at).map_err(|e| format!("cannot create {}: {e}", at.display()))?;
        let ok = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(at).status().is_ok_and(|s| s.success());
        if ok {
            Ok(SmallDisk(at.to_path_buf()))
        } else {
            Err(format!("cannot mount a {size} tmpfs on {} (the fault suite runs as root in CI)", at.display()))
        }
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Remounts the disk read-only (`false`) or writable again (`true`).
    pub fn set_writable(&self, writable: bool) -> Result<(), String> {
        let opt = if writable { "remount,rw" } else { "remount,ro" };
        let ok = Command::new("mount").args(["-o", opt]).arg(&self.0).status().is_ok_and(|s| s.success());
        ok.then_some(()).ok_or_else(|| format!("cannot {opt} {}", self.0.display()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// The transcription worker every suite starts: this build's `starling`
/// binary in its worker role.
pub fn worker() -> starling_studio::transcription::WorkerCommand {
    starling_studio::transcription::WorkerCommand { program: env!("CARGO_BIN_EXE_starling-cli").into(), prefix: vec!["__transcribe-worker".into()] }
}
