//! How soon a question starts to sound: from the call that plays it to its
//! first sound arriving at the speakers' sink, for Starling's player and,
//! in the same run on the same speech and sink, PulseAudio's own `paplay`
//! (the reference: a player built for exactly this). Both are timed the
//! same way, by reading the sink's monitor in 10 ms pieces, so the monitor's
//! own latency is in both figures.
//!
//! Run by `cargo xtask bench` after it starts the virtual sound set-up (the
//! `virtmic` sink, the default output). `STARLING_BENCH_PLAYS` (default 8)
//! sets how many times each plays. A cached question costs this plus
//! reading it from the cache (the voice benchmark's "cached" column).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// When each 10 ms piece of the monitor arrived, and how loud it was.
type Pieces = Arc<Mutex<Vec<(Instant, f32)>>>;

fn listen() -> (std::process::Child, Pieces) {
    let mut child = Command::new("parec")
        .args(["-d", "virtmic.monitor", "--raw", "--format=s16le", "--rate=16000", "--channels=1", "--latency-msec=10"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("parec runs (cargo xtask bench starts PulseAudio)");
    let mut out = child.stdout.take().expect("parec's output");
    let pieces: Pieces = Arc::new(Mutex::new(Vec::new()));
    let p = pieces.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 320];
        while out.read_exact(&mut buf).is_ok() {
            let rms = (buf.chunks_exact(2).map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0).map(|x| x * x).sum::<f32>() / 160.0).sqrt();
            p.lock().unwrap().push((Instant::now(), rms));
        }
    });
    (child, pieces)
}

/// Milliseconds from `from` to the first loud piece after it.
fn onset(pieces: &Pieces, from: Instant) -> Option<f64> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Some((t, _)) = pieces.lock().unwrap().iter().find(|(t, rms)| *t >= from && *rms > 0.02) {
            return Some(t.duration_since(from).as_secs_f64() * 1000.0);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    let plays: usize = std::env::var("STARLING_BENCH_PLAYS").ok().and_then(|v| v.parse().ok()).unwrap_or(8).max(1);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let wav = dir.path().join("question.wav");
    // A spoken question at 22,050 Hz, as the Piper voices make them.
    let spoken = Command::new("espeak-ng").arg("-w").arg(&wav).arg("Tell me about a time you disagreed with your manager.").status();
    assert!(spoken.is_ok_and(|s| s.success()), "espeak-ng makes the question");
    // Both players start at the first sound: espeak-ng's leading silence
    // would otherwise count as delay, the same for both.
    let (mut samples, rate) = read(&wav);
    let first = samples.iter().position(|x| x.abs() > 0.02).unwrap_or(0);
    samples.drain(..first);
    write(&wav, &samples, rate);
    let (mut parec, pieces) = listen();
    std::thread::sleep(Duration::from_millis(500));
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..plays {
        let t = Instant::now();
        starling_capture::player::play(&samples, rate, &AtomicBool::new(false)).expect("the player plays");
        ours.push(onset(&pieces, t).expect("Starling's player was heard"));
        std::thread::sleep(Duration::from_millis(300));
        let t = Instant::now();
        let status = Command::new("paplay").args(["-d", "virtmic"]).arg(&wav).status();
        assert!(status.is_ok_and(|s| s.success()), "paplay plays");
        theirs.push(onset(&pieces, t).expect("paplay was heard"));
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = parec.kill();
    let (a, b) = (median(ours.clone()), median(theirs.clone()));
    println!("play start, from the call to the first sound in the sink ({plays} plays each, {:.1} s question):", samples.len() as f64 / f64::from(rate));
    println!("  Starling's player  median {a:>6.0} ms, slowest {:>6.0} ms", ours.iter().copied().fold(0.0, f64::max));
    println!("  paplay (reference) median {b:>6.0} ms, slowest {:>6.0} ms", theirs.iter().copied().fold(0.0, f64::max));
    println!("  ratio {:.2}×", a / b);
}

fn read(path: &Path) -> (Vec<f32>, u32) {
    let reader = hound::WavReader::open(path).expect("espeak-ng's WAV reads");
    let rate = reader.spec().sample_rate;
    let samples = reader.into_samples::<i16>().map(|s| f32::from(s.unwrap_or(0)) / 32768.0).collect();
    (samples, rate)
}

fn write(path: &Path, samples: &[f32], rate: u32) {
    let spec = hound::WavSpec { channels: 1, sample_rate: rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(path, spec).expect("the trimmed question is written");
    for &x in samples {
        w.write_sample((x.clamp(-1.0, 1.0) * 32767.0) as i16).expect("a sample is written");
    }
    w.finalize().expect("the trimmed question is written");
}
