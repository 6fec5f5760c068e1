//! A headless recording killed with SIGKILL mid-answer is recovered the next
//! time Starling opens its data: the attempt is marked recovered, with the
//! audio captured up to the kill and a valid WAV header.
//!
//! Needs the virtual microphone that `cargo xtask test` starts.

use std::process::{Command, Stdio};
use std::time::Duration;

use starling_capture::wav;
use starling_store::AttemptState;
use starling_studio::{DataPaths, Studio};

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` starts"]
fn a_recording_killed_mid_answer_is_recovered() {
    let data = tempfile::tempdir().unwrap();
    let speech = data.path().join("speech.wav");
    assert!(Command::new("espeak-ng")
        .arg("-w")
        .arg(&speech)
        .arg("The situation was a slow report. My task was to make it fast. I added an index and caching, and the page loaded in one second.")
        .status()
        .unwrap()
        .success());
    let mut player = Command::new("paplay").args(["-d", "virtmic"]).arg(&speech).spawn().unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_starling-cli"))
        .args(["record", "--question", "behavior-difficult-bug", "--seconds", "60"])
        .env("STARLING_DATA_DIR", data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(5_300));
    child.kill().unwrap(); // SIGKILL: no chance to finish the file
    let status = child.wait().unwrap();
    assert!(!status.success());
    let _ = player.wait();

    let studio = Studio::open(DataPaths::new(data.path())).unwrap();
    let detail = studio.open_question("behavior-difficult-bug").unwrap();
    assert_eq!(detail.attempts.len(), 1);
    let attempt = &detail.attempts[0];
    assert_eq!(attempt.state, AttemptState::Recovered, "{attempt:?}");
    let ms = attempt.duration_ms.unwrap();
    assert!(ms >= 4_000, "only {ms} ms survived the kill");
    assert!(ms <= 6_000, "{ms} ms is more than was recorded");
    let path = studio.attempt_audio(attempt.id).unwrap();
    let info = wav::inspect(&path).unwrap();
    assert_eq!((info.sample_rate, info.channels), (16_000, 1));
    assert_eq!(info.duration_ms() as i64, ms);
    // The recovered audio holds the speech, not silence.
    let samples: Vec<i16> = hound::WavReader::open(&path).unwrap().samples::<i16>().map(Result::unwrap).collect();
    let rms = (samples.iter().map(|&s| (s as f64 / 32768.0).powi(2)).sum::<f64>() / samples.len() as f64).sqrt();
    assert!(rms > 0.02, "recovered RMS {rms:.4}");
}
