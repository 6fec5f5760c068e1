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
//! - `STARLING_BENCH_PYTHON`: a Python with faster-whisper installed;
//! - `STARLING_BENCH_WHISPER_ASSETS`: the folder holding Whisper's BPE rank
//!   tables (`gpt2.tiktoken`, `multilingual.tiktoken`, from the
//!   `openai-whisper` package on PyPI), from which faster-whisper gets the
//!   real tokenizer, so a prompt reaches it as Whisper's own tokens.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use starling_transcribe::{audio, convert, wer::wer, TranscribeOptions, Transcriber, WhisperTranscriber};

const FASTER_WHISPER: &str = r#"
import base64, json, os, sys, tempfile, time
from tokenizers import Tokenizer, models, decoders, pre_tokenizers

def byte_chars():
    # GPT-2's byte-level alphabet: printable bytes stand for themselves, the
    # others are moved to code points from 256 up, in byte order.
    shown = [b for b in range(256) if 33 <= b <= 126 or 161 <= b <= 172 or 174 <= b <= 255]
    table, extra = {}, 0
    for b in range(256):
        if b in shown:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table

def merges_from_ranks(ranks):
    # A rank table (token bytes -> rank, as tiktoken ships Whisper's BPE)
    # holds the merges implicitly: each token of two or more bytes is the
    # merge of the two parts that byte-pair encoding with only the lower
    # ranks leaves of it.
    chars = byte_chars()
    text = lambda bs: "".join(chars[b] for b in bs)
    merges = []
    for token, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
        if len(token) < 2:
            continue
        parts = [bytes([b]) for b in token]
        while len(parts) > 2:
            best = None
            for i in range(len(parts) - 1):
                r = ranks.get(parts[i] + parts[i + 1])
                if r is not None and r < rank and (best is None or r < best[1]):
                    best = (i, r)
            if best is None:
                break
            i = best[0]
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        if len(parts) != 2:
            raise SystemExit(f"token rank {rank} does not split into two lower-ranked parts")
        merges.append((text(parts[0]), text(parts[1])))
    return merges, text

def with_tokenizer(ct2, assets):
    # faster-whisper wants tokenizer.json beside the model (or fetches one
    # from the Hub, which is out of reach here). Build Whisper's real
    # byte-level BPE: the model's vocabulary.txt for the ids, and the merges
    # from the rank table openai-whisper ships for this vocabulary.
    if os.path.exists(os.path.join(ct2, "tokenizer.json")):
        return ct2, "the model's own"
    vocab = {}
    with open(os.path.join(ct2, "vocabulary.txt"), encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            vocab.setdefault(line.rstrip("\n"), i)
    chosen = None
    for name in ("gpt2.tiktoken", "multilingual.tiktoken"):
        ranks = {}
        with open(os.path.join(assets, name)) as fh:
            for line in fh:
                if line.strip():
                    token, rank = line.split()
                    ranks[base64.b64decode(token)] = int(rank)
        merges, text = merges_from_ranks(ranks)
        # The right table names every ordinary token with the model's own id.
        if all(vocab.get(text(t)) == r for t, r in ranks.items()):
            chosen = (name, merges)
            break
    if chosen is None:
        raise SystemExit("no Whisper rank table matches this model's vocabulary.txt")
    d = tempfile.mkdtemp()
    for f in os.listdir(ct2):
        os.symlink(os.path.join(ct2, f), os.path.join(d, f))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=chosen[1]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.save(os.path.join(d, "tokenizer.json"))
    return d, chosen[0]

from faster_whisper import WhisperModel
model_dir, bpe = with_tokenizer(sys.argv[1], sys.argv[5])
prompt = sys.argv[4] or None
check = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
prompt_tokens = len(check.encode(" " + prompt).ids) if prompt else 0
t0 = time.perf_counter()
model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=int(sys.argv[3]))
t1 = time.perf_counter()
segments, _ = model.transcribe(sys.argv[2], language="en", beam_size=1, vad_filter=False, initial_prompt=prompt)
text = " ".join(s.text.strip() for s in segments)
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "transcribe_s": t2 - t1, "text": text, "bpe": bpe, "prompt_tokens": prompt_tokens}))
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

