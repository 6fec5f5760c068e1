//! How well the live transcript reads against one pass over the same file,
//! pooled over labelled answers, with a real Whisper model (tiny.en).
//!
//! The live path cuts the answer at its pauses as it is spoken and
//! transcribes each stretch with the words before it as the prompt; one pass
//! transcribes the finished file in 30 s windows. A single answer says little
//! about which reads better: over these answers the gap runs from 22.6
//! points in the stretches' favour to 10.9 against, and on the end-to-end
//! test's four short sentences the stretches read 14–15 points worse. So the
//! claim is measured over many answers at once (BENCHMARKS.md has the
//! figures).
//!
//! The answers are the coach's labelled answers (`crates/coach/data`),
//! written by 22 different writers, each sentence spoken by espeak-ng and
//! followed by a pause of 0.15–1.55 s, with three voices at three speeds.
//! The held-out set (one answer from each even-numbered writer) was never
//! used to choose anything; the development set (odd-numbered writers,
//! `STARLING_LIVE_ACCURACY_SET=dev`) is the one to try changes on.
//!
//! Ignored by a plain `cargo test`; `cargo xtask test` runs it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use starling_transcribe::convert::convert_folder;
use starling_transcribe::engine::{TranscribeOptions, Transcriber, WhisperTranscriber};
use starling_transcribe::live::{Chunker, ChunkerOptions, LiveSession};
use starling_transcribe::{audio, wer};

/// The most the live transcript may read worse than one pass, pooled, in
/// WER points. Set at 5 from the development set (2–3 points worse) before
/// the held-out set was first run (1.5 points worse, 3.0 without the one
/// answer one pass read badly).
const MAX_GAP: f64 = 0.05;

/// Which answer of each writer's file is spoken.
const ANSWER_INDEX: usize = 3;

fn model(dir: &Path) -> PathBuf {
    let src = PathBuf::from(
        std::env::var("STARLING_CT2_TINY_EN").expect("set STARLING_CT2_TINY_EN (cargo xtask test does)"),
    );
    let out = dir.join("tiny.en.bin");
    convert_folder(&src, &out).expect("the CTranslate2 folder converts");
    out
}

/// The sentences of one writer's chosen answer.
fn answer(writer: u32) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../coach/data/answers-w{writer}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let line = text.lines().nth(ANSWER_INDEX).unwrap_or_else(|| panic!("{} is too short", path.display()));
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    value["sentences"]
        .as_array()
        .expect("an answer has sentences")
        .iter()
        .map(|s| s["text"].as_str().expect("a sentence has text").to_string())
        .collect()
}

/// A pause after each sentence, 0.15–1.55 s, from a fixed sequence.
struct Pauses(u64);

impl Pauses {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        0.15 + ((self.0 >> 33) % 1000) as f32 / 1000.0 * 1.4
    }
}

fn run(program: &str, args: &[&std::ffi::OsStr]) {
    let status = Command::new(program).args(args).status().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(status.success(), "{program} {args:?} failed");
}

/// Speaks the sentences one by one with `voice` at `speed` words a minute,
/// each followed by its pause, into one 16 kHz WAV.
fn speak(sentences: &[String], voice: &str, speed: &str, pauses: &mut Pauses, dir: &Path) -> PathBuf {
    let mut parts = Vec::new();
    for (i, sentence) in sentences.iter().enumerate() {
        let raw = dir.join(format!("said-{i}.wav"));
        let padded = dir.join(format!("padded-{i}.wav"));
        run("espeak-ng", &["-v".as_ref(), voice.as_ref(), "-s".as_ref(), speed.as_ref(), "-w".as_ref(), raw.as_os_str(), sentence.as_ref()]);
        let pause = format!("{:.2}", pauses.next());
        // `-R`: sox dithers with a fixed seed, so the same answer is the same
        // samples on every run (its random dither alone moved one answer's
        // one-pass WER from 41.9 % to 11.8 %).
        run("sox", &["-R".as_ref(), raw.as_os_str(), "-r".as_ref(), "16000".as_ref(), "-c".as_ref(), "1".as_ref(), padded.as_os_str(), "pad".as_ref(), "0".as_ref(), pause.as_ref()]);
        parts.push(padded.into_os_string());
    }
    let out = dir.join("answer.wav");
    let mut args: Vec<&std::ffi::OsStr> = parts.iter().map(|p| p.as_os_str()).collect();
    args.push(out.as_os_str());
    args.insert(0, "-R".as_ref());
    run("sox", &args);
    out
}

