//! Writing questions back as a deck file, in the same format the checker
//! reads. The app uses it for the user's own questions; a test writes the
//! whole built-in bank and reads it back unchanged.

use serde::Serialize;

use crate::model::{Question, SelectMode};

#[derive(Serialize)]
struct OutDeck<'a> {
    deck: OutMeta<'a>,
    question: Vec<OutQuestion<'a>>,
}

#[derive(Serialize)]
struct OutMeta<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

#[derive(Serialize)]
struct OutQuestion<'a> {
    id: &'a str,
    kind: &'a str,
    area: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    difficulty: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    select: Option<&'a str>,
    prompt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    follow_up: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample_answer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    example: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approach: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    option: Vec<OutOption<'a>>,
}

#[derive(Serialize)]
struct OutOption<'a> {
    text: &'a str,
    correct: bool,
}

/// The TOML text of a deck holding `questions`.
pub fn deck_toml(name: &str, description: Option<&str>, questions: &[Question]) -> String {
    let deck = OutDeck {
        deck: OutMeta { name, description },
        question: questions
            .iter()
            .map(|q| OutQuestion {
                id: &q.id,
                kind: q.kind.as_str(),
                area: q.area.as_str(),
                topic: q.topic.as_deref(),
                difficulty: q.difficulty.map(|d| d.as_str()),
                select: q.quiz.as_ref().map(|z| match z.select {
                    SelectMode::Single => "single",
                    SelectMode::Multiple => "multiple",
                }),
                prompt: &q.prompt,
                answer: q.answer.as_deref(),
                explanation: q.explanation.as_deref(),
                follow_up: q.follow_up.as_deref(),
                sample_answer: q.sample_answer.as_deref(),
                example: q.example.as_deref(),
                approach: q.approach.as_deref(),
                option: q
                    .quiz
                    .iter()
                    .flat_map(|z| z.options.iter().map(|o| OutOption { text: &o.text, correct: o.correct }))
                    .collect(),
            })
            .collect(),
    };
    let body = toml::to_string(&deck).unwrap_or_default();
    format!("# A Starling deck. The `id` of a question never changes: notes and recordings refer to it.\n\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_deck, Bank, DeckOrigin};

    #[test]
    fn the_whole_builtin_bank_round_trips() {
        let bank = Bank::builtin();
        let text = deck_toml("Everything", Some("All of them"), bank.questions());
        let parsed = parse_deck("everything", "everything.toml", DeckOrigin::User, text.as_bytes());
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        let back: Vec<Question> = parsed.questions.into_iter().map(|lq| Question { deck: String::new(), ..lq.question }).collect();
        let original: Vec<Question> = bank.questions().iter().map(|q| Question { deck: String::new(), ..q.clone() }).collect();
        assert_eq!(back.len(), bank.questions().len());
        assert_eq!(back, original);
        assert_eq!(parsed.info.name, "Everything");
    }
}
