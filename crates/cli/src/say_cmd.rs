//! `say`: the interviewer's voice without the window — a question of the
//! bank (or its follow-up), or any text, spoken into a WAV file by the same
//! voice the app uses (an installed Piper voice, else espeak-ng).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use starling_bank::Bank;
use starling_studio::DataPaths;
use starling_voice::{wav, Voice};

use crate::fail;

#[derive(Debug, Args)]
pub struct SayArgs {
    /// The id of a bank question to speak (see `starling bank list`).
    #[arg(long, required_unless_present = "text", conflicts_with = "text")]
    question: Option<String>,
    /// With --question: speak its follow-up instead of the question.
    #[arg(long, requires = "question")]
    follow_up: bool,
    /// The text to speak.
    #[arg(long)]
    text: Option<String>,
    /// The WAV file to write (16-bit mono, at the voice's sample rate).
    #[arg(long)]
    out: PathBuf,
    /// "espeak", an installed voice's name, or a Piper `.onnx` file
    /// (default: the first installed voice, else espeak-ng).
    #[arg(long)]
    voice: Option<String>,
    /// Pace against the voice's own, 0.5 to 2.
    #[arg(long, default_value_t = 1.0, value_parser = speed)]
    speed: f32,
}

/// A `--speed` that cannot be used.
#[derive(Debug, PartialEq, thiserror::Error)]
enum SpeedError {
    #[error("\"{0}\" is not a number; use a pace such as 0.8 or 1.25")]
    NotANumber(String),
    #[error("use a pace from 0.5 (half speed) to 2 (twice as fast), not {0}")]
    OutOfRange(String),
}

fn speed(v: &str) -> Result<f32, SpeedError> {
    let s: f32 = v.trim().parse().map_err(|_| SpeedError::NotANumber(v.to_string()))?;
    if s.is_finite() && (0.5..=2.0).contains(&s) {
        Ok(s)
    } else {
        Err(SpeedError::OutOfRange(v.to_string()))
    }
}

pub fn run(args: SayArgs) -> ExitCode {
    let paths = DataPaths::resolve(None).ok();
    if let Some(p) = &paths {
        if let Err(e) = starling_files::check_output(&args.out, p.root()) {
            eprintln!("error: Starling will not write there: {e}.");
            return ExitCode::from(2);
        }
    }
    let text = match (&args.question, &args.text) {
        (Some(id), _) => {
            let bank = match Bank::load(paths.as_ref().map(DataPaths::decks).as_deref()) {
                Ok(b) => b,
                Err(e) => return fail(e),
            };
            let Some(q) = bank.get(id) else {
                eprintln!("error: no question has the id \"{id}\"; `starling bank list` shows them.");
                return ExitCode::from(2);
            };
            match (args.follow_up, &q.follow_up) {
                (false, _) => q.prompt.clone(),
                (true, Some(f)) => f.clone(),
                (true, None) => {
                    eprintln!("error: the question \"{id}\" has no follow-up.");
                    return ExitCode::from(2);
                }
            }
        }
        (None, Some(t)) => t.clone(),
        (None, None) => return ExitCode::from(2),
    };
    let voices = paths.as_ref().map(DataPaths::voices).unwrap_or_default();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let (mut voice, fell_back) = match Voice::choose(&voices, args.voice.as_deref(), threads) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    if let Some(why) = fell_back {
        eprintln!("note: {why}");
    }
    let started = Instant::now();
    let speech = match voice.speak(&text, args.speed) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let took = started.elapsed().as_secs_f64();
    let temp = match starling_files::temp_beside(&args.out, ".wav") {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot write beside {}: {e}", args.out.display())),
    };
    if let Err(e) = wav::write(&speech, &temp) {
        return fail(e);
    }
    if let Err(e) = temp.persist(&args.out) {
        return fail(format!("cannot write {}: {}", args.out.display(), e.error));
    }
    println!("wrote {} ({:.2} s of speech by {}, made in {took:.2} s)", args.out.display(), speech.seconds(), voice.id());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_is_a_number_from_half_to_twice() {
        assert_eq!(speed("0.8"), Ok(0.8));
        assert_eq!(speed("2"), Ok(2.0));
        assert_eq!(speed("fast"), Err(SpeedError::NotANumber("fast".into())));
        for bad in ["0.4", "2.01", "NaN", "inf", "-1"] {
            assert_eq!(speed(bad), Err(SpeedError::OutOfRange(bad.into())), "{bad}");
        }
    }
}
