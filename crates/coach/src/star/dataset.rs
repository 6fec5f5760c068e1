//! The labelled STAR development set (`crates/coach/data/answers-*.jsonl`):
//! parsing, the fixed split into a training and a held-out part, and the
//! measures the evaluation reports. [`load`] is the one function of this
//! crate that reads files; the app never calls it, training and evaluation do.

use serde::Deserialize;

use super::StarPart;

/// One sentence's label in the data set: a part, or `None` for sentences
/// that carry no story (fillers, meta-talk, asides).
pub type Label = Option<StarPart>;

/// One labelled answer.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledAnswer {
    pub id: String,
    pub sentences: Vec<(String, Label)>,
    /// The parts no sentence is labelled with.
    pub missing: Vec<StarPart>,
}

impl LabelledAnswer {
    /// Whether this answer belongs to the held-out part: its id's number is
    /// a multiple of 4 (`w1-004`). The rule is fixed so that no choice of
    /// split can be tuned to the data.
    pub fn is_held_out(&self) -> bool {
        crate::labelled::held_out(&self.id)
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DatasetError {
    #[error("{file}, line {line}: this is not a labelled answer ({reason})")]
    Json { file: String, line: usize, reason: String },
    #[error("{file}, line {line}: sentence {sentence} has the label {label:?}; the labels are S, T, A, R and none")]
    Label { file: String, line: usize, sentence: usize, label: String },
    #[error("could not read the data set at {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} holds no answers-*.jsonl files")]
    Empty { path: String },
    #[error("{file}, line {line}: \"missing\" lists {listed:?}, but the parts with no sentence are {actual:?}")]
    Missing { file: String, line: usize, listed: Vec<String>, actual: Vec<String> },
}

#[derive(Deserialize)]
struct RawAnswer {
    id: String,
    sentences: Vec<RawSentence>,
    missing: Vec<String>,
}

#[derive(Deserialize)]
struct RawSentence {
    text: String,
    label: String,
}

/// The label a data-set letter stands for (`"S"`, `"T"`, `"A"`, `"R"`,
/// `"none"`); `None` for anything else.
pub fn part_of(label: &str) -> Option<Label> {
    match label {
        "S" => Some(Some(StarPart::Situation)),
        "T" => Some(Some(StarPart::Task)),
        "A" => Some(Some(StarPart::Action)),
        "R" => Some(Some(StarPart::Result)),
        "none" => Some(None),
        _ => None,
    }
}

/// The letter the data set uses for a part.
pub fn letter(part: StarPart) -> &'static str {
    match part {
        StarPart::Situation => "S",
        StarPart::Task => "T",
        StarPart::Action => "A",
        StarPart::Result => "R",
    }
}

/// Parses one JSON Lines file of the data set; `file` names it in errors.
/// A `missing` list that disagrees with the labels is refused, so the two
/// cannot drift apart.
pub fn parse(file: &str, text: &str) -> Result<Vec<LabelledAnswer>, DatasetError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let raw: RawAnswer = serde_json::from_str(line).map_err(|e| DatasetError::Json { file: file.into(), line: line_no, reason: e.to_string() })?;
        let mut sentences = Vec::with_capacity(raw.sentences.len());
        for (k, s) in raw.sentences.into_iter().enumerate() {
            let label = part_of(&s.label).ok_or_else(|| DatasetError::Label { file: file.into(), line: line_no, sentence: k + 1, label: s.label.clone() })?;
            sentences.push((s.text, label));
        }
        let actual: Vec<StarPart> = StarPart::ALL.into_iter().filter(|p| !sentences.iter().any(|(_, l)| *l == Some(*p))).collect();
        let listed: Vec<Option<StarPart>> = raw.missing.iter().map(|m| part_of(m).flatten()).collect();
        if listed != actual.iter().copied().map(Some).collect::<Vec<_>>() {
            return Err(DatasetError::Missing {
                file: file.into(),
                line: line_no,
                listed: raw.missing,
                actual: actual.iter().map(|p| letter(*p).to_string()).collect(),
            });
        }
        out.push(LabelledAnswer { id: raw.id, sentences, missing: actual });
    }
    Ok(out)
}

