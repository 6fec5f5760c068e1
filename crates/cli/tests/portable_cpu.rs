//! The built command line on processors older than this one, emulated by
//! `qemu-x86_64 -cpu MODEL` (Debian's qemu-user) — a basic x86-64 (no AVX)
//! and a Haswell (AVX2, no AVX-512): each must choose a whisper.cpp build it
//! can run, and that build must read exactly the words it reads natively.
//! Natively, `starling transcribe` must run the build it chooses, and the
//! builds must agree with each other closely (they sum floating point in
//! another order, which can tip a near tie between two words). Controls show
//! that the emulation really lacks the newer instructions: a build for a
//! newer level dies there with SIGILL, as the app did before its builds
//! became portable.
//!
//! `STARLING_CPU_TEST_BIN` names the binary to check (default: this
//! workspace's `starling-cli`); the package test points it at the installed
//! `/usr/bin/starling`. Needs the models `cargo xtask test` fetches, and the
//! worker builds it installs beside the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use starling_transcribe::cpu::{self, PORTABLE, WORKER_PREFIX};
use starling_transcribe::Transcript;

const ANSWER: &str = "The situation was a slow reporting page. My task was to make it fast before the release.";

fn binary() -> PathBuf {
    std::env::var_os("STARLING_CPU_TEST_BIN").map(PathBuf::from).unwrap_or_else(|| env!("CARGO_BIN_EXE_starling-cli").into())
}

