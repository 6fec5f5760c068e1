//! The player through the virtual sound set-up `cargo xtask test` starts:
//! the default output is the `virtmic` sink and the default input its
//! monitor, so the microphone hears the speakers, the worst case for the
//! mock interview. A tone is played while Starling records, and the
//! recording shows when it was really heard.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use starling_capture::{player, RecordOptions, Recorder};

/// The sound set-up is shared: tests that use it take turns.
static SOUND: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn tone(rate: u32, secs: f64) -> Vec<f32> {
    (0..(f64::from(rate) * secs) as usize).map(|i| 0.4 * (2.0 * std::f32::consts::PI * 440.0 * i as f32 / rate as f32).sin()).collect()
}

/// The first and last 20 ms window of the take louder than −26 dBFS, in
/// seconds from the take's start.
fn loud_span(path: &std::path::Path) -> Option<(f64, f64)> {
    let samples: Vec<i16> = hound::WavReader::open(path).unwrap().samples::<i16>().map(Result::unwrap).collect();
    let windows: Vec<bool> = samples.chunks(320).map(|w| (w.iter().map(|&s| (f64::from(s) / 32768.0).powi(2)).sum::<f64>() / w.len() as f64).sqrt() > 0.05).collect();
    let first = windows.iter().position(|&l| l)?;
    let last = windows.iter().rposition(|&l| l)?;
    Some((first as f64 * 0.02, (last + 1) as f64 * 0.02))
}

/// Records while `play` runs from 0.5 s; returns the take's loud span and
/// when `play` returned, in seconds from when recording began.
fn record_around(play: impl FnOnce() -> player::Played) -> (Option<(f64, f64)>, f64, player::Played) {
    let _turn = SOUND.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("take.wav");
    let recorder = Recorder::start(RecordOptions::default(), &out, |_| {}).unwrap();
    let began = Instant::now();
    std::thread::sleep(Duration::from_millis(500));
    let played = play();
    let returned = began.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_millis(800));
    recorder.stop().unwrap();
    (loud_span(&out), returned, played)
}

#[test]
#[ignore = "needs the virtual sound set-up that `cargo xtask test` starts"]
fn play_returns_once_the_speech_has_been_heard() {
    let (span, returned, played) = record_around(|| player::play(&tone(22_050, 1.5), 22_050, &AtomicBool::new(false)).unwrap());
    let (from, to) = span.expect("the tone reached the microphone");
    eprintln!("tone heard {from:.2}–{to:.2} s; play returned at {returned:.2} s on {}", played.device);
    assert!(!played.stopped);
    assert!((played.seconds - 1.5).abs() < 0.01, "{} s played", played.seconds);
    assert!((to - from - 1.5).abs() < 0.15, "the tone lasted {:.2} s in the take", to - from);
    // What comes after `play` returns is free of the speech: the take's
    // clock may start up to a block late, hence the 60 ms.
    assert!(to <= returned + 0.06, "the tone was still heard until {to:.2} s, after play returned at {returned:.2} s");
}

#[test]
#[ignore = "needs the virtual sound set-up that `cargo xtask test` starts"]
fn stop_cuts_the_speech_short() {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let (span, returned, played) = record_around(move || {
        let setter = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(400));
            flag.store(true, Ordering::Relaxed);
        });
        let played = player::play(&tone(22_050, 3.0), 22_050, &stop).unwrap();
        setter.join().unwrap();
        played
    });
    let (from, to) = span.expect("the tone reached the microphone");
    eprintln!("stopped tone heard {from:.2}–{to:.2} s; play returned at {returned:.2} s");
    assert!(played.stopped);
    assert!(returned < 1.2, "play returned {returned:.2} s after recording began");
    assert!(to - from < 1.0, "the tone lasted {:.2} s after stop", to - from);
}
