//! Hostile command lines: numbers and settings that used to panic or be
//! quietly ignored are refused with a message naming what to use instead.

use std::process::Command;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_starling-cli"))
}

/// `--seconds 1e300` panicked inside `Duration::from_secs_f64`; now it, and
/// every other impossible length, is a usage error before any device opens.
#[test]
fn impossible_recording_lengths_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["1e300", "inf", "NaN", "-1", "0", "100000"] {
        let out = cli().env("STARLING_DATA_DIR", dir.path()).args(["record", "--seconds", bad, "--out"]).arg(dir.path().join("x.wav")).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("--seconds") && !err.contains("panicked"), "{bad}: {err}");
    }
    assert!(!dir.path().join("x.wav").exists());
}

/// An empty `STARLING_DATA_DIR` used to mean the default folder, silently:
/// a typo could send a restore into the user's real data.
#[test]
fn an_empty_data_folder_variable_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli().env("STARLING_DATA_DIR", "").env("HOME", dir.path()).args(["notes", "--out"]).arg(dir.path().join("n.md")).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("STARLING_DATA_DIR is set but empty"), "{err}");
    assert!(!dir.path().join("n.md").exists());
    assert!(!dir.path().join(".local/share/dev.starling.studio").exists(), "nothing was created in the default folder");
}

/// A beam whisper.cpp cannot search used to come back as a bare code
/// (`Generic whisper error … -4`); it is refused with the range, before any
/// model is loaded.
#[test]
fn an_impossible_beam_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("a.wav");
    let spec = hound::WavSpec { channels: 1, sample_rate: 16_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(&wav, spec).unwrap();
    for _ in 0..1600 {
        w.write_sample(0i16).unwrap();
    }
    w.finalize().unwrap();
    let model = dir.path().join("tiny.bin");
    std::fs::write(&model, starling_transcribe::testmodel::tiny_test_model()).unwrap();
    let out = cli().env("STARLING_DATA_DIR", dir.path().join("data")).arg("transcribe").arg(&wav).arg("--model").arg(&model).args(["--beam", "100000"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("a beam size of 100000 is not possible") && err.contains("1 to 8"), "{err}");
}
