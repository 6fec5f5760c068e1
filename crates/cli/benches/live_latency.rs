//! Stop-to-final-transcript latency: how long after the user presses Stop
//! the whole transcript is ready, with the live transcript (only the last
//! stretch is left) against the one-pass path (the whole file transcribed
//! after stop), both through the same worker binary the app starts, on the
//! same answer and model, in one run.
//!
//! The answer is fed into the recorder's tap at real-time speed (50 ms at a
//! time, as the writer delivers it) so the live worker meets the audio as
//! it would during a real take; "stop" is the moment the tap closes. Capture
//! itself is measured by the capture benchmark.
//!
//! Run by `cargo xtask bench`, which sets `STARLING_BENCH_LIVE_WAV`,
//! `STARLING_BENCH_LIVE_REFERENCE`, `STARLING_BENCH_RUNS` and the model
//! folders `STARLING_CT2_TINY_EN` / `STARLING_CT2_BASE`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use starling_studio::live::LiveTranscription;
use starling_transcribe::{audio, convert, wer::wer};

const WORKER: &str = env!("CARGO_BIN_EXE_starling-cli");

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// One take through the live path; returns (stop → final seconds, text).
fn live_take(model: &Path, samples: &[f32]) -> (f64, String) {
    let (mut tap, reader) = starling_capture::audio_tap(30);
    let live = LiveTranscription::start(Path::new(WORKER), model, reader, |_| {})
        .expect("the live worker starts");
    let t0 = Instant::now();
    for (i, piece) in samples.chunks(800).enumerate() {
        let due = t0 + Duration::from_millis(50 * (i as u64 + 1));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        tap.offer(piece);
    }
    drop(tap);
    let stopped = Instant::now();
    let t = live
        .finish(Duration::from_secs(600))
        .expect("the live transcript completes");
    (stopped.elapsed().as_secs_f64(), t.text)
}

/// The one-pass path: the app's transcription worker on the whole file.
fn one_pass(model: &Path, wav: &Path) -> (f64, String) {
    let stopped = Instant::now();
    let out = Command::new(WORKER)
        .args(["__transcribe-worker", "--model"])
        .arg(model)
        .arg("--wav")
        .arg(wav)
        .output()
        .expect("the worker runs");
    let secs = stopped.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| v["transcript"]["text"].as_str().map(str::to_string))
        .expect("the worker printed a transcript");
    (secs, text)
}

fn main() {
    let (Some(wav), Some(reference)) = (
        env_path("STARLING_BENCH_LIVE_WAV"),
        env_path("STARLING_BENCH_LIVE_REFERENCE"),
    ) else {
        eprintln!("live_latency: set STARLING_BENCH_LIVE_WAV and STARLING_BENCH_LIVE_REFERENCE (cargo xtask bench does)");
        std::process::exit(2);
    };
    let reference = std::fs::read_to_string(&reference).expect("the reference text");
    let samples = audio::load_wav(&wav).expect("the benchmark WAV");
    let runs: usize = std::env::var("STARLING_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let models: Vec<&str> = std::env::var("STARLING_BENCH_LIVE_MODELS")
        .map(|v| v.leak().split(',').collect())
        .unwrap_or_else(|_| vec!["tiny.en", "base"]);
    println!(
        "stop-to-final latency: a {:.0} s answer fed at real-time speed, median of {runs}",
        samples.len() as f64 / 16_000.0
    );
    println!(
        "{:<8} {:>12} {:>10} | {:>12} {:>10} | {:>8}",
        "model", "live", "live WER", "one pass", "WER", "ratio"
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, var) in [
        ("tiny.en", "STARLING_CT2_TINY_EN"),
        ("base", "STARLING_CT2_BASE"),
    ] {
        if !models.contains(&name) {
            continue;
        }
        let Some(ct2) = env_path(var) else {
            println!("{name:<8} skipped: {var} is not set");
            continue;
        };
        let model = dir.path().join(format!("{name}.bin"));
        convert::convert_folder(&ct2, &model).expect("the CTranslate2 folder converts");
        let (mut live, mut pass) = (Vec::new(), Vec::new());
        let (mut live_text, mut pass_text) = (String::new(), String::new());
        for _ in 0..runs {
            let (s, t) = live_take(&model, &samples);
            live.push(s);
            live_text = t;
            let (s, t) = one_pass(&model, &wav);
            pass.push(s);
            pass_text = t;
        }
        let (l, p) = (median(live.clone()), median(pass.clone()));
        println!(
            "{name:<8} {:>11.2}s {:>9.1}% | {:>11.2}s {:>9.1}% | {:>7.1}×",
            l,
            wer(&reference, &live_text) * 100.0,
            p,
            wer(&reference, &pass_text) * 100.0,
            p / l
        );
        println!(
            "{name:<8} live runs: {:?} s; one-pass runs: {:?} s",
            round(&live),
            round(&pass)
        );
    }
    println!("(ratio = one-pass latency / live latency; the one pass includes loading the model, as the app's worker does)");
}

fn round(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| (x * 100.0).round() / 100.0).collect()
}
