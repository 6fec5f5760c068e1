//! The shared vocabulary of the bank: [`Question`] and the small types it is made
//! of. These types cross to the UI, so they derive `ts_rs::TS` and the TypeScript
//! side is generated from them (see `cargo xtask codegen`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What sort of practice a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    /// A technical question answered in words (concepts, design, trade-offs).
    Technical,
    /// A "tell me about a time" question, best answered as a STAR story.
    Behavioral,
    /// A problem to solve in code.
    Coding,
    /// A multiple-choice question with one or more correct options.
    Quiz,
}

impl QuestionKind {
    /// Every kind, in the order the UI lists them.
    pub const ALL: [QuestionKind; 4] = [
        QuestionKind::Technical,
        QuestionKind::Behavioral,
        QuestionKind::Coding,
        QuestionKind::Quiz,
    ];

    /// The spelling used in deck files.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Technical => "technical",
            QuestionKind::Behavioral => "behavioral",
            QuestionKind::Coding => "coding",
            QuestionKind::Quiz => "quiz",
        }
    }

    /// Parses the spelling used in deck files.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The subject area a question belongs to. The set is closed so that the
/// browser's groups stay tidy; a deck naming another area is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum Area {
    #[serde(rename = "Python")]
    Python,
    #[serde(rename = "Databases & SQL")]
    DatabasesSql,
    #[serde(rename = "HTTP & APIs")]
    HttpApis,
    #[serde(rename = "Backend Architecture")]
    BackendArchitecture,
    #[serde(rename = "System Design")]
    SystemDesign,
    #[serde(rename = "Production & Debugging")]
    ProductionDebugging,
    #[serde(rename = "Node.js")]
    NodeJs,
    #[serde(rename = "AI Engineering")]
    AiEngineering,
    #[serde(rename = "Coding")]
    Coding,
    #[serde(rename = "Behavioral")]
    Behavioral,
}

impl Area {
    /// Every area, in the order the UI lists them.
    pub const ALL: [Area; 10] = [
        Area::Behavioral,
        Area::Python,
        Area::DatabasesSql,
        Area::HttpApis,
        Area::BackendArchitecture,
        Area::SystemDesign,
        Area::ProductionDebugging,
        Area::NodeJs,
        Area::AiEngineering,
        Area::Coding,
    ];

    /// The name used in deck files and shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Python => "Python",
            Area::DatabasesSql => "Databases & SQL",
            Area::HttpApis => "HTTP & APIs",
            Area::BackendArchitecture => "Backend Architecture",
            Area::SystemDesign => "System Design",
            Area::ProductionDebugging => "Production & Debugging",
            Area::NodeJs => "Node.js",
            Area::AiEngineering => "AI Engineering",
            Area::Coding => "Coding",
            Area::Behavioral => "Behavioral",
        }
    }

    /// Parses the name used in deck files (exact spelling).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How hard the source says a question is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Whether a quiz question has exactly one right option or asks to select all
/// that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SelectMode {
    Single,
    Multiple,
}

/// One option of a quiz question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuizOption {
    /// The option's text; may contain `inline code` in backticks.
    pub text: String,
    /// Whether choosing this option is right.
    pub correct: bool,
}

/// The multiple-choice part of a quiz question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Quiz {
    pub select: SelectMode,
    pub options: Vec<QuizOption>,
}

/// Where a deck came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DeckOrigin {
    /// Compiled into the app from `questions/`.
    Builtin,
    /// A file in the user's deck folder.
    User,
}

/// A deck: one file of questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeckInfo {
    /// The file name without `.toml`; unique within its origin.
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub origin: DeckOrigin,
    /// Where the deck was read from (a path for user decks, `questions/NAME.toml`
    /// for built-in ones).
    pub file: String,
}

/// One question of the bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Question {
    /// Stable identifier (lowercase letters, digits and hyphens). Notes and
    /// attempts refer to a question by this id, so it never changes.
    pub id: String,
    pub kind: QuestionKind,
    pub area: Area,
    pub topic: Option<String>,
    pub difficulty: Option<Difficulty>,
    /// The question as it is asked.
    pub prompt: String,
    /// A short model answer (technical and quiz questions).
    pub answer: Option<String>,
    /// What a good answer covers, or why the right options are right.
    pub explanation: Option<String>,
    /// The follow-up an interviewer is likely to ask next.
    pub follow_up: Option<String>,
    /// A full sample answer to a behavioral question.
    pub sample_answer: Option<String>,
    /// A worked example for a coding problem.
    pub example: Option<String>,
    /// A hint at the approach for a coding problem.
    pub approach: Option<String>,
    /// Options and mode, for quiz questions only.
    pub quiz: Option<Quiz>,
    /// The id of the deck the question came from.
    pub deck: String,
}
