//! The live transcript's worker process, through `LiveTranscription`, with
//! the real `__live-worker` binary and the model `cargo xtask test` fetches:
//! stretches come back while audio still flows, the stitched transcript
//! reads like the answer, and a worker that dies is reported (so the app
//! falls back to one pass) without touching the audio.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::time::Instant;

use starling_studio::live::{LiveError, LiveTranscription, LiveUpdate};
use starling_transcribe::{audio, convert, wer};

const WORKER: &str = env!("CARGO_BIN_EXE_starling-cli");
const SENTENCES: [&str; 3] = [
    "I led the migration of our billing service to the new database.",
    "I moved one customer group per week and kept a rollback ready at every step.",
    "We finished two weeks early and nobody noticed an outage.",
];

fn model(dir: &Path) -> PathBuf {
    let out = dir.join("tiny.en.bin");
    let src = std::env::var("STARLING_CT2_TINY_EN").expect("set STARLING_CT2_TINY_EN (cargo xtask test does)");
    convert::convert_folder(Path::new(&src), &out).expect("the model converts");
    out
}

/// The sentences spoken with 1.5 s between them, as 16 kHz samples.
fn answer(dir: &Path) -> Vec<f32> {
    let mut all = Vec::new();
    for (i, s) in SENTENCES.iter().enumerate() {
        let raw = dir.join(format!("s{i}.wav"));
        assert!(Command::new("espeak-ng").arg("-w").arg(&raw).arg(s).status().unwrap().success());
        all.extend(audio::load_wav(&raw).unwrap());
        all.extend(std::iter::repeat_n(0.0f32, 24_000));
    }
    all
}

#[test]
#[ignore = "needs the cached model that `cargo xtask test` fetches"]
fn stretches_come_back_while_audio_flows_and_stitch_into_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (model, samples) = (model(dir.path()), answer(dir.path()));
    let (mut tap, reader) = starling_capture::audio_tap(30);
    let updates = Arc::new(Mutex::new(Vec::new()));
    let seen = updates.clone();
    let live = LiveTranscription::start(Path::new(WORKER), &model, reader, move |segments| seen.lock().unwrap().push(segments)).unwrap();
    // Four times real time: fast, but the worker still meets the audio in pieces.
    for piece in samples.chunks(1_600) {
        tap.offer(piece);
        std::thread::sleep(Duration::from_millis(25));
    }
    // Before "stop", text of the first stretches has arrived.
    std::thread::sleep(Duration::from_millis(1_500));
    let before_stop = updates.lock().unwrap().len();
    drop(tap);
    let t = live.finish(Duration::from_secs(120)).unwrap();
    let reference = SENTENCES.join(" ");
    let rate = wer::wer(&reference, &t.text);
    eprintln!("{before_stop} live updates before stop; WER {:.1} %: {}", rate * 100.0, t.text);
    assert!(before_stop >= 1, "no stretch came back before the audio ended");
    assert!(rate <= 0.35, "WER {rate:.3}: {}", t.text);
    let words: Vec<_> = t.segments.iter().flat_map(|s| &s.words).collect();
    assert!(words.windows(2).all(|w| w[1].start_ms >= w[0].start_ms));
    // The live updates are the very segments of the final transcript.
    let streamed: Vec<_> = updates
        .lock()
        .unwrap()
        .iter()
        .flat_map(|u| match u {
            LiveUpdate::Stretch(s) => s.clone(),
            LiveUpdate::Preview { .. } => Vec::new(),
        })
        .collect();
    assert_eq!(streamed, t.segments);
}

#[test]
#[ignore = "needs the cached model that `cargo xtask test` fetches"]
fn words_appear_while_a_long_sentence_is_still_being_spoken() {
    let dir = tempfile::tempdir().unwrap();
    let model = model(dir.path());
    let raw = dir.path().join("long.wav");
    let sentence = "When the billing database started to fall behind every Monday morning I measured where the time went, \
                    found one report that scanned every invoice, and moved it to a replica the same week";
    assert!(Command::new("espeak-ng").args(["-s", "150", "-w"]).arg(&raw).arg(sentence).status().unwrap().success());
    let mut samples = audio::load_wav(&raw).unwrap();
    let spoken_ms = samples.len() as u64 / 16;
    samples.extend(std::iter::repeat_n(0.0f32, 32_000));
    let (tap, reader) = starling_capture::audio_tap(30);
    let previews = Arc::new(Mutex::new(Vec::new()));
    let seen = previews.clone();
    let t0 = Instant::now();
    let live = LiveTranscription::start(Path::new(WORKER), &model, reader, move |u| {
        if let LiveUpdate::Preview { segments, confirmed_words } = u {
            let text: Vec<String> = segments.iter().map(|s| s.text.clone()).collect();
            seen.lock().unwrap().push((t0.elapsed().as_millis() as u64, text.join(" "), confirmed_words));
        }
    })
    .unwrap();
    tap.play_in_real_time(&samples, t0);
    let t = live.finish(Duration::from_secs(120)).unwrap();
    let previews = previews.lock().unwrap().clone();
    eprintln!("sentence {spoken_ms} ms; previews (ms, text, confirmed): {previews:#?}\nfinal: {}", t.text);
    let during: Vec<_> = previews.iter().filter(|p| p.0 < spoken_ms).collect();
    assert!(during.len() >= 2, "previews arrived while the sentence was spoken: {previews:?}");
    let first_words = wer::normalize(sentence).into_iter().take(3).collect::<Vec<_>>().join(" ");
    assert!(
        during.iter().any(|p| wer::normalize(&p.1).join(" ").starts_with(&first_words)),
        "a preview during the sentence begins with {first_words:?}: {during:?}"
    );
    assert!(previews.iter().any(|p| p.2 >= 3), "consecutive previews confirmed some words: {previews:?}");
    assert!(wer::wer(sentence, &t.text) <= 0.35, "the kept transcript reads like the sentence: {}", t.text);
}

#[test]
#[ignore = "needs the cached model that `cargo xtask test` fetches"]
fn a_worker_that_dies_is_reported_so_the_file_is_transcribed_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let (model, samples) = (model(dir.path()), answer(dir.path()));
    let (mut tap, reader) = starling_capture::audio_tap(30);
    let live = LiveTranscription::start(Path::new(WORKER), &model, reader, |_| {}).unwrap();
    tap.offer(&samples[..samples.len() / 2]);
    let pid = live.worker_pid().unwrap();
    assert!(Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap().success());
    tap.offer(&samples[samples.len() / 2..]);
    drop(tap);
    match live.finish(Duration::from_secs(60)) {
        Err(LiveError::Worker(why)) => assert!(why.contains("without a transcript"), "{why}"),
        other => panic!("expected the worker's death to be reported, got {other:?}"),
    }
}

#[test]
fn a_missing_worker_binary_is_a_clear_start_error() {
    let (_tap, reader) = starling_capture::audio_tap(1);
    let err = LiveTranscription::start(Path::new("/nonexistent/starling"), Path::new("/nonexistent/model.bin"), reader, |_| {}).err().unwrap();
    assert!(err.to_string().starts_with("The live transcription worker could not start"), "{err}");
}
