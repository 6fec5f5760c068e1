//! Small helpers: locating the repository, running commands, reporting steps.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A failed step, with a message that says what to do.
pub struct Fail(String);

impl Fail {
    pub fn msg(s: impl Into<String>) -> Self {
        Fail(s.into())
    }
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// Where cargo puts build outputs.
/// `~/.cache/starling` (or under `XDG_CACHE_HOME`): downloads and tools that
/// outlive a checkout (test models, Node, the benchmark venv).
pub fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("starling")
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target"))
}

pub fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

pub fn step(what: &str) {
    println!("\n==> {what}");
}

/// Runs a command to completion; a non-zero exit is a failure naming it.
pub fn run_cmd(cmd: &mut Command) -> Result<(), Fail> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| Fail::msg(format!("could not start {shown}: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Fail::msg(format!("{shown} failed ({status})")))
    }
}

pub fn cargo(args: &[&str]) -> Result<(), Fail> {
    run_cmd(Command::new(cargo_bin()).args(args).current_dir(repo_root()))
}

pub fn npm(dir: &Path, args: &[&str]) -> Result<(), Fail> {
    run_cmd(Command::new("npm").args(args).current_dir(dir))
}

/// Whether a program is on PATH.
pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Captures a command's standard output, if it ran successfully.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
