//! Builds of the transcription worker for newer x86-64 instruction sets.
//!
//! The app itself (and everything `cargo build` makes) uses a plain x86-64
//! build of whisper.cpp (`.cargo/config.toml`). For each faster level in
//! `crates/transcribe/cpu/levels.txt` this builds the small `starling-worker`
//! binary (`crates/worker`: whisper.cpp and the worker protocol, not the
//! studio) with that level's ggml options turned on, in a target folder of
//! its own, and copies it beside the app's binaries as
//! `starling-worker-<level>`, where `starling_transcribe::cpu` finds it at
//! run time.
//!
//! `--native` builds (`GGML_NATIVE=ON`, for people building for their own
//! machine) need none: their own binary is already the fastest.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{cargo_bin, output, repo_root, run_cmd, step, target_dir, Fail};

/// The name a worker build is installed under (shared with
/// `starling_transcribe::cpu::WORKER_PREFIX`).
pub const WORKER_PREFIX: &str = "starling-worker-";

/// One faster level: its name and the ggml options it turns on.
pub struct Level {
    pub name: String,
    pub ggml_options: Vec<String>,
}

/// The levels of `crates/transcribe/cpu/levels.txt`, slowest first.
pub fn levels() -> Result<Vec<Level>, Fail> {
    let path = repo_root().join("crates/transcribe/cpu/levels.txt");
    let text = std::fs::read_to_string(&path).map_err(|e| Fail::msg(format!("cannot read {}: {e}", path.display())))?;
    let mut levels = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        match parts.as_slice() {
            [name, _features, options] if !name.is_empty() && !options.is_empty() => levels.push(Level {
                name: name.to_string(),
                ggml_options: options.split_whitespace().map(str::to_string).collect(),
            }),
            _ => {
                return Err(Fail::msg(format!(
                    "{}:{}: expected `level | features | ggml options`, found `{line}`",
                    path.display(),
                    n + 1
                )))
            }
        }
    }
    Ok(levels)
}

/// The level the built command line chooses on this processor, asked of it
/// (`starling-cli models list` names the build), so xtask never second-
/// guesses `starling_transcribe::cpu`. `None`: the portable build.
pub fn chosen_level() -> Result<Option<Level>, Fail> {
    let cli = target_dir().join("debug/starling-cli");
    let data = target_dir().join("cpu-level-probe");
    let listing = output(Command::new(&cli).args(["models", "list"]).env("STARLING_DATA_DIR", &data).env_remove("STARLING_CPU_LEVEL"));
    let _ = std::fs::remove_dir_all(&data);
    let listing = listing.ok_or_else(|| Fail::msg(format!("`{} models list` failed; build it first", cli.display())))?;
    let name = listing
        .lines()
        .find_map(|l| l.strip_prefix("Transcription on this processor uses whisper.cpp built for "))
        .and_then(|rest| rest.split(':').next())
        .ok_or_else(|| Fail::msg(format!("`{} models list` names no whisper.cpp build", cli.display())))?;
    Ok(levels()?.into_iter().find(|l| l.name == name))
}

/// The target folder of a level's builds.
pub fn level_target(level: &Level) -> PathBuf {
    target_dir().join("cpu").join(&level.name)
}

/// Points `cmd` (a cargo command) at `level`'s build: its target folder and
/// its ggml options.
pub fn for_level(cmd: &mut Command, level: &Level) {
    cmd.env("CARGO_TARGET_DIR", level_target(level));
    for option in &level.ggml_options {
        cmd.env(option, "ON");
    }
}

/// Whether this build asked for `-march=native` (then no worker builds).
pub fn native() -> bool {
    std::env::var("GGML_NATIVE").is_ok_and(|v| v.eq_ignore_ascii_case("on") || v == "1")
}

/// Turns on `--native`: whisper.cpp for this machine's processor, built in
/// `<target>/native` so it never mixes with the portable build.
pub fn use_native() {
    let dir = target_dir().join("native");
    std::env::set_var("GGML_NATIVE", "ON");
    std::env::set_var("CARGO_TARGET_DIR", dir);
}

/// Builds every worker level for `profile` (`debug` or `release`) and puts
/// it beside the app; returns the installed files. Removes stale worker
/// builds in a native build.
pub fn build_workers(profile: &str) -> Result<Vec<PathBuf>, Fail> {
    let out_dir = target_dir().join(profile);
    if native() || !cfg!(target_arch = "x86_64") {
        remove_workers(&out_dir);
        return Ok(Vec::new());
    }
    let mut installed = Vec::new();
    for level in levels()? {
        step(&format!("building the transcription worker for {} ({} on)", level.name, level.ggml_options.join(" ")));
        let mut cmd = Command::new(cargo_bin());
        cmd.args(["build", "--locked", "--package", "starling-worker", "--bin", "starling-worker"]).current_dir(repo_root());
        if profile == "release" {
            cmd.arg("--release");
        }
        for_level(&mut cmd, &level);
        run_cmd(&mut cmd)?;
        let built = level_target(&level).join(profile).join("starling-worker");
        let dest = out_dir.join(format!("{WORKER_PREFIX}{}", level.name));
        install(&built, &dest)?;
        installed.push(dest);
    }
    Ok(installed)
}

/// Copies `from` to `to` through a temporary name, so a worker that is
/// running from `to` keeps its file.
fn install(from: &Path, to: &Path) -> Result<(), Fail> {
    let err = |e: std::io::Error| Fail::msg(format!("cannot install {} as {}: {e}", from.display(), to.display()));
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = to.with_extension("installing");
    std::fs::copy(from, &tmp).map_err(err)?;
    std::fs::rename(&tmp, to).map_err(err)
}

fn remove_workers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(WORKER_PREFIX) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_level_table_reads() {
        let levels = super::levels().unwrap_or_else(|e| panic!("{e}"));
        assert!(!levels.is_empty());
        assert!(levels.iter().all(|l| l.ggml_options.iter().all(|o| o.starts_with("GGML_"))));
    }
}
