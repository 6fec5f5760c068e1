//! Every way a deck can be wrong is reported with its file, line and cause.

use starling_bank::{parse_deck, Bank, DeckOrigin, QuestionKind};

fn problems(src: &[u8]) -> Vec<String> {
    parse_deck("t", "t.toml", DeckOrigin::User, src).problems.iter().map(|p| p.to_string()).collect()
}

const GOOD: &str = r#"[deck]
name = "Mine"

[[question]]
id = "my-first"
kind = "technical"
area = "Python"
prompt = "What is a list?"
answer = "A mutable sequence."
"#;

#[test]
fn a_good_deck_has_no_problems() {
    let d = parse_deck("t", "t.toml", DeckOrigin::User, GOOD.as_bytes());
    assert!(d.is_ok(), "{:?}", d.problems);
    assert_eq!(d.info.name, "Mine");
    assert_eq!(d.questions.len(), 1);
    assert_eq!(d.questions[0].line, 4);
    assert_eq!(d.questions[0].question.answer.as_deref(), Some("A mutable sequence."));
}

#[test]
fn duplicate_id_names_both_lines() {
    let src = format!("{GOOD}\n[[question]]\nid = \"my-first\"\nkind = \"behavioral\"\narea = \"Behavioral\"\nprompt = \"Again?\"\n");
    let p = problems(src.as_bytes());
    assert_eq!(p, vec!["t.toml:11: duplicate id `my-first`: it is already used on line 4; ids must be unique"]);
}

#[test]
fn missing_field_points_at_the_question() {
    let p = problems(b"[[question]]\nid = \"x\"\nkind = \"technical\"\narea = \"Python\"\n");
    assert_eq!(p, vec!["t.toml:1: missing field `prompt`; every question needs the question text"]);
}

#[test]
fn quiz_without_correct_option_is_refused() {
    let src = b"[[question]]\nid = \"q\"\nkind = \"quiz\"\narea = \"Python\"\nselect = \"single\"\nprompt = \"Pick\"\nexplanation = \"Because\"\n\n[[question.option]]\ntext = \"a\"\ncorrect = false\n\n[[question.option]]\ntext = \"b\"\ncorrect = false\n";
    let p = problems(src);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("t.toml:1: quiz question has no correct option"), "{p:?}");
}

#[test]
fn single_select_with_two_correct_options_is_refused() {
    let src = b"[[question]]\nid = \"q\"\nkind = \"quiz\"\narea = \"Python\"\nselect = \"single\"\nprompt = \"Pick\"\nexplanation = \"Because\"\n[[question.option]]\ntext = \"a\"\ncorrect = true\n[[question.option]]\ntext = \"b\"\ncorrect = true\n";
    let p = problems(src);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("2 options are marked correct"), "{p:?}");
}

#[test]
fn option_without_correct_flag_names_the_option_line() {
    let src = b"[[question]]\nid = \"q\"\nkind = \"quiz\"\narea = \"Python\"\nselect = \"single\"\nprompt = \"Pick\"\nexplanation = \"x\"\n[[question.option]]\ntext = \"a\"\ncorrect = true\n[[question.option]]\ntext = \"b\"\n";
    let p = problems(src);
    assert_eq!(p, vec!["t.toml:11: missing field `correct`; each option says `correct = true` or `correct = false`"]);
}

#[test]
fn unknown_kind_names_its_line_and_the_choices() {
    let p = problems(b"[[question]]\nid = \"x\"\nkind = \"essay\"\narea = \"Python\"\nprompt = \"?\"\n");
    assert_eq!(p, vec!["t.toml:3: unknown kind `essay`; expected one of technical, behavioral, coding, quiz"]);
}

#[test]
fn unknown_area_lists_the_known_ones() {
    let p = problems(b"[[question]]\nid = \"x\"\nkind = \"technical\"\narea = \"Cooking\"\nprompt = \"?\"\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("t.toml:4: unknown area `Cooking`; expected one of Behavioral, Python"), "{p:?}");
}

#[test]
fn bad_utf8_reports_the_line_of_the_bad_byte() {
    let p = problems(b"[[question]]\nid = \"x\"\nprompt = \"caf\xe9\"\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("t.toml:3: the file is not valid UTF-8"), "{p:?}");
}

#[test]
fn toml_syntax_errors_and_unknown_fields_are_located() {
    let p = problems(b"[[question]]\nid = \"x\"\nprompt = \"unterminated\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("t.toml:3: not a valid deck file"), "{p:?}");
    let p = problems(b"[[question]]\nid = \"x\"\nkind = \"technical\"\narea = \"Python\"\nprompt = \"?\"\nanwser = \"typo\"\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("t.toml:6: not a valid deck file: unknown field `anwser`"), "{p:?}");
}

#[test]
fn several_problems_in_one_file_are_all_reported() {
    let p = problems(b"[[question]]\nid = \"Bad Id\"\nkind = \"essay\"\narea = \"Python\"\nprompt = \"?\"\n\n[[question]]\nkind = \"technical\"\narea = \"Python\"\nprompt = \"?\"\n");
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p[0].starts_with("t.toml:2: id `Bad Id`"));
    assert!(p[1].starts_with("t.toml:3: unknown kind"));
    assert!(p[2].starts_with("t.toml:7: missing field `id`"));
}

#[test]
fn options_on_a_non_quiz_question_are_refused() {
    let p = problems(b"[[question]]\nid = \"x\"\nkind = \"technical\"\narea = \"Python\"\nprompt = \"?\"\n[[question.option]]\ntext = \"a\"\ncorrect = true\n");
    assert_eq!(p, vec!["t.toml:6: options are only for quiz questions; set `kind = \"quiz\"` or remove them"]);
}

#[test]
fn a_broken_user_deck_is_skipped_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.toml"), GOOD).unwrap();
    std::fs::write(dir.path().join("broken.toml"), "[[question]]\nid = \"b\"\n").unwrap();
    std::fs::write(dir.path().join("zz-dupe.toml"), GOOD.replace("Mine", "Dupe")).unwrap();
    let bank = Bank::load(Some(dir.path())).unwrap();
    assert!(bank.get("my-first").is_some());
    let skipped: Vec<_> = bank.decks().iter().filter(|d| !d.problems.is_empty()).map(|d| d.info.id.as_str()).collect();
    assert_eq!(skipped, vec!["broken", "zz-dupe"]);
    let dupe = bank.decks().iter().find(|d| d.info.id == "zz-dupe").unwrap();
    assert!(dupe.problems[0].message.contains("already used at"), "{:?}", dupe.problems);
    assert_eq!(bank.questions().len(), Bank::builtin().questions().len() + 1);
}

#[test]
fn a_user_deck_cannot_reuse_a_builtin_id() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.toml"), GOOD.replace("my-first", "sql-normalization")).unwrap();
    let bank = Bank::load(Some(dir.path())).unwrap();
    let mine = bank.decks().iter().find(|d| d.info.id == "mine").unwrap();
    assert_eq!(mine.question_count, 0);
    assert!(mine.problems[0].to_string().contains("questions/core-technical.toml:"), "{:?}", mine.problems);
    assert_eq!(bank.get("sql-normalization").unwrap().kind, QuestionKind::Technical);
}
