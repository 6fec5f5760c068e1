//! Loading and checking one very large user deck: 100,000 questions of every
//! kind (a quarter are quizzes with three options), with four deliberate
//! mistakes among the last questions so that error lines deep in the file are
//! computed. The time is `read_deck_dir` on the folder holding the deck: read
//! the file, parse it, check every question, locate every problem.
//!
//! The reference, measured in the same run on the same file, is reading it
//! and parsing it with the `toml` crate alone into a `toml::Value`: the floor
//! any checker of this format pays. The ratio says what the checking adds.
//! The target is under 2 s for 100,000 questions in a release build.
//!
//! `STARLING_BENCH_SHORT=1` uses 20,000 questions (the run CI makes); the
//! per-question rate is printed either way.

use std::fmt::Write as _;
use std::time::Instant;

use starling_bank::{read_deck_dir, Area, DeckOrigin};

const TARGET_S: f64 = 2.0;
const FULL: usize = 100_000;
const ROUNDS: usize = 3;

/// The deck text, and the number of problems its deliberate mistakes cause.
fn deck(n: usize) -> (String, usize) {
    let kinds = ["technical", "behavioral", "coding", "quiz"];
    let mut s = String::from("[deck]\nname = \"Bench\"\ndescription = \"Generated\"\n\n");
    for i in 0..n - 4 {
        let kind = kinds[i % kinds.len()];
        let area = Area::ALL[i % Area::ALL.len()].as_str();
        let _ = write!(
            s,
            "[[question]]\nid = \"q-{i}\"\nkind = \"{kind}\"\narea = \"{area}\"\ntopic = \"topic {}\"\ndifficulty = \"medium\"\n\
             prompt = \"\"\"\nQuestion {i}: explain the trade-offs\nof approach {} in two minutes.\n\"\"\"\n\
             answer = \"An answer for question {i}.\"\nexplanation = \"Because {i} is what it is.\"\n",
            i % 97,
            i % 13,
        );
        if kind == "quiz" {
            s.push_str("select = \"single\"\n");
            for (k, correct) in [false, true, false].iter().enumerate() {
                let _ = write!(s, "\n[[question.option]]\ntext = \"Option {k} of {i}\"\ncorrect = {correct}\n");
            }
        }
        s.push('\n');
    }
    // The mistakes: a repeated id, an unknown kind, a missing prompt, and a
    // quiz with no correct option.
    s.push_str("[[question]]\nid = \"q-0\"\nkind = \"technical\"\narea = \"Python\"\nprompt = \"Again?\"\n\n");
    s.push_str("[[question]]\nid = \"bad-kind\"\nkind = \"essay\"\narea = \"Python\"\nprompt = \"?\"\n\n");
    s.push_str("[[question]]\nid = \"no-prompt\"\nkind = \"technical\"\narea = \"Python\"\n\n");
    s.push_str("[[question]]\nid = \"no-correct\"\nkind = \"quiz\"\narea = \"Python\"\nselect = \"single\"\nprompt = \"Pick\"\nexplanation = \"x\"\n");
    s.push_str("[[question.option]]\ntext = \"a\"\ncorrect = false\n[[question.option]]\ntext = \"b\"\ncorrect = false\n");
    (s, 4)
}

fn best_of<T>(rounds: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..rounds {
        let t = Instant::now();
        let r = std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.expect("at least one round"))
}

fn main() {
    let short = std::env::var_os("STARLING_BENCH_SHORT").is_some();
    let n = if short { 20_000 } else { FULL };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bench.toml");
    let (text, expected_problems) = deck(n);
    let lines = text.lines().count();
    std::fs::write(&path, &text).expect("the deck is written");
    println!("deck_check: {n} questions, {lines} lines, {:.1} MiB", text.len() as f64 / (1 << 20) as f64);

    let (check_s, decks) = best_of(ROUNDS, || read_deck_dir(dir.path(), DeckOrigin::User).expect("the folder is read"));
    let (toml_s, _) = best_of(ROUNDS, || {
        let text = std::fs::read_to_string(&path).expect("the deck is read");
        toml::from_str::<toml::Value>(&text).expect("the deck is valid TOML")
    });

    // The result must be the real one: every good question kept, every
    // mistake found and located near the end of the file.
    let deck = &decks[0];
    assert_eq!(deck.questions.len(), n - 4, "every good question passes");
    assert_eq!(deck.problems.len(), expected_problems, "{:?}", deck.problems);
    assert!(deck.problems.iter().all(|p| p.line > lines - 40), "{:?}", deck.problems);
    for p in &deck.problems {
        println!("deck_check: found  {p}");
    }

    let per_q_us = |s: f64| s * 1e6 / n as f64;
    println!("deck_check: load + check       {check_s:>8.3} s  ({:.2} us per question, best of {ROUNDS})", per_q_us(check_s));
    println!("deck_check: toml::Value floor  {toml_s:>8.3} s  ({:.2} us per question)", per_q_us(toml_s));
    println!("deck_check: check / floor = {:.2}", check_s / toml_s);
    let projected = per_q_us(check_s) * FULL as f64 / 1e6;
    if short {
        println!(
            "deck_check: projected for {FULL} questions {projected:.2} s; target {TARGET_S} s: {}",
            if projected < TARGET_S { "met" } else { "MISSED" }
        );
    } else {
        println!("deck_check: {n} questions in {check_s:.2} s; target {TARGET_S} s: {}", if check_s < TARGET_S { "met" } else { "MISSED" });
    }
}
