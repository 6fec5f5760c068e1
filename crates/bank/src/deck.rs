//! Parsing and checking one deck file.
//!
//! [`parse_deck`] never stops at the first mistake it can recover from: it
//! checks every question and returns all problems, each with the file, the line
//! and what was expected. A deck with any problem is not used by the bank.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use toml::Spanned;
use ts_rs::TS;

use crate::lines::LineIndex;
use crate::model::{
    Area, DeckInfo, DeckOrigin, Difficulty, Question, QuestionKind, Quiz, QuizOption, SelectMode,
};
use crate::raw::{RawDeckFile, RawQuestion, Text};

/// One thing wrong with a deck file, located to a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BankProblem {
    /// The file as the user knows it (a path, or `questions/NAME.toml`).
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong and what was expected, as a sentence.
    pub message: String,
}

impl fmt::Display for BankProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A question together with the line its `[[question]]` table starts on.
#[derive(Debug, Clone)]
pub struct LocatedQuestion {
    pub question: Question,
    pub line: usize,
}

/// The outcome of reading one deck file.
#[derive(Debug, Clone)]
pub struct ParsedDeck {
    pub info: DeckInfo,
    /// The questions that passed every check.
    pub questions: Vec<LocatedQuestion>,
    /// Everything wrong with the file. Empty when the deck can be used.
    pub problems: Vec<BankProblem>,
}

impl ParsedDeck {
    /// Whether the deck can be used (no problems at all).
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Parses and checks one deck.
///
/// `deck_id` is the file stem, `file` the name used in reports, `bytes` the raw
/// contents (checked for UTF-8 here, so a mis-encoded file is reported rather
/// than lost).
pub fn parse_deck(deck_id: &str, file: &str, origin: DeckOrigin, bytes: &[u8]) -> ParsedDeck {
    let mut ctx = Checker { file, lines: LineIndex::new(""), areas: String::new(), problems: Vec::new() };
    let mut info = DeckInfo {
        id: deck_id.to_string(),
        name: deck_id.to_string(),
        description: None,
        origin,
        file: file.to_string(),
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            ctx.problems.push(BankProblem {
                file: file.to_string(),
                line,
                message: format!(
                    "the file is not valid UTF-8 (bad byte at offset {}); save it with UTF-8 encoding",
                    e.valid_up_to()
                ),
            });
            return ParsedDeck { info, questions: Vec::new(), problems: ctx.problems };
        }
    };
    // Built once: every line number below is a binary search in it.
    ctx.lines = LineIndex::new(text);
    ctx.areas = Area::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ");
    let raw: RawDeckFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let line = e.span().map(|s| ctx.lines.line_of(s.start)).unwrap_or(1);
            ctx.problems.push(BankProblem {
                file: file.to_string(),
                line,
                message: format!("not a valid deck file: {}", e.message().trim()),
            });
            return ParsedDeck { info, questions: Vec::new(), problems: ctx.problems };
        }
    };

    if let Some(meta) = &raw.deck {
        let meta_ref = meta.get_ref();
        if let Some(name) = ctx.text_field(&meta_ref.name) {
            info.name = name;
        }
        info.description = ctx.text_field(&meta_ref.description);
    }
    if raw.question.is_empty() {
        ctx.problem(1, "the deck has no questions; add at least one [[question]] table".into());
    }

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut questions = Vec::new();
    for spanned in &raw.question {
        let line = ctx.table_line(spanned);
        if let Some(q) = ctx.check_question(spanned.get_ref(), line, deck_id) {
            if let Some(first) = seen.get(&q.id) {
                ctx.problem(
                    line,
                    format!("duplicate id `{}`: it is already used on line {first}; ids must be unique", q.id),
                );
                continue;
            }
            seen.insert(q.id.clone(), line);
            questions.push(LocatedQuestion { question: q, line });
        }
    }
    ParsedDeck { info, questions, problems: ctx.problems }
}

struct Checker<'a> {
    file: &'a str,
    lines: LineIndex,
    /// The known areas, listed once for the messages that need them.
    areas: String,
    problems: Vec<BankProblem>,
}

