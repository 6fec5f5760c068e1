//! How long short commands (save a note, search, list the questions) take
//! while long work runs: a backup export of at least 512 MB of recordings
//! and a model import (a CTranslate2 folder converted and loaded by the
//! worker), at the same time, on the same data folder.
//!
//! Three runs in one process, on the same data and the same probes:
//! - idle: nothing else runs (the floor);
//! - before: the long work holds the studio's lock from start to end, as
//!   the shell ran it until `starling_studio::shared` existed
//!   (`shared.with(|s| s.export_backup(..))`, the same for the import);
//! - after: `SharedStudio::export_backup` and `SharedStudio::import_model`,
//!   which lock the studio only to read what they need and record the
//!   result.
//!
//! The probe sends one short command every 10 ms, round robin, from its own
//! thread (as the window's commands arrive on Tauri's), and records each
//! call's latency until the long work ends. The target is p99 ≤ 50 ms after.
//!
//! Run by `cargo xtask bench`, which sets `STARLING_CT2_TINY_EN`;
//! `STARLING_BENCH_SHORT=1` (CI) exports 128 MB instead of 512 MB.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use starling_store::StarNoteDraft;
use starling_studio::clock::Clock;
use starling_studio::shared::SharedStudio;
use starling_studio::transcription::WorkerCommand;
use starling_studio::{DataPaths, Studio};

const WORKER: &str = env!("CARGO_BIN_EXE_starling-cli");
const FILE_MB: usize = 8;

fn worker() -> WorkerCommand {
    WorkerCommand { program: WORKER.into(), prefix: vec!["__transcribe-worker".into()] }
}

