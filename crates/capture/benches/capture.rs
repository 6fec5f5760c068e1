//! Capture benchmark: records a steady 440 Hz tone from the virtual microphone
//! for several minutes (STARLING_BENCH_MINUTES, default 3) and prints
//!
//! - samples lost or duplicated between the device and the file (must be 0):
//!   the file must hold exactly `captured device frames × 16000 / device rate`
//!   samples, and the ring buffer must have dropped none;
//! - the tone's frequency in the file against the 440 Hz played (a reference
//!   measured in the same run: drift or repeated blocks would move it);
//! - the device clock against the wall clock;
//! - CPU time of the capture threads, as a share of one core and per minute
//!   of audio.
//!
//! Run with `cargo xtask bench`, which starts the virtual microphone.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use starling_capture::{RecordOptions, Recorder};

fn tone_file(path: &Path, secs: f64) {
    let spec = hound::WavSpec { channels: 1, sample_rate: 48_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(path, spec).expect("temp file");
    for i in 0..(secs * 48_000.0) as u64 {
        let x = 0.4 * (2.0 * std::f64::consts::PI * 440.0 * i as f64 / 48_000.0).sin();
        w.write_sample((x * 32767.0) as i16).expect("write");
    }
    w.finalize().expect("finalize");
}

/// CPU seconds used so far by this process's threads whose name starts with `prefix`.
fn thread_cpu(prefix: &str) -> f64 {
    let ticks = 100.0; // USER_HZ on Linux
    let mut total = 0.0;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return f64::NAN };
    for t in tasks.flatten() {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        if !comm.trim().starts_with(prefix) {
            continue;
        }
        let stat = std::fs::read_to_string(t.path().join("stat")).unwrap_or_default();
        let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
        let f: Vec<&str> = after.split_whitespace().collect();
        // Fields 14 and 15 of stat are utime and stime; `after` starts at field 3.
        let ut: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        let st: f64 = f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        total += (ut + st) / ticks;
    }
    total
}

/// The live thread with the most CPU time, and that time.
fn busiest_thread() -> (String, f64) {
    let mut best = (String::new(), 0.0);
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return best };
    for t in tasks.flatten() {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default().trim().to_string();
        let stat = std::fs::read_to_string(t.path().join("stat")).unwrap_or_default();
        let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
        let f: Vec<&str> = after.split_whitespace().collect();
        let cpu = (f.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0) + f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)) / 100.0;
        if cpu > best.1 {
            best = (comm, cpu);
        }
    }
    best
}

/// CPU seconds of the whole process, ended threads included.
fn process_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ut: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let st: f64 = f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    (ut + st) / 100.0
}

fn frequency(samples: &[i16], rate: f64) -> f64 {
    let crossings = samples.windows(2).filter(|w| w[0] <= 0 && w[1] > 0).count();
    crossings as f64 * rate / samples.len() as f64
}

fn main() {
    let minutes: f64 = std::env::var("STARLING_BENCH_MINUTES").ok().and_then(|v| v.parse().ok()).unwrap_or(3.0);
    let secs = minutes * 60.0;
    let dir = tempfile::tempdir().expect("temp dir");
    let tone = dir.path().join("tone.wav");
    tone_file(&tone, secs + 5.0);
    let out = dir.path().join("take.wav");

    let mut player = Command::new("paplay").args(["-d", "virtmic"]).arg(&tone).spawn().expect("paplay (run via `cargo xtask bench`)");
    std::thread::sleep(Duration::from_millis(500));
    // No maximum duration: a time limit cuts the file on purpose, which would
    // read as lost samples here.
    let cpu_before = process_cpu();
    let wall = Instant::now();
    let recorder = Recorder::start(RecordOptions::default(), &out, |_| {}).expect("recording starts");
    let mut stream_cpu = 0.0f64;
    let mut writer_cpu = 0.0f64;
    let mut busiest = (String::new(), 0.0);
    while wall.elapsed().as_secs_f64() < secs && !recorder.is_finished() {
        std::thread::sleep(Duration::from_millis(250));
        stream_cpu = thread_cpu("starling-mic");
        writer_cpu = thread_cpu("starling-wav");
        busiest = busiest_thread();
    }
    let wall_secs = wall.elapsed().as_secs_f64();
    let s = recorder.stop().expect("recording stops");
    let _ = player.kill();
    let _ = player.wait();

    // On ALSA the data callback runs on a worker thread of cpal's; its time
    // is in the process total printed below.
    let capture_cpu = process_cpu() - cpu_before;
    let samples: Vec<i16> = hound::WavReader::open(&out).expect("wav").samples::<i16>().map(|x| x.unwrap_or(0)).collect();
    let expected = (s.captured_frames as f64 * 16_000.0 / s.native_rate as f64).round() as i64;
    let written = s.samples as i64;
    let lost = (expected - written).max(0) + s.dropped as i64;
    let duplicated = (written - expected).max(0);
    let mid = &samples[samples.len() / 10..samples.len() * 9 / 10];
    let f = frequency(mid, 16_000.0);
    let device_secs = s.captured_frames as f64 / s.native_rate as f64;

    println!("capture benchmark: {minutes:.1} min from {} ({} Hz, {} ch)", s.device, s.native_rate, s.native_channels);
    println!("  file samples            {written} (expected {expected} from {} device frames)", s.captured_frames);
    println!("  lost samples            {lost} (ring-buffer drops {})", s.dropped);
    println!("  duplicated samples      {duplicated}");
    println!("  tone in file            {f:.3} Hz vs 440 Hz played (ratio {:.5})", f / 440.0);
    println!("  device clock / wall     {:.5} ({device_secs:.2} s of audio in {wall_secs:.2} s)", device_secs / wall_secs);
    println!("  writer thread CPU       {:.2} s = {:.2} % of one core, {:.2} s per minute of audio", writer_cpu, 100.0 * writer_cpu / wall_secs, writer_cpu / minutes);
    println!("  stream thread CPU       {:.2} s = {:.2} % of one core", stream_cpu, 100.0 * stream_cpu / wall_secs);
    println!(
        "  all capture CPU         {:.2} s = {:.2} % of one core (every thread, the cpal/ALSA callback thread included)",
        capture_cpu,
        100.0 * capture_cpu / wall_secs
    );
    println!("  busiest thread          {} ({:.2} s)", busiest.0, busiest.1);
    let ok = lost == 0 && duplicated == 0 && (f / 440.0 - 1.0).abs() < 0.002;
    println!("{}", if ok { "result: OK (no lost or duplicated samples)" } else { "result: FAILED" });
    if !ok {
        std::process::exit(1);
    }
}
