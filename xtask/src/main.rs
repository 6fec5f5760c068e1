//! `cargo xtask`: Starling's project automation, in Rust so it runs the same on
//! every machine. It depends on nothing but the standard library, so it builds
//! before any system package is installed (`tests/no_system_libraries.rs`
//! keeps it that way).
//!
//! - `setup`   install what building, running and testing need
//! - `run`     set up, build the UI and start the app
//! - `test`    set up and run every test suite, then short benchmarks (CI runs exactly this)
//! - `codegen` regenerate the TypeScript types and command calls from the Rust code
//! - `e2e`     only the end-to-end tests (after building what they need)
//! - `bench`   benchmarks that print figures; `test` ends with their short run
//! - `fuzz`    coverage-guided fuzzing of the readers of untrusted input
//! - `package` the .deb from Tauri's bundler (`test` installs and upgrades it)
//! - `fresh`   `./x test` in a new minimal Debian 12 root: the fresh-machine proof
//! - `train-star` retrain the STAR labeller from its data set

mod audio;
mod bench;
mod cpu;
mod cpu_bench;
mod e2e;
mod fresh;
mod fuzz;
mod node;
mod package;
mod modgraph;
mod models;
mod setup;
mod startup;
mod util;

use std::process::ExitCode;

use util::{cargo, npm, repo_root, Fail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup     install system packages, npm packages and tauri-driver as needed
  run       set up, build the UI and start Starling (extra args go to the app;
            --native: whisper.cpp for this machine's processor only)
  test      set up and run every test (Rust, UI unit, end-to-end in the real window),
            then the benchmarks at a short length
  codegen   regenerate ui/src/lib/bindings.ts and commands.ts from the Rust types and commands
  e2e       build the UI and the app, then run only the end-to-end tests
  bench     benchmarks with figures: transcription vs faster-whisper, live transcript
            latency, search latency, capture, start-up time and idle memory
            (--short: the quick version CI runs; `bench startup`: only start-up and memory)
  package   build the .deb (--release: the release build users install;
            --check: install, start, upgrade and remove it, as `test` does;
            --native: for this machine's processor only, not for others)
  fresh     run `./x test` in a new minimal Debian 12 root, as on a fresh machine
            (needs root; about an hour; --keep leaves the root for a look)
  train-star  retrain the STAR labeller on the training part of crates/coach/data and
            write crates/coach/model/star.json (commit it with the data)
  fuzz      fuzz the readers of untrusted input (decks, WAV, backups, models)
            (--seconds N per target, default 1800; --target NAME for one)
";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(args.first().map(String::as_str), Some("run" | "package")) && args.iter().any(|a| a == "--native") {
        args.retain(|a| a != "--native");
        cpu::use_native();
    }
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::all(),
        Some("run") => run(&args[1..]),
        Some("test") => test(),
        Some("codegen") => codegen(),
        Some("e2e") => e2e_only(),
        Some("fuzz") => fuzz_cmd(&args[1..]),
        Some("fresh") => fresh::run(args.iter().any(|a| a == "--keep")),
        Some("package") => package_cmd(args.iter().any(|a| a == "--release"), args.iter().any(|a| a == "--check")),
        Some("bench") if args.iter().any(|a| a == "startup") => bench::startup(args.iter().any(|a| a == "--short")),
        Some("bench") => bench::run(args.iter().any(|a| a == "--short")),
        Some("train-star") => cargo(&["run", "--quiet", "--locked", "--package", "starling-coach", "--example", "train_star"]),
        Some("help") | Some("--help") | Some("-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Fail::msg(format!("unknown command `{other}`\n\n{USAGE}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn build_ui() -> Result<(), Fail> {
    util::step("building the UI (ui/dist)");
    npm(&repo_root().join("ui"), &["run", "build"])
}

fn run(app_args: &[String]) -> Result<(), Fail> {
    setup::system_packages(false)?;
    setup::npm_packages(&repo_root().join("ui"))?;
    build_ui()?;
    cpu::build_workers("debug")?;
    // The interviewer's neural voices load ONNX Runtime at run time; the
    // package ships it, a development run takes it from the cache.
    std::env::set_var("STARLING_ONNXRUNTIME", models::onnxruntime_library()?);
    util::step("building and starting Starling");
    let mut args = vec!["run", "--package", "starling-app", "--"];
    args.extend(app_args.iter().map(String::as_str));
    cargo(&args)
}

fn codegen() -> Result<(), Fail> {
    util::step("regenerating ui/src/lib/bindings.ts (types) and ui/src/lib/commands.ts (calls)");
    util::run_cmd(
        std::process::Command::new(util::cargo_bin())
            .args(["test", "--quiet", "--package", "starling-studio", "--lib", "bindings"])
            .env("STARLING_WRITE_BINDINGS", "1")
            .current_dir(repo_root()),
    )?;
    util::run_cmd(
        std::process::Command::new(util::cargo_bin())
            .args(["test", "--quiet", "--package", "starling-ipc-gen", "--test", "generated"])
            .env("STARLING_WRITE_BINDINGS", "1")
            .current_dir(repo_root()),
    )
}

fn e2e_only() -> Result<(), Fail> {
    setup::all()?;
    let _mic = audio::VirtualMic::start()?;
    models::prepare()?;
    build_ui()?;
    cargo(&["build", "--package", "starling-app"])?;
    cpu::build_workers("debug")?;
    util::step("end-to-end tests in the real app window (Xvfb + tauri-driver)");
    e2e::run()
}

fn package_cmd(release: bool, check: bool) -> Result<(), Fail> {
    setup::all()?;
    build_ui()?;
    if !release {
        cargo(&["build", "--package", "starling-app"])?;
        cpu::build_workers("debug")?;
    }
    if check {
        return package::test();
    }
    package::build(release)
}

fn fuzz_cmd(args: &[String]) -> Result<(), Fail> {
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
    let seconds = match value("--seconds") {
        Some(s) => s.parse().map_err(|_| Fail::msg(format!("--seconds wants a whole number, not `{s}`")))?,
        None => 1800,
    };
    fuzz::run(seconds, value("--target").map(String::as_str))
}

fn test() -> Result<(), Fail> {
    let root = repo_root();
    setup::all()?;
    // The UI is embedded into the app at compile time, so build it first.
    util::step("UI: type check and unit tests");
    npm(&root.join("ui"), &["run", "check"])?;
    npm(&root.join("ui"), &["test"])?;
    build_ui()?;
    let _mic = audio::VirtualMic::start()?;
    models::prepare()?;
    // Before the tests: the command line's transcriptions start the worker
    // build for this processor, as installed apps do.
    cpu::build_workers("debug")?;
    util::step("Rust: unit and integration tests, including those that need the virtual microphone or a model");
    cargo(&["test", "--workspace", "--locked", "--", "--include-ignored"])?;
    util::step("fuzzing at smoke length (cargo xtask fuzz for the long run)");
    fuzz::run(60, None)?;
    util::step("building the app for the end-to-end tests");
    cargo(&["build", "--package", "starling-app", "--locked"])?;
    util::step("end-to-end tests in the real app window (Xvfb + tauri-driver)");
    e2e::run()?;
    package::test()?;
    util::step("benchmarks at a short length (cargo xtask bench for the full one)");
    drop(_mic);
    bench::run(true)
}
