//! What the user typed, as words: the FTS5 query built from them (quoted,
//! never passed raw, so quotes and operators in the box cannot cause a syntax
//! error) and the test that says whether a word of a document matched, for
//! marking hits.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The words of a search, the last one a prefix while it is being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    /// Lower-cased words, in the order typed.
    words: Vec<String>,
    /// Whether the last word matches as a prefix (the input does not end in a space).
    prefix: bool,
    /// The words as the index folds them (no case, no diacritics).
    folded: Vec<String>,
}

impl Query {
    /// Splits `input` into words. A last word of one letter is left out
    /// until the next keystroke (as a prefix it matches nearly everything
    /// and says nothing). `None` when there is no word to look for.
    pub(crate) fn parse(input: &str) -> Option<Query> {
        let mut prefix = !input.ends_with(char::is_whitespace);
        let mut words: Vec<String> = input.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        if prefix && words.last().is_some_and(|w| w.chars().count() == 1) {
            words.pop();
            prefix = false;
        }
        if words.is_empty() {
            return None;
        }
        let folded = words.iter().map(|w| fold(w)).collect();
        Some(Query { words, prefix, folded })
    }

    /// The FTS5 query: every word quoted, the last a prefix when typing.
    pub(crate) fn fts(&self) -> String {
        let last = self.words.len() - 1;
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == last && self.prefix { format!("\"{w}\"*") } else { format!("\"{w}\"") })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a token of a document, already [`fold`]ed, matches a word.
    pub(crate) fn matches(&self, token: &str) -> bool {
        let last = self.folded.len() - 1;
        self.folded.iter().enumerate().any(|(i, w)| if i == last && self.prefix { token.starts_with(w.as_str()) } else { token == w })
    }
}

/// A word as the index's tokenizer (`unicode61 remove_diacritics 2`) keys it:
/// lower case, diacritics removed.
pub(crate) fn fold(word: &str) -> String {
    word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// Whether `c` belongs to a token, as the index's tokenizer splits text:
/// letters and digits, with any combining marks on them.
pub(crate) fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(input: &str) -> Option<String> {
        Query::parse(input).map(|q| q.fts())
    }

    #[test]
    fn queries_are_quoted_words_with_a_prefix_last() {
        assert_eq!(fts("cache inval").as_deref(), Some("\"cache\" \"inval\"*"));
        assert_eq!(fts("Cache ").as_deref(), Some("\"cache\""));
        assert_eq!(fts("\"AND\" OR (NEAR* -"), Some("\"and\" \"or\" \"near\"*".into()));
        assert_eq!(fts("  ()\" "), None);
        assert_eq!(fts("c"), None, "one letter waits for the next");
        assert_eq!(fts("cache l").as_deref(), Some("\"cache\""));
        assert_eq!(fts("cache l ").as_deref(), Some("\"cache\" \"l\""));
    }

    #[test]
    fn tokens_match_whole_words_and_the_last_as_a_prefix() {
        let q = Query::parse("Résumé cach").unwrap();
        assert!(q.matches(&fold("resume")) && q.matches(&fold("RÉSUMÉ")));
        assert!(q.matches("caching") && q.matches("cach"));
        assert!(!q.matches("resumes"), "a finished word matches whole");
        assert!(!q.matches("cac"));
        let done = Query::parse("cache ").unwrap();
        assert!(done.matches("cache") && !done.matches("caches"));
    }
}
