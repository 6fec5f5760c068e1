//! The built-in bank holds every seed question, cleanly.

use starling_bank::builtin::builtin_decks;
use starling_bank::{Area, Bank, QuestionKind, SelectMode};

/// The questions the deck files hold, counted from their text rather than
/// through the parser: one `[[question]]` table each.
fn questions_in_the_files() -> usize {
    builtin_decks()
        .iter()
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).lines().filter(|l| l.trim() == "[[question]]").count())
        .sum()
}

#[test]
fn builtin_bank_loads_without_problems() {
    let bank = Bank::builtin();
    let problems: Vec<String> = bank.problems().map(|p| p.to_string()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let expected = questions_in_the_files();
    assert!(expected > 0, "no [[question]] table in the built-in decks");
    assert_eq!(bank.questions().len(), expected, "every question of questions/*.toml is in the bank");
}

#[test]
fn builtin_bank_has_the_expected_mix() {
    let bank = Bank::builtin();
    let count = |k| bank.questions().iter().filter(|q| q.kind == k).count();
    assert_eq!(count(QuestionKind::Behavioral), 28);
    assert_eq!(count(QuestionKind::Quiz), 15);
    assert_eq!(count(QuestionKind::Coding), 10);
    assert_eq!(count(QuestionKind::Technical), 45);
    for q in bank.questions() {
        match q.kind {
            QuestionKind::Behavioral => assert!(q.sample_answer.is_some(), "{}", q.id),
            QuestionKind::Coding => assert!(q.approach.is_some(), "{}", q.id),
            QuestionKind::Quiz => {
                let quiz = q.quiz.as_ref().unwrap();
                let n = quiz.options.iter().filter(|o| o.correct).count();
                match quiz.select {
                    SelectMode::Single => assert_eq!(n, 1, "{}", q.id),
                    SelectMode::Multiple => assert!(n > 1, "{}", q.id),
                }
                assert!(q.explanation.is_some() && q.answer.is_some(), "{}", q.id);
            }
            QuestionKind::Technical => {}
        }
    }
    // The fifteen short technical questions carry answer, explanation and follow-up.
    let full = bank
        .questions()
        .iter()
        .filter(|q| q.kind == QuestionKind::Technical && q.answer.is_some() && q.explanation.is_some() && q.follow_up.is_some())
        .count();
    assert_eq!(full, 15);
}

#[test]
fn no_mojibake_or_glued_code_survives() {
    for q in Bank::builtin().questions() {
        let json = format!("{q:?}");
        for bad in ["â€", "Ã", "\u{fffd}", "NULLin", "orderscolumn"] {
            assert!(!json.contains(bad), "{} contains {bad:?}", q.id);
        }
    }
}

#[test]
fn quiz_answers_match_the_source() {
    let bank = Bank::builtin();
    let correct = |id: &str| -> Vec<usize> {
        let q = bank.get(id).unwrap_or_else(|| panic!("{id} missing"));
        q.quiz.as_ref().unwrap().options.iter().enumerate().filter(|(_, o)| o.correct).map(|(i, _)| i).collect()
    };
    assert_eq!(correct("quiz-http-403-forbidden"), vec![2]);
    assert_eq!(correct("quiz-http-no-store"), vec![1]);
    assert_eq!(correct("quiz-prompt-injection-mitigations"), vec![0, 1, 3]);
    assert_eq!(correct("quiz-python-context-managers"), vec![0, 1, 2, 3]);
    assert_eq!(correct("quiz-ai-rag-retrieval-quality"), vec![0, 1, 2, 4]);
    assert_eq!(bank.get("quiz-sql-left-join-nulls").unwrap().area, Area::DatabasesSql);
}
