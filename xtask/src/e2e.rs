//! End-to-end tests in the real app window: a virtual X display (Xvfb),
//! tauri-driver in front of WebKitWebDriver, and the Node test runner driving
//! WebdriverIO scripts from `tests/e2e/`. Every process started here is stopped
//! again, whether the tests pass or not.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::setup::cargo_home_bin;
use crate::util::{have, repo_root, run_cmd, target_dir, Fail};

/// Kills a child process when dropped.
pub struct Reaper(Child, &'static str);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        println!("xtask: stopped {}", self.1);
    }
}

fn free_port() -> Result<u16, Fail> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| Fail::msg(format!("no free local port: {e}")))?;
    l.local_addr().map(|a| a.port()).map_err(|e| Fail::msg(e.to_string()))
}

fn free_display() -> u32 {
    (90..200).find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists()).unwrap_or(99)
}

fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) -> Result<(), Fail> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(Fail::msg(format!("{what} did not become ready within {timeout:?}")))
}

/// Starts Xvfb on a free display; returns it (stopped when dropped) and
/// the display number.
pub fn virtual_display() -> Result<(Reaper, u32), Fail> {
    let display = free_display();
    let xvfb = Command::new("Xvfb")
        .args([format!(":{display}").as_str(), "-screen", "0", "1280x860x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Fail::msg(format!("could not start Xvfb (install the xvfb package): {e}")))?;
    let reaper = Reaper(xvfb, "Xvfb");
    wait_until("Xvfb", Duration::from_secs(15), || Path::new(&format!("/tmp/.X11-unix/X{display}")).exists())?;
    Ok((reaper, display))
}

pub fn run() -> Result<(), Fail> {
    let root = repo_root();
    let app = target_dir().join("debug").join("starling");
    if !app.exists() {
        return Err(Fail::msg(format!("the app binary {} is missing; the build step should have made it", app.display())));
    }
    let artifacts = root.join("tests/e2e/artifacts");
    std::fs::create_dir_all(&artifacts).map_err(|e| Fail::msg(format!("cannot create {}: {e}", artifacts.display())))?;

    let (_xvfb, display) = virtual_display()?;

    // The voice's published package, served from this machine: the app
    // downloads it from there as from PyPI (same file, same checksum).
    let (_mirror, voice_url) = voice_mirror()?;

    let driver: PathBuf = if have("tauri-driver") { "tauri-driver".into() } else { cargo_home_bin("tauri-driver") };
    let port = free_port()?;
    let native_port = free_port()?;
    let log = std::fs::File::create(artifacts.join("tauri-driver.log")).map_err(|e| Fail::msg(e.to_string()))?;
    let log2 = log.try_clone().map_err(|e| Fail::msg(e.to_string()))?;
    let td = Command::new(&driver)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("DISPLAY", format!(":{display}"))
        .env("STARLING_VOICE_URL", &voice_url)
        .stdout(log)
        .stderr(log2)
        .spawn()
        .map_err(|e| Fail::msg(format!("could not start {}: {e}", driver.display())))?;
    let _td = Reaper(td, "tauri-driver");
    wait_until("tauri-driver", Duration::from_secs(15), || TcpStream::connect(("127.0.0.1", port)).is_ok())?;

    let dir = root.join("tests/e2e");
    // `STARLING_E2E_ONLY=study,backup` runs just those files (while developing).
    let only = std::env::var("STARLING_E2E_ONLY").ok().filter(|v| !v.trim().is_empty());
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| Fail::msg(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".test.mjs"))
        .filter(|n| only.as_ref().is_none_or(|o| o.split(',').any(|part| n.contains(part.trim()))))
        .collect();
    files.sort();
    let mut cmd = Command::new("node");
    cmd.arg("--test").arg("--test-concurrency=1").args(&files).current_dir(&dir);
    cmd.env("DISPLAY", format!(":{display}"))
        .env("STARLING_APP_BIN", &app)
        .env("STARLING_E2E_ARTIFACTS", &artifacts)
        .env("WEBDRIVER_PORT", port.to_string())
        .env("STARLING_VOICE_URL", &voice_url);
    run_cmd(&mut cmd)
}

/// An HTTP server on 127.0.0.1 for the folder that holds the test voice's
/// wheel (`STARLING_PIPER_WHEEL`, set by the model set-up); returns it
/// (stopped when dropped) and its address.
fn voice_mirror() -> Result<(Reaper, String), Fail> {
    let wheel = std::env::var_os("STARLING_PIPER_WHEEL").map(PathBuf::from).ok_or_else(|| Fail::msg("STARLING_PIPER_WHEEL is not set; the model set-up sets it"))?;
    let dir = wheel.parent().ok_or_else(|| Fail::msg(format!("{} has no folder", wheel.display())))?;
    let port = free_port()?;
    let server = Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Fail::msg(format!("could not start python3's http.server: {e}")))?;
    let reaper = Reaper(server, "the voice mirror");
    wait_until("the voice mirror", Duration::from_secs(15), || TcpStream::connect(("127.0.0.1", port)).is_ok())?;
    Ok((reaper, format!("http://127.0.0.1:{port}")))
}
