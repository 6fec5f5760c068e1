//! Recording through cpal from the virtual microphone that `cargo xtask test`
//! sets up (PulseAudio null sink `virtmic`, its monitor the default input).
//! Speech made with espeak-ng is played into the sink while Starling records.
//!
//! These tests need that set-up, so plain `cargo test` lists them as ignored;
//! `cargo xtask test` runs them with `--include-ignored`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use starling_capture::{wav, CaptureEvent, RecordOptions, Recorder, StopReason};

const SENTENCE: &str =
    "Tell me about a difficult bug you fixed. Our dashboard showed the wrong numbers, \
    because two users shared one cache key. I added the user identifier and a regression test.";

/// The microphone is shared: tests that use it take turns.
static MIC: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn mic() -> std::sync::MutexGuard<'static, ()> {
    MIC.lock().unwrap_or_else(|p| p.into_inner())
}

/// Speaks `text` into a WAV file and returns its duration in seconds.
fn speak(text: &str, path: &Path) -> f64 {
    let status = Command::new("espeak-ng")
        .args(["-w"])
        .arg(path)
        .arg(text)
        .status()
        .expect("espeak-ng runs");
    assert!(status.success());
    let r = hound::WavReader::open(path).unwrap();
    r.duration() as f64 / r.spec().sample_rate as f64
}

fn play(path: &Path) -> std::process::Child {
    Command::new("paplay")
        .args(["-d", "virtmic"])
        .arg(path)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("paplay runs")
}

