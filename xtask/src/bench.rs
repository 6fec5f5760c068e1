//! `cargo xtask bench [--short]`: every benchmark, printing figures and
//! ratios against a reference measured in the same run.
//!
//! - transcription: Starling's pipeline against faster-whisper (PyPI, int8,
//!   greedy) on the same spoken answer, model weights and threads;
//! - whisper.cpp's portable build and its builds for newer processors,
//!   against a `-march=native` build (`cpu_bench.rs`);
//! - stop-to-final-transcript latency with the live transcript, against
//!   transcribing the whole file after stop;
//! - short commands' latency while a 512 MB export and a model import run,
//!   against the same work holding the studio's lock and against idle;
//! - search latency over a large store, against a `LIKE` scan;
//! - checking a deck of 100,000 questions and a backup of 100,000 entries,
//!   against parsing the same TOML and listing the same zip alone;
//! - capture through the virtual microphone (lost samples, drift, CPU);
//! - the interviewer's voice: synthesis the first time and from the cache,
//!   against espeak-ng on the same questions;
//! - start-up to an interactive window and idle memory, against a bare
//!   WebKitGTK window (`startup.rs`).
//!
//! `--short` (what `cargo xtask test` runs in CI) uses a 20 s answer, a
//! smaller store and 15 s of capture.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{cargo_bin, repo_root, run_cmd, step, Fail};
use crate::{audio, models, setup};

/// An interview answer of about a minute when espeak-ng says it.
const ANSWER: &str = "At my last job our checkout service slowed down every Friday evening. \
Customers waited up to eight seconds for the payment page, and support tickets doubled. \
My task was to find the cause before the holiday sale, about three weeks away. \
First I added tracing to every call the page made, and I compared a slow evening with a quiet morning. \
The traces showed that one inventory query ran once per item in the basket, so large baskets made hundreds of calls. \
I rewrote it as a single batched query, added an index on the product and warehouse columns, and put a short cache in front of it. \
Then I ran a load test that replayed a real Friday, and I watched the error rate and the latency together. \
As a result the payment page loaded in under one second, even for the largest baskets. \
Support tickets about checkout fell by seventy percent during the sale. \
I also wrote a short guide so the team could spot the same pattern in other services.";

/// A second answer, so the latency benchmark has about two minutes of speech.
const SECOND_ANSWER: &str = "Another time, two teams disagreed about how to store customer addresses. \
One team wanted a single shared table, and the other wanted each service to keep its own copy. \
The argument had blocked a release for two weeks, and my manager asked me to settle it. \
I met each team separately and wrote down what they were really worried about. \
The first team feared that copies would drift apart, and the second feared that one table would slow them down. \
I proposed one owner service with an event stream, so others could keep a read-only copy that stayed in step. \
We built a small prototype in three days and measured the delay between a change and its copy. \
It was under two hundred milliseconds, which both teams accepted. \
The release went out the following week, and the same pattern is now used for orders and invoices. \
I learned that most disagreements are about risks that nobody has written down.";

fn cache_dir() -> PathBuf {
    crate::util::cache_dir()
}

/// A Python with faster-whisper, in a venv in the cache (made once).
fn faster_whisper() -> Result<PathBuf, Fail> {
    let venv = cache_dir().join("bench-venv");
    let python = venv.join("bin").join("python");
    let done = venv.join(".complete");
    if !done.exists() {
        step("installing faster-whisper 1.2.1 from PyPI into the benchmark venv (once)");
        if venv.exists() {
            std::fs::remove_dir_all(&venv)
                .map_err(|e| Fail::msg(format!("cannot clear {}: {e}", venv.display())))?;
        }
        run_cmd(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run_cmd(Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            "faster-whisper==1.2.1",
        ]))?;
        std::fs::write(&done, b"")
            .map_err(|e| Fail::msg(format!("cannot write {}: {e}", done.display())))?;
    }
    Ok(python)
}

