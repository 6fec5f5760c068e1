//! The STAR labeller measured on the held-out part of the data set, which
//! nothing in training reads. Fails when sentence accuracy falls below its
//! target (85 %), when missing-part precision or recall falls below the
//! floor the shipped model reaches today (the 85 % targets of issue 16 are
//! not met yet; the test says so), or when the shipped model is not the one
//! the trainer makes from the training part. Prints the old keyword rules'
//! figures beside the model's.

use starling_coach::star::dataset::{self, LabelledAnswer, Score};
use starling_coach::star::{model, rules, train, StarPart};

const TARGET_ACCURACY: f64 = 0.85;
const TARGET_MISSING: f64 = 0.85;
/// What the shipped model must not fall below while the missing-part target
/// is not met: a little under today's held-out figures (73.2 % and 82.2 %).
const FLOOR_PRECISION: f64 = 0.70;
const FLOOR_RECALL: f64 = 0.79;

fn data() -> Vec<LabelledAnswer> {
    dataset::load(&dataset::source_dir()).expect("the data set loads")
}

fn texts(a: &LabelledAnswer) -> Vec<&str> {
    a.sentences.iter().map(|(t, _)| t.as_str()).collect()
}

fn line(name: &str, s: &Score) -> String {
    format!(
        "{name:<28} {:>6.1}% ({}/{})   precision {:>5.1}% ({}/{})   recall {:>5.1}% ({}/{})",
        100.0 * s.accuracy(),
        s.correct,
        s.sentences,
        100.0 * s.missing.precision(),
        s.missing.true_warnings,
        s.missing.true_warnings + s.missing.false_warnings,
        100.0 * s.missing.recall(),
        s.missing.true_warnings,
        s.missing.true_warnings + s.missing.unwarned,
    )
}

#[test]
fn the_model_meets_the_targets_on_the_held_out_part() {
    let all = data();
    let held: Vec<&LabelledAnswer> = all.iter().filter(|a| a.is_held_out()).collect();
    assert!(held.len() >= 200, "the held-out part has {} answers", held.len());
    let m = model::shipped();
    let mut new = Score::default();
    let mut old = Score::default();
    for a in &held {
        let d = m.decide(&m.probabilities(&texts(a)));
        new.add(a, &d.labels, &d.missing);
        let labels: Vec<Option<StarPart>> = texts(a).iter().map(|t| rules::label_text(t).map(|l| l.0)).collect();
        let missing: Vec<StarPart> = StarPart::ALL.into_iter().filter(|p| !labels.contains(&Some(*p))).collect();
        old.add(a, &labels, &missing);
    }
    let missing_parts: u32 = held.iter().map(|a| a.missing.len() as u32).sum();
    println!("held-out part: {} answers, {} sentences, {missing_parts} missing parts", held.len(), new.sentences);
    println!("{}", line("keyword rules (before)", &old));
    println!("{}", line("learned labeller (shipped)", &new));
    assert!(new.accuracy() >= TARGET_ACCURACY, "sentence accuracy {:.3} < {TARGET_ACCURACY}", new.accuracy());
    for (what, value, floor) in [("precision", new.missing.precision(), FLOOR_PRECISION), ("recall", new.missing.recall(), FLOOR_RECALL)] {
        if value < TARGET_MISSING {
            println!("missing-part {what} {:.1}% is below the {:.0}% target (issue 16 stays open)", 100.0 * value, 100.0 * TARGET_MISSING);
        }
        assert!(value >= floor, "missing-part {what} {value:.3} fell below {floor}");
    }
}

#[test]
fn the_shipped_model_is_what_training_makes_from_the_training_part() {
    let all = data();
    let training: Vec<&LabelledAnswer> = all.iter().filter(|a| !a.is_held_out()).collect();
    let (fresh, _) = train::train(&training);
    let shipped = model::shipped();
    assert_eq!(fresh.features, shipped.features, "run `cargo xtask train-star` and commit crates/coach/model/star.json");
    assert_eq!(fresh.told_at, shipped.told_at, "run `cargo xtask train-star` and commit crates/coach/model/star.json");
    // Same probabilities on every training sentence, to rounding.
    for a in &training {
        let (f, s) = (fresh.probabilities(&texts(a)), shipped.probabilities(&texts(a)));
        for (pf, ps) in f.iter().zip(&s) {
            for k in 0..5 {
                assert!((pf[k] - ps[k]).abs() < 1e-3, "{}: {pf:?} vs shipped {ps:?}; run `cargo xtask train-star`", a.id);
            }
        }
    }
}
