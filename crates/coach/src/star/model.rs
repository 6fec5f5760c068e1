//! The STAR labeller's model: a multinomial logistic regression over the
//! features of [`super::features`], and the decision that turns its
//! probabilities into labels and missing parts for a whole answer.
//!
//! A part counts as told when some sentence's probability for it reaches
//! that part's threshold (chosen on the training part, see [`super::train`]);
//! each sentence then takes its most probable label among the told parts and
//! "none". So a sentence is never labelled with a part the report calls
//! missing, and every told part has a sentence.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::dataset::Label;
use super::features::{self, FeatureSet, Features};
use super::StarPart;

/// The labels in the model's order; index 4 is "none".
pub const CLASSES: [Label; 5] = [Some(StarPart::Situation), Some(StarPart::Task), Some(StarPart::Action), Some(StarPart::Result), None];

/// Probabilities of the five labels for one sentence, in [`CLASSES`] order.
pub type Probs = [f32; 5];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    pub features: FeatureSet,
    /// The L2 penalty it was trained with.
    pub l2: f64,
    pub bias: [f32; 5],
    /// One weight per label for each feature seen in training; sorted, so the
    /// file is stable from one training to the next.
    pub weights: BTreeMap<String, [f32; 5]>,
    /// A part is told when a sentence's probability for it is at least this
    /// (S, T, A, R).
    pub told_at: [f32; 4],
}

/// The labels of one answer and the parts it lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub labels: Vec<Label>,
    pub missing: Vec<StarPart>,
}

impl LinearModel {
    fn scores(&self, f: &Features) -> [f32; 5] {
        let mut s = self.bias;
        for (name, v) in f {
            if let Some(w) = self.weights.get(name) {
                for k in 0..5 {
                    s[k] += w[k] * v;
                }
            }
        }
        s
    }

    /// Label probabilities for each sentence of an answer.
    pub fn probabilities(&self, sentences: &[&str]) -> Vec<Probs> {
        self.probabilities_of(&features::answer(sentences, self.features))
    }

    /// Label probabilities from features already made with this model's
    /// feature set (so a caller that also explains labels makes them once).
    pub fn probabilities_of(&self, features: &[Features]) -> Vec<Probs> {
        features.iter().map(|f| softmax(self.scores(f))).collect()
    }

    /// Labels and missing parts from the probabilities of one answer.
    pub fn decide(&self, probs: &[Probs]) -> Decision {
        decide(probs, self.told_at)
    }

    /// The features that pushed one sentence towards `class` most, in words
    /// (at most three), e.g. `"we ended", near the end`.
    pub fn explain(&self, f: &Features, class: usize) -> String {
        let mut pushes: Vec<(f32, String)> = f
            .iter()
            .filter_map(|(name, v)| {
                let w = self.weights.get(name)?;
                let others = (w.iter().sum::<f32>() - w[class]) / 4.0;
                let push = v * (w[class] - others);
                (push > 0.0).then(|| features::describe(name).map(|d| (push, d))).flatten()
            })
            .collect();
        pushes.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        // The place in the answer is named last, as it is the least telling;
        // a common word alone ("a", "and") tells a reader nothing, and a word
        // inside a chosen phrase is said by the phrase.
        pushes.sort_by_key(|(_, d)| !d.starts_with('\u{201c}'));
        let mut out: Vec<String> = Vec::new();
        for (_, d) in pushes {
            let inner = d.trim_matches(['\u{201c}', '\u{201d}']);
            let quoted = d.starts_with('\u{201c}');
            if quoted && !inner.contains(' ') && crate::text::is_stopword(inner) {
                continue;
            }
            if out.contains(&d) || (quoted && out.iter().any(|o| o.trim_matches(['\u{201c}', '\u{201d}']).split(' ').any(|w| w == inner))) {
                continue;
            }
            if quoted && inner.contains(' ') {
                out.retain(|o| !inner.split(' ').any(|w| o.trim_matches(['\u{201c}', '\u{201d}']) == w));
            }
            if out.len() < 3 {
                out.push(d);
            }
        }
        if out.is_empty() { "its place in the answer".into() } else { out.join(", ") }
    }
}

