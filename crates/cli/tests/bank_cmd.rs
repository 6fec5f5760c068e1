//! The `bank` subcommands, run as a user would run them.

use std::path::Path;
use std::process::Command;

fn cli(data_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_starling-cli"));
    c.env("STARLING_DATA_DIR", data_dir);
    c
}

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/broken-decks")
}

#[test]
fn check_on_broken_decks_names_file_line_and_cause() {
    let data = tempfile::tempdir().unwrap();
    let out = cli(data.path()).args(["bank", "check"]).arg(fixtures()).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let expect = [
        ("bad-utf8.toml:5:", "not valid UTF-8"),
        ("duplicate-id.toml:7:", "duplicate id `same-id`: it is already used on line 1"),
        ("missing-prompt.toml:4:", "missing field `prompt`"),
        ("quiz-no-correct.toml:1:", "no correct option"),
        ("unknown-area.toml:4:", "unknown area `Cooking`"),
        ("unknown-kind.toml:3:", "unknown kind `essay`"),
    ];
    for (loc, cause) in expect {
        let line = text
            .lines()
            .find(|l| l.contains(loc))
            .unwrap_or_else(|| panic!("no line for {loc} in:\n{text}"));
        assert!(line.contains(cause), "{line}");
    }
    assert!(text.contains("good.toml (1 questions)"), "{text}");
    assert!(text.contains("7 deck(s) checked: 1 ok with 1 questions, 6 with problems"), "{text}");
}

#[test]
fn check_of_the_installed_bank_passes() {
    let data = tempfile::tempdir().unwrap();
    let out = cli(data.path()).args(["bank", "check"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let (decks, questions) = (starling_bank::builtin::builtin_decks().len(), starling_bank::Bank::builtin().questions().len());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(&format!("{decks} ok with {questions} questions")), "{stdout}");
}

#[test]
fn check_of_a_missing_folder_is_a_usage_error() {
    let data = tempfile::tempdir().unwrap();
    let out = cli(data.path()).args(["bank", "check", "/definitely/not/here"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Could not read the deck folder /definitely/not/here"), "{err}");
}

#[test]
fn list_json_has_every_question_with_quiz_options_marked() {
    let data = tempfile::tempdir().unwrap();
    let out = cli(data.path()).args(["bank", "list", "--json"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), starling_bank::Bank::builtin().questions().len());
    let of_kind = |k: &str| list.iter().filter(|q| q["kind"] == k).count();
    assert_eq!(
        (of_kind("behavioral"), of_kind("quiz"), of_kind("coding"), of_kind("technical")),
        (28, 15, 10, 45)
    );
    for q in &list {
        for field in ["id", "kind", "area", "prompt"] {
            assert!(q[field].is_string(), "{field} missing in {q}");
        }
        assert!(q.get("topic").is_some());
        if q["kind"] == "quiz" {
            let options = q["options"].as_array().unwrap();
            assert!(options.iter().any(|o| o["correct"] == true), "{}", q["id"]);
            assert!(options.iter().all(|o| o["text"].is_string() && o["correct"].is_boolean()));
        } else {
            assert!(q.get("options").is_none());
        }
    }
    let forbidden = list.iter().find(|q| q["id"] == "quiz-http-403-forbidden").unwrap();
    let right: Vec<&str> = forbidden["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["correct"] == true)
        .map(|o| o["text"].as_str().unwrap())
        .collect();
    assert_eq!(right, vec!["403 Forbidden"]);
    // Technical questions from the Q&A source keep answer, explanation and follow-up.
    let tx = list.iter().find(|q| q["id"] == "sql-transactions").unwrap();
    assert!(tx["answer"].is_string() && tx["explanation"].is_string() && tx["follow_up"].is_string());
    assert_eq!(tx["difficulty"], "medium");
}

#[test]
fn user_decks_join_the_list_and_broken_ones_are_warned_about() {
    let data = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(data.path().join("decks")).unwrap();
    std::fs::copy(fixtures().join("good.toml"), data.path().join("decks/good.toml")).unwrap();
    std::fs::copy(fixtures().join("unknown-kind.toml"), data.path().join("decks/unknown-kind.toml")).unwrap();
    let out = cli(data.path()).args(["bank", "list", "--json"]).output().unwrap();
    assert!(out.status.success());
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), starling_bank::Bank::builtin().questions().len() + 1, "the good deck adds its one question");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown-kind.toml:3: unknown kind `essay`"), "{err}");
}