fn cli(bin: &Path, data: &Path, qemu_cpu: Option<&str>) -> Command {
    let mut c = match qemu_cpu {
        Some(model) => {
            let mut c = Command::new("qemu-x86_64");
            c.args(["-cpu", model]).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    c.env("STARLING_DATA_DIR", data).env_remove(cpu::LEVEL_VAR);
    c
}

fn ok(out: Output, what: &str) -> String {
    assert!(out.status.success(), "{what} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The level and program `models list` reports for this processor.
fn chosen_build(listing: &str) -> (String, PathBuf) {
    let line = listing
        .lines()
        .find_map(|l| l.strip_prefix("Transcription on this processor uses whisper.cpp built for "))
        .unwrap_or_else(|| panic!("`models list` names no build:\n{listing}"));
    let (level, program) = line.split_once(": ").expect("level: program");
    (level.to_string(), PathBuf::from(program))
}

/// Runs a worker build on `wav` (under qemu when `qemu_cpu` is set) and
/// returns its transcript, or the failed process's output.
fn worker(program: &Path, model: &Path, wav: &Path, qemu_cpu: Option<&str>) -> Result<Transcript, Output> {
    let mut c = cli(program, Path::new("/nonexistent"), qemu_cpu);
    let out = c.arg("__transcribe-worker").arg("--model").arg(model).arg("--wav").arg(wav).output().expect("the worker starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let transcript = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| serde_json::from_value::<Transcript>(v.get("transcript")?.clone()).ok());
    match transcript {
        Some(t) if out.status.success() => Ok(t),
        _ => Err(out),
    }
}

#[cfg(unix)]
fn killed_by_sigill(out: &Output) -> bool {
    use std::os::unix::process::ExitStatusExt;
    out.status.signal() == Some(4) || out.status.code() == Some(132)
}

#[test]
#[ignore = "needs qemu-user, the cached models and the worker builds that `cargo xtask test` provides"]
fn older_processors_choose_a_build_they_run_and_read_the_same_words() {
    let bin = binary();
    let data = tempfile::tempdir().unwrap();
    let src = std::env::var("STARLING_CT2_TINY_EN").expect("set STARLING_CT2_TINY_EN (cargo xtask test does)");
    ok(cli(&bin, data.path(), None).args(["models", "import", &src, "--name", "tiny.en"]).output().unwrap(), "models import");
    let model = data.path().join("models/tiny.en.bin");
    assert!(model.is_file(), "the import wrote no {}", model.display());
    let wav = data.path().join("answer.wav");
    assert!(Command::new("espeak-ng").arg("-w").arg(&wav).arg(ANSWER).status().unwrap().success());

    let dir = bin.parent().unwrap().to_path_buf();
    let build_path = |level: &str| -> Option<PathBuf> {
        if level == PORTABLE {
            return Some(bin.clone());
        }
        [dir.join(format!("{WORKER_PREFIX}{level}")), dir.join("../lib/starling").join(format!("{WORKER_PREFIX}{level}"))]
            .into_iter()
            .find(|p| p.is_file())
    };
    let installed: Vec<String> = cpu::levels().into_iter().map(|l| l.name).filter(|name| build_path(name).is_some()).collect();

    // Natively: each build's transcript, and the command line's own
    // transcription, which must be that of the build it chooses here.
    let native_run = |level: &str| worker(&build_path(level).unwrap(), &model, &wav, None).unwrap_or_else(|out| {
        panic!("the {level} build failed natively ({}): {}", out.status, String::from_utf8_lossy(&out.stderr))
    });
    let portable = native_run(PORTABLE);
    eprintln!("native, {PORTABLE} build: {}", portable.text);
    let listing = ok(cli(&bin, data.path(), None).args(["models", "list"]).output().unwrap(), "models list");
    let (native_level, _) = chosen_build(&listing);
    let chosen_native = if native_level == PORTABLE { portable.clone() } else { native_run(&native_level) };
    let cli_run: Transcript =
        serde_json::from_str(&ok(cli(&bin, data.path(), None).arg("transcribe").arg(&wav).arg("--json").output().unwrap(), "transcribe"))
            .expect("transcribe --json prints a transcript");
    eprintln!("native, `transcribe` ({native_level} build chosen): {}", cli_run.text);
    assert_eq!(cli_run.text, chosen_native.text, "`transcribe` did not run the {native_level} build");
    // Speech read as speech (the word error rate is measured elsewhere).
    assert!(starling_transcribe::wer::wer(ANSWER, &portable.text) <= 0.35, "{}", portable.text);
    // Builds for other instruction sets add in another order, which may
    // tip a near tie between two words; they must still agree closely.
    for level in &installed {
        let t = native_run(level);
        let apart = starling_transcribe::wer::wer(&portable.text, &t.text);
        eprintln!("native, {level} build: {} (word difference from {PORTABLE}: {:.1} %)", t.text, apart * 100.0);
        assert!(apart <= 0.15, "the {level} build reads {:?}, the portable one {:?}", t.text, portable.text);
    }

    // Emulated: a processor without AVX (basic x86-64) and one with AVX2 but
    // no AVX-512. Each must choose a build it runs and read exactly what that
    // build reads natively.
    let cases = [("qemu64", PORTABLE), ("Haswell", "x86-64-v3")];
    for (model_name, level) in cases {
        let expected = if installed.iter().any(|l| l == level) { level } else { PORTABLE };
        let listing = ok(cli(&bin, data.path(), Some(model_name)).args(["models", "list"]).output().unwrap(), "models list under qemu");
        let (chosen, program) = chosen_build(&listing);
        assert_eq!(chosen, expected, "qemu -cpu {model_name} chose {chosen} ({})", program.display());
        let started = std::time::Instant::now();
        let t = worker(&program, &model, &wav, Some(model_name)).unwrap_or_else(|out| {
            panic!(
                "the {chosen} build failed under qemu -cpu {model_name} ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        });
        eprintln!("qemu -cpu {model_name} ({chosen} build, {:.1} s emulated): {}", started.elapsed().as_secs_f64(), t.text);
        let reference = if chosen == PORTABLE { portable.text.clone() } else { native_run(&chosen).text };
        assert_eq!(t.text, reference, "the {chosen} build read other words under qemu -cpu {model_name} than natively");
    }

    // Controls: a build for a newer level than the emulated processor's dies
    // with SIGILL, so the runs above really ran without those instructions.
    for (model_name, level) in [("qemu64", "x86-64-v3"), ("Haswell", "x86-64-v4")] {
        let Some(program) = build_path(level) else {
            eprintln!("control skipped: no {level} build installed");
            continue;
        };
        match worker(&program, &model, &wav, Some(model_name)) {
            Ok(t) => panic!("the {level} build ran under qemu -cpu {model_name}, so the emulation has its instructions: {}", t.text),
            Err(out) => assert!(killed_by_sigill(&out), "the {level} build under qemu -cpu {model_name} failed, but not with SIGILL: {}", out.status),
        }
        eprintln!("control: the {level} build under qemu -cpu {model_name} dies with SIGILL");
    }
}
