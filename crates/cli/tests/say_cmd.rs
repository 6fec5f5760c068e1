//! `starling say`: a bank question or any text into a WAV file, with the
//! espeak-ng fallback (always installed) and, with the test voice `cargo
//! xtask test` fetches, the Piper voice; refusals for bad input.

use std::path::Path;
use std::process::Command;

fn cli(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_starling-cli"));
    c.env("STARLING_DATA_DIR", data);
    c
}

fn seconds(wav: &Path) -> f64 {
    let r = hound::WavReader::open(wav).unwrap();
    assert_eq!((r.spec().channels, r.spec().bits_per_sample), (1, 16));
    f64::from(r.duration()) / f64::from(r.spec().sample_rate)
}

#[test]
fn a_question_and_its_follow_up_are_spoken_by_espeak_when_no_voice_is_installed() {
    let data = tempfile::tempdir().unwrap();
    let out = data.path().join("..").join(format!("say-{}.wav", std::process::id()));
    let run = cli(data.path()).args(["say", "--question", "python-generators", "--out"]).arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("by espeak:en-us"), "{}", String::from_utf8_lossy(&run.stdout));
    let question = seconds(&out);
    let run = cli(data.path()).args(["say", "--question", "python-generators", "--follow-up", "--out"]).arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(question > 0.8 && seconds(&out) > 0.8, "{question} s and {} s", seconds(&out));
    let slow = cli(data.path()).args(["say", "--question", "python-generators", "--speed", "0.6", "--out"]).arg(&out).output().unwrap();
    assert!(slow.status.success());
    assert!(seconds(&out) > question * 1.3, "0.6× speed: {} s against {question} s", seconds(&out));
    let _ = std::fs::remove_file(&out);
}

#[test]
fn bad_requests_are_refused_with_the_reason() {
    let data = tempfile::tempdir().unwrap();
    let out = data.path().join("..").join(format!("refused-{}.wav", std::process::id()));
    for (args, says) in [
        (vec!["--question", "no-such-question"], "no question has the id \"no-such-question\""),
        (vec!["--question", "behavior-difficult-bug", "--follow-up"], "has no follow-up"),
        (vec!["--text", "hi", "--voice", "nobody"], "No voice named \"nobody\" is installed (installed: none"),
        (vec!["--text", "hi", "--speed", "NaN"], "use a pace from 0.5 (half speed) to 2 (twice as fast), not NaN"),
        (vec!["--text", &"word ".repeat(1_000)], "the most read aloud at once is 4000"),
    ] {
        let run = cli(data.path()).arg("say").args(&args).arg("--out").arg(&out).output().unwrap();
        assert!(!run.status.success(), "{args:?} was accepted");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} left a file");
    }
    let inside = data.path().join("starling.db");
    let run = cli(data.path()).args(["say", "--text", "hi", "--out"]).arg(&inside).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("inside Starling's data folder"));
}

#[test]
#[ignore = "needs the test voice and ONNX Runtime that `cargo xtask test` fetches"]
fn an_installed_piper_voice_is_the_default() {
    let data = tempfile::tempdir().unwrap();
    let voices = data.path().join("voices");
    std::fs::create_dir_all(&voices).unwrap();
    let model = std::path::PathBuf::from(std::env::var_os("STARLING_PIPER_VOICE").expect("set STARLING_PIPER_VOICE (cargo xtask test does)"));
    std::fs::copy(&model, voices.join("en_US-joe-medium.onnx")).unwrap();
    std::fs::copy(format!("{}.json", model.display()), voices.join("en_US-joe-medium.onnx.json")).unwrap();
    let out = data.path().join("..").join(format!("piper-{}.wav", std::process::id()));
    let run = cli(data.path()).args(["say", "--question", "behavior-difficult-bug", "--out"]).arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("by en_US-joe-medium"), "{}", String::from_utf8_lossy(&run.stdout));
    assert_eq!(hound::WavReader::open(&out).unwrap().spec().sample_rate, 22_050);
    assert!(seconds(&out) > 1.0);
    let _ = std::fs::remove_file(&out);
}
