//! `cargo xtask fuzz`: coverage-guided fuzzing of the readers of untrusted
//! input (`fuzz/`, cargo-fuzz over libFuzzer), with a tally per target.
//!
//! Each target first replays `fuzz/regressions/<target>/` (every input that
//! ever crashed it) and then fuzzes for the given time from its seeds and the
//! corpus kept in the user's cache, each input held to a memory and a time
//! limit so that an allocation bomb or a hang counts as a crash. A crash
//! fails the run and says where the input was saved. The machine has one stable toolchain; libFuzzer's
//! instrumentation needs unstable flags, which `RUSTC_BOOTSTRAP=1` allows.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::util::{cache_dir, cargo_bin, output, repo_root, run_cmd, step, Fail};

pub const TARGETS: [&str; 6] = ["deck", "wav_recovery", "backup_archive", "wav_to_model_input", "ct2_convert", "ggml_load"];

/// Memory one input may take (libFuzzer's `-rss_limit_mb`, which also caps a
/// single allocation): an allocation bomb is a crash, not a slow run.
const RSS_LIMIT_MB: u32 = 2048;
/// Seconds one input may run (`-timeout`): a hang is a crash too.
const TIMEOUT_S: u32 = 10;

fn limits() -> [String; 2] {
    [format!("-rss_limit_mb={RSS_LIMIT_MB}"), format!("-timeout={TIMEOUT_S}")]
}

/// libFuzzer's longest input for `target`: its default (1 MB at most) would
/// cut `ggml_load`'s seed, the smallest whisper.cpp model that loads
/// (about 1.25 MB), so nothing would reach whisper.cpp.
fn max_len(target: &str) -> Option<&'static str> {
    (target == "ggml_load").then_some("-max_len=1400000")
}

/// What one target's run did.
struct Tally {
    target: &'static str,
    replayed: usize,
    seconds: f64,
    runs: u64,
    coverage: String,
    corpus: usize,
}

fn fuzz_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(cargo_bin());
    c.arg("fuzz").args(args).current_dir(repo_root().join("fuzz"));
    c.env("RUSTC_BOOTSTRAP", "1").env("CARGO_TARGET_DIR", cache_dir().join("fuzz-target"));
    c
}

fn ensure_cargo_fuzz() -> Result<(), Fail> {
    if output(Command::new(cargo_bin()).args(["fuzz", "--version"])).is_some() {
        return Ok(());
    }
    step("installing cargo-fuzz from crates.io (once)");
    run_cmd(Command::new(cargo_bin()).args(["install", "cargo-fuzz", "--locked"]))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    v.sort();
    v
}

/// Runs every target (or `only`) for `seconds` each and prints the tally.
pub fn run(seconds: u64, only: Option<&str>) -> Result<(), Fail> {
    ensure_cargo_fuzz()?;
    let root = repo_root().join("fuzz");
    let targets: Vec<&'static str> = TARGETS.iter().copied().filter(|t| only.is_none_or(|o| o == *t)).collect();
    if targets.is_empty() {
        return Err(Fail::msg(format!("no fuzz target named {:?}; the targets are {}", only.unwrap_or(""), TARGETS.join(", "))));
    }
    step("fuzzing: building the targets with libFuzzer and AddressSanitizer");
    run_cmd(&mut fuzz_cmd(&["build", "-O"]))?;
    let mut tallies = Vec::new();
    for target in targets {
        let regressions = root.join("regressions").join(target);
        let artifacts = cache_dir().join("fuzz-artifacts").join(target);
        std::fs::create_dir_all(&artifacts).map_err(|e| Fail::msg(format!("cannot create {}: {e}", artifacts.display())))?;
        let prefix = format!("-artifact_prefix={}/", artifacts.display());
        let replayed = files_in(&regressions).len();
        if replayed > 0 {
            step(&format!("fuzz {target}: replaying {replayed} past crash input(s)"));
            let dir = regressions.display().to_string();
            let [rss, timeout] = limits();
            let mut args = vec!["run", "-O", target, &dir, "--", "-runs=0", &rss, &timeout, &prefix];
            args.extend(max_len(target));
            run_cmd(&mut fuzz_cmd(&args))
                .map_err(|e| Fail::msg(format!("a past crash of `{target}` is back ({e}); the input is in {dir}")))?;
        }
        let corpus = cache_dir().join("fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| Fail::msg(format!("cannot create {}: {e}", corpus.display())))?;
        step(&format!("fuzz {target}: {seconds} s"));
        let started = Instant::now();
        let [rss, timeout] = limits();
        let corpus_dir = corpus.display().to_string();
        let seeds = root.join("seeds").join(target).display().to_string();
        let total = format!("-max_total_time={seconds}");
        let mut args = vec!["run", "-O", target, &corpus_dir, &seeds, "--", &total, &rss, &timeout, "-print_final_stats=1", &prefix];
        args.extend(max_len(target));
        let out = fuzz_cmd(&args).output().map_err(|e| Fail::msg(format!("cannot run cargo fuzz: {e}")))?;
        let log = String::from_utf8_lossy(&out.stderr).into_owned();
        if !out.status.success() {
            let tail: Vec<&str> = log.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
            return Err(Fail::msg(format!(
                "fuzz target `{target}` crashed:\n{}\n\nThe input is in {}; copy it to fuzz/regressions/{target}/ with a test for it once fixed.",
                tail.join("\n"),
                artifacts.display()
            )));
        }
        tallies.push(tally(target, replayed, started.elapsed().as_secs_f64(), &log, &corpus));
    }
    println!("\nfuzz tally ({seconds} s per target, at most {RSS_LIMIT_MB} MB and {TIMEOUT_S} s per input; crashes, out-of-memory and timeouts: 0)");
    println!("{:<20} {:>10} {:>12} {:>10} {:>8} {:>8} {:>8}", "target", "past", "runs", "exec/s", "cov", "corpus", "crashes");
    for t in &tallies {
        println!(
            "{:<20} {:>10} {:>12} {:>10.0} {:>8} {:>8} {:>8}",
            t.target,
            t.replayed,
            t.runs,
            t.runs as f64 / t.seconds.max(1.0),
            t.coverage,
            t.corpus,
            0
        );
    }
    Ok(())
}

/// Reads libFuzzer's final statistics out of its log.
fn tally(target: &'static str, replayed: usize, seconds: f64, log: &str, corpus: &Path) -> Tally {
    let runs = log
        .lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    let coverage = log
        .lines()
        .rev()
        .find_map(|l| l.split_whitespace().skip_while(|w| *w != "cov:").nth(1).map(str::to_string))
        .unwrap_or_else(|| "?".into());
    Tally { target, replayed, seconds, runs, coverage, corpus: files_in(corpus).len() }
}
