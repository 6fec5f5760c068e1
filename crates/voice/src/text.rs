//! What is read aloud: a question's text as a person would say it. Markup
//! and symbols are written for the eye ("e.g.", "CI/CD", "→", backticks);
//! read literally they come out as "E G", "CI slash CD", "right arrow".

/// `text` in the words an interviewer would say: symbols and notation here,
/// abbreviations ("e.g." → "for example") by the lexicon's `say` entries.
pub fn spoken_form(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        // Big-O notation: "O(n log n)" is said "O of n log n".
        if word_start && c == 'O' && chars.get(i + 1) == Some(&'(') {
            if let Some(len) = chars[i + 2..].iter().take(24).position(|&c| c == ')') {
                let inside: String = chars[i + 2..i + 2 + len].iter().collect();
                if !inside.trim().is_empty() && !inside.contains('(') {
                    s.push_str("O of ");
                    s.push_str(&inside.replace("^2", " squared").replace('^', " to the ").replace('*', " times "));
                    i += len + 3;
                    continue;
                }
            }
        }
        // SQL's "COUNT(*)": said "count star".
        if c == '(' && chars.get(i + 1) == Some(&'*') && chars.get(i + 2) == Some(&')') {
            s.push_str(" star ");
            i += 3;
            continue;
        }
        match c {
            '→' | '⇒' => s.push_str(" gives "),
            '-' if chars.get(i + 1) == Some(&'>') => {
                s.push_str(" gives ");
                i += 1;
            }
            '&' => s.push_str(" and "),
            // "CI/CD", "map/filter", "POST /payments": said without the slash.
            '/' => s.push(' '),
            '`' | '*' | '#' | '_' | '|' | '<' | '>' | '[' | ']' | '{' | '}' | '"' | '“' | '”' => s.push(' '),
            _ => s.push(c),
        }
        i += 1;
    }
    crate::lexicon::apply(&s, crate::lexicon::Kind::Say).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the voice is fed: the [`spoken_form`], with jargon respelled so
/// espeak-ng sounds it right (the `sound` entries of [`crate::lexicon`]).
/// The words are the same; only a transcript of the audio would show none
/// of the respellings.
pub fn for_voice(text: &str) -> String {
    crate::lexicon::apply(&spoken_form(text), crate::lexicon::Kind::Sound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_become_what_a_person_says() {
        assert_eq!(spoken_form("Auth (e.g., JWT) i.e. tokens"), "Auth (for example, JWT) that is tokens");
        assert_eq!(spoken_form("Discuss CI/CD and map/filter; POST /payments"), "Discuss CI CD and map filter; POST payments");
        assert_eq!(spoken_form("in \"abcabcbb\" → 3, a -> b, R&D `code`"), "in abcabcbb gives 3, a gives b, R and D code");
        assert_eq!(spoken_form("freeze.g. x"), "freeze.g. x", "only whole abbreviations");
        assert_eq!(spoken_form("Optimize for O(n) time, not O(n^2); O(1) space."), "Optimize for O of n time, not O of n squared; O of 1 space.");
        assert_eq!(spoken_form("How do COUNT(*) and COUNT(id) differ?"), "How do COUNT star and COUNT(id) differ?");
        assert_eq!(spoken_form("FOO(n) and O()"), "FOO(n) and O()", "only O( ) with something inside");
    }
}
