//! `cargo xtask package`: the Debian package from Tauri's bundler, and the
//! package test that `test` runs — install it, start the installed app in a
//! virtual display until its page is interactive, put user data in the app
//! data folder, upgrade to a newer package, start it again, and check the
//! data is all there; then remove the package (the data stays).
//!
//! The test bundles the debug build that the end-to-end tests just used
//! (`tauri bundle --debug`), so it costs seconds; `cargo xtask package
//! --release` builds the release package for users. An AppImage is not made
//! here: Tauri's AppImage bundler downloads linuxdeploy from GitHub, which
//! this machine cannot reach.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::{output, repo_root, run_cmd, step, target_dir, Fail};

const PACKAGE: &str = "starling";
const INSTALLED_BIN: &str = "/usr/bin/starling";
const NOTE: &str = "Survives an upgrade: the cache key lacked the user id.";

fn as_root(program: &str) -> Command {
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
    if is_root {
        Command::new(program)
    } else {
        let mut c = Command::new("sudo");
        c.arg(program);
        c
    }
}

/// Runs the Tauri CLI (from the UI's npm packages) on the app.
fn tauri(args: &[&str]) -> Result<(), Fail> {
    let cli = repo_root().join("ui/node_modules/.bin/tauri");
    if !cli.exists() {
        return Err(Fail::msg("the Tauri CLI is missing from ui/node_modules; `cargo xtask setup` installs it"));
    }
    run_cmd(Command::new(cli).args(args).arg("--ci").env("TAURI_APP_PATH", "src-tauri").current_dir(repo_root()))
}

/// Bundles the .deb of the build in `profile` (`debug` or `release`) at
/// `version`; returns its path.
fn bundle(profile: &str, version: &str) -> Result<PathBuf, Fail> {
    let config = format!("{{\"version\":\"{version}\",{}}}", bundled_files(profile)?);
    let mut args = vec!["bundle", "--bundles", "deb", "--config", &config];
    if profile == "debug" {
        args.push("--debug");
    }
    tauri(&args)?;
    let deb = target_dir().join(profile).join("bundle/deb").join(format!("Starling_{version}_amd64.deb"));
    deb.exists().then_some(deb.clone()).ok_or_else(|| Fail::msg(format!("the bundler did not write {}", deb.display())))
}

/// `cargo xtask package [--release]`.
pub fn build(release: bool) -> Result<(), Fail> {
    let version = workspace_version()?;
    if release {
        crate::cpu::build_workers("release")?;
        step("building the release app and its .deb (tauri build)");
        let config = format!("{{{}}}", bundled_files("release")?);
        tauri(&["build", "--bundles", "deb", "--config", &config])?;
        println!("xtask: {}", target_dir().join("release/bundle/deb").display());
        Ok(())
    } else {
        let deb = bundle("debug", &version)?;
        println!("xtask: wrote {}", deb.display());
        Ok(())
    }
}

/// Where the package installs the worker builds for newer processors;
/// `starling_transcribe::cpu` looks there (`../lib/starling` from the binary).
const WORKER_DIR: &str = "/usr/lib/starling";

/// The `bundle.linux.deb.files` part of a config patch that puts every worker
/// build of `profile` (see `crate::cpu`) into the package.
/// The files the package adds to Tauri's: the worker builds for newer
/// processors and ONNX Runtime (which the interviewer's neural voices load
/// at run time), all in `/usr/lib/starling`.
fn bundled_files(profile: &str) -> Result<String, Fail> {
    let dir = target_dir().join(profile);
    let quote = |p: &Path| p.to_string_lossy().replace('\\', "\\\\").replace('"', "\\\"");
    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(crate::cpu::WORKER_PREFIX) && !name.ends_with(".installing") {
                files.push(format!("\"{WORKER_DIR}/{name}\":\"{}\"", quote(&e.path())));
            }
        }
    }
    let runtime = crate::models::onnxruntime_library()?;
    let name = runtime.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    files.push(format!("\"{WORKER_DIR}/{name}\":\"{}\"", quote(&runtime)));
    files.sort();
    Ok(format!("\"bundle\":{{\"linux\":{{\"deb\":{{\"files\":{{{}}}}}}}}}", files.join(",")))
}

