//! Trains the STAR labeller on the training part of `crates/coach/data` and
//! writes `crates/coach/model/star.json`, printing each candidate design's
//! cross-validated figures. Run through `cargo xtask train-star`.
//!
//! The held-out part is filtered out before anything else happens; only
//! `tests/star_heldout.rs` reads it.

use std::process::ExitCode;

use starling_coach::star::dataset::{self, LabelledAnswer};
use starling_coach::star::train;

fn main() -> ExitCode {
    let all = match dataset::load(&dataset::source_dir()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let training: Vec<&LabelledAnswer> = all.iter().filter(|a| !a.is_held_out()).collect();
    let sentences: usize = training.iter().map(|a| a.sentences.len()).sum();
    println!("training part: {} answers, {sentences} sentences ({} held out, not read)", training.len(), all.len() - training.len());
    let started = std::time::Instant::now();
    let (model, candidates) = train::train(&training);
    println!("{:<18} {:>8} {:>9} {:>11} {:>9}  told at (S T A R)", "design", "L2", "accuracy", "precision", "recall");
    for c in &candidates {
        println!(
            "{:<18} {:>8.0e} {:>8.1}% {:>10.1}% {:>8.1}%  {:?}",
            train::describe(c.design),
            c.design.l2,
            100.0 * c.score.accuracy(),
            100.0 * c.score.missing.precision(),
            100.0 * c.score.missing.recall(),
            c.told_at
        );
    }
    println!("kept the first ({} features), trained in {:.1} s", model.weights.len(), started.elapsed().as_secs_f64());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("model/star.json");
    let json = match serde_json::to_string(&model) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: could not write the model as JSON: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = std::fs::write(&path, json + "\n") {
        eprintln!("error: could not write {}: {e}", path.display());
        return ExitCode::from(1);
    }
    println!("wrote {}", path.display());
    ExitCode::SUCCESS
}
