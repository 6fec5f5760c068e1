//! The keyword rules the STAR labeller replaced, kept as the baseline the
//! evaluation prints beside the model (`tests/star_heldout.rs`): a sentence
//! gets the part whose cue phrases it contains, a number leans to Result and
//! "I" before a past-tense verb to Action. The app does not use them.

use crate::text::find_phrase;

use super::StarPart;

const SITUATION: &[&str] = &[
    "at my last job", "at my previous", "at my current", "when i was", "we were", "we had", "there was", "there were",
    "the situation", "the context", "our team", "the team", "the company", "years ago", "last year", "back in",
    "i was working", "i worked at", "the problem was", "the issue was", "our product", "our service",
];
const TASK: &[&str] = &[
    "my task", "my job was", "my role", "i was responsible", "i was asked", "i needed to", "i had to", "we needed to",
    "we had to", "the goal was", "our goal", "my goal", "the task", "i was tasked", "i owned", "i was in charge",
];
const ACTION: &[&str] = &[
    "i decided", "so i", "then i", "first i", "i started", "i built", "i wrote", "i added", "i implemented", "i created",
    "i set up", "i reproduced", "i talked", "i met", "i proposed", "i changed", "i moved", "i fixed", "i led",
    "i organized", "i reached out", "i worked with", "i broke", "i measured", "i profiled", "i used", "i introduced",
    "i refactored", "i migrated", "i investigated", "i analyzed", "i analysed", "i paired", "i tested", "i rolled",
];
const RESULT: &[&str] = &[
    "as a result", "in the end", "the result", "result was", "which reduced", "which cut", "we shipped", "we launched",
    "reduced", "improved", "increased", "decreased", "saved", "dropped", "went from", "i learned", "we learned",
    "since then", "the outcome", "faster", "no longer", "on time",
];

fn has_number(tokens: &[String]) -> bool {
    tokens.iter().any(|t| t.chars().any(|c| c.is_ascii_digit()) || ["percent", "half", "twice", "double", "doubled", "tripled"].contains(&t.as_str()))
}

/// The best label for one sentence, with its cue. A cue phrase scores 2, a
/// number 1 (towards Result), and "I" before a verb in the past tense 1
/// (towards Action); on a tie the later part of the story wins.
pub fn label(tokens: &[String]) -> Option<(StarPart, String)> {
    let mut best: Option<(StarPart, u32, String)> = None;
    for (part, cues) in [(StarPart::Situation, SITUATION), (StarPart::Task, TASK), (StarPart::Action, ACTION), (StarPart::Result, RESULT)] {
        let mut score = 0;
        let mut cue = None;
        for c in cues {
            let words: Vec<&str> = c.split(' ').collect();
            if !find_phrase(tokens, &words).is_empty() {
                score += 2;
                cue.get_or_insert_with(|| c.to_string());
            }
        }
        if part == StarPart::Result && has_number(tokens) {
            score += 1;
            cue.get_or_insert_with(|| "a number".to_string());
        }
        if part == StarPart::Action && tokens.windows(2).any(|w| w[0] == "i" && w[1].len() > 3 && w[1].ends_with("ed")) {
            score += 1;
            cue.get_or_insert_with(|| "\"I\" and a past-tense verb".to_string());
        }
        if score > 0 && best.as_ref().is_none_or(|(_, s, _)| score >= *s) {
            best = cue.map(|c| (part, score, c));
        }
    }
    best.map(|(p, _, c)| (p, c))
}

/// [`label`] on raw text.
pub fn label_text(sentence: &str) -> Option<(StarPart, String)> {
    let tokens: Vec<String> = sentence.split_whitespace().map(crate::text::norm).filter(|t| !t.is_empty()).collect();
    label(&tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_without_cues_stay_unlabelled_and_numbers_lean_to_result() {
        let t = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(label(&t("it was a monday")), None);
        assert_eq!(label(&t("errors fell 80 percent")).map(|l| l.0), Some(StarPart::Result));
        assert_eq!(label(&t("i rewrote it and i deployed the fix")).map(|l| l.1), Some("\"I\" and a past-tense verb".to_string()));
        assert_eq!(label_text("My task was simple.").map(|l| l.0), Some(StarPart::Task));
    }
}
