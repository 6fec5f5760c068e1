//! How long the interviewer takes to speak a question: opening the voice,
//! the first synthesis of each question, and a question already spoken
//! (read back from the cache, what plays when the question appears again),
//! for the Piper voice and, in the same run on the same texts, espeak-ng.
//! Real-time factor = synthesis seconds / seconds of speech.
//!
//! Run by `cargo xtask bench`, which sets `STARLING_PIPER_VOICE` and
//! `STARLING_ONNXRUNTIME`; `STARLING_BENCH_QUESTIONS` (default 12) sets
//! how many bank questions are spoken.

use std::path::PathBuf;
use std::time::Instant;

use starling_voice::{PiperVoice, SpeechCache, Voice};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

fn main() {
    let Some(model) = std::env::var_os("STARLING_PIPER_VOICE").map(PathBuf::from) else {
        eprintln!("speak: set STARLING_PIPER_VOICE (cargo xtask bench does)");
        std::process::exit(2);
    };
    let n: usize = std::env::var("STARLING_BENCH_QUESTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(12).max(1);
    let bank = starling_bank::Bank::builtin();
    let step = (bank.questions().len() / n).max(1);
    let texts: Vec<String> = bank.questions().iter().step_by(step).take(n).map(|q| q.prompt.clone()).collect();
    let threads = std::thread::available_parallelism().map_or(2, |p| p.get().min(4));
    let opened = Instant::now();
    let piper = PiperVoice::open(&model, threads).expect("the voice opens");
    let open_s = opened.elapsed().as_secs_f64();
    println!("speaking {} bank questions, {threads} threads; opening the Piper voice took {open_s:.2} s", texts.len());
    println!("{:<22} {:>16} {:>16} {:>10} {:>18}", "voice", "first, median", "first, slowest", "RTF", "cached, median");
    let dir = tempfile::tempdir().expect("a temporary folder");
    for mut voice in [Voice::Piper(Box::new(piper)), Voice::fallback()] {
        let cache = SpeechCache::new(dir.path().join(voice.id().replace(':', "-")));
        let (mut first, mut cached, mut synth, mut audio) = (Vec::new(), Vec::new(), 0.0, 0.0);
        for text in &texts {
            let t = Instant::now();
            let mut seconds = 0.0;
            let (_, was) = cache
                .get_or_make(&voice.id(), 1.0, text, || {
                    let s = voice.speak(text, 1.0)?;
                    seconds = s.seconds();
                    Ok(s)
                })
                .expect("speech is made");
            assert!(!was);
            let took = t.elapsed().as_secs_f64();
            first.push(took);
            synth += took;
            audio += seconds;
            // Asked again: found in the cache and read, ready to play.
            let t = Instant::now();
            let (path, was) = cache.get_or_make(&voice.id(), 1.0, text, || panic!("spoken twice")).expect("cached");
            assert!(was);
            starling_voice::wav::read(&path).expect("the cached file reads");
            cached.push(t.elapsed().as_secs_f64());
        }
        let slowest = first.iter().copied().fold(0.0, f64::max);
        println!(
            "{:<22} {:>14.0}ms {:>14.0}ms {:>10.3} {:>16.1}ms",
            voice.id(),
            median(first) * 1000.0,
            slowest * 1000.0,
            synth / audio,
            median(cached) * 1000.0
        );
    }
    println!("(first = make the speech and keep it; cached = find and read the kept file; RTF over all questions)");
}
