//! Text → the ids a Piper voice is fed, as Piper's own phonemizer makes them:
//! the text is cut into clauses at punctuation, espeak-ng (the Debian
//! package's command line) gives each clause's IPA phonemes, the clause's
//! punctuation follows its phonemes, and every phoneme character (after
//! Unicode decomposition) becomes its ids with the pad id after it, between
//! the start and end ids. One sentence is one call into the model.

use std::io::Write;
use std::process::{Command, Stdio};

use unicode_normalization::UnicodeNormalization;

use crate::config::VoiceConfig;
use crate::VoiceError;

/// The longest text read aloud at once (a question with its follow-up is
/// well under 2,000 characters).
pub const MAX_TEXT_CHARS: usize = 4_000;

/// A piece of text up to a punctuation mark, and that mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub text: String,
    /// `,` `.` `;` `:` `!` `?`, or none at the very end.
    pub end: Option<char>,
}

impl Clause {
    fn ends_sentence(&self) -> bool {
        matches!(self.end, Some('.' | '!' | '?') | None)
    }
}

/// Cuts `text` (already in its [`crate::spoken_form`], markup gone) into
/// clauses at `, . ; : ! ?` followed by a space or the end (so "e.g." inside
/// a word and "3.5" stay whole).
pub fn clauses(text: &str) -> Vec<Clause> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let at_break = matches!(c, ',' | '.' | ';' | ':' | '!' | '?')
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace())
            && !(c == '.' && abbreviation(current.rsplit(char::is_whitespace).next().unwrap_or("")));
        if at_break {
            let t = current.split_whitespace().collect::<Vec<_>>().join(" ");
            // "?!" or "...": a mark with no words before it adds nothing.
            if t.chars().any(char::is_alphanumeric) {
                out.push(Clause { text: t, end: Some(c) });
            }
            current.clear();
        } else {
            current.push(c);
        }
    }
    let t = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().any(char::is_alphanumeric) {
        out.push(Clause { text: t, end: None });
    }
    out
}

/// Whether a "." after `word` ends an abbreviation ("e.g.", "U.S.", "Dr.")
/// rather than a sentence.
fn abbreviation(word: &str) -> bool {
    let lower = word.to_lowercase();
    word.contains('.')
        || (word.chars().count() == 1 && word.chars().all(char::is_alphabetic))
        // Titles only when capitalised ("Dr. Lee", not "200 ms.").
        || (matches!(lower.as_str(), "mr" | "mrs" | "ms" | "dr") && word.starts_with(char::is_uppercase))
        || matches!(lower.as_str(), "vs" | "approx")
}

/// espeak-ng's IPA for each clause (`voice`: an espeak-ng voice name). One
/// process for all of them; if its lines do not match the clauses one to
/// one, one process per clause.
pub fn ipa(clauses: &[Clause], voice: &str) -> Result<Vec<String>, VoiceError> {
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    let joined = clauses.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join("\n\n");
    let lines = espeak_ipa(&joined, voice)?;
    if lines.len() == clauses.len() {
        return Ok(lines);
    }
    tracing::debug!(clauses = clauses.len(), lines = lines.len(), "espeak-ng split the text differently; one call per clause");
    clauses.iter().map(|c| espeak_ipa(&c.text, voice).map(|l| l.join(" "))).collect()
}

