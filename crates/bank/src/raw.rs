//! The deck file exactly as written, before any checking. Every field is
//! optional and spanned so that the checks in [`crate::deck`] can say which line
//! is wrong and what it should hold, instead of stopping at the first gap.

use serde::Deserialize;
use toml::Spanned;

pub(crate) type Text = Option<Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeckFile {
    pub deck: Option<Spanned<RawDeckMeta>>,
    #[serde(default)]
    pub question: Vec<Spanned<RawQuestion>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeckMeta {
    pub name: Text,
    pub description: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestion {
    pub id: Text,
    pub kind: Text,
    pub area: Text,
    pub topic: Text,
    pub difficulty: Text,
    pub prompt: Text,
    pub answer: Text,
    pub explanation: Text,
    pub follow_up: Text,
    pub sample_answer: Text,
    pub example: Text,
    pub approach: Text,
    pub select: Text,
    #[serde(default)]
    pub option: Vec<Spanned<RawOption>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOption {
    pub text: Text,
    pub correct: Option<Spanned<bool>>,
}
