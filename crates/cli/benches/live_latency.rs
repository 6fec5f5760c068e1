//! The live transcript's two latencies, through the same worker binary the
//! app starts, on the same answer and model, in one run:
//!
//! - **word latency**: for every word of the answer, the time from the end
//!   of the word in the audio to the first event the window receives that
//!   shows something at that moment of the answer (a preview of the stretch
//!   being spoken, or the finished stretch). Where each word ends comes from
//!   the word timings whisper.cpp gives in a plain pass over the whole file
//!   (30 s windows, no stretches, so the times do not depend on what is
//!   measured). Measured
//!   with previews (every second of speech) and without them (text only when
//!   a stretch ends at a pause, as before previews existed).
//! - **stop-to-final**: how long after the user presses Stop the whole
//!   transcript is ready, with and without previews, against the one-pass
//!   path (the whole file transcribed after stop, including loading the
//!   model, as the app's worker does).
//! - both again with previews while another program (a shell loop the
//!   benchmark starts) keeps one core busy.
//!
//! The answer is fed into the recorder's tap at real-time speed (50 ms at a
//! time, as the writer delivers it) so the live worker meets the audio as
//! it would during a real take; "stop" is the moment the tap closes.
//!
//! Run by `cargo xtask bench`, which sets `STARLING_BENCH_LIVE_WAV`,
//! `STARLING_BENCH_LIVE_REFERENCE`, `STARLING_BENCH_RUNS` and the model
//! folders `STARLING_CT2_TINY_EN` / `STARLING_CT2_BASE`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use starling_studio::live::{LiveOptions, LiveTranscription, LiveUpdate};
use starling_transcribe::{audio, convert, wer::wer, Segment, Word};

const WORKER: &str = env!("CARGO_BIN_EXE_starling-cli");

/// How far (ms) a shown word may sit from a reference word's timing and
/// still count as showing that moment: Whisper's word times are rough.
const SLACK_MS: u32 = 300;

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// What one live take gave: stop → final seconds, the final text, and every
/// event with the milliseconds since the audio started.
struct Take {
    stop_to_final: f64,
    text: String,
    events: Vec<(u64, Vec<Segment>)>,
    previews: usize,
}

fn live_take(model: &Path, samples: &[f32], opts: LiveOptions) -> Take {
    let (tap, reader) = starling_capture::audio_tap(30);
    let events = Arc::new(Mutex::new(Vec::new()));
    let previews = Arc::new(Mutex::new(0usize));
    let (seen, counted) = (Arc::clone(&events), Arc::clone(&previews));
    let t0 = Arc::new(Mutex::new(Instant::now()));
    let start = Arc::clone(&t0);
    let live = LiveTranscription::start_with(Path::new(WORKER), model, reader, opts, move |u| {
        let at = start.lock().map(|t| t.elapsed().as_millis() as u64).unwrap_or(0);
        let segments = match u {
            LiveUpdate::Stretch(s) => s,
            LiveUpdate::Preview { segments, .. } => {
                *counted.lock().expect("the counter") += 1;
                segments
            }
        };
        seen.lock().expect("the event log").push((at, segments));
    })
    .expect("the live worker starts");
    // Let the worker load its model, as it does while the think time runs.
    std::thread::sleep(Duration::from_secs(2));
    let started = Instant::now();
    *t0.lock().expect("the clock") = started;
    tap.play_in_real_time(samples, started);
    let stopped = Instant::now();
    let t = live.finish(Duration::from_secs(600)).expect("the live transcript completes");
    let stop_to_final = stopped.elapsed().as_secs_f64();
    let events = events.lock().expect("the event log").clone();
    let previews = *previews.lock().expect("the counter");
    Take { stop_to_final, text: t.text, events, previews }
}

/// For each reference word, seconds from its end in the audio to the first
/// event showing a word at that moment; also how many of those first
/// showings had the same word.
fn word_latencies(reference: &[Word], events: &[(u64, Vec<Segment>)]) -> (Vec<f64>, usize) {
    let norm = starling_transcribe::wer::normalize_word;
    let mut latencies = Vec::new();
    let mut same = 0;
    for r in reference {
        let (from, to) = (r.start_ms.saturating_sub(SLACK_MS), r.end_ms + SLACK_MS);
        let first = events.iter().find_map(|(at, segments)| {
            let shown: Vec<&Word> = segments.iter().flat_map(|s| &s.words).filter(|w| w.end_ms >= from && w.start_ms <= to).collect();
            (!shown.is_empty()).then(|| (*at, shown.iter().any(|w| norm(&w.text) == norm(&r.text))))
        });
        if let Some((at, matched)) = first {
            latencies.push((at as f64 - r.end_ms as f64) / 1000.0);
            same += usize::from(matched);
        }
    }
    (latencies, same)
}

