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

fn speed(v: &str) -> Result<f32, String> {
    let s: f32 = v.parse().map_err(|_| format!("\"{v}\" is not a number"))?;
    if s.is_finite() && (0.5..=2.0).contains(&s) {
        Ok(s)
    } else {
        Err(format!("{v} is outside 0.5 to 2"))
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
