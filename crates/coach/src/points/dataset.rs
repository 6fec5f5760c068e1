//! The labelled key-point set (`crates/coach/data/keypoints/points-*.jsonl`):
//! technical questions with a model answer, its key points as the app splits
//! them, and spoken answers each marked with the points a listener who knows
//! the subject would say it made. Parsing, the fixed held-out rule and the
//! measures; [`load`] reads the files.

use serde::Deserialize;

/// One spoken answer and, per key point, whether it made it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SpokenAnswer {
    pub text: String,
    pub covered: Vec<bool>,
}

/// One question with its model answer and labelled answers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PointItem {
    pub id: String,
    pub question: String,
    pub model_answer: String,
    pub points: Vec<String>,
    pub answers: Vec<SpokenAnswer>,
}

impl PointItem {
    /// Held out when the id's number is a multiple of 4 (`k1-004`): whole
    /// questions, so the held-out part also tests model answers never seen.
    pub fn is_held_out(&self) -> bool {
        crate::labelled::held_out(&self.id)
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PointsDataError {
    #[error("could not read the key-point set at {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{file}, line {line}: this is not a labelled key-point item ({reason})")]
    Json { file: String, line: usize, reason: String },
    #[error("{file}, line {line}: its points are not the model answer split as the app splits it (expected {expected:?})")]
    Points { file: String, line: usize, expected: Vec<String> },
    #[error("{file}, line {line}: answer {answer} marks {got} points; the item has {want}")]
    Covered { file: String, line: usize, answer: usize, got: usize, want: usize },
}

/// Parses one file; `file` names it in errors. Points must be the model
/// answer as [`super::split_points`] splits it, so the labels mean what the
/// app shows.
pub fn parse(file: &str, text: &str) -> Result<Vec<PointItem>, PointsDataError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let item: PointItem = serde_json::from_str(line).map_err(|e| PointsDataError::Json { file: file.into(), line: i + 1, reason: e.to_string() })?;
        let expected: Vec<String> = super::split_points(&item.model_answer).into_iter().map(String::from).collect();
        if expected != item.points {
            return Err(PointsDataError::Points { file: file.into(), line: i + 1, expected });
        }
        if let Some((k, a)) = item.answers.iter().enumerate().find(|(_, a)| a.covered.len() != item.points.len()) {
            return Err(PointsDataError::Covered { file: file.into(), line: i + 1, answer: k + 1, got: a.covered.len(), want: item.points.len() });
        }
        out.push(item);
    }
    Ok(out)
}

/// Every item of every `points-*.jsonl` in `dir`, in file-name order.
pub fn load(dir: &std::path::Path) -> Result<Vec<PointItem>, PointsDataError> {
    let mut out = Vec::new();
    for (name, text) in crate::labelled::read_files(dir, "points-").map_err(|f| PointsDataError::Read { path: f.path, reason: f.reason })? {
        out.extend(parse(&name, &text)?);
    }
    Ok(out)
}

/// The folder of the set in this source tree.
pub fn source_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/keypoints")
}

/// Agreement of "covered" decisions with the labels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PointScore {
    pub true_covered: u32,
    pub false_covered: u32,
    pub true_missed: u32,
    pub false_missed: u32,
}

impl PointScore {
    pub fn add(&mut self, said: bool, truth: bool) {
        match (said, truth) {
            (true, true) => self.true_covered += 1,
            (true, false) => self.false_covered += 1,
            (false, false) => self.true_missed += 1,
            (false, true) => self.false_missed += 1,
        }
    }

    pub fn total(&self) -> u32 {
        self.true_covered + self.false_covered + self.true_missed + self.false_missed
    }

    /// Share of points judged right.
    pub fn accuracy(&self) -> f64 {
        f64::from(self.true_covered + self.true_missed) / f64::from(self.total().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_parse_and_points_must_match_the_split() {
        let ok = r#"{"id": "k9-004", "question": "q", "model_answer": "A is B. C is D.", "points": ["A is B.", "C is D."], "answers": [{"text": "a", "covered": [true, false]}]}"#;
        let items = parse("x", ok).unwrap();
        assert!(items[0].is_held_out());
        let bad = ok.replace(r#""points": ["A is B.", "C is D."]"#, r#""points": ["A is B. C is D."]"#);
        assert!(matches!(parse("x", &bad), Err(PointsDataError::Points { line: 1, .. })));
        let short = ok.replace("[true, false]", "[true]");
        assert!(matches!(parse("x", &short), Err(PointsDataError::Covered { answer: 1, got: 1, want: 2, .. })));
    }

    #[test]
    fn scores_count_agreement() {
        let mut s = PointScore::default();
        s.add(true, true);
        s.add(true, false);
        s.add(false, false);
        assert_eq!(s.total(), 3);
        assert!((s.accuracy() - 2.0 / 3.0).abs() < 1e-9);
    }
}
