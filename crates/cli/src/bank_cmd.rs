//! `bank check` and `bank list`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;

use starling_bank::{read_deck_dir, Bank, DeckOrigin, Question, QuizOption, SelectMode};
use starling_studio::{DataPaths, StudioError};

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Validate decks. With DIR, checks every *.toml file in DIR; without it,
    /// checks the built-in bank and your deck folder. Exits 1 if any deck has problems.
    Check {
        /// A folder of deck files.
        dir: Option<PathBuf>,
    },
    /// List every question of the bank (built-in and your decks).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: BankCommand) -> ExitCode {
    match cmd {
        BankCommand::Check { dir } => check(dir),
        BankCommand::List { json } => list(json),
    }
}

/// The user's deck folder; none when no data folder can be found at all (the
/// built-in decks still load), an error when STARLING_DATA_DIR is set wrong.
fn user_deck_dir() -> Result<Option<PathBuf>, StudioError> {
    match DataPaths::resolve(None) {
        Ok(p) => Ok(Some(p.decks())),
        Err(starling_studio::paths::PathsError::NoDataDir) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Loads the bank with the user's decks, or prints why not.
fn load_bank() -> Result<Bank, ExitCode> {
    let loaded = user_deck_dir().map_err(|e| e.to_string()).and_then(|dir| Bank::load(dir.as_deref()).map_err(|e| e.to_string()));
    loaded.map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

fn check(dir: Option<PathBuf>) -> ExitCode {
    let reports: Vec<(String, usize, Vec<String>)> = match &dir {
        Some(dir) => match read_deck_dir(dir, DeckOrigin::User) {
            Ok(decks) if decks.is_empty() => {
                eprintln!("error: {} holds no *.toml deck files", dir.display());
                return ExitCode::from(2);
            }
            Ok(decks) => decks
                .into_iter()
                .map(|d| (d.info.file, d.questions.len(), d.problems.iter().map(|p| p.to_string()).collect()))
                .collect(),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        None => match load_bank() {
            Ok(bank) => bank
                .decks()
                .iter()
                .map(|d| (d.info.file.clone(), d.question_count, d.problems.iter().map(|p| p.to_string()).collect()))
                .collect(),
            Err(code) => return code,
        },
    };
    let mut bad_decks = 0;
    let mut problems = 0;
    let mut questions = 0;
    for (file, count, probs) in &reports {
        if probs.is_empty() {
            questions += count;
            println!("ok    {file} ({count} questions)");
        } else {
            bad_decks += 1;
            problems += probs.len();
            for p in probs {
                println!("error {p}");
            }
        }
    }
    println!(
        "{} deck(s) checked: {} ok with {questions} questions, {bad_decks} with problems ({problems} problem(s))",
        reports.len(),
        reports.len() - bad_decks
    );
    if bad_decks > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One question as `bank list --json` prints it: the quiz options sit at the
/// top level so scripts can read `options[].correct` directly.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    question: QuestionFields<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    select: Option<SelectMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<&'a [QuizOption]>,
}

#[derive(Serialize)]
struct QuestionFields<'a> {
    id: &'a str,
    kind: starling_bank::QuestionKind,
    area: starling_bank::Area,
    topic: Option<&'a str>,
    difficulty: Option<starling_bank::Difficulty>,
    deck: &'a str,
    prompt: &'a str,
    answer: Option<&'a str>,
    explanation: Option<&'a str>,
    follow_up: Option<&'a str>,
    sample_answer: Option<&'a str>,
    example: Option<&'a str>,
    approach: Option<&'a str>,
}

fn listed(q: &Question) -> Listed<'_> {
    Listed {
        question: QuestionFields {
            id: &q.id,
            kind: q.kind,
            area: q.area,
            topic: q.topic.as_deref(),
            difficulty: q.difficulty,
            deck: &q.deck,
            prompt: &q.prompt,
            answer: q.answer.as_deref(),
            explanation: q.explanation.as_deref(),
            follow_up: q.follow_up.as_deref(),
            sample_answer: q.sample_answer.as_deref(),
            example: q.example.as_deref(),
            approach: q.approach.as_deref(),
        },
        select: q.quiz.as_ref().map(|z| z.select),
        options: q.quiz.as_ref().map(|z| z.options.as_slice()),
    }
}

fn list(json: bool) -> ExitCode {
    let bank = match load_bank() {
        Ok(b) => b,
        Err(code) => return code,
    };
    for p in bank.problems() {
        eprintln!("warning: skipped deck: {p}");
    }
    if json {
        let items: Vec<Listed<'_>> = bank.questions().iter().map(listed).collect();
        match serde_json::to_string_pretty(&items) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("error: could not write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        for q in bank.questions() {
            let prompt: String = q.prompt.chars().take(70).collect();
            println!("{:<40} {:<10} {:<22} {prompt}", q.id, q.kind.as_str(), q.area.as_str());
        }
        println!("{} questions", bank.questions().len());
    }
    ExitCode::SUCCESS
}
