//! `devices` and `record`: the microphone from the command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use clap::Args;

use starling_capture::{list_input_devices, CaptureEvent, RecordOptions, Recorder, StopReason};
use starling_studio::clock::Clock;
use starling_studio::recording::LiveRequest;
use starling_studio::shared::{EventSink, SharedStudio};
use starling_studio::transcription::{TranscriptionEvent, WorkerCommand};
use starling_studio::{DataPaths, Studio, StudioError};

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// How long to record, in seconds (at most four hours).
    #[arg(long, value_parser = parse_seconds)]
    seconds: Duration,
    /// The WAV file to write (16 kHz, mono, 16-bit).
    #[arg(long, required_unless_present = "question", conflicts_with = "question")]
    out: Option<PathBuf>,
    /// Record an answer to this question into Starling's data (an attempt with
    /// its WAV in the recordings folder), exactly as the app does.
    #[arg(long)]
    question: Option<String>,
    /// Input device name, as `devices` lists it (default: the system default).
    #[arg(long)]
    device: Option<String>,
}

/// The longest recording `record` makes: four hours, far beyond any answer.
const MAX_SECONDS: f64 = 4.0 * 3600.0;

/// Why `--seconds` cannot be used. Each message says what to give instead.
#[derive(Debug, thiserror::Error)]
enum SecondsError {
    #[error("`{text}` is not a number of seconds")]
    NotANumber { text: String },
    #[error("use a number of seconds above 0 and at most {MAX_SECONDS} (four hours), not {text}")]
    NotFinite { text: String },
    #[error("use a number of seconds above 0 and at most {MAX_SECONDS} (four hours), not {text}")]
    NotPositive { text: String },
    #[error("use a number of seconds above 0 and at most {max} (four hours), not {text}")]
    TooLong { text: String, max: f64 },
    #[error("{text} seconds cannot be used: {source}")]
    Unusable { text: String, source: std::time::TryFromFloatSecsError },
}

/// Reads `--seconds`: a finite number above zero and at most [`MAX_SECONDS`],
/// so nothing from the command line reaches `Duration` unchecked.
fn parse_seconds(text: &str) -> Result<Duration, SecondsError> {
    let seconds: f64 = text.trim().parse().map_err(|_| SecondsError::NotANumber { text: text.to_string() })?;
    if !seconds.is_finite() {
        return Err(SecondsError::NotFinite { text: text.to_string() });
    }
    if seconds <= 0.0 {
        return Err(SecondsError::NotPositive { text: text.to_string() });
    }
    if seconds > MAX_SECONDS {
        return Err(SecondsError::TooLong { text: text.to_string(), max: MAX_SECONDS });
    }
    Duration::try_from_secs_f64(seconds).map_err(|source| SecondsError::Unusable { text: text.to_string(), source })
}

pub fn devices(json: bool) -> ExitCode {
    let list = list_input_devices();
    if json {
        match serde_json::to_string_pretty(&list) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
        return ExitCode::SUCCESS;
    }
    if list.is_empty() {
        println!("No input devices found. Connect a microphone or enable one in the system sound settings.");
        return ExitCode::from(1);
    }
    for d in &list {
        println!(
            "{} {}  ({} Hz, {} ch, {})",
            if d.is_default { "*" } else { " " },
            d.name,
            d.sample_rate,
            d.channels,
            d.sample_format
        );
    }
    ExitCode::SUCCESS
}

fn report(event: CaptureEvent) {
    match event {
        CaptureEvent::Started { device, sample_rate, channels, sample_format } => {
            eprintln!("recording from {device} ({sample_rate} Hz, {channels} ch, {sample_format})");
        }
        CaptureEvent::Silence { silent_ms } => {
            eprintln!("warning: no sound for {:.1} s — is the microphone muted?", silent_ms as f64 / 1000.0)
        }
        CaptureEvent::Ended { reason: StopReason::DeviceLost { message } | StopReason::WriteFailed { message } } => {
            eprintln!("warning: {message}")
        }
        _ => {}
    }
}

/// The longest the command waits for a take's transcript after it stops.
const TRANSCRIPT_WAIT: Duration = Duration::from_secs(30 * 60);