#[test]
#[ignore = "needs the cached model that `cargo xtask test` fetches"]
fn live_stretches_read_about_as_well_as_one_pass_over_many_answers() {
    let dev = std::env::var("STARLING_LIVE_ACCURACY_SET").is_ok_and(|v| v == "dev");
    let writers: Vec<u32> = (1..=22).filter(|w| (w % 2 == 1) == dev).collect();
    let dir = tempfile::tempdir().unwrap();
    let model = model(dir.path());
    let mut one_pass = WhisperTranscriber::load(&model).unwrap();
    let cancel = AtomicBool::new(false);
    let mut pauses = Pauses(7);
    let (mut words, mut one_pass_pairs, mut live_pairs) = (0, Vec::new(), Vec::new());
    let mut err = std::io::stderr();
    for (i, &writer) in writers.iter().enumerate() {
        let sentences = answer(writer);
        let voice = ["en-us", "en+f3", "en+m3"][i % 3];
        let speed = ["150", "165", "180"][i / 3 % 3];
        let wav = speak(&sentences, voice, speed, &mut pauses, dir.path());
        let samples = audio::load_wav(&wav).unwrap();
        let reference = sentences.join(" ");

        let whole = one_pass.transcribe(&samples, &TranscribeOptions::default(), &mut |_| {}, &cancel).unwrap();

        let mut chunker = Chunker::new(ChunkerOptions::default());
        let mut chunks = Vec::new();
        // Fed 100 ms at a time, as the recorder's tap delivers it.
        for piece in samples.chunks(1_600) {
            chunks.extend(chunker.push(piece));
        }
        chunks.extend(chunker.finish());
        let mut session = LiveSession::new(WhisperTranscriber::load(&model).unwrap(), TranscribeOptions::default());
        for chunk in &chunks {
            session.transcribe(chunk, &cancel).unwrap();
        }
        let live = session.finish("tiny.en");

        let (whole_wer, live_wer) = (wer::wer(&reference, &whole.text), wer::wer(&reference, &live.text));
        words += wer::normalize(&reference).len();
        one_pass_pairs.push((reference.clone(), whole.text.clone()));
        live_pairs.push((reference, live.text.clone()));
        let seconds = samples.len() as f64 / 16_000.0;
        let _ = writeln!(
            err,
            "w{writer} ({voice}, {speed} wpm, {seconds:.0} s, {} stretches): one pass {:.1} %, live {:.1} %",
            chunks.len(),
            whole_wer * 100.0,
            live_wer * 100.0
        );

        assert!(chunks.len() >= 2, "a {seconds:.0} s answer with pauses is cut into stretches");
        let timed: Vec<_> = live.segments.iter().flat_map(|s| &s.words).collect();
        assert!(timed.windows(2).all(|w| w[1].start_ms >= w[0].start_ms), "w{writer}: word times run forward across stretches");
        let last = timed.last().expect("the live transcript has timed words");
        assert!(last.end_ms as usize * 16 > samples.len() * 3 / 4, "w{writer}: the last stretch is in the transcript");
    }
    let (one_pass_rate, live_rate) = (wer::pooled(&one_pass_pairs), wer::pooled(&live_pairs));
    let _ = writeln!(
        err,
        "{} set, {} answers, {words} words: one pass {:.1} %, live {:.1} % (pooled WER)",
        if dev { "development" } else { "held-out" },
        writers.len(),
        one_pass_rate * 100.0,
        live_rate * 100.0
    );
    assert!(
        live_rate <= one_pass_rate + MAX_GAP,
        "live {:.1} % against one pass {:.1} %, pooled",
        live_rate * 100.0,
        one_pass_rate * 100.0
    );
}