/// Whisper's BPE rank tables (`gpt2.tiktoken`, `multilingual.tiktoken`),
/// taken once from the `openai-whisper` source package on PyPI (only the
/// two files; the package itself, which needs PyTorch, is not installed).
/// faster-whisper builds its real tokenizer from them.
fn whisper_assets(python: &Path) -> Result<PathBuf, Fail> {
    let assets = cache_dir().join("whisper-assets");
    let files = ["gpt2.tiktoken", "multilingual.tiktoken"];
    if files.iter().all(|f| assets.join(f).exists()) {
        return Ok(assets);
    }
    step("fetching Whisper's tokenizer tables from PyPI (openai-whisper 20250625, once)");
    let download = cache_dir().join("whisper-assets-download");
    let _ = std::fs::remove_dir_all(&download);
    run_cmd(
        Command::new(python)
            .args(["-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "openai-whisper==20250625", "-d"])
            .arg(&download),
    )?;
    // Only the two tables come out of the archive, by their exact names.
    let extract = r#"
import glob, os, sys, tarfile
archive = glob.glob(os.path.join(sys.argv[1], "openai_whisper-*.tar.gz"))[0]
os.makedirs(sys.argv[2], exist_ok=True)
with tarfile.open(archive) as t:
    for name in ("gpt2.tiktoken", "multilingual.tiktoken"):
        member = t.getmember(f"openai_whisper-20250625/whisper/assets/{name}")
        data = t.extractfile(member).read()
        with open(os.path.join(sys.argv[2], name + ".part"), "wb") as out:
            out.write(data)
        os.replace(os.path.join(sys.argv[2], name + ".part"), os.path.join(sys.argv[2], name))
"#;
    run_cmd(Command::new(python).args(["-c", extract]).arg(&download).arg(&assets))?;
    let _ = std::fs::remove_dir_all(&download);
    Ok(assets)
}

/// The answer (or its first three sentences) as 16 kHz mono, and its text.
fn spoken_answer(short: bool, dir: &Path) -> Result<(PathBuf, PathBuf), Fail> {
    let text: String = if short {
        ANSWER.split_inclusive(". ").take(3).collect()
    } else {
        ANSWER.to_string()
    };
    speak(&text, dir, "answer")
}

/// `text` spoken by espeak-ng as `<name>.wav` (16 kHz mono) beside
/// `<name>.txt`.
fn speak(text: &str, dir: &Path, name: &str) -> Result<(PathBuf, PathBuf), Fail> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Fail::msg(format!("cannot create {}: {e}", dir.display())))?;
    let raw = dir.join(format!("{name}-raw.wav"));
    let wav = dir.join(format!("{name}.wav"));
    let reference = dir.join(format!("{name}.txt"));
    run_cmd(Command::new("espeak-ng").arg("-w").arg(&raw).arg(text))?;
    run_cmd(
        Command::new("sox")
            .arg(&raw)
            .args(["-r", "16000", "-c", "1", "-b", "16"])
            .arg(&wav),
    )?;
    std::fs::write(&reference, text.trim())
        .map_err(|e| Fail::msg(format!("cannot write {}: {e}", reference.display())))?;
    Ok((wav, reference))
}