/// Where each word of the answer is, from whisper.cpp's own windows over
/// the whole recording.
fn word_timeline(model: &Path, samples: &[f32]) -> Vec<Word> {
    use starling_transcribe::{TranscribeOptions, Transcriber, WhisperTranscriber};
    let mut engine = WhisperTranscriber::load(model).expect("the model loads");
    let t = engine
        .transcribe(samples, &TranscribeOptions::default(), &mut |_| {}, &std::sync::atomic::AtomicBool::new(false))
        .expect("the reference pass runs");
    t.segments.into_iter().flat_map(|s| s.words).collect()
}

/// The one-pass path: the app's transcription worker on the whole file.
/// Returns the seconds it took and the transcript's text.
fn one_pass(model: &Path, wav: &Path) -> (f64, String) {
    let stopped = Instant::now();
    let out = Command::new(WORKER).args(["__transcribe-worker", "--model"]).arg(model).arg("--wav").arg(wav).output().expect("the worker runs");
    let secs = stopped.elapsed().as_secs_f64();
    let transcript: starling_transcribe::Transcript = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| serde_json::from_value(v["transcript"].clone()).ok())
        .expect("the worker printed a transcript");
    (secs, transcript.text)
}

fn main() {
    let (Some(wav), Some(reference)) = (env_path("STARLING_BENCH_LIVE_WAV"), env_path("STARLING_BENCH_LIVE_REFERENCE")) else {
        eprintln!("live_latency: set STARLING_BENCH_LIVE_WAV and STARLING_BENCH_LIVE_REFERENCE (cargo xtask bench does)");
        std::process::exit(2);
    };
    let reference = std::fs::read_to_string(&reference).expect("the reference text");
    let samples = audio::load_wav(&wav).expect("the benchmark WAV");
    let runs: usize = std::env::var("STARLING_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
    let models: Vec<&str> =
        std::env::var("STARLING_BENCH_LIVE_MODELS").map(|v| v.leak().split(',').collect()).unwrap_or_else(|_| vec!["tiny.en", "base"]);
    println!(
        "live latency: a {:.0} s answer fed at real-time speed, {runs} run(s) per row; word latency over every word of every run",
        samples.len() as f64 / 16_000.0
    );
    println!(
        "{:<8} {:<14} {:>9} {:>24} {:>11} {:>9} {:>8}",
        "model", "path", "previews", "word latency p50 / p95", "stop→final", "WER", "same"
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, var) in [("tiny.en", "STARLING_CT2_TINY_EN"), ("base", "STARLING_CT2_BASE")] {
        if !models.contains(&name) {
            continue;
        }
        let Some(ct2) = env_path(var) else {
            println!("{name:<8} skipped: {var} is not set");
            continue;
        };
        let model = dir.path().join(format!("{name}.bin"));
        convert::convert_folder(&ct2, &model).expect("the CTranslate2 folder converts");
        let (mut pass_secs, mut pass_text) = (Vec::new(), String::new());
        for _ in 0..runs {
            let (s, t) = one_pass(&model, &wav);
            pass_secs.push(s);
            pass_text = t;
        }
        let timeline = word_timeline(&model, &samples);
        let paths = [
            ("live, previews", LiveOptions::default().preview_every, false),
            ("live, stretches", None, false),
            // Another program keeps one core busy, as a browser or a call
            // would: does the live transcript keep up?
            ("previews, busy", LiveOptions::default().preview_every, true),
        ];
        for (path, preview_every, busy) in paths {
            let (mut lat, mut stops, mut same, mut words, mut previews) = (Vec::new(), Vec::new(), 0, 0, 0);
            let mut text = String::new();
            for _ in 0..runs {
                let _busy = busy.then(|| starling_transcribe::load::BusyLoop::start().expect("a shell for the busy loop"));
                // As the app does: the worker's threads wait as the load
                // measured just before suggests.
                let opts = LiveOptions { preview_every, worker_env: starling_transcribe::load::worker_env_measured() };
                let take = live_take(&model, &samples, opts);
                let (l, s) = word_latencies(&timeline, &take.events);
                words += timeline.len();
                same += s;
                lat.extend(l);
                stops.push(take.stop_to_final);
                previews += take.previews;
                text = take.text;
            }
            println!(
                "{name:<8} {path:<14} {:>9} {:>10.2} s / {:>6.2} s {:>9.2} s {:>8.1}% {:>7.0}%",
                previews / runs,
                percentile(&lat, 0.5),
                percentile(&lat, 0.95),
                percentile(&stops, 0.5),
                wer(&reference, &text) * 100.0,
                same as f64 * 100.0 / words.max(1) as f64
            );
            if lat.len() < words {
                println!("{name:<8} {path:<14} {} of {words} words were never shown", words - lat.len());
            }
        }
        println!(
            "{name:<8} {:<14} {:>9} {:>24} {:>9.2} s {:>8.1}%",
            "one pass",
            "",
            "",
            percentile(&pass_secs, 0.5),
            wer(&reference, &pass_text) * 100.0
        );
    }
    println!("(same = first showings that had the very word; one pass includes loading the model, as the app's worker does)");
}
