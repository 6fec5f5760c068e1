//! The question-deck parser on arbitrary bytes: it never panics, every
//! problem points at a line of the file, and a deck it accepts survives being
//! written back and read again unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use starling_bank::writer::deck_toml;
use starling_bank::{parse_deck, DeckOrigin, Question};

fn without_deck(qs: Vec<starling_bank::deck::LocatedQuestion>) -> Vec<Question> {
    qs.into_iter().map(|lq| Question { deck: String::new(), ..lq.question }).collect()
}

fuzz_target!(|data: &[u8]| {
    let parsed = parse_deck("fuzz", "fuzz.toml", DeckOrigin::User, data);
    let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
    for p in &parsed.problems {
        assert!(p.line >= 1 && p.line <= lines, "problem on line {} of a {lines}-line file: {p}", p.line);
        assert!(!p.message.trim().is_empty());
    }
    if parsed.is_ok() && !parsed.questions.is_empty() {
        let name = parsed.info.name.clone();
        let description = parsed.info.description.clone();
        let first = without_deck(parsed.questions);
        let text = deck_toml(&name, description.as_deref(), &first);
        let again = parse_deck("fuzz", "fuzz.toml", DeckOrigin::User, text.as_bytes());
        assert!(again.is_ok(), "a deck written back does not read: {:?}\n{text}", again.problems);
        assert_eq!(without_deck(again.questions), first, "a deck changed on the round trip\n{text}");
    }
});