/// Every answer of every `answers-*.jsonl` file in `dir`, files in name
/// order, answers in file order.
pub fn load(dir: &std::path::Path) -> Result<Vec<LabelledAnswer>, DatasetError> {
    let files = crate::labelled::read_files(dir, "answers-").map_err(|f| DatasetError::Read { path: f.path, reason: f.reason })?;
    if files.is_empty() {
        return Err(DatasetError::Empty { path: dir.display().to_string() });
    }
    let mut out = Vec::new();
    for (name, text) in files {
        out.extend(parse(&name, &text)?);
    }
    Ok(out)
}

/// The folder of the data set in this source tree.
pub fn source_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Counts for missing-part warnings: a warning is a part the labeller says
/// is missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MissingCounts {
    /// Warnings for parts that really are missing.
    pub true_warnings: u32,
    /// Warnings for parts the answer has.
    pub false_warnings: u32,
    /// Missing parts with no warning.
    pub unwarned: u32,
}

impl MissingCounts {
    pub fn add(&mut self, predicted: &[StarPart], truth: &[StarPart]) {
        for p in predicted {
            if truth.contains(p) {
                self.true_warnings += 1;
            } else {
                self.false_warnings += 1;
            }
        }
        self.unwarned += truth.iter().filter(|p| !predicted.contains(p)).count() as u32;
    }

    /// The share of warnings that are true (1 when there are none).
    pub fn precision(&self) -> f64 {
        let shown = self.true_warnings + self.false_warnings;
        if shown == 0 { 1.0 } else { f64::from(self.true_warnings) / f64::from(shown) }
    }

    /// The share of missing parts that are warned about (1 when none are missing).
    pub fn recall(&self) -> f64 {
        let missing = self.true_warnings + self.unwarned;
        if missing == 0 { 1.0 } else { f64::from(self.true_warnings) / f64::from(missing) }
    }
}

/// Sentence accuracy and missing-part counts of one labeller on a set of answers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Score {
    pub sentences: u32,
    pub correct: u32,
    pub missing: MissingCounts,
}

impl Score {
    /// Adds one answer: the predicted label of each sentence and the parts
    /// the labeller calls missing.
    pub fn add(&mut self, answer: &LabelledAnswer, labels: &[Label], missing: &[StarPart]) {
        for ((_, truth), got) in answer.sentences.iter().zip(labels) {
            self.sentences += 1;
            self.correct += u32::from(truth == got);
        }
        self.missing.add(missing, &answer.missing);
    }

    pub fn accuracy(&self) -> f64 {
        if self.sentences == 0 { 0.0 } else { f64::from(self.correct) / f64::from(self.sentences) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{"id": "w9-004", "question": "q", "sentences": [{"text": "We had a slow page.", "label": "S"}, {"text": "I cached it.", "label": "A"}, {"text": "Um.", "label": "none"}], "missing": ["T", "R"]}"#;

    #[test]
    fn answers_parse_and_split_by_id() {
        let a = parse("x.jsonl", ONE).unwrap();
        assert_eq!(a[0].missing, vec![StarPart::Task, StarPart::Result]);
        assert_eq!(a[0].sentences[2].1, None);
        assert!(a[0].is_held_out());
        let b = parse("x.jsonl", &ONE.replace("w9-004", "w9-005")).unwrap();
        assert!(!b[0].is_held_out());
    }

    #[test]
    fn a_wrong_missing_list_or_label_is_refused_with_its_line() {
        let bad = format!("\n{}", ONE.replace(r#"["T", "R"]"#, r#"["T"]"#));
        let e = parse("x.jsonl", &bad).unwrap_err();
        assert!(e.to_string().starts_with("x.jsonl, line 2:"), "{e}");
        assert!(matches!(parse("x.jsonl", &ONE.replace("\"A\"", "\"Act\"")), Err(DatasetError::Label { sentence: 2, .. })));
    }

    #[test]
    fn precision_and_recall_count_warnings() {
        let mut m = MissingCounts::default();
        m.add(&[StarPart::Task, StarPart::Result], &[StarPart::Result]);
        m.add(&[], &[StarPart::Situation]);
        assert_eq!(m, MissingCounts { true_warnings: 1, false_warnings: 1, unwarned: 1 });
        assert_eq!(m.precision(), 0.5);
        assert_eq!(m.recall(), 0.5);
    }
}
