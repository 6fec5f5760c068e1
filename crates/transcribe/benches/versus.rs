//! Starling's transcription pipeline against faster-whisper (CTranslate2,
//! int8, greedy) on the same WAV, the same model weights and the same thread
//! count, in one run: load time, transcription time, their ratio and both
//! word error rates. Run by `cargo xtask bench`, which prepares:
//!
//! - `STARLING_BENCH_WAV` and `STARLING_BENCH_REFERENCE`: a spoken answer and
//!   its text;
//! - `STARLING_CT2_TINY_EN`, `STARLING_CT2_BASE`: CTranslate2 model folders
//!   (faster-whisper reads them; Starling converts them to ggml first, which
//!   is not timed);
//! - `STARLING_BENCH_PYTHON`: a Python with faster-whisper installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use starling_transcribe::{audio, convert, wer::wer, TranscribeOptions, Transcriber, WhisperTranscriber};

const FASTER_WHISPER: &str = r#"
import json, os, sys, tempfile, time
from tokenizers import Tokenizer, models, decoders, pre_tokenizers

def with_tokenizer(ct2):
    # faster-whisper wants tokenizer.json beside the model (or fetches one
    # from the Hub, which is out of reach here): build a byte-level BPE over
    # the model's own vocabulary.txt, which is all decoding needs.
    if os.path.exists(os.path.join(ct2, "tokenizer.json")):
        return ct2
    d = tempfile.mkdtemp()
    for f in os.listdir(ct2):
        os.symlink(os.path.join(ct2, f), os.path.join(d, f))
    vocab = {}
    with open(os.path.join(ct2, "vocabulary.txt"), encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            vocab.setdefault(line.rstrip("\n"), i)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.save(os.path.join(d, "tokenizer.json"))
    return d

from faster_whisper import WhisperModel
model_dir = with_tokenizer(sys.argv[1])
t0 = time.perf_counter()
model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=int(sys.argv[3]))
t1 = time.perf_counter()
prompt = sys.argv[4] or None
segments, _ = model.transcribe(sys.argv[2], language="en", beam_size=1, vad_filter=False, initial_prompt=prompt)
text = " ".join(s.text.strip() for s in segments)
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "transcribe_s": t2 - t1, "text": text}))
"#;

struct Run {
    load_s: f64,
    transcribe_s: f64,
    wer: f64,
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn ours(ct2: &Path, weights: convert::Weights, prompt: Option<&str>, samples: &[f32], reference: &str, threads: usize) -> Run {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ggml = dir.path().join("model.bin");
    convert::convert_folder_as(ct2, &ggml, weights).expect("the CTranslate2 folder converts");
    let t0 = Instant::now();
    let mut engine = WhisperTranscriber::load(&ggml).expect("the converted model loads");
    let load_s = t0.elapsed().as_secs_f64();
    let opts = TranscribeOptions { threads, initial_prompt: prompt.map(str::to_string), ..TranscribeOptions::default() };
    let t1 = Instant::now();
    let t = engine.transcribe(samples, &opts, &mut |_| {}, &AtomicBool::new(false)).expect("transcription runs");
    Run { load_s, transcribe_s: t1.elapsed().as_secs_f64(), wer: wer(reference, &t.text) }
}

fn faster_whisper(python: &Path, ct2: &Path, wav: &Path, reference: &str, threads: usize, prompt: Option<&str>) -> std::io::Result<Run> {
    let out = Command::new(python)
        .args(["-c", FASTER_WHISPER])
        .arg(ct2)
        .arg(wav)
        .arg(threads.to_string())
        .arg(prompt.unwrap_or(""))
        .output()
        .map_err(|e| std::io::Error::other(format!("could not run {}: {e}", python.display())))?;
    if !out.status.success() {
        return Err(std::io::Error::other(String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("failed").to_string()));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| std::io::Error::other(format!("unreadable output: {e}")))?;
    Ok(Run {
        load_s: v["load_s"].as_f64().unwrap_or(f64::NAN),
        transcribe_s: v["transcribe_s"].as_f64().unwrap_or(f64::NAN),
        wer: wer(reference, v["text"].as_str().unwrap_or_default()),
    })
}

fn main() {
    let (Some(wav), Some(reference)) = (env_path("STARLING_BENCH_WAV"), env_path("STARLING_BENCH_REFERENCE")) else {
        eprintln!("versus: set STARLING_BENCH_WAV and STARLING_BENCH_REFERENCE (cargo xtask bench does)");
        std::process::exit(2);
    };
    let reference = std::fs::read_to_string(&reference).expect("the reference text");
    let samples = audio::load_wav(&wav).expect("the benchmark WAV");
    let audio_s = samples.len() as f64 / 16_000.0;
    let threads = std::thread::available_parallelism().map(|n| n.get().min(8)).unwrap_or(2);
    let python = env_path("STARLING_BENCH_PYTHON");
    println!("transcription: {audio_s:.1} s of speech, {threads} threads, greedy, English");
    // The app's default prompt keeps fillers ("um", "uh") in the text for
    // coaching; each engine is compared with the other on the same prompt.
    let filler_prompt = TranscribeOptions::default().initial_prompt;
    let prompts: [(&str, Option<&str>); 2] = [("fillers", filler_prompt.as_deref()), ("no prompt", None)];
    println!("{:<26} {:>9} {:>9} {:>7} | {:>9} {:>9} {:>7} | {:>6}", "model / weights / prompt", "ours load", "ours run", "WER", "fw load", "fw run", "WER", "run ×");
    for (name, var) in [("tiny.en", "STARLING_CT2_TINY_EN"), ("base", "STARLING_CT2_BASE")] {
        let Some(ct2) = env_path(var) else {
            println!("{name:<26} skipped: {var} is not set");
            continue;
        };
        for (prompt_label, prompt) in prompts {
            let fw = match python.as_deref().map(|p| faster_whisper(p, &ct2, &wav, &reference, threads, prompt)) {
                Some(Ok(b)) => Ok(b),
                Some(Err(e)) => Err(e.to_string()),
                None => Err("STARLING_BENCH_PYTHON is not set".to_string()),
            };
            // q8_0 is what Starling's converter writes by default; f16 is
            // the unquantised reference.
            for (label, weights) in [("q8_0", convert::Weights::Q8_0), ("f16", convert::Weights::F16)] {
                let a = ours(&ct2, weights, prompt, &samples, &reference, threads);
                let row = format!("{name} {label} {prompt_label}");
                match &fw {
                    Ok(b) => println!(
                        "{row:<26} {:>8.2}s {:>8.2}s {:>6.1}% | {:>8.2}s {:>8.2}s {:>6.1}% | {:>5.2}×",
                        a.load_s,
                        a.transcribe_s,
                        a.wer * 100.0,
                        b.load_s,
                        b.transcribe_s,
                        b.wer * 100.0,
                        a.transcribe_s / b.transcribe_s
                    ),
                    Err(why) => println!("{row:<26} {:>8.2}s {:>8.2}s {:>6.1}% | faster-whisper not measured: {why}", a.load_s, a.transcribe_s, a.wer * 100.0),
                }
                println!("{row:<26} real-time factor: ours {:.3}", a.transcribe_s / audio_s);
            }
        }
    }
    println!("(run × = Starling's transcription time / faster-whisper's on the same audio; below 1 is faster)");
}
