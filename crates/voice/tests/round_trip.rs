//! The interviewer's speech, heard back: bank questions (and follow-ups)
//! spoken by the Piper test voice that `cargo xtask test` fetches
//! (en_US-joe-medium, through ONNX Runtime), then transcribed by Starling's
//! own Whisper pipeline (base). Each question's word error rate and the
//! pooled one are printed, and the pooled one must be at most 10 %. Also
//! checks that the espeak-ng fallback speaks and that speech is made once
//! and then read from the cache.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use starling_transcribe::{audio, convert, wer, TranscribeOptions, Transcriber, WhisperTranscriber};
use starling_voice::{spoken_form, wav, PiperVoice, SpeechCache, Voice};

fn env_path(var: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(var).unwrap_or_else(|| panic!("set {var} (cargo xtask test does)")))
}

/// Every seventh question of the built-in bank, and every follow-up of those
/// that have one: a spread of behavioral and technical wording. These,
/// from the first question, are the held-out set: nothing about how the
/// voice reads text (the spoken form, the lexicon, the voice's settings) is
/// tuned on them. Tuning uses the development set, every seventh from the
/// fourth: `STARLING_ROUND_TRIP_FROM=3`.
fn texts() -> Vec<String> {
    let bank = starling_bank::Bank::builtin();
    let from = std::env::var("STARLING_ROUND_TRIP_FROM").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut out = Vec::new();
    for q in bank.questions().iter().skip(from).step_by(7) {
        out.push(q.prompt.clone());
        if let Some(f) = &q.follow_up {
            out.push(f.clone());
        }
    }
    out
}

/// Whisper base (the CT2 folder `cargo xtask test` fetches), converted
/// into `dir` and loaded.
fn whisper_base(dir: &Path) -> WhisperTranscriber {
    let model = dir.join("base.bin");
    convert::convert_folder(&env_path("STARLING_CT2_BASE"), &model).unwrap();
    WhisperTranscriber::load(&model).unwrap()
}

/// Speech → 16 kHz through the same WAV loading the app uses → Whisper.
fn hear(engine: &mut WhisperTranscriber, speech: &starling_voice::Speech, dir: &Path) -> String {
    let file = dir.join("heard.wav");
    wav::write(speech, &file).unwrap();
    let samples = audio::load_wav(&file).unwrap();
    let opts = TranscribeOptions { initial_prompt: None, ..TranscribeOptions::default() };
    engine.transcribe(&samples, &opts, &mut |_| {}, &AtomicBool::new(false)).unwrap().text
}

/// Whether `said` opens as the set's short plain-English questions do
/// ("Tell me about…", "How do you…").
fn plain_english(said: &str) -> bool {
    ["Tell me", "How do you", "What are", "How is"].iter().any(|start| said.starts_with(start))
}

/// How many times the set is spoken.
const SPEAKINGS: usize = 6;