/// `n` recordings of `FILE_MB` MB each: a WAV header and noise, which
/// deflate cannot shrink (the slowest case for the export).
fn fill_recordings(paths: &DataPaths, n: usize) {
    std::fs::create_dir_all(paths.recordings()).expect("the recordings folder");
    let mut rng = fastrand::Rng::with_seed(7);
    let samples = FILE_MB * 1024 * 1024 / 2;
    for i in 0..n {
        let spec = hound::WavSpec { channels: 1, sample_rate: 16_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
        let mut w = hound::WavWriter::create(paths.recordings().join(format!("{i}.wav")), spec).expect("a recording");
        for _ in 0..samples {
            w.write_sample(rng.i16(..)).expect("a sample");
        }
        w.finalize().expect("a finished recording");
    }
}

/// Notes on every question, so search and the question list have work.
fn fill_notes(shared: &SharedStudio) -> Vec<String> {
    let ids: Vec<String> = shared.with(|s| Ok::<_, starling_studio::StudioError>(s.bank().questions().iter().map(|q| q.id.clone()).collect())).expect("the bank");
    for (i, id) in ids.iter().enumerate() {
        let draft = StarNoteDraft {
            question_id: id.clone(),
            situation: format!("Situation {i}: the checkout page was slow and the cache key was shared."),
            action: "I added an index, a cache and a regression test.".into(),
            ..Default::default()
        };
        shared.with(|s| s.save_star_note(&draft)).expect("a note");
    }
    ids
}

struct Figures {
    latencies_ms: Vec<f64>,
    long_work: Duration,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Runs `long` (each closure on its own thread) while probing; with no
/// closures, probes for `idle_for`.
fn probe_during(shared: &Arc<SharedStudio>, ids: &[String], long: Vec<Box<dyn FnOnce() + Send>>, idle_for: Duration) -> Figures {
    let done = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let prober = {
        let shared = shared.clone();
        let ids = ids.to_vec();
        let done = done.clone();
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let mut i = 0usize;
            while !done.load(Ordering::SeqCst) {
                let id = &ids[i % ids.len()];
                let t = Instant::now();
                match i % 3 {
                    0 => {
                        let draft = StarNoteDraft { question_id: id.clone(), task: format!("Probe {i}."), ..Default::default() };
                        shared.with(|s| s.save_star_note(&draft)).map(drop)
                    }
                    1 => shared.with(|s| s.search("cache key")).map(drop),
                    _ => shared.with(|s| s.snapshot()).map(drop),
                }
                .expect("a short command");
                out.push(t.elapsed().as_secs_f64() * 1000.0);
                i += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            out
        })
    };
    if long.is_empty() {
        std::thread::sleep(idle_for);
    } else {
        let workers: Vec<_> = long.into_iter().map(std::thread::spawn).collect();
        for w in workers {
            w.join().expect("the long work");
        }
    }
    let long_work = started.elapsed();
    done.store(true, Ordering::SeqCst);
    let mut latencies_ms = prober.join().expect("the probe");
    latencies_ms.sort_by(f64::total_cmp);
    Figures { latencies_ms, long_work }
}

fn report(label: &str, f: &Figures) {
    let l = &f.latencies_ms;
    println!(
        "{label:<44} {:>6} {:>9.2} {:>9.2} {:>9.2} {:>9.1}",
        l.len(),
        percentile(l, 50.0),
        percentile(l, 99.0),
        l.last().copied().unwrap_or(f64::NAN),
        f.long_work.as_secs_f64()
    );
}

fn main() {
    let Some(model) = std::env::var_os("STARLING_CT2_TINY_EN").filter(|v| !v.is_empty()).map(PathBuf::from) else {
        eprintln!("short_commands: set STARLING_CT2_TINY_EN (cargo xtask bench does)");
        std::process::exit(2);
    };
    let short = std::env::var_os("STARLING_BENCH_SHORT").is_some_and(|v| !v.is_empty());
    let files = if short { 16 } else { 64 };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let paths = DataPaths::new(dir.path().join("data"));
    fill_recordings(&paths, files);
    let studio = Studio::open(paths.clone()).expect("the studio");
    let shared = SharedStudio::new(studio, Clock::system(), Some(worker()), Arc::new(|_| {}));
    let ids = fill_notes(&shared);
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).expect("the output folder");

    println!(
        "short commands (save a note, search, list questions, one every 10 ms) while a {} MB export and a model import run",
        files * FILE_MB
    );
    println!("{:<44} {:>6} {:>9} {:>9} {:>9} {:>9}", "run", "calls", "p50 ms", "p99 ms", "max ms", "work s");
    // Warm the caches the way a running app has them, then the floor.
    probe_during(&shared, &ids, Vec::new(), Duration::from_secs(1));
    let idle = probe_during(&shared, &ids, Vec::new(), Duration::from_secs(if short { 3 } else { 10 }));
    report("idle (nothing else runs)", &idle);

    let long_work = |locked: bool| -> Vec<Box<dyn FnOnce() + Send>> {
        let (s1, s2) = (shared.clone(), shared.clone());
        let archive = out_dir.join(if locked { "before.zip" } else { "after.zip" });
        let model = model.clone();
        vec![
            Box::new(move || {
                let summary = if locked { s1.with(|s| s.export_backup(&archive)) } else { s1.export_backup(&archive) }.expect("the export");
                assert!(summary.bytes >= (files * FILE_MB * 1024 * 1024) as u64, "{summary:?}");
                let _ = std::fs::remove_file(&archive);
            }),
            Box::new(move || {
                let name = Some("bench-import");
                if locked { s2.with(|s| s.import_model(&model, name, &worker())) } else { s2.import_model(&model, name) }.expect("the import");
            }),
        ]
    };
    let before = probe_during(&shared, &ids, long_work(true), Duration::ZERO);
    report("before: long work holds the studio's lock", &before);
    let after = probe_during(&shared, &ids, long_work(false), Duration::ZERO);
    report("after: long work runs unlocked", &after);

    let p99 = percentile(&after.latencies_ms, 99.0);
    println!(
        "p99: idle {:.2} ms, before {:.0} ms, after {p99:.2} ms; target p99 <= 50 ms after: {}",
        percentile(&idle.latencies_ms, 99.0),
        percentile(&before.latencies_ms, 99.0),
        if p99 <= 50.0 { "met" } else { "NOT met" }
    );
    let _ = std::io::stdout().flush();
}
