//! Software jargon as a person says it, for the interviewer's voice. The
//! voice's phonemes come from espeak-ng, which reads much jargon as ordinary
//! English ("OAuth", "scikit", "authn") and so says it wrong. The word list is
//! `lexicon.tsv` beside this file: one entry a line, `kind TAB written TAB
//! replacement`, where the kind is
//!
//! - `say`: an abbreviation people read out as other words ("authn" →
//!   "authentication"). These change the words spoken, so they are part of
//!   [`crate::spoken_form`] (what a transcript of the question should read).
//! - `sound`: the same word, respelled so espeak-ng says it right ("scikit"
//!   → "sy kit"). Only the sound changes; these are applied last, just
//!   before phonemes are made ([`crate::text::for_voice`]).
//!
//! An entry matches a whole word; one with a capital letter matches only in
//! that case ("GIL"), one without matches in any case. The longest entry
//! that matches wins ("scikit-learn" before "scikit").

use std::sync::OnceLock;

/// How an entry changes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Say,
    Sound,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    pub written: String,
    pub replacement: String,
}

/// A line of `lexicon.tsv` that is not an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("lexicon.tsv line {line}: {why}")]
pub struct LexiconProblem {
    pub line: usize,
    pub why: String,
}

/// Reads entries from the TSV text (blank lines and `#` comments skipped),
/// longest written form first.
pub fn parse(tsv: &str) -> Result<Vec<Entry>, LexiconProblem> {
    let mut out: Vec<Entry> = Vec::new();
    for (i, line) in tsv.lines().enumerate() {
        let problem = |why: String| LexiconProblem { line: i + 1, why };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [kind, written, replacement] = cols[..] else {
            return Err(problem(format!("expected kind, written and replacement separated by tabs, found {} columns", cols.len())));
        };
        let kind = match kind {
            "say" => Kind::Say,
            "sound" => Kind::Sound,
            other => return Err(problem(format!("the kind is \"say\" or \"sound\", not \"{other}\""))),
        };
        let inside = |c: char| c.is_alphanumeric() || matches!(c, '+' | '#' | '.' | '\'' | '-');
        if !written.starts_with(|c: char| c.is_alphanumeric() || c == '.') || !written.chars().all(inside) {
            return Err(problem(format!("\"{written}\" is not one written word (letters and digits, with + # . - or ' inside)")));
        }
        let plain = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'');
        if replacement.trim().is_empty() || !replacement.chars().all(plain) {
            return Err(problem(format!("the replacement \"{replacement}\" is not plain words (letters, spaces, hyphens, apostrophes)")));
        }
        if let Some(same) = out.iter().find(|e| e.written == written) {
            return Err(problem(format!("\"{written}\" is already listed (as {:?})", same.kind)));
        }
        out.push(Entry { kind, written: written.to_string(), replacement: replacement.to_string() });
    }
    out.sort_by(|a, b| b.written.chars().count().cmp(&a.written.chars().count()).then_with(|| a.written.cmp(&b.written)));
    Ok(out)
}

/// The shipped entries. The file is checked by a unit test, so a bad line
/// never reaches a build that passed its tests; if one did, the voice would
/// speak without the lexicon rather than fail.
fn shipped() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        parse(include_str!("lexicon.tsv")).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the voice's lexicon is unusable; jargon is read as written");
            Vec::new()
        })
    })
}

/// `text` with the shipped entries of `kind` applied.
pub fn apply(text: &str, kind: Kind) -> String {
    replace(text, shipped().iter().filter(|e| e.kind == kind))
}

/// `text` with each whole-word match of `entries` (longest first) replaced.
fn replace<'a>(text: &str, entries: impl Iterator<Item = &'a Entry> + Clone) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let at_word_start = i == 0 || !is_word_char(chars[i - 1]);
        let hit = if at_word_start { entries.clone().find_map(|e| matches_at(&chars, i, e).map(|n| (e, n))) } else { None };
        match hit {
            Some((e, n)) => {
                out.push_str(&e.replacement);
                i += n;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Letters and digits: a written word's inside. A match must not run on
/// into one ("GILs" is not "GIL").
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The length in chars of `e` matched at `chars[i..]`, if it matches as a
/// whole word.
fn matches_at(chars: &[char], i: usize, e: &Entry) -> Option<usize> {
    let case_sensitive = e.written.chars().any(char::is_uppercase);
    let mut n = 0;
    for w in e.written.chars() {
        let c = *chars.get(i + n)?;
        let same = if case_sensitive { c == w } else { c.to_lowercase().eq(w.to_lowercase()) };
        if !same {
            return None;
        }
        n += 1;
    }
    // A word ends here unless a letter or digit follows, or an apostrophe
    // with a letter after it ("OAuth's" is left alone).
    match (chars.get(i + n), chars.get(i + n + 1)) {
        (Some(&c), _) if is_word_char(c) => None,
        (Some('\'' | '\u{2019}'), Some(&c)) if c.is_alphabetic() => None,
        _ => Some(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(tsv: &str) -> Vec<Entry> {
        parse(tsv).unwrap()
    }

    #[test]
    fn whole_words_only_with_case_as_written() {
        let e = entries("say\tauthn\tauthentication\nsound\tGIL\tgill\nsound\tscikit\tsy kit\nsound\tscikit-learn\tsy kit learn\n");
        let r = |t: &str| replace(t, e.iter());
        assert_eq!(r("AuthN and authn, not authnx"), "authentication and authentication, not authnx");
        assert_eq!(r("the GIL, gil and GILs"), "the gill, gil and GILs");
        assert_eq!(r("scikit-learn or scikit"), "sy kit learn or sy kit");
        assert_eq!(r("(GIL)? GIL."), "(gill)? gill.");
        assert_eq!(r("xGIL"), "xGIL");
    }

    #[test]
    fn symbols_inside_a_written_word_match() {
        let e = entries("sound\tC#\tsee sharp\nsound\tC++\tsee plus plus\nsound\tNode.js\tnode jay ess\n");
        let r = |t: &str| replace(t, e.iter());
        assert_eq!(r("C# or C++ in Node.js."), "see sharp or see plus plus in node jay ess.");
        assert_eq!(r("C and Node"), "C and Node");
    }

    #[test]
    fn bad_lines_are_refused_with_their_line() {
        assert_eq!(parse("say\tauthn\n").unwrap_err().line, 1);
        assert!(parse("# note\n\nspell\tx\ty\n").unwrap_err().to_string().starts_with("lexicon.tsv line 3: the kind"));
        assert!(parse("say\ttwo words\tx\n").is_err());
        assert!(parse("sound\tCI/CD\tC I C D\n").is_err(), "a slash is read as a space before the lexicon");
        assert!(parse("sound\tx\t/ɡɪl/\n").is_err(), "IPA is not a respelling");
        assert!(parse("say\tx\ty\nsound\tx\tz\n").unwrap_err().to_string().contains("already listed"));
    }

    #[test]
    fn the_shipped_lexicon_reads_and_every_entry_changes_its_word() {
        let all = parse(include_str!("lexicon.tsv")).unwrap();
        assert!(all.len() >= 50, "{} entries", all.len());
        for e in &all {
            let r = replace(&e.written, std::iter::once(e));
            assert_eq!(r, e.replacement, "{e:?}");
            assert_ne!(e.replacement, e.written, "{e:?} changes nothing");
        }
    }
}