fn workspace_version() -> Result<String, Fail> {
    let conf = std::fs::read_to_string(repo_root().join("tauri.conf.json")).map_err(|e| Fail::msg(format!("cannot read tauri.conf.json: {e}")))?;
    conf.lines()
        .find_map(|l| l.trim().strip_prefix("\"version\": \"").and_then(|r| r.split('"').next()).map(str::to_string))
        .ok_or_else(|| Fail::msg("tauri.conf.json has no version"))
}

fn install(deb: &Path) -> Result<(), Fail> {
    run_cmd(as_root("apt-get").args(["install", "-y", "-q", "--allow-downgrades"]).arg(deb).env("DEBIAN_FRONTEND", "noninteractive"))
}

fn installed_version() -> Option<String> {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status} ${Version}", PACKAGE]))
        .filter(|s| s.starts_with("install ok installed"))
        .and_then(|s| s.split_whitespace().last().map(str::to_string))
}

/// Starts the installed app with `home` as HOME until its page reports
/// interactive; returns how long that took.
fn launch(home: &Path, display: u32) -> Result<Duration, Fail> {
    let started = Instant::now();
    let mut app = Command::new(INSTALLED_BIN)
        .env("HOME", home)
        .env_remove("STARLING_DATA_DIR")
        .env_remove("XDG_DATA_HOME")
        .env("DISPLAY", format!(":{display}"))
        .env("RUST_LOG", "starling_app=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Fail::msg(format!("cannot start the installed {INSTALLED_BIN}: {e}")))?;
    let (tx, rx) = mpsc::channel();
    if let Some(err) = app.stderr.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let mut log = Vec::new();
    let outcome = loop {
        match rx.recv_timeout(Duration::from_secs(60).saturating_sub(started.elapsed())) {
            Ok(line) if line.contains("window interactive") => break Ok(started.elapsed()),
            Ok(line) => log.push(line),
            Err(_) => break Err(Fail::msg(format!("the installed app did not become interactive within 60 s; its log:\n{}", log.join("\n")))),
        }
    };
    let _ = app.kill();
    let _ = app.wait();
    outcome
}

fn python_sqlite(db: &Path, script: &str) -> Result<String, Fail> {
    let out = Command::new("python3")
        // The search triggers call concat_ws(), which SQLite has only since
        // 3.44; an older system SQLite gets an equivalent.
        .args(["-c", &format!("import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.create_function('concat_ws', -1, lambda sep, *xs: sep.join(str(x) for x in xs if x is not None))\n{script}")])
        .arg(db)
        .output()
        .map_err(|e| Fail::msg(format!("cannot run python3: {e}")))?;
    if !out.status.success() {
        return Err(Fail::msg(format!("python3 sqlite3 failed: {}", String::from_utf8_lossy(&out.stderr))));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The package test `test` runs after the end-to-end tests.
pub fn test() -> Result<(), Fail> {
    if !crate::util::have("dpkg-query") || !crate::util::have("apt-get") {
        println!("xtask: not a Debian/Ubuntu system; the .deb package test needs dpkg and apt");
        return Ok(());
    }
    let version = workspace_version()?;
    let next = next_patch(&version)?;
    step(&format!("packaging: .deb {version} and {next} of the debug build"));
    let old = bundle("debug", &version)?;
    let new = bundle("debug", &next)?;
    let size_mib = std::fs::metadata(&old).map(|m| m.len() as f64 / 1048576.0).unwrap_or(0.0);
    if installed_version().is_some() {
        run_cmd(as_root("apt-get").args(["remove", "-y", "-q", PACKAGE]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    let home = std::env::temp_dir().join(format!("starling-package-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).map_err(|e| Fail::msg(format!("cannot create {}: {e}", home.display())))?;
    let data = home.join(".local/share/dev.starling.studio");
    let (_xvfb, display) = crate::e2e::virtual_display()?;

    step(&format!("packaging: install {} and start it", old.display()));
    install(&old)?;
    if installed_version().as_deref() != Some(version.as_str()) {
        return Err(Fail::msg(format!("after installing, dpkg reports {:?}, not {version}", installed_version())));
    }
    let first = launch(&home, display)?;
    // The binaries inside the package on older processors (qemu-user), as
    // the workspace's own are checked in the Rust tests.
    step("packaging: the installed binaries' transcription on emulated older processors");
    crate::models::prepare()?;
    run_cmd(
        Command::new(crate::util::cargo_bin())
            .args(["test", "--locked", "--package", "starling-cli", "--test", "portable_cpu", "--", "--include-ignored", "--nocapture"])
            .env("STARLING_CPU_TEST_BIN", INSTALLED_BIN)
            .current_dir(repo_root()),
    )?;
    let workers = std::fs::read_dir(WORKER_DIR).map(|d| d.count()).unwrap_or(0);
    step("packaging: the installed app speaks with a neural voice through the ONNX Runtime it ships");
    let spoken = std::env::temp_dir().join(format!("starling-package-say-{}.wav", std::process::id()));
    let voice = std::env::var_os("STARLING_PIPER_VOICE").ok_or_else(|| Fail::msg("STARLING_PIPER_VOICE is not set"))?;
    run_cmd(
        Command::new(INSTALLED_BIN)
            .args(["say", "--text", "Tell me about a time you disagreed with your manager.", "--voice"])
            .arg(&voice)
            .arg("--out")
            .arg(&spoken)
            .env("HOME", &home)
            .env_remove("STARLING_DATA_DIR")
            .env_remove("STARLING_ONNXRUNTIME"),
    )?;
    let spoken_bytes = std::fs::metadata(&spoken).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(&spoken);
    if spoken_bytes < 44_100 {
        return Err(Fail::msg(format!("the installed app's speech is only {spoken_bytes} bytes")));
    }
    let db = data.join("starling.db");
    if !db.exists() {
        return Err(Fail::msg(format!("the installed app did not create its database in the app data folder {}", data.display())));
    }
    // What a user has by then: a STAR note and a deck of their own.
    python_sqlite(
        &db,
        &format!("db.execute(\"INSERT INTO star_notes (question_id, situation, updated_ms) VALUES ('behavior-difficult-bug', '{NOTE}', 1)\")\ndb.commit()"),
    )?;
    let deck = data.join("decks/mine.toml");
    let deck_text = "[[question]]\nid = \"mine-1\"\nkind = \"behavioral\"\narea = \"Behavioral\"\nprompt = \"Tell me about a time you shipped late.\"\n";
    std::fs::write(&deck, deck_text).map_err(|e| Fail::msg(format!("cannot write {}: {e}", deck.display())))?;

    step(&format!("packaging: upgrade to {} and start it again", new.display()));
    install(&new)?;
    if installed_version().as_deref() != Some(next.as_str()) {
        return Err(Fail::msg(format!("after the upgrade, dpkg reports {:?}, not {next}", installed_version())));
    }
    let second = launch(&home, display)?;
    let note = python_sqlite(&db, "print(db.execute(\"SELECT situation FROM star_notes WHERE question_id = 'behavior-difficult-bug'\").fetchone()[0])")?;
    if note != NOTE {
        return Err(Fail::msg(format!("after the upgrade the note reads {note:?}")));
    }
    if std::fs::read_to_string(&deck).ok().as_deref() != Some(deck_text) {
        return Err(Fail::msg("after the upgrade the user's deck is gone or changed"));
    }
    let listed = output(Command::new(INSTALLED_BIN).args(["bank", "list"]).env("HOME", &home).env_remove("STARLING_DATA_DIR")).unwrap_or_default();
    if !listed.contains("mine-1") {
        return Err(Fail::msg("the upgraded app does not list the user's own question (`starling bank list`)"));
    }

    step("packaging: remove the package");
    run_cmd(as_root("apt-get").args(["remove", "-y", "-q", PACKAGE]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    let kept = db.exists() && deck.exists();
    let _ = std::fs::remove_dir_all(&home);
    if !kept {
        return Err(Fail::msg("removing the package removed the user's data"));
    }
    println!("\npackage test: .deb {size_mib:.1} MiB (debug build)");
    println!("  installed {version}: interactive after {} ms; database in ~/.local/share/dev.starling.studio", first.as_millis());
    println!("  upgraded to {next}: interactive after {} ms; the note and the user's deck kept, the deck listed", second.as_millis());
    println!("  {workers} file(s) in {WORKER_DIR} (worker builds for newer processors, ONNX Runtime); transcription under qemu-user matched the native run");
    println!("  the installed app spoke a question with the test voice through its own ONNX Runtime ({} KiB of speech)", spoken_bytes / 1024);
    println!("  removed: the data folder kept");
    Ok(())
}

fn next_patch(version: &str) -> Result<String, Fail> {
    let mut parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    match parts.last_mut() {
        Some(p) => *p += 1,
        None => return Err(Fail::msg(format!("cannot bump the version {version}"))),
    }
    Ok(parts.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
}
