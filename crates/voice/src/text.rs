//! What is read aloud: a question's text as a person would say it. Markup
//! and symbols are written for the eye ("e.g.", "CI/CD", "→", backticks);
//! read literally they come out as "E G", "CI slash CD", "right arrow".

/// `text` in the words an interviewer would say.
pub fn spoken_form(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..chars.len().min(i + 5)].iter().collect::<String>().to_lowercase();
        let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        if word_start && rest.starts_with("e.g.") {
            s.push_str("for example");
            i += 4;
            continue;
        }
        if word_start && rest.starts_with("i.e.") {
            s.push_str("that is");
            i += 4;
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
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
    }
}