fn faster_whisper(python: &Path, assets: &Path, ct2: &Path, wav: &Path, reference: &str, threads: usize, prompt: Option<&str>) -> std::io::Result<Run> {
    let out = Command::new(python)
        .args(["-c", FASTER_WHISPER])
        .arg(ct2)
        .arg(wav)
        .arg(threads.to_string())
        .arg(prompt.unwrap_or(""))
        .arg(assets)
        .output()
        .map_err(|e| std::io::Error::other(format!("could not run {}: {e}", python.display())))?;
    if !out.status.success() {
        return Err(std::io::Error::other(String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("failed").to_string()));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| std::io::Error::other(format!("unreadable output: {e}")))?;
    if let Some(p) = prompt {
        println!("faster-whisper tokenizer: {} BPE; the prompt {p:?} is {} tokens", v["bpe"].as_str().unwrap_or("?"), v["prompt_tokens"]);
    }
    Ok(Run {
        load_s: v["load_s"].as_f64().unwrap_or(f64::NAN),
        transcribe_s: v["transcribe_s"].as_f64().unwrap_or(f64::NAN),
        wer: wer(reference, v["text"].as_str().unwrap_or_default()),
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(ONE_RUN) {
        return one_run(&args[2..]);
    }
    let (Some(wav), Some(reference)) = (env_path("STARLING_BENCH_WAV"), env_path("STARLING_BENCH_REFERENCE")) else {
        eprintln!("versus: set STARLING_BENCH_WAV and STARLING_BENCH_REFERENCE (cargo xtask bench does)");
        std::process::exit(2);
    };
    let reference = std::fs::read_to_string(&reference).expect("the reference text");
    let samples = audio::load_wav(&wav).expect("the benchmark WAV");
    let audio_s = samples.len() as f64 / 16_000.0;
    let threads = std::thread::available_parallelism().map(|n| n.get().min(8)).unwrap_or(2);
    let python = env_path("STARLING_BENCH_PYTHON");
    let assets = env_path("STARLING_BENCH_WHISPER_ASSETS");
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
            let fw = match (python.as_deref(), assets.as_deref()) {
                (Some(p), Some(a)) => faster_whisper(p, a, &ct2, &wav, &reference, threads, prompt).map_err(|e| e.to_string()),
                _ => Err("STARLING_BENCH_PYTHON or STARLING_BENCH_WHISPER_ASSETS is not set".to_string()),
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

    // Steady under load: the same runs while another program keeps one
    // core busy (a shell busy loop started here), against the same runs on
    // the idle machine, measured just before.
    println!();
    println!("with one core kept busy by another program (q8_0, the app's prompt; ours in a worker process, as the app runs it):");
    println!("{:<10} {:>10} {:>10} {:>8} | {:>10} {:>10} {:>8}", "model", "ours idle", "ours busy", "busy ×", "fw idle", "fw busy", "busy ×");
    for (name, var) in [("tiny.en", "STARLING_CT2_TINY_EN"), ("base", "STARLING_CT2_BASE")] {
        let Some(ct2) = env_path(var) else { continue };
        let prompt = filler_prompt.as_deref();
        let fw_run = || match (python.as_deref(), assets.as_deref()) {
            (Some(p), Some(a)) => faster_whisper(p, a, &ct2, &wav, &reference, threads, prompt).ok().map(|r| r.transcribe_s),
            _ => None,
        };
        let ours_idle = ours_as_worker(&ct2, &wav, threads);
        let fw_idle = fw_run();
        let busy = starling_transcribe::load::BusyLoop::start().expect("a shell for the busy loop");
        let ours_busy = ours_as_worker(&ct2, &wav, threads);
        let fw_busy = fw_run();
        drop(busy);
        let fw = match (fw_idle, fw_busy) {
            (Some(i), Some(b)) => format!("{:>9.2}s {:>9.2}s {:>7.2}×", i, b, b / i),
            _ => "faster-whisper not measured".to_string(),
        };
        println!("{name:<10} {:>9.2}s {:>9.2}s {:>7.2}× | {fw}", ours_idle, ours_busy, ours_busy / ours_idle);
    }
}

/// Starling's run in a process of its own, started as the app starts its
/// worker: with the environment `load::worker_env` chooses from the load
/// measured just before (how whisper.cpp's threads wait). Returns the
/// transcription seconds.
fn ours_as_worker(ct2: &Path, wav: &Path, threads: usize) -> f64 {
    let out = Command::new(std::env::current_exe().expect("the benchmark's own path"))
        .envs(starling_transcribe::load::worker_env_measured())
        .arg(ONE_RUN)
        .arg(ct2)
        .arg(wav)
        .arg(threads.to_string())
        .output()
        .expect("the benchmark runs itself");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("the child printed its seconds")
}

/// The argument that makes this benchmark run Starling once and print the
/// seconds (see `ours_as_worker`).
const ONE_RUN: &str = "__one-run";

fn one_run(args: &[String]) {
    let [ct2, wav, threads] = args else { panic!("{ONE_RUN} CT2 WAV THREADS") };
    let samples = audio::load_wav(Path::new(wav)).expect("the benchmark WAV");
    let threads = threads.parse().expect("a thread count");
    let prompt = TranscribeOptions::default().initial_prompt;
    let run = ours(Path::new(ct2), convert::Weights::Q8_0, prompt.as_deref(), &samples, "", threads);
    println!("{}", run.transcribe_s);
}