pub fn softmax(s: [f32; 5]) -> Probs {
    let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = s.map(|x| (x - max).exp());
    let sum: f32 = e.iter().sum();
    e.map(|x| x / sum)
}

/// See the module doc: told parts by threshold, then the most probable
/// allowed label per sentence, then a sentence for any told part left
/// without one (the most probable one that is not the only sentence of
/// another part).
pub fn decide(probs: &[Probs], told_at: [f32; 4]) -> Decision {
    let told: Vec<bool> = (0..4).map(|k| probs.iter().any(|p| p[k] >= told_at[k])).collect();
    let allowed = |k: usize| k == 4 || told[k];
    let mut idx: Vec<usize> = probs
        .iter()
        .map(|p| (0..5).filter(|&k| allowed(k)).max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a))).unwrap_or(4))
        .collect();
    for k in 0..4 {
        if !told[k] || idx.contains(&k) {
            continue;
        }
        let free = |i: usize| idx[i] == 4 || idx.iter().filter(|&&c| c == idx[i]).count() > 1;
        if let Some(i) = (0..probs.len()).filter(|&i| free(i)).max_by(|&a, &b| probs[a][k].total_cmp(&probs[b][k]).then(b.cmp(&a))) {
            idx[i] = k;
        }
    }
    let labels: Vec<Label> = idx.iter().map(|&k| CLASSES[k]).collect();
    let missing = StarPart::ALL.into_iter().filter(|p| !labels.contains(&Some(*p))).collect();
    Decision { labels, missing }
}

/// The model that ships with Starling (`crates/coach/model/star.json`,
/// written by `cargo xtask train-star`).
pub fn shipped() -> &'static LinearModel {
    static MODEL: std::sync::OnceLock<LinearModel> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        // Compiled in and checked by this crate's tests, so it always parses.
        serde_json::from_str(include_str!("../../model/star.json")).expect("the shipped STAR model parses")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: usize = 0;
    const T: usize = 1;
    const R: usize = 3;

    fn p(k: usize, v: f32) -> Probs {
        let mut p = [(1.0 - v) / 4.0; 5];
        p[k] = v;
        p
    }

    #[test]
    fn a_part_below_its_threshold_is_missing_and_labels_no_sentence() {
        // The third sentence leans to Result, but not enough to count.
        let probs = [p(S, 0.9), p(T, 0.8), [0.05, 0.05, 0.35, 0.4, 0.15]];
        let d = decide(&probs, [0.5, 0.5, 0.3, 0.5]);
        assert_eq!(d.labels, vec![Some(StarPart::Situation), Some(StarPart::Task), Some(StarPart::Action)]);
        assert_eq!(d.missing, vec![StarPart::Result]);
    }

    #[test]
    fn a_told_part_always_gets_a_sentence() {
        // Task passes its threshold in sentence 2 but Situation is more
        // probable there; sentence 1 is the only Situation, so sentence 2
        // becomes the Task.
        let probs = [p(S, 0.9), [0.5, 0.4, 0.05, 0.03, 0.02]];
        let d = decide(&probs, [0.5, 0.3, 0.5, 0.5]);
        assert_eq!(d.labels, vec![Some(StarPart::Situation), Some(StarPart::Task)]);
        assert_eq!(d.missing, vec![StarPart::Action, StarPart::Result]);
        let _ = R;
    }

    #[test]
    fn the_shipped_model_parses_and_explains_in_words() {
        let m = shipped();
        assert!(m.weights.len() > 100);
        let s = ["As a result our deploys went from two hours to ten minutes."];
        let f = features::answer(&s, m.features);
        let probs = m.probabilities(&s);
        let best = (0..5).max_by(|&a, &b| probs[0][a].total_cmp(&probs[0][b])).unwrap();
        assert_eq!(best, R, "{probs:?}");
        let why = m.explain(&f[0], best);
        assert!(why.contains('\u{201c}') || why.contains("number"), "{why}");
    }
}
