//! Pauses found in real speech: espeak-ng says three sentences, sox trims
//! their edges and splices in silences of known length (with a little noise,
//! as a real room has), and the pause finder must place each within 0.3 s.

use std::path::{Path, PathBuf};
use std::process::Command;

use starling_coach::pauses::{from_audio, Pause, RATE};

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("could not run {cmd:?}: {e} (cargo xtask setup installs espeak-ng and sox)"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// A sentence as 16 kHz mono, with espeak's leading and trailing silence cut.
fn spoken(dir: &Path, name: &str, text: &str) -> PathBuf {
    let raw = dir.join(format!("{name}-raw.wav"));
    let trimmed = dir.join(format!("{name}.wav"));
    run(Command::new("espeak-ng").arg("-w").arg(&raw).arg(text));
    run(Command::new("sox").arg(&raw).args(["-r", "16000", "-c", "1", "-b", "16"]).arg(&trimmed).args([
        "silence", "1", "0.02", "1%", "reverse", "silence", "1", "0.02", "1%", "reverse",
    ]));
    trimmed
}

/// `seconds` of quiet room noise at 16 kHz.
fn gap(dir: &Path, name: &str, seconds: f32) -> PathBuf {
    let path = dir.join(format!("{name}.wav"));
    run(Command::new("sox").args(["-n", "-r", "16000", "-c", "1", "-b", "16"]).arg(&path).args([
        "synth",
        &seconds.to_string(),
        "whitenoise",
        "vol",
        "0.003",
    ]));
    path
}

fn samples(path: &Path) -> Vec<f32> {
    let reader = hound::WavReader::open(path).unwrap();
    assert_eq!(reader.spec().sample_rate, RATE as u32);
    reader.into_samples::<i16>().map(|s| s.unwrap() as f32 / 32768.0).collect()
}

#[test]
#[ignore = "needs espeak-ng and sox; `cargo xtask test` runs it"]
fn spliced_pauses_are_found_within_300_ms() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let parts = [
        spoken(d, "a", "At my last job our checkout page was slow."),
        gap(d, "g1", 2.5),
        spoken(d, "b", "I profiled the service and added a cache."),
        gap(d, "g2", 3.2),
        spoken(d, "c", "Latency dropped by forty percent."),
        gap(d, "g3", 1.0),
        spoken(d, "e", "We shipped on time."),
    ];
    let joined = d.join("answer.wav");
    run(Command::new("sox").args(&parts).arg(&joined));

    let mut expected = Vec::new();
    let mut at = 0usize;
    for (i, p) in parts.iter().enumerate() {
        let n = samples(p).len();
        if i % 2 == 1 && n >= 2 * RATE {
            expected.push(Pause { start_ms: (at * 1000 / RATE) as i64, end_ms: ((at + n) * 1000 / RATE) as i64 });
        }
        at += n;
    }
    let audio = samples(&joined);
    let found = from_audio(&audio, &[], 2_000);
    println!("expected pauses {expected:?}, found {found:?}");
    assert_eq!(found.len(), expected.len(), "the 1 s gap is below the 2 s threshold; the other two are pauses");
    for (f, e) in found.iter().zip(&expected) {
        assert!((f.start_ms - e.start_ms).abs() <= 300, "start {} vs {}", f.start_ms, e.start_ms);
        assert!((f.end_ms - e.end_ms).abs() <= 300, "end {} vs {}", f.end_ms, e.end_ms);
    }
}
