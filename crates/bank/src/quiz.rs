//! Grading a quiz answer: which chosen options were right, which were missed.

use serde::Serialize;
use ts_rs::TS;

use crate::model::Quiz;

/// The result of checking a set of chosen options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QuizGrade {
    /// True when exactly the correct options were chosen.
    pub correct: bool,
    /// Indexes of the options that are correct.
    pub correct_options: Vec<usize>,
    /// Chosen options that are wrong.
    pub wrongly_chosen: Vec<usize>,
    /// Correct options that were not chosen.
    pub missed: Vec<usize>,
}

impl Quiz {
    /// Grades the chosen option indexes (duplicates and out-of-range indexes
    /// are ignored; an out-of-range index can never make an answer right).
    pub fn grade(&self, chosen: &[usize]) -> QuizGrade {
        let correct_options: Vec<usize> =
            self.options.iter().enumerate().filter(|(_, o)| o.correct).map(|(i, _)| i).collect();
        let mut picked: Vec<usize> = chosen.iter().copied().filter(|i| *i < self.options.len()).collect();
        picked.sort_unstable();
        picked.dedup();
        let wrongly_chosen: Vec<usize> = picked.iter().copied().filter(|i| !self.options[*i].correct).collect();
        let missed: Vec<usize> = correct_options.iter().copied().filter(|i| !picked.contains(i)).collect();
        QuizGrade { correct: wrongly_chosen.is_empty() && missed.is_empty(), correct_options, wrongly_chosen, missed }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Quiz, QuizOption, SelectMode};

    fn quiz() -> Quiz {
        let o = |t: &str, c| QuizOption { text: t.into(), correct: c };
        Quiz { select: SelectMode::Multiple, options: vec![o("a", true), o("b", false), o("c", true)] }
    }

    #[test]
    fn exact_choice_is_correct() {
        let g = quiz().grade(&[2, 0]);
        assert!(g.correct);
        assert_eq!(g.correct_options, vec![0, 2]);
    }

    #[test]
    fn partial_and_wrong_choices_are_reported() {
        let g = quiz().grade(&[0, 1]);
        assert!(!g.correct);
        assert_eq!(g.wrongly_chosen, vec![1]);
        assert_eq!(g.missed, vec![2]);
    }

    #[test]
    fn out_of_range_indexes_do_not_count() {
        let g = quiz().grade(&[0, 2, 7]);
        assert!(g.correct);
        assert!(!quiz().grade(&[9]).correct);
    }
}
