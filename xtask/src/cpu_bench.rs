//! Benchmark: the whisper.cpp builds against each other on the same answer
//! and model — the portable build (plain x86-64, what runs on any
//! processor), each faster level this processor runs (what the app chooses),
//! and the reference, a `-march=native` build for this very machine (built
//! here in `<target>/native`). Each run is a whole worker process: start,
//! model load and transcription, as the app pays for it; the median of
//! several runs is printed with its ratio to the native build.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::cpu;
use crate::util::{cargo_bin, repo_root, run_cmd, step, target_dir, Fail};

struct Build {
    label: String,
    program: PathBuf,
}

fn builds() -> Result<Vec<Build>, Fail> {
    let debug = target_dir().join("debug");
    let mut list = vec![Build { label: "x86-64 (portable)".into(), program: debug.join("starling-cli") }];
    // Every level up to the one the app chooses here (the faster ones do not
    // run on this processor).
    if let Some(chosen) = cpu::chosen_level()? {
        for level in cpu::levels()? {
            let program = debug.join(format!("{}{}", cpu::WORKER_PREFIX, level.name));
            list.push(Build { label: level.name.clone(), program });
            if level.name == chosen.name {
                break;
            }
        }
    }
    step("building the native reference (-march=native) for the build benchmark");
    let native_target = target_dir().join("native");
    run_cmd(
        Command::new(cargo_bin())
            .args(["build", "--locked", "--package", "starling-worker", "--bin", "starling-worker"])
            .env("CARGO_TARGET_DIR", &native_target)
            .env("GGML_NATIVE", "ON")
            .current_dir(repo_root()),
    )?;
    list.push(Build { label: "native (reference)".into(), program: native_target.join("debug/starling-worker") });
    Ok(list)
}

/// One worker run: wall seconds and the transcript's text.
fn once(program: &Path, model: &Path, wav: &Path) -> Result<(f64, String), Fail> {
    let started = Instant::now();
    let out = Command::new(program)
        .args(["__transcribe-worker", "--model"])
        .arg(model)
        .arg("--wav")
        .arg(wav)
        .output()
        .map_err(|e| Fail::msg(format!("cannot run {}: {e}", program.display())))?;
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("{\"transcript\""));
    match line.and_then(|l| l.split("\"text\":\"").nth(1)).and_then(|r| r.split('"').next()) {
        Some(text) if out.status.success() => Ok((wall, text.to_string())),
        _ => Err(Fail::msg(format!("{} gave no transcript ({}): {}", program.display(), out.status, stdout.trim()))),
    }
}

pub fn run(short: bool, wav: &Path, reference: &Path) -> Result<(), Fail> {
    let builds = builds()?;
    let data = target_dir().join("bench/cpu-builds-data");
    let _ = std::fs::remove_dir_all(&data);
    let reference_text = std::fs::read_to_string(reference).map_err(|e| Fail::msg(format!("cannot read {}: {e}", reference.display())))?;
    let models: &[(&str, &str)] = if short { &[("tiny.en", "STARLING_CT2_TINY_EN")] } else { &[("tiny.en", "STARLING_CT2_TINY_EN"), ("base", "STARLING_CT2_BASE")] };
    let runs = if short { 3 } else { 5 };
    step("benchmark: whisper.cpp builds, portable and per level against native");
    println!("whisper.cpp builds: worker process wall time (start, load, transcribe), median of {runs}");
    println!("{:<22} {:<10} {:>9} {:>11} {:>6}", "build", "model", "median s", "× native", "WER %");
    for (model, var) in models {
        let Some(ct2) = std::env::var_os(var) else {
            println!("{model}: skipped, {var} is not set");
            continue;
        };
        run_cmd(
            Command::new(&builds[0].program)
                .args(["models", "import"])
                .arg(&ct2)
                .args(["--name", model])
                .env("STARLING_DATA_DIR", &data),
        )?;
        let ggml = data.join("models").join(format!("{model}.bin"));
        let mut rows = Vec::new();
        for b in &builds {
            let mut times = Vec::new();
            let mut text = String::new();
            for _ in 0..runs {
                let (t, words) = once(&b.program, &ggml, wav)?;
                times.push(t);
                text = words;
            }
            times.sort_by(f64::total_cmp);
            rows.push((b.label.clone(), times[runs / 2], text));
        }
        let native = rows.last().map(|r| r.1).unwrap_or(f64::NAN);
        for (label, median, text) in &rows {
            let wer = word_error_rate(&reference_text, text) * 100.0;
            println!("{label:<22} {model:<10} {median:>9.2} {:>10.2}× {wer:>6.1}", median / native);
        }
    }
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

/// Word error rate over lower-cased words without punctuation (the same
/// measure as `starling_transcribe::wer`, which xtask cannot link).
fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| w.chars().filter(|c| c.is_alphanumeric() || *c == '\'').collect::<String>().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (r, h) = (words(reference), words(hypothesis));
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(rw != hw)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[h.len()] as f64 / r.len().max(1) as f64
}
