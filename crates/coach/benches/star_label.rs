//! Labelling one answer with the STAR labeller: `star::report` (features,
//! the model, the decision and the explanations) on every answer of the data
//! set, as words the way a transcript gives them. The target is under 50 ms
//! per answer on this machine.
//!
//! The reference, measured in the same run on the same answers, is the
//! keyword rules it replaced (`star::rules`), the cheapest labeller there
//! is: the ratio says what learning costs per answer.

use std::time::Instant;

use starling_coach::star::{self, dataset, rules};
use starling_coach::TimedWord;

const TARGET_MS: f64 = 50.0;
const ROUNDS: usize = 5;

fn main() {
    let answers = match dataset::load(&dataset::source_dir()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let transcripts: Vec<Vec<TimedWord>> = answers
        .iter()
        .map(|a| {
            let text: Vec<&str> = a.sentences.iter().map(|(t, _)| t.as_str()).collect();
            text.join(" ").split_whitespace().enumerate().map(|(i, w)| TimedWord { text: w.into(), start_ms: i as i64 * 400, end_ms: i as i64 * 400 + 320 }).collect()
        })
        .collect();
    // The first call parses the shipped model; time it on its own.
    let started = Instant::now();
    let _ = star::report(&transcripts[0]);
    let first_ms = started.elapsed().as_secs_f64() * 1e3;

    let mut model_ms = Vec::new();
    let mut rules_ms = Vec::new();
    let mut worst_ms: f64 = 0.0;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for w in &transcripts {
            let one = Instant::now();
            std::hint::black_box(star::report(w));
            worst_ms = worst_ms.max(one.elapsed().as_secs_f64() * 1e3);
        }
        model_ms.push(t.elapsed().as_secs_f64() * 1e3 / transcripts.len() as f64);
        let t = Instant::now();
        for a in &answers {
            for (s, _) in &a.sentences {
                std::hint::black_box(rules::label_text(s));
            }
        }
        rules_ms.push(t.elapsed().as_secs_f64() * 1e3 / answers.len() as f64);
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let (m, r) = (best(&model_ms), best(&rules_ms));
    println!("STAR labelling, {} answers, best of {ROUNDS} rounds", answers.len());
    println!("  learned labeller   {m:>8.3} ms per answer (slowest answer {worst_ms:.3} ms; first call with model parse {first_ms:.1} ms)");
    println!("  keyword rules      {r:>8.3} ms per answer (reference)");
    println!("  ratio              {:>8.1}x   target under {TARGET_MS} ms per answer: {}", m / r.max(1e-9), if worst_ms < TARGET_MS { "met" } else { "NOT met" });
}
