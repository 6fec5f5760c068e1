//! Training the STAR labeller on the training part of the data set.
//!
//! A multinomial logistic regression with an L2 penalty, fitted by full-batch
//! AdaGrad for a fixed number of rounds: deterministic, so the same data
//! always gives the same model and a test can check that the shipped model is
//! the one this code trains. The penalty, the feature set and the per-part
//! "told" thresholds are chosen by cross-validation inside the training part;
//! the held-out part never reaches this module.

use std::collections::{BTreeMap, HashMap};

use super::dataset::{LabelledAnswer, Score};
use super::features::{self, FeatureSet, Features};
use super::model::{decide, LinearModel, Probs, CLASSES};

/// Gradient rounds; enough for the training loss to settle on this data.
const ROUNDS: usize = 300;
const STEP: f64 = 0.5;
/// A feature must occur in at least this many training sentences.
const MIN_COUNT: usize = 2;
/// Folds of the cross-validation (answers are dealt round-robin).
pub const FOLDS: usize = 5;

/// The settings training may choose between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Design {
    pub features: FeatureSet,
    pub l2: f64,
}

fn class_of(label: super::dataset::Label) -> usize {
    CLASSES.iter().position(|c| *c == label).unwrap_or(4)
}

fn sentences(a: &LabelledAnswer) -> Vec<&str> {
    a.sentences.iter().map(|(t, _)| t.as_str()).collect()
}

/// Fits a model with thresholds 0.5 (see [`train`] for chosen ones).
pub fn fit(answers: &[&LabelledAnswer], design: Design) -> LinearModel {
    let rows: Vec<(Features, usize)> = answers
        .iter()
        .flat_map(|a| features::answer(&sentences(a), design.features).into_iter().zip(a.sentences.iter().map(|(_, l)| class_of(*l))))
        .collect();
    fit_rows(&rows, design)
}

fn fit_rows(rows: &[(Features, usize)], design: Design) -> LinearModel {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (f, _) in rows {
        for (name, _) in f {
            *counts.entry(name.as_str()).or_default() += 1;
        }
    }
    let mut names: Vec<&str> = counts.iter().filter(|(_, &c)| c >= MIN_COUNT).map(|(n, _)| *n).collect();
    names.sort_unstable();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let x: Vec<Vec<(usize, f64)>> = rows.iter().map(|(f, _)| f.iter().filter_map(|(n, v)| index.get(n.as_str()).map(|&i| (i, f64::from(*v)))).collect()).collect();
    let n = rows.len().max(1) as f64;

    let mut w = vec![[0.0f64; 5]; names.len()];
    let mut b = [0.0f64; 5];
    let mut gw2 = vec![[0.0f64; 5]; names.len()];
    let mut gb2 = [0.0f64; 5];
    let mut gw = vec![[0.0f64; 5]; names.len()];
    for _ in 0..ROUNDS {
        gw.iter_mut().for_each(|g| *g = [0.0; 5]);
        let mut gb = [0.0f64; 5];
        for (xi, (_, y)) in x.iter().zip(rows) {
            let mut s = b;
            for &(j, v) in xi {
                for k in 0..5 {
                    s[k] += w[j][k] * v;
                }
            }
            let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e = s.map(|v| (v - max).exp());
            let sum: f64 = e.iter().sum();
            let mut d = e.map(|v| v / sum);
            d[*y] -= 1.0;
            for k in 0..5 {
                gb[k] += d[k] / n;
            }
            for &(j, v) in xi {
                for k in 0..5 {
                    gw[j][k] += v * d[k] / n;
                }
            }
        }
        for j in 0..names.len() {
            for k in 0..5 {
                let g = gw[j][k] + design.l2 * w[j][k];
                gw2[j][k] += g * g;
                w[j][k] -= STEP * g / (gw2[j][k].sqrt() + 1e-12);
            }
        }
        for k in 0..5 {
            gb2[k] += gb[k] * gb[k];
            b[k] -= STEP * gb[k] / (gb2[k].sqrt() + 1e-12);
        }
    }
    let weights: BTreeMap<String, [f32; 5]> = names.iter().zip(&w).map(|(n, wj)| (n.to_string(), wj.map(|v| v as f32))).collect();
    LinearModel { features: design.features, l2: design.l2, bias: b.map(|v| v as f32), weights, told_at: [0.5; 4] }
}

/// Out-of-fold probabilities: each answer's sentences as labelled by a model
/// trained on the other folds (answer i is in fold i % FOLDS).
pub fn cross_validate(answers: &[&LabelledAnswer], design: Design) -> Vec<Vec<Probs>> {
    let mut out = vec![Vec::new(); answers.len()];
    for fold in 0..FOLDS {
        let train: Vec<&LabelledAnswer> = answers.iter().enumerate().filter(|(i, _)| i % FOLDS != fold).map(|(_, a)| *a).collect();
        let model = fit(&train, design);
        for (i, a) in answers.iter().enumerate().filter(|(i, _)| i % FOLDS == fold) {
            out[i] = model.probabilities(&sentences(a));
        }
    }
    out
}