/// Records into a new attempt of `question` and, with a model installed,
/// transcribes it the way the app does — through the same
/// `SharedStudio::stop_take` (live while recording, one pass if that cannot
/// be trusted) — then prints the text from the `Done` event.
fn record_attempt(question: &str, opts: RecordOptions) -> Result<ExitCode, StudioError> {
    let paths = DataPaths::resolve(None)?;
    let studio = Studio::open(paths)?;
    let worker = match studio.default_model()? {
        Some(_) => WorkerCommand::current_exe().map_err(|e| tracing::warn!(error = %e, "no transcription worker")).ok(),
        None => None,
    };
    let live = worker.as_ref().map(|w| LiveRequest::new(w.program.clone(), Box::new(|_| {})));
    let (tx, events) = mpsc::channel();
    let sink: EventSink = Arc::new(move |e| {
        let _ = tx.send(e);
    });
    let shared = SharedStudio::new(studio, Clock::system(), worker, sink);
    let attempt = shared.with(|s| s.start_recording_live(question, opts, live, report))?;
    println!("attempt {} started: {}", attempt.id, attempt.audio_file.as_deref().unwrap_or(""));
    while !shared.with(|s| Ok::<_, StudioError>(s.recording_ended()))? {
        std::thread::sleep(Duration::from_millis(20));
    }
    let stopped = shared.stop_take()?;
    let done = stopped.attempt;
    println!(
        "attempt {} {}: {:.2} s{}",
        done.id,
        done.state.as_str(),
        done.duration_ms.unwrap_or(0) as f64 / 1000.0,
        done.error.map(|e| format!(" ({e})")).unwrap_or_default()
    );
    if !stopped.transcript_coming {
        println!("no transcript: install a model first (`starling models download tiny.en`)");
        return Ok(ExitCode::SUCCESS);
    }
    let id = done.id as i32;
    let until = std::time::Instant::now() + TRANSCRIPT_WAIT;
    loop {
        let left = until.saturating_duration_since(std::time::Instant::now());
        match events.recv_timeout(left) {
            Ok(TranscriptionEvent::Done { attempt_id, transcript }) if attempt_id == id => {
                println!("transcript ({}, {}): {}", transcript.model, transcript.source.as_str().replace('_', " "), transcript.text.trim());
                return Ok(ExitCode::SUCCESS);
            }
            Ok(TranscriptionEvent::FellBack { attempt_id, reason }) if attempt_id == id => {
                eprintln!("warning: the live transcript could not be used ({reason}); transcribing the file in one pass");
            }
            Ok(TranscriptionEvent::Failed { attempt_id, message }) if attempt_id == id => {
                eprintln!("error: the take is kept, but it could not be transcribed: {message}");
                return Ok(ExitCode::from(1));
            }
            Ok(_) => {}
            Err(_) => {
                eprintln!("error: no transcript after {} minutes; the take is kept and will be transcribed when Starling next opens", TRANSCRIPT_WAIT.as_secs() / 60);
                return Ok(ExitCode::from(1));
            }
        }
    }
}

pub fn record(args: RecordArgs) -> ExitCode {
    let opts = RecordOptions {
        device: args.device,
        max_duration: Some(args.seconds),
        ..RecordOptions::default()
    };
    if let Some(question) = args.question {
        return match record_attempt(&question, opts) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        };
    }
    let Some(out) = args.out else { return ExitCode::from(2) };
    // A recording written over the live database would destroy it.
    if let Ok(paths) = DataPaths::resolve(None) {
        if let Err(e) = starling_files::check_output(&out, paths.root()) {
            eprintln!("error: Starling will not record there: {e}.");
            return ExitCode::from(2);
        }
    }
    let recorder = match Recorder::start(opts, &out, report) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    // The recorder stops itself at the maximum duration (or on a fault).
    while !recorder.is_finished() {
        std::thread::sleep(Duration::from_millis(20));
    }
    match recorder.stop() {
        Ok(s) => {
            println!(
                "wrote {} ({:.2} s, {} samples at 16 kHz; device {} Hz × {} ch; dropped {})",
                s.path.display(),
                s.duration_ms as f64 / 1000.0,
                s.samples,
                s.native_rate,
                s.native_channels,
                s.dropped
            );
            match s.reason {
                StopReason::Requested | StopReason::MaxDuration => ExitCode::SUCCESS,
                _ => ExitCode::from(1),
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_bounded_before_they_become_a_duration() {
        assert_eq!(parse_seconds("1.5").unwrap(), Duration::from_millis(1500));
        for bad in ["1e300", "inf", "NaN", "0", "-3", "14401", "soon"] {
            let e = parse_seconds(bad).unwrap_err().to_string();
            assert!(e.contains(bad) || e.contains("not a number"), "{bad}: {e}");
        }
        assert!(matches!(parse_seconds("soon"), Err(SecondsError::NotANumber { .. })));
        assert!(matches!(parse_seconds("NaN"), Err(SecondsError::NotFinite { .. })));
        assert!(matches!(parse_seconds("-3"), Err(SecondsError::NotPositive { .. })));
        assert!(matches!(parse_seconds("1e300"), Err(SecondsError::TooLong { .. })));
        assert_eq!(parse_seconds("14401").unwrap_err().to_string(), "use a number of seconds above 0 and at most 14400 (four hours), not 14401");
    }
}