fn rms(samples: &[i16]) -> f64 {
    (samples
        .iter()
        .map(|&s| (s as f64 / 32768.0).powi(2))
        .sum::<f64>()
        / samples.len().max(1) as f64)
        .sqrt()
}

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` starts"]
fn speech_from_the_virtual_microphone_is_recorded_at_16khz_mono() {
    let _turn = mic();
    let dir = tempfile::tempdir().unwrap();
    let speech = dir.path().join("speech.wav");
    let speech_secs = speak(SENTENCE, &speech);
    assert!(
        speech_secs > 7.0 && speech_secs < 13.0,
        "the sentence lasts {speech_secs:.2} s"
    );

    let out = dir.path().join("take.wav");
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let ev = events.clone();
    let opts = RecordOptions {
        max_duration: Some(Duration::from_secs_f64(speech_secs)),
        ..RecordOptions::default()
    };
    let recorder = Recorder::start(opts, &out, move |e| ev.lock().unwrap().push(e)).unwrap();
    let mut player = play(&speech);
    while !recorder.is_finished() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let summary = recorder.stop().unwrap();
    let _ = player.wait();

    assert_eq!(summary.reason, StopReason::MaxDuration);
    assert_eq!(summary.dropped, 0);
    let info = wav::inspect(&out).unwrap();
    assert_eq!(
        (info.sample_rate, info.channels, info.bits_per_sample),
        (16_000, 1, 16)
    );
    let secs = info.frames as f64 / 16_000.0;
    assert!(
        (secs - speech_secs).abs() / speech_secs < 0.05,
        "recorded {secs:.3} s of a {speech_secs:.3} s sentence"
    );
    assert_eq!(info.frames, summary.samples);
    assert_eq!(info.frames, (secs * 16_000.0).round() as u64);

    let samples: Vec<i16> = hound::WavReader::open(&out)
        .unwrap()
        .samples::<i16>()
        .map(Result::unwrap)
        .collect();
    let level = rms(&samples);
    assert!(
        level > 0.02,
        "speech RMS {level:.4} should be far above silence"
    );
    // Speech is spread over the take, not a blip: most 1-second windows carry sound.
    let loud_seconds = samples.chunks(16_000).filter(|c| rms(c) > 0.01).count();
    assert!(
        loud_seconds as f64 >= secs * 0.6,
        "{loud_seconds} of {secs:.1} seconds have sound"
    );

    let events = events.lock().unwrap();
    assert!(
        matches!(events.first(), Some(CaptureEvent::Started { .. })),
        "{:?}",
        events.first()
    );
    let levels = events
        .iter()
        .filter(|e| matches!(e, CaptureEvent::Level { .. }))
        .count();
    assert!(
        levels as f64 <= secs * 20.0 + 2.0,
        "{levels} level updates exceed 20 per second"
    );
    assert!(levels as f64 >= secs * 10.0, "only {levels} level updates");
}

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` starts"]
fn a_tap_reads_the_samples_of_the_file_while_it_is_written() {
    let _turn = mic();
    let dir = tempfile::tempdir().unwrap();
    let speech = dir.path().join("speech.wav");
    let speech_secs = speak(SENTENCE, &speech);
    let out = dir.path().join("take.wav");
    let (tap, mut reader) = starling_capture::audio_tap(2);
    let opts = RecordOptions {
        max_duration: Some(Duration::from_secs_f64(speech_secs)),
        ..RecordOptions::default()
    };
    let recorder = Recorder::start_with_tap(opts, &out, Some(tap), |_| {}).unwrap();
    let mut player = play(&speech);
    // Read as a live reader would, while the take runs.
    let mut live = Vec::new();
    let mut reads_before_end = 0;
    while !reader.is_closed() {
        if reader.read_into(&mut live) > 0 && !recorder.is_finished() {
            reads_before_end += 1;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.read_into(&mut live);
    let summary = recorder.stop().unwrap();
    let _ = player.wait();

    assert!(
        reads_before_end > 10,
        "the tap delivered audio during the take ({reads_before_end} reads)"
    );
    assert_eq!(reader.missed(), 0);
    let file: Vec<i16> = hound::WavReader::open(&out)
        .unwrap()
        .samples::<i16>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(live.len() as u64, summary.samples);
    let same = live
        .iter()
        .zip(&file)
        .all(|(&x, &s)| (starling_capture::convert::to_i16(x) as i32 - s as i32).abs() <= 1);
    assert!(same, "the tap carries the very samples of the file");
}

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` starts"]
fn a_tap_nobody_reads_never_costs_the_recording_a_sample() {
    let _turn = mic();
    let dir = tempfile::tempdir().unwrap();
    let speech = dir.path().join("speech.wav");
    let speech_secs = speak(SENTENCE, &speech);
    let out = dir.path().join("take.wav");
    // One second of room, and a reader that never reads: a stalled live transcript.
    let (tap, reader) = starling_capture::audio_tap(1);
    let opts = RecordOptions { max_duration: Some(Duration::from_secs_f64(speech_secs)), ..RecordOptions::default() };
    let recorder = Recorder::start_with_tap(opts, &out, Some(tap), |_| {}).unwrap();
    let mut player = play(&speech);
    while !recorder.is_finished() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let summary = recorder.stop().unwrap();
    let _ = player.wait();
    assert_eq!(summary.reason, StopReason::MaxDuration);
    assert_eq!(summary.dropped, 0, "the recording lost nothing");
    let secs = wav::inspect(&out).unwrap().frames as f64 / 16_000.0;
    assert!((secs - speech_secs).abs() / speech_secs < 0.05, "recorded {secs:.3} s of {speech_secs:.3} s");
    assert_eq!(reader.missed(), summary.samples - 16_000, "the tap kept its first second and counted the rest as missed");
}

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` starts"]
fn silence_is_reported_after_three_seconds() {
    let _turn = mic();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("quiet.wav");
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let ev = events.clone();
    let opts = RecordOptions {
        max_duration: Some(Duration::from_millis(4_000)),
        ..RecordOptions::default()
    };
    let recorder = Recorder::start(opts, &out, move |e| ev.lock().unwrap().push(e)).unwrap();
    while !recorder.is_finished() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let summary = recorder.stop().unwrap();
    assert_eq!(summary.samples, 64_000);
    let events = events.lock().unwrap();
    let warning = events.iter().find_map(|e| match e {
        CaptureEvent::Silence { silent_ms } => Some(*silent_ms),
        _ => None,
    });
    let ms = warning.expect("a silent take must raise the muted-microphone warning");
    assert!((3_000..3_500).contains(&ms), "warned after {ms} ms");
}

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` starts"]
fn an_unknown_device_is_refused_clearly_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("none.wav");
    let opts = RecordOptions {
        device: Some("No Such Microphone 3000".into()),
        ..RecordOptions::default()
    };
    let err = Recorder::start(opts, &out, |_| {})
        .err()
        .expect("must fail");
    assert!(
        err.to_string()
            .contains("\"No Such Microphone 3000\" is not available"),
        "{err}"
    );
    assert!(!out.exists());
}

type EndSlot = std::sync::Arc<std::sync::Mutex<Option<StopReason>>>;

/// Starts a take of at most `max` that remembers why it ended by itself.
fn start_watching_end(max: Duration, out: &Path) -> (Recorder, EndSlot) {
    let ended: EndSlot = Default::default();
    let slot = ended.clone();
    let opts = RecordOptions {
        max_duration: Some(max),
        ..RecordOptions::default()
    };
    let recorder = Recorder::start(opts, out, move |e| {
        if let CaptureEvent::Ended { reason } = e {
            *slot.lock().unwrap() = Some(reason);
        }
    })
    .unwrap();
    (recorder, ended)
}

/// Mounts a 160 KiB tmpfs (about 5 s of 16 kHz audio) and unmounts it on drop.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount() -> Option<SmallDisk> {
        let dir = std::env::temp_dir().join(format!("starling-full-disk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=160k", "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` starts"]
fn a_full_disk_stops_the_take_and_keeps_a_valid_wav() {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    let Some(disk) = SmallDisk::mount() else {
        assert!(
            !is_root,
            "running as root, mounting a small tmpfs must work"
        );
        eprintln!("not root: the full-disk case is covered by wav::tests::a_full_disk_leaves_a_valid_wav_of_what_was_written");
        return;
    };
    let _turn = mic();
    let dir = tempfile::tempdir().unwrap();
    let speech = dir.path().join("speech.wav");
    speak(SENTENCE, &speech);
    let out = disk.0.join("take.wav");
    let (recorder, ended) = start_watching_end(Duration::from_secs(20), &out);
    let mut player = play(&speech);
    while !recorder.is_finished() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let summary = recorder.stop().unwrap();
    let _ = player.kill();
    let _ = player.wait();
    let StopReason::WriteFailed { message } = &summary.reason else {
        panic!("expected a write failure, got {:?}", summary.reason)
    };
    assert!(message.contains("Check free disk space"), "{message}");
    assert_eq!(ended.lock().unwrap().as_ref(), Some(&summary.reason));
    let info = wav::inspect(&out).unwrap();
    assert_eq!(info.frames, summary.samples);
    let secs = info.frames as f64 / 16_000.0;
    assert!(
        (4.0..5.2).contains(&secs),
        "{secs:.2} s fit on a 160 KiB disk"
    );
    let samples: Vec<i16> = hound::WavReader::open(&out)
        .unwrap()
        .samples::<i16>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(samples.len() as u64, info.frames);
    assert!(rms(&samples) > 0.02);
}

/// The pid of the PulseAudio daemon serving this test run.
fn pulse_pid() -> String {
    let runtime =
        std::env::var("XDG_RUNTIME_DIR").expect("XDG_RUNTIME_DIR points at the test's PulseAudio");
    std::fs::read_to_string(Path::new(&runtime).join("pulse/pid"))
        .expect("the daemon wrote its pid")
        .trim()
        .to_string()
}

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` starts"]
fn a_microphone_that_stops_delivering_ends_the_take_and_keeps_the_audio() {
    let _turn = mic();
    let dir = tempfile::tempdir().unwrap();
    let speech = dir.path().join("speech.wav");
    speak(SENTENCE, &speech);
    let out = dir.path().join("take.wav");
    let (recorder, ended) = start_watching_end(Duration::from_secs(30), &out);
    let mut player = play(&speech);
    std::thread::sleep(Duration::from_secs(3));
    // Freeze the sound server: the device stops delivering, as when a USB
    // headset is pulled out.
    let pid = pulse_pid();
    assert!(Command::new("kill")
        .args(["-STOP", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !recorder.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let finished_while_frozen = recorder.is_finished();
    assert!(Command::new("kill")
        .args(["-CONT", &pid])
        .status()
        .unwrap()
        .success());
    assert!(
        finished_while_frozen,
        "the take must end (and the file be finished) while the device is still gone"
    );
    let _ = player.kill();
    let _ = player.wait();
    let summary = recorder.stop().unwrap();
    let StopReason::DeviceLost { message } = &summary.reason else {
        panic!("expected a lost device, got {:?}", summary.reason)
    };
    assert!(message.contains("kept up to that point"), "{message}");
    assert_eq!(ended.lock().unwrap().as_ref(), Some(&summary.reason));
    let info = wav::inspect(&out).unwrap();
    let secs = info.frames as f64 / 16_000.0;
    assert!(
        (2.5..4.0).contains(&secs),
        "kept {secs:.2} s of the 3 s before the freeze"
    );
    let samples: Vec<i16> = hound::WavReader::open(&out)
        .unwrap()
        .samples::<i16>()
        .map(Result::unwrap)
        .collect();
    assert!(rms(&samples) > 0.02);
}