impl Checker<'_> {
    fn problem(&mut self, line: usize, message: String) {
        self.problems.push(BankProblem { file: self.file.to_string(), line, message });
    }

    fn line<T>(&self, s: &Spanned<T>) -> usize {
        self.lines.line_of(s.span().start)
    }

    /// The line of the `[[question]]` header that opens a table: the span of an
    /// array-of-tables entry may start at its header or at its first key.
    fn table_line<T>(&self, s: &Spanned<T>) -> usize {
        let line = self.line(s);
        self.lines.header_at_or_before(line).unwrap_or(line)
    }

    /// A trimmed text value; an empty one counts as absent.
    fn text_field(&self, t: &Text) -> Option<String> {
        t.as_ref().map(|s| s.get_ref().trim().to_string()).filter(|s| !s.is_empty())
    }

    fn required(&mut self, t: &Text, name: &str, line: usize, why: &str) -> Option<(String, usize)> {
        match t {
            Some(s) if !s.get_ref().trim().is_empty() => Some((s.get_ref().trim().to_string(), self.line(s))),
            Some(s) => {
                let l = self.line(s);
                self.problem(l, format!("`{name}` is empty; {why}"));
                None
            }
            None => {
                self.problem(line, format!("missing field `{name}`; {why}"));
                None
            }
        }
    }

    fn check_question(&mut self, raw: &RawQuestion, line: usize, deck_id: &str) -> Option<Question> {
        let before = self.problems.len();
        let id = self.required(&raw.id, "id", line, "every question needs a stable id such as `sql-left-join`");
        if let Some((id, l)) = &id {
            let ok = id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !id.starts_with('-')
                && !id.ends_with('-');
            if !ok {
                self.problem(*l, format!("id `{id}` may use only lowercase letters, digits and inner hyphens"));
            }
        }
        let kind = self
            .required(&raw.kind, "kind", line, "expected one of technical, behavioral, coding, quiz")
            .and_then(|(k, l)| {
                let parsed = QuestionKind::parse(&k);
                if parsed.is_none() {
                    self.problem(l, format!("unknown kind `{k}`; expected one of technical, behavioral, coding, quiz"));
                }
                parsed
            });
        let areas = self.areas.clone();
        let area = self
            .required(&raw.area, "area", line, &format!("expected one of {areas}"))
            .and_then(|(a, l)| {
                let parsed = Area::parse(&a);
                if parsed.is_none() {
                    self.problem(l, format!("unknown area `{a}`; expected one of {areas}"));
                }
                parsed
            });
        let difficulty = match &raw.difficulty {
            Some(d) => {
                let parsed = Difficulty::parse(d.get_ref().trim());
                if parsed.is_none() {
                    let l = self.line(d);
                    self.problem(l, format!("unknown difficulty `{}`; expected easy, medium or hard", d.get_ref()));
                }
                parsed
            }
            None => None,
        };
        let prompt = self.required(&raw.prompt, "prompt", line, "every question needs the question text");
        let quiz = match kind {
            Some(QuestionKind::Quiz) => self.check_quiz(raw, line),
            Some(_) => {
                if let Some(s) = &raw.select {
                    let l = self.line(s);
                    self.problem(l, "`select` is only for quiz questions; set `kind = \"quiz\"` or remove it".into());
                }
                if let Some(o) = raw.option.first() {
                    let l = self.table_line(o);
                    self.problem(l, "options are only for quiz questions; set `kind = \"quiz\"` or remove them".into());
                }
                None
            }
            None => None,
        };
        if kind == Some(QuestionKind::Quiz) && self.text_field(&raw.explanation).is_none() {
            self.problem(line, "missing field `explanation`; a quiz question explains why its answer is right".into());
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Question {
            id: id?.0,
            kind: kind?,
            area: area?,
            topic: self.text_field(&raw.topic),
            difficulty,
            prompt: prompt?.0,
            answer: self.text_field(&raw.answer),
            explanation: self.text_field(&raw.explanation),
            follow_up: self.text_field(&raw.follow_up),
            sample_answer: self.text_field(&raw.sample_answer),
            example: self.text_field(&raw.example),
            approach: self.text_field(&raw.approach),
            quiz,
            deck: deck_id.to_string(),
        })
    }

    fn check_quiz(&mut self, raw: &RawQuestion, line: usize) -> Option<Quiz> {
        let before = self.problems.len();
        let select = self
            .required(&raw.select, "select", line, "a quiz question needs `select = \"single\"` or `select = \"multiple\"`")
            .and_then(|(s, l)| match s.as_str() {
                "single" => Some(SelectMode::Single),
                "multiple" => Some(SelectMode::Multiple),
                other => {
                    self.problem(l, format!("unknown select mode `{other}`; expected `single` or `multiple`"));
                    None
                }
            });
        let mut options = Vec::new();
        for o in &raw.option {
            let ol = self.table_line(o);
            let text = self.required(&o.get_ref().text, "text", ol, "each [[question.option]] needs its text");
            let correct = match &o.get_ref().correct {
                Some(c) => Some(*c.get_ref()),
                None => {
                    self.problem(ol, "missing field `correct`; each option says `correct = true` or `correct = false`".into());
                    None
                }
            };
            if let (Some((text, _)), Some(correct)) = (text, correct) {
                options.push(QuizOption { text, correct });
            }
        }
        if raw.option.len() < 2 {
            self.problem(line, format!(
                "a quiz question needs at least two [[question.option]] tables; found {}",
                raw.option.len()
            ));
        }
        let n_correct = options.iter().filter(|o| o.correct).count();
        if !raw.option.is_empty() && options.len() == raw.option.len() && n_correct == 0 {
            self.problem(line, "quiz question has no correct option; mark at least one with `correct = true`".into());
        }
        if select == Some(SelectMode::Single) && n_correct > 1 {
            self.problem(line, format!(
                "`select = \"single\"` but {n_correct} options are marked correct; mark one, or use `select = \"multiple\"`"
            ));
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Quiz { select: select?, options })
    }
}
