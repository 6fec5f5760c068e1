//! Key points "in other words": the labelled key-point set of
//! `crates/coach/data/keypoints/` judged two ways — the app's word overlap
//! (`starling_coach::points::coverage`: half a point's content words said)
//! and sentence embeddings (a point is covered when some sentence of the
//! answer, pair of neighbouring sentences or the whole answer is at least a
//! threshold similar to it). The threshold is chosen on
//! the training items only; both are then measured on the held-out items
//! (whole questions never seen while choosing). Fails unless embeddings judge
//! more held-out points right than word overlap does.

use std::path::PathBuf;

use starling_coach::points::dataset::{self, PointItem, PointScore};
use starling_coach::points::{coverage, split_points};
use starling_coach::TimedWord;
use starling_embed::{cosine, Embedder, Embedding};

fn model() -> Embedder {
    let dir = std::env::var_os("STARLING_MINILM_DIR").unwrap_or_else(|| panic!("set STARLING_MINILM_DIR (cargo xtask test does)"));
    Embedder::load(&PathBuf::from(dir)).unwrap_or_else(|e| panic!("{e}"))
}

/// What a point is compared with: each sentence of the answer, each pair
/// of neighbouring sentences (a point is often made across two) and the
/// whole answer.
fn spans(text: &str) -> Vec<String> {
    let s: Vec<&str> = text.split_inclusive(['.', '?', '!']).map(str::trim).filter(|s| !s.is_empty()).collect();
    let mut out: Vec<String> = s.iter().map(|x| x.to_string()).collect();
    out.extend(s.windows(2).map(|w| w.join(" ")));
    if s.len() > 2 {
        out.push(s.join(" "));
    }
    out
}

/// For every (item, answer, point): the best similarity of the point to a
/// sentence of the answer, and the label.
fn similarities(m: &Embedder, items: &[&PointItem]) -> Vec<(f32, bool)> {
    let mut out = Vec::new();
    for item in items {
        let points: Vec<Embedding> = m.embed(&item.points.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
        for answer in &item.answers {
            let spans = spans(&answer.text);
            let said: Vec<Embedding> = m.embed(&spans.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
            for (p, truth) in points.iter().zip(&answer.covered) {
                let best = said.iter().map(|s| cosine(p, s)).fold(f32::MIN, f32::max);
                out.push((best, *truth));
            }
        }
    }
    out
}

fn words(text: &str) -> Vec<TimedWord> {
    text.split_whitespace().map(|w| TimedWord { text: w.into(), start_ms: 0, end_ms: 0 }).collect()
}

#[test]
#[ignore = "needs the MiniLM files `cargo xtask test` fetches"]
fn embeddings_judge_key_points_better_than_word_overlap_on_held_out_questions() {
    let all = dataset::load(&dataset::source_dir()).unwrap();
    let (held, training): (Vec<&PointItem>, Vec<&PointItem>) = all.iter().partition(|i| i.is_held_out());
    assert!(held.len() >= 8, "{} held-out questions", held.len());
    let m = model();

    // The threshold: the one that judges most training points right.
    let train_sims = similarities(&m, &training);
    let grid: Vec<f32> = (20..=90).map(|t| t as f32 / 100.0).collect();
    let right = |sims: &[(f32, bool)], t: f32| sims.iter().filter(|(s, truth)| (*s >= t) == *truth).count();
    let threshold = grid.iter().copied().max_by_key(|&t| right(&train_sims, t)).unwrap();

    let mut by_meaning = PointScore::default();
    for (s, truth) in similarities(&m, &held) {
        by_meaning.add(s >= threshold, truth);
    }
    let mut by_words = PointScore::default();
    for item in &held {
        for answer in &item.answers {
            let judged = coverage(&item.model_answer, &words(&answer.text));
            for (point, truth) in split_points(&item.model_answer).iter().zip(&answer.covered) {
                // A point with no content words is left out by word overlap:
                // count it as not covered.
                let said = judged.iter().any(|k| k.text == *point && k.covered);
                by_words.add(said, *truth);
            }
        }
    }
    let line = |name: &str, s: &PointScore| {
        format!(
            "{name:<34} {:>5.1}% right ({} of {}); {} false 'covered', {} missed",
            100.0 * s.accuracy(),
            s.true_covered + s.true_missed,
            s.total(),
            s.false_covered,
            s.false_missed
        )
    };
    println!("held-out: {} questions, {} judged points; threshold {threshold:.2} chosen on {} training questions", held.len(), by_meaning.total(), training.len());
    let mut nothing = PointScore::default();
    for item in &held {
        for answer in &item.answers {
            answer.covered.iter().for_each(|t| nothing.add(false, *t));
        }
    }
    println!("{}", line("(every point called missed)", &nothing));
    println!("{}", line("word overlap (before)", &by_words));
    println!("{}", line("sentence embeddings", &by_meaning));
    assert_eq!(by_meaning.total(), by_words.total());
    assert!(by_meaning.accuracy() > by_words.accuracy(), "embeddings {:.3} vs word overlap {:.3}", by_meaning.accuracy(), by_words.accuracy());
}
