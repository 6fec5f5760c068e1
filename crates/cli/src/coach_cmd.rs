//! `coach`: the coaching of one answer without the window, from a text file
//! (the STAR labels, fillers and hedges a transcript alone can tell) or from
//! a WAV recording (transcribed first, then every fact: pace, length,
//! fillers, pauses, STAR and key points).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde::Serialize;

use starling_coach::{analyze, Answer, AnswerKind, CoachSettings, TimedWord};
use starling_studio::coaching::words_of;
use starling_studio::transcription::{self, JobError, WorkerCommand};
use starling_studio::{DataPaths, Studio, StudioError};
use starling_transcribe::audio;

use crate::{fail, print_json};

/// Text files larger than this are not an answer.
const MAX_TEXT_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Behavioral,
    Technical,
    Coding,
}

impl From<Kind> for AnswerKind {
    fn from(k: Kind) -> AnswerKind {
        match k {
            Kind::Behavioral => AnswerKind::Behavioral,
            Kind::Technical => AnswerKind::Technical,
            Kind::Coding => AnswerKind::Coding,
        }
    }
}

#[derive(Debug, Args)]
pub struct CoachArgs {
    /// A WAV recording of the answer; it is transcribed first.
    #[arg(required_unless_present = "text_file", conflicts_with = "text_file")]
    file: Option<PathBuf>,
    /// A UTF-8 text file holding the answer (a transcript or a written
    /// answer) instead of a recording.
    #[arg(long)]
    text_file: Option<PathBuf>,
    /// What kind of question the answer is for.
    #[arg(long, value_enum, default_value = "behavioral")]
    kind: Kind,
    /// For technical answers: a text file with the model answer, whose key
    /// points are checked.
    #[arg(long)]
    model_answer: Option<PathBuf>,
    /// With a recording: an installed model's name or a ggml .bin path
    /// (default: the default model).
    #[arg(long)]
    model: Option<String>,
    /// Print JSON instead of a summary.
    #[arg(long)]
    json: bool,
}

/// What a text alone tells: no times, so no pace, pauses or length.
#[derive(Debug, Serialize)]
struct TextAnalysis {
    star: Option<starling_coach::star::StarReport>,
    fillers: starling_coach::fillers::Counted,
    hedges: starling_coach::fillers::Counted,
    voice: Option<starling_coach::vocab::Voice>,
    key_points: Vec<starling_coach::points::KeyPoint>,
}

fn read_text(path: &Path) -> Result<String, StudioError> {
    Ok(starling_files::read_text_limited(path, MAX_TEXT_BYTES)?)
}

fn text_words(text: &str) -> Vec<TimedWord> {
    text.split_whitespace().map(|w| TimedWord { text: w.to_string(), start_ms: 0, end_ms: 0 }).collect()
}

fn print_star(star: &starling_coach::star::StarReport) {
    for s in &star.sentences {
        let label = s.part.map(|p| format!("{p:?}")).unwrap_or_else(|| "—".into());
        println!("{label:<10} {}", s.text);
        if let Some(why) = &s.cue {
            println!("{:<10} ({why})", "");
        }
    }
    if star.missing.is_empty() {
        println!("\nAll four parts of STAR are there.");
    }
    for m in &star.missing {
        println!("\n{m}");
    }
}

pub fn run(args: CoachArgs) -> ExitCode {
    let kind = AnswerKind::from(args.kind);
    let model_answer = match args.model_answer.as_deref().map(read_text).transpose() {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    if let Some(path) = &args.text_file {
        let text = match read_text(path) {
            Ok(t) => t,
            Err(e) => return fail(e),
        };
        let words = text_words(&text);
        let a = analyze(&Answer { words: &words, samples: None, duration_ms: 0, kind, model_answer: model_answer.as_deref(), settings: CoachSettings::for_kind(kind) });
        let out = TextAnalysis { star: a.star, fillers: a.fillers, hedges: a.hedges, voice: a.voice, key_points: a.key_points };
        if args.json {
            return print_json(&out);
        }
        if let Some(star) = &out.star {
            print_star(star);
        }
        println!("\nFillers: at least {}. Hedges: {}.", out.fillers.at_least, out.hedges.at_least);
        return ExitCode::SUCCESS;
    }
    let Some(file) = args.file else { return fail("give a WAV file or --text-file") };
    let run = || -> Result<starling_coach::Analysis, StudioError> {
        let samples = audio::load_wav(&file)?;
        let studio = Studio::open(DataPaths::resolve(None)?)?;
        let model = match &args.model {
            Some(m) => studio.resolve_model(m)?,
            None => PathBuf::from(studio.default_model()?.ok_or(StudioError::NoModel)?.path),
        };
        let settings = studio.coach_settings(kind)?;
        drop(studio);
        let worker = WorkerCommand::current_exe().map_err(JobError::Start)?;
        let transcript = transcription::transcribe_file(&worker, &model, &file, None, &mut |_| {})?;
        let words = words_of(&transcript);
        let duration_ms = samples.len() as i64 * 1000 / i64::from(audio::MODEL_RATE);
        Ok(analyze(&Answer { words: &words, samples: Some(&samples), duration_ms, kind, model_answer: model_answer.as_deref(), settings }))
    };
    match run() {
        Ok(a) if args.json => print_json(&a),
        Ok(a) => {
            println!(
                "{:.0} words per minute ({} words), {:.0} s long, {} pauses, at least {} fillers, {} hedges",
                a.pace.wpm,
                a.pace.words,
                a.length.duration_ms as f64 / 1000.0,
                a.pauses.len(),
                a.fillers.at_least,
                a.hedges.at_least
            );
            if let Some(star) = &a.star {
                println!();
                print_star(star);
            }
            for p in &a.key_points {
                println!("{} {}", if p.covered { "covered:" } else { "missed: " }, p.text);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}
