//! How far two independent annotators agree with the writers' labels of
//! the STAR development set (`data/agreement/`, see its README): the
//! ceiling a labeller can be expected to reach, and a check on the labels
//! themselves. Fails if an annotator's file does not match the data set
//! (unknown or held-out id, wrong number of labels, unknown label) or if
//! agreement falls below 90 % of sentences, which would mean the labels are
//! too inconsistent to train or measure on.

use std::collections::HashMap;

use starling_coach::star::dataset::{self, Label, LabelledAnswer, MissingCounts};
use starling_coach::star::StarPart;

#[derive(serde::Deserialize)]
struct Relabel {
    id: String,
    labels: Vec<String>,
}

fn label(s: &str) -> Label {
    dataset::part_of(s).unwrap_or_else(|| panic!("unknown label {s:?}"))
}

fn annotator(file: &str, by_id: &HashMap<&str, &LabelledAnswer>) -> Vec<(String, Vec<Label>)> {
    let path = dataset::source_dir().join("agreement").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .map(|(n, line)| {
            let r: Relabel = serde_json::from_str(line).unwrap_or_else(|e| panic!("{file}, line {}: {e}", n + 1));
            let a = by_id.get(r.id.as_str()).unwrap_or_else(|| panic!("{file}: {} is not in the data set", r.id));
            assert!(!a.is_held_out(), "{file}: {} is held out; the agreement sample is drawn from the training part", r.id);
            assert_eq!(r.labels.len(), a.sentences.len(), "{file}: {} has {} sentences", r.id, a.sentences.len());
            (r.id, r.labels.iter().map(|l| label(l)).collect())
        })
        .collect()
}

fn missing(labels: &[Label]) -> Vec<StarPart> {
    StarPart::ALL.into_iter().filter(|p| !labels.contains(&Some(*p))).collect()
}

/// Sentence agreement and missing-part counts of `got` against `truth`.
fn compare(got: &[(String, Vec<Label>)], truth: &dyn Fn(&str) -> Vec<Label>) -> (u32, u32, MissingCounts) {
    let (mut same, mut all, mut m) = (0, 0, MissingCounts::default());
    for (id, labels) in got {
        let t = truth(id);
        all += labels.len() as u32;
        same += labels.iter().zip(&t).filter(|(a, b)| a == b).count() as u32;
        m.add(&missing(labels), &missing(&t));
    }
    (same, all, m)
}

#[test]
fn independent_annotators_agree_with_the_writers_labels() {
    let data = dataset::load(&dataset::source_dir()).expect("the data set loads");
    let by_id: HashMap<&str, &LabelledAnswer> = data.iter().map(|a| (a.id.as_str(), a)).collect();
    let writer = |id: &str| by_id[id].sentences.iter().map(|(_, l)| *l).collect::<Vec<Label>>();
    let a = annotator("relabel-a.jsonl", &by_id);
    let b = annotator("relabel-b.jsonl", &by_id);
    assert!(a.len() >= 100, "{} answers relabelled", a.len());
    assert_eq!(a.iter().map(|(id, _)| id).collect::<Vec<_>>(), b.iter().map(|(id, _)| id).collect::<Vec<_>>(), "both annotators label the same answers");
    let b_of: HashMap<&str, &Vec<Label>> = b.iter().map(|(id, l)| (id.as_str(), l)).collect();
    for (name, got, truth) in [
        ("annotator A vs writers", &a, &writer as &dyn Fn(&str) -> Vec<Label>),
        ("annotator B vs writers", &b, &writer),
        ("annotator A vs annotator B", &a, &|id: &str| b_of[id].clone()),
    ] {
        let (same, all, m) = compare(got, truth);
        let share = f64::from(same) / f64::from(all);
        println!(
            "{name:<28} sentences {:.1}% ({same}/{all})   missing-part precision {:.1}%  recall {:.1}%",
            100.0 * share,
            100.0 * m.precision(),
            100.0 * m.recall()
        );
        assert!(share >= 0.9, "{name}: only {:.1}% of sentences agree", 100.0 * share);
    }
}