#[test]
#[ignore = "needs the test voice, ONNX Runtime and the Whisper model that `cargo xtask test` fetches"]
fn bank_questions_spoken_by_the_interviewer_read_back_through_whisper() {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = whisper_base(dir.path());

    let opened = Instant::now();
    let mut voice = PiperVoice::open(&env_path("STARLING_PIPER_VOICE"), 2).unwrap();
    // Written straight to stderr (not eprintln!, which the test harness
    // keeps back for passing tests) so the figures reach CI's log.
    let mut log = std::io::stderr();
    let _ = writeln!(log, "voice opened in {:.2} s", opened.elapsed().as_secs_f64());
    let mut pairs = Vec::new();
    let (mut synth_s, mut audio_s) = (0.0, 0.0);
    let texts = texts();
    // The voice adds noise to its speech, so each speaking of a text differs:
    // one speaking of the set read back at 6.3–10.7 %, two pooled at
    // 6.9–9.5 % (five runs, one of them CI's), four at 6.6 % and 9.3 %. The
    // set is spoken six times and the WER pooled over all, so a run
    // measures the voice rather than a few draws of its noise. The voice
    // stays open throughout: a newly opened one replays the same noise
    // within a process (four speakings, each with a fresh voice, read back
    // identically), so only an open voice draws afresh.
    for speaking in 1..=SPEAKINGS {
        let first = pairs.len();
        for text in &texts {
            let t = Instant::now();
            let speech = voice.speak(text, 1.0).unwrap();
            synth_s += t.elapsed().as_secs_f64();
            audio_s += speech.seconds();
            assert_eq!(speech.sample_rate, 22_050);
            assert!(speech.seconds() > 0.5, "{text}: {:.2} s", speech.seconds());
            let heard = hear(&mut engine, &speech, dir.path());
            // What the voice was asked to say: "e.g." is said "for example",
            // "authn" "authentication".
            let said = spoken_form(text);
            let _ = writeln!(log, "{speaking}: WER {:>5.1} % | {said}\n             heard: {heard}", wer::wer(&said, &heard) * 100.0);
            pairs.push((said, heard));
        }
        let _ = writeln!(log, "speaking {speaking}: WER {:.1} %", wer::pooled(&pairs[first..]) * 100.0);
    }
    let rate = wer::pooled(&pairs);
    let _ = writeln!(
        log,
        "{} texts spoken {SPEAKINGS} times, WER {:.1} % over all; synthesis {synth_s:.2} s for {audio_s:.1} s of speech (real-time factor {:.3})",
        texts.len(),
        rate * 100.0,
        synth_s / audio_s
    );
    let plain: Vec<_> = pairs.iter().filter(|(said, _)| plain_english(said)).cloned().collect();
    let _ = writeln!(log, "of which {} speakings of plain-English questions: WER {:.1} %", plain.len(), wer::pooled(&plain) * 100.0);
    assert!(texts.len() >= 10, "{} texts", texts.len());
    // Issue 19's target. What is left is mostly Whisper base on jargon it
    // does not know and a few short words ("in" heard "and"). BENCHMARKS.md
    // has the figures.
    assert!(rate <= 0.10, "the interviewer's speech reads back at {:.1} % WER", rate * 100.0);

    // Slower speech is longer. Lengths are pooled over every text: the
    // voice's duration noise moves one short sentence by 10 % or more either
    // way, and three questions pooled read 1.14–1.25× (CI once failed at
    // 1.14 against a bound of 1.15). Over the 16 held-out texts, six runs
    // read 1.206–1.220×. Not 1/0.75 = 1.33×, most likely because the model
    // rounds each token's length up to whole frames, so the shortest tokens
    // (such as the pad after each phoneme) grow less than the rest. A slow
    // path that is ignored reads 1.0×.
    let normal_s = audio_s / SPEAKINGS as f64;
    let slow: Vec<_> = texts.iter().map(|text| voice.speak(text, 0.75).unwrap()).collect();
    let slow_s: f64 = slow.iter().map(|speech| speech.seconds()).sum();
    let _ = writeln!(log, "0.75× speech is {:.3}× as long ({slow_s:.1} s against {normal_s:.1} s)", slow_s / normal_s);
    assert!(slow_s > normal_s * 1.15, "0.75× took {slow_s:.2} s against {normal_s:.2} s");

    // And still the same words. Pooled over three plain-English questions;
    // these are short, so each small mishearing ("worked" → "work") weighs
    // 3 %: at normal speed they read back at 0–11 %, slowed at 8.8–20.6 %.
    // A broken slow path (garbled or cut speech) reads back at 60 % or more.
    assert!(plain.len() >= 3, "{} plain-English questions", plain.len());
    // The same three as `plain[..3]` (the first speaking, in the texts'
    // order), heard from the slow speech measured above.
    let mut slow_pairs = Vec::new();
    for (said, speech) in texts.iter().zip(&slow).map(|(text, speech)| (spoken_form(text), speech)).filter(|(said, _)| plain_english(said)).take(3) {
        let heard = hear(&mut engine, speech, dir.path());
        slow_pairs.push((said, heard));
    }
    let slow_rate = wer::pooled(&slow_pairs);
    let normal_rate = wer::pooled(&plain[..3]);
    let _ = writeln!(log, "3 plain-English questions: WER {:.1} % at normal speed, {:.1} % at 0.75×", normal_rate * 100.0, slow_rate * 100.0);
    assert!(slow_rate <= 0.35, "slow speech reads back at {:.1} % WER: {slow_pairs:?}", slow_rate * 100.0);
}

#[test]
#[ignore = "needs the Whisper model that `cargo xtask test` fetches"]
fn the_espeak_fallback_speaks_and_speech_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = whisper_base(dir.path());
    let mut voice = Voice::fallback();
    let cache = SpeechCache::new(dir.path().join("speech"));
    let text = "Tell me about a time you disagreed with your manager.";
    let (path, cached) = cache.get_or_make(&voice.id(), 1.0, text, || voice.speak(text, 1.0)).unwrap();
    assert!(!cached);
    let heard = hear(&mut engine, &wav::read(&path).unwrap(), dir.path());
    assert!(wer::wer(text, &heard) <= 0.2, "espeak-ng read back as: {heard}");
    let (again, cached) = cache.get_or_make(&voice.id(), 1.0, text, || panic!("made twice")).unwrap();
    assert!(cached && again == path);
}