fn cargo_bench(package: &str, bench: &str, envs: &[(&str, &std::ffi::OsStr)]) -> Result<(), Fail> {
    let mut cmd = Command::new(cargo_bin());
    cmd.args(["bench", "--package", package, "--bench", bench])
        .current_dir(repo_root());
    // What runs whisper.cpp is built as the app would choose it on this
    // processor (see crate::cpu), not the portable build.
    if matches!(package, "starling-transcribe" | "starling-cli") {
        if let Some(level) = crate::cpu::chosen_level()? {
            crate::cpu::for_level(&mut cmd, &level);
        }
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    run_cmd(&mut cmd)
}

pub fn run(short: bool) -> Result<(), Fail> {
    setup::system_packages(true)?;
    models::prepare()?;
    // The worker builds and the command line that chooses among them.
    crate::util::cargo(&["build", "--locked", "--package", "starling-cli"])?;
    crate::cpu::build_workers("debug")?;
    let python = faster_whisper()?;
    let assets = whisper_assets(&python)?;
    let dir = crate::util::target_dir().join("bench");
    let (wav, reference) = spoken_answer(short, &dir)?;

    step("benchmark: transcription, Starling vs faster-whisper");
    cargo_bench(
        "starling-transcribe",
        "versus",
        &[
            ("STARLING_BENCH_WAV", wav.as_os_str()),
            ("STARLING_BENCH_REFERENCE", reference.as_os_str()),
            ("STARLING_BENCH_PYTHON", python.as_os_str()),
            ("STARLING_BENCH_WHISPER_ASSETS", assets.as_os_str()),
        ],
    )?;

    crate::cpu_bench::run(short, &wav, &reference)?;

    step("benchmark: stop-to-final-transcript latency, live transcript vs one pass");
    // About two minutes (both answers), three runs, both models; short: the
    // first five sentences, one run, tiny.en.
    let text: String = if short {
        ANSWER.split_inclusive(". ").take(5).collect()
    } else {
        format!("{ANSWER} {SECOND_ANSWER}")
    };
    let (live_wav, live_ref) = speak(&text, &dir, "live-answer")?;
    let (runs, models): (&std::ffi::OsStr, &std::ffi::OsStr) = if short {
        ("1".as_ref(), "tiny.en".as_ref())
    } else {
        ("3".as_ref(), "tiny.en,base".as_ref())
    };
    cargo_bench(
        "starling-cli",
        "live_latency",
        &[
            ("STARLING_BENCH_LIVE_WAV", live_wav.as_os_str()),
            ("STARLING_BENCH_LIVE_REFERENCE", live_ref.as_os_str()),
            ("STARLING_BENCH_RUNS", runs),
            ("STARLING_BENCH_LIVE_MODELS", models),
        ],
    )?;

    step("benchmark: short commands while an export and a model import run");
    let short_env: Vec<(&str, &std::ffi::OsStr)> = if short { vec![("STARLING_BENCH_SHORT", "1".as_ref())] } else { Vec::new() };
    cargo_bench("starling-cli", "short_commands", &short_env)?;

    step("benchmark: search latency");
    let short_flag: &std::ffi::OsStr = if short { "1".as_ref() } else { "".as_ref() };
    let envs: Vec<(&str, &std::ffi::OsStr)> = if short {
        vec![("STARLING_BENCH_SHORT", short_flag)]
    } else {
        Vec::new()
    };
    cargo_bench("starling-store", "search", &envs)?;

    // Hostile input must not turn into hours of work: checking 100,000
    // questions or backup entries, against merely parsing the same bytes.
    step("benchmark: checking a large deck");
    cargo_bench("starling-bank", "deck_check", &envs)?;
    step("benchmark: checking a large backup archive");
    cargo_bench("starling-archive", "archive_check", &envs)?;
    step("benchmark: labelling an answer's STAR parts");
    cargo_bench("starling-coach", "star_label", &envs)?;
    step("benchmark: the interviewer's voice, first time and cached");
    let questions: &std::ffi::OsStr = if short { "4".as_ref() } else { "12".as_ref() };
    cargo_bench("starling-voice", "speak", &[("STARLING_BENCH_QUESTIONS", questions)])?;

    startup(short)?;

    let _mic = audio::VirtualMic::start()?;
    step("benchmark: how soon a question starts to sound, Starling's player vs paplay");
    let plays: &std::ffi::OsStr = if short { "4".as_ref() } else { "12".as_ref() };
    cargo_bench("starling-capture", "play_start", &[("STARLING_BENCH_PLAYS", plays)])?;

    step("benchmark: capture through the virtual microphone");
    let minutes: &std::ffi::OsStr = if short { "0.25".as_ref() } else { "3".as_ref() };
    let minutes =
        std::env::var_os("STARLING_BENCH_MINUTES").unwrap_or_else(|| minutes.to_os_string());
    cargo_bench(
        "starling-capture",
        "capture",
        &[("STARLING_BENCH_MINUTES", minutes.as_os_str())],
    )
}

/// Start-up time and idle memory (`cargo xtask bench startup` runs only
/// this): the release build for the full run; CI's short run uses the debug
/// build the end-to-end tests just made.
pub fn startup(short: bool) -> Result<(), Fail> {
    crate::build_ui()?;
    let profile = if short { "debug" } else { "release" };
    step(&format!("building the app ({profile}) for the start-up benchmark"));
    let mut build = Command::new(cargo_bin());
    build.args(["build", "--package", "starling-app", "--locked"]).current_dir(repo_root());
    if !short {
        build.arg("--release");
    }
    run_cmd(&mut build)?;
    crate::startup::run(&crate::util::target_dir().join(profile).join("starling"), if short { 1 } else { 5 })
}