/// Runs `espeak-ng -q --ipa` over `text`; its non-empty output lines.
fn espeak_ipa(text: &str, voice: &str) -> Result<Vec<String>, VoiceError> {
    let mut child = Command::new("espeak-ng")
        .args(["-q", "--ipa", "-v", voice, "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(VoiceError::EspeakMissing)?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes()).map_err(|e| VoiceError::Espeak(format!("could not send it the text: {e}")))?;
    }
    let out = child.wait_with_output().map_err(|e| VoiceError::Espeak(e.to_string()))?;
    if !out.status.success() {
        return Err(VoiceError::Espeak(format!("{} ({})", String::from_utf8_lossy(&out.stderr).trim(), out.status)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().map(without_language_marks).map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect())
}

/// espeak-ng marks a word it reads in another language as "(fr)…(en)";
/// the marks are not phonemes.
fn without_language_marks(line: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in line.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The ids of one sentence: start, each phoneme followed by the pad, end.
/// Phonemes the voice does not know are left out (and counted).
pub fn sentence_ids(config: &VoiceConfig, phonemes: &str) -> (Vec<i64>, usize) {
    let pad = config.ids('_').unwrap_or(&[0]).to_vec();
    let mut ids: Vec<i64> = config.ids('^').unwrap_or(&[1]).to_vec();
    ids.extend(&pad);
    let mut unknown = 0;
    for c in phonemes.nfd() {
        match config.ids(c) {
            Some(p) => {
                ids.extend(p);
                ids.extend(&pad);
            }
            None => unknown += 1,
        }
    }
    ids.extend(config.ids('$').unwrap_or(&[2]));
    (ids, unknown)
}

/// `text` as sentences of phoneme ids, ready for the model.
pub fn sentences(config: &VoiceConfig, text: &str) -> Result<Vec<Vec<i64>>, VoiceError> {
    let count = text.chars().count();
    if count > MAX_TEXT_CHARS {
        return Err(VoiceError::TooLong { chars: count, limit: MAX_TEXT_CHARS });
    }
    let clauses = clauses(text);
    let phonemes = ipa(&clauses, &config.espeak.voice)?;
    let mut out = Vec::new();
    let mut sentence = String::new();
    for (clause, ipa) in clauses.iter().zip(phonemes) {
        if !sentence.is_empty() {
            sentence.push(' ');
        }
        sentence.push_str(&ipa);
        if let Some(end) = clause.end {
            sentence.push(end);
        }
        if clause.ends_sentence() {
            let (ids, unknown) = sentence_ids(config, &sentence);
            if unknown > 0 {
                tracing::debug!(unknown, sentence = %sentence, "phonemes the voice does not know were left out");
            }
            out.push(ids);
            sentence.clear();
        }
    }
    if !sentence.is_empty() {
        out.push(sentence_ids(config, &sentence).0);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_at_punctuation_followed_by_a_space() {
        let c = clauses("Design a cache, e.g. for 3.5 million users. Why?  Redis!");
        assert_eq!(clauses("Ask Dr. Smith vs. the U.S. team. No.").len(), 2);
        assert_eq!(clauses("It took 200 ms. Then it failed.").len(), 2);
        let got: Vec<(&str, Option<char>)> = c.iter().map(|c| (c.text.as_str(), c.end)).collect();
        assert_eq!(got, vec![("Design a cache", Some(',')), ("e.g. for 3.5 million users", Some('.')), ("Why", Some('?')), ("Redis", Some('!'))]);
        assert_eq!(clauses("No mark at the end"), vec![Clause { text: "No mark at the end".into(), end: None }]);
        assert!(clauses(" ... ?! ").is_empty());
    }

    #[test]
    fn ids_follow_pipers_scheme() {
        let config = crate::config::tests::sample();
        // h ə l ˈ o ʊ (NFD leaves these alone), then "." and an unknown "ʔ".
        let (ids, unknown) = sentence_ids(&config, "həlˈoʊʔ.");
        assert_eq!(ids, vec![1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 10, 0, 2]);
        assert_eq!(unknown, 1);
    }

    #[test]
    fn language_marks_are_not_phonemes() {
        assert_eq!(without_language_marks("ɐ (fr)ʒə(en) tˈɛst"), "ɐ ʒə tˈɛst");
    }

    #[test]
    fn espeak_gives_one_line_per_clause() {
        let c = clauses("Tell me about a time you disagreed with a teammate. What happened, and what did you learn?");
        let lines = ipa(&c, "en-us").expect("espeak-ng is installed (cargo xtask setup installs it)");
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("tˈɛl"), "{lines:?}");
        assert!(lines[2].contains("lˈɜːn"), "{lines:?}");
    }
}
