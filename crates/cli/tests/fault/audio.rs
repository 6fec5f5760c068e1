//! Faults while recording: the disk fills up, the microphone goes away.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use starling_capture::wav;
use starling_studio::{DataPaths, Studio};

use super::{keep_note, note_survived, says, Env};
use crate::common::SmallDisk;

const QUESTION: &str = "behavior-difficult-bug";

fn record(paths: &DataPaths) -> Result<Child, String> {
    Command::new(env!("CARGO_BIN_EXE_starling-cli"))
        .args(["record", "--question", QUESTION, "--seconds", "40"])
        .env("STARLING_DATA_DIR", paths.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the recorder: {e}"))
}

fn play(env: &Env) -> Result<Child, String> {
    Command::new("paplay").args(["-d", "virtmic"]).arg(&env.speech).spawn().map_err(|e| format!("paplay: {e}"))
}

fn wait(child: &mut Child, within: Duration) -> Result<(), String> {
    let deadline = Instant::now() + within;
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err(format!("the recorder did not end within {within:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// The take's message and seconds of audio kept, checked to hold sound.
fn the_take(paths: &DataPaths) -> Result<(String, f64), String> {
    let studio = Studio::open(paths.clone()).map_err(|e| e.to_string())?;
    let attempt = studio.open_question(QUESTION).map_err(|e| e.to_string())?.attempts.into_iter().max_by_key(|a| a.id).ok_or("no attempt was stored")?;
    let path = studio.attempt_audio(attempt.id).map_err(|e| e.to_string())?;
    let info = wav::inspect(&path).map_err(|e| format!("the kept audio is not a valid WAV: {e}"))?;
    let secs = info.frames as f64 / info.sample_rate as f64;
    if attempt.duration_ms != Some(info.duration_ms() as i64) {
        return Err(format!("the attempt says {:?} ms, the file holds {} ms", attempt.duration_ms, info.duration_ms()));
    }
    Ok((attempt.error.unwrap_or_default(), secs))
}

/// The recordings folder is a 160 KiB disk: the take stops when it is full,
/// says so, and keeps what fitted (about 5 s) as a valid WAV.
pub fn recording_disk_full(env: &Env) -> Result<String, String> {
    let paths = env.data("disk-full");
    keep_note(&Studio::open(paths.clone()).map_err(|e| e.to_string())?, QUESTION)?;
    let disk = SmallDisk::mount(&paths.recordings(), "160k")?;
    let mut player = play(env)?;
    let mut rec = record(&paths)?;
    let waited = wait(&mut rec, Duration::from_secs(30));
    let _ = player.kill();
    let _ = player.wait();
    waited?;
    let (message, secs) = the_take(&paths)?;
    drop(disk);
    if !(3.5..5.5).contains(&secs) {
        return Err(format!("{secs:.2} s kept; about 5 s fit on the disk"));
    }
    note_survived(&paths, QUESTION)?;
    says(&message, &["No space left on device", "Check free disk space"]).map(|m| format!("{m} [{secs:.1} s kept]"))
}

/// The sound server freezes 2.5 s into the answer, as when a USB headset is
/// pulled: the take ends by itself, says why, and keeps the audio.
pub fn microphone_vanishes(env: &Env) -> Result<String, String> {
    let paths = env.data("mic-gone");
    keep_note(&Studio::open(paths.clone()).map_err(|e| e.to_string())?, QUESTION)?;
    let runtime = std::env::var("XDG_RUNTIME_DIR").map_err(|_| "XDG_RUNTIME_DIR does not point at the test's PulseAudio")?;
    let pid = std::fs::read_to_string(std::path::Path::new(&runtime).join("pulse/pid")).map_err(|e| format!("no PulseAudio pid: {e}"))?;
    let mut player = play(env)?;
    let mut rec = record(&paths)?;
    std::thread::sleep(Duration::from_millis(3_000));
    let signal = |s: &str| Command::new("kill").args([s, pid.trim()]).status().is_ok_and(|st| st.success());
    if !signal("-STOP") {
        return Err("cannot freeze PulseAudio".into());
    }
    let ended = wait(&mut rec, Duration::from_secs(10));
    signal("-CONT");
    let _ = player.kill();
    let _ = player.wait();
    ended.map_err(|e| format!("{e} while the microphone was gone"))?;
    let (message, secs) = the_take(&paths)?;
    if !(1.5..4.0).contains(&secs) {
        return Err(format!("{secs:.2} s kept of about 2.5 s before the microphone went"));
    }
    note_survived(&paths, QUESTION)?;
    says(&message, &["microphone stopped", "kept up to that point"]).map(|m| format!("{m} [{secs:.1} s kept]"))
}