/// Scores labels decided from given probabilities and thresholds.
pub fn score(answers: &[&LabelledAnswer], probs: &[Vec<Probs>], told_at: [f32; 4]) -> Score {
    let mut s = Score::default();
    for (a, p) in answers.iter().zip(probs) {
        let d = decide(p, told_at);
        s.add(a, &d.labels, &d.missing);
    }
    s
}

/// The thresholds tried for each part.
const GRID: [f32; 18] = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

/// The thresholds that make missing-part warnings best on out-of-fold
/// probabilities: the highest of precision and recall's minimum, then of
/// sentence accuracy. Coordinate ascent from 0.5, three sweeps.
pub fn choose_thresholds(answers: &[&LabelledAnswer], probs: &[Vec<Probs>]) -> [f32; 4] {
    let value = |t: [f32; 4]| {
        let s = score(answers, probs, t);
        (s.missing.precision().min(s.missing.recall()), s.accuracy())
    };
    let mut best = [0.5f32; 4];
    let mut best_value = value(best);
    for _ in 0..3 {
        for k in 0..4 {
            for g in GRID {
                let mut t = best;
                t[k] = g;
                let v = value(t);
                if v.0 > best_value.0 || (v.0 == best_value.0 && v.1 > best_value.1) {
                    best = t;
                    best_value = v;
                }
            }
        }
    }
    best
}

/// One candidate design's cross-validated figures.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub design: Design,
    pub score: Score,
    pub told_at: [f32; 4],
}

/// A design's name in the tables.
pub fn describe(design: Design) -> &'static str {
    if design.features.context { "sentence + context" } else { "sentence alone" }
}

/// The designs compared: sentence words alone, or with the answer around
/// them, each at three penalties.
pub fn candidates() -> Vec<Design> {
    let mut out = Vec::new();
    for context in [false, true] {
        for l2 in [2e-5, 1e-4, 3e-4] {
            out.push(Design { features: FeatureSet { context }, l2 });
        }
    }
    out
}

/// Cross-validates every candidate on the training part, keeps the best
/// (missing-part min(precision, recall), then sentence accuracy) and fits it
/// on the whole training part with its thresholds. Returns the model and every
/// candidate's figures.
pub fn train(training: &[&LabelledAnswer]) -> (LinearModel, Vec<Candidate>) {
    let mut results: Vec<Candidate> = candidates()
        .into_iter()
        .map(|design| {
            let probs = cross_validate(training, design);
            let told_at = choose_thresholds(training, &probs);
            Candidate { design, score: score(training, &probs, told_at), told_at }
        })
        .collect();
    let key = |c: &Candidate| (c.score.missing.precision().min(c.score.missing.recall()), c.score.accuracy());
    let best = results.iter().copied().max_by(|a, b| key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal));
    let best = best.unwrap_or(Candidate { design: Design { features: FeatureSet { context: true }, l2: 3e-4 }, score: Score::default(), told_at: [0.5; 4] });
    let mut model = fit(training, best.design);
    model.told_at = best.told_at;
    results.sort_by(|a, b| key(b).partial_cmp(&key(a)).unwrap_or(std::cmp::Ordering::Equal));
    (model, results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::star::dataset::parse;
    use crate::star::StarPart;

    fn toy() -> Vec<LabelledAnswer> {
        let mut text = String::new();
        for i in 0..20 {
            text.push_str(&format!(
                r#"{{"id": "t-{i:03}", "sentences": [{{"text": "Our shop was slow {i}.", "label": "S"}}, {{"text": "I had to fix it.", "label": "T"}}, {{"text": "I rewrote the cache.", "label": "A"}}, {{"text": "Pages got faster.", "label": "R"}}], "missing": []}}"#
            ));
            text.push('\n');
        }
        parse("toy", &text).unwrap()
    }

    #[test]
    fn training_learns_a_separable_toy_set_and_is_deterministic() {
        let data = toy();
        let refs: Vec<&LabelledAnswer> = data.iter().collect();
        let design = Design { features: FeatureSet { context: false }, l2: 1e-4 };
        let m = fit(&refs, design);
        let probs = m.probabilities(&["I rewrote the cache.", "Pages got faster."]);
        assert!(probs[0][2] > 0.8 && probs[1][3] > 0.8, "{probs:?}");
        assert_eq!(m, fit(&refs, design), "the same data gives the same model");
        let d = m.decide(&m.probabilities(&["I rewrote the cache."]));
        assert_eq!(d.missing, vec![StarPart::Situation, StarPart::Task, StarPart::Result]);
    }
}
