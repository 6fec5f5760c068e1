//! Marking hits in the text of a result: the whole title, and a short
//! excerpt of the body around its best cluster of hits. Done here rather than
//! with FTS5's `highlight()` and `snippet()`, which re-run the query for
//! every row shown (for a prefix longer than the prefix index, they rebuild
//! the prefix's whole list each time); the words are split and folded as the
//! index's tokenizer does, so the marked words are the ones that matched.

use super::query::{fold, is_token_char, Query};
use super::Mark;

/// Tokens in an excerpt, as FTS5's `snippet(…, 16)` gave.
const EXCERPT_TOKENS: usize = 16;

/// A token of a text: its byte range and whether it matched.
struct Token {
    start: usize,
    end: usize,
    hit: bool,
}

fn tokens(text: &str, query: &Query) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (start, is_token_char(c) && i < text.len()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(Token { start: s, end: i, hit: query.matches(&fold(&text[s..i])) });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// `text[from..to]` as marks: hit tokens marked, everything between them not.
fn marked(text: &str, tokens: &[Token], from: usize, to: usize) -> Vec<Mark> {
    let mut out: Vec<Mark> = Vec::new();
    let mut push = |s: &str, hit: bool| {
        if s.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.hit == hit => last.text.push_str(s),
            _ => out.push(Mark { text: s.to_string(), hit }),
        }
    };
    let mut at = from;
    for t in tokens.iter().filter(|t| t.hit && t.start >= from && t.end <= to) {
        push(&text[at..t.start], false);
        push(&text[t.start..t.end], true);
        at = t.end;
    }
    push(&text[at..to], false);
    out
}

/// The whole of `text`, hits marked.
pub(crate) fn highlight(text: &str, query: &Query) -> Vec<Mark> {
    marked(text, &tokens(text, query), 0, text.len())
}

/// About [`EXCERPT_TOKENS`] words of `text` around its densest run of hits
/// (the start of the text when nothing in it matched), with "…" where text
/// was cut.
pub(crate) fn excerpt(text: &str, query: &Query) -> Vec<Mark> {
    let tokens = tokens(text, query);
    if tokens.len() <= EXCERPT_TOKENS {
        return marked(text, &tokens, 0, text.len());
    }
    let hits_in = |s: usize| tokens[s..s + EXCERPT_TOKENS].iter().filter(|t| t.hit).count();
    let last_start = tokens.len() - EXCERPT_TOKENS;
    let best = (0..=last_start).max_by_key(|s| (hits_in(*s), std::cmp::Reverse(*s))).unwrap_or(0);
    // Centre the window's hits rather than leaving them at an edge.
    let window = &tokens[best..best + EXCERPT_TOKENS];
    let start = match (window.iter().position(|t| t.hit), window.iter().rposition(|t| t.hit)) {
        (Some(first), Some(last)) => {
            let (first, last) = (best + first, best + last);
            ((first + last) / 2).saturating_sub(EXCERPT_TOKENS / 2).clamp(last.saturating_sub(EXCERPT_TOKENS - 1), first).min(last_start)
        }
        _ => 0,
    };
    let end = start + EXCERPT_TOKENS;
    let from = if start == 0 { 0 } else { tokens[start].start };
    let to = if end == tokens.len() { text.len() } else { tokens[end - 1].end };
    let mut out = marked(text, &tokens, from, to);
    if start > 0 {
        out.insert(0, Mark { text: "…".into(), hit: false });
    }
    if end < tokens.len() {
        out.push(Mark { text: "…".into(), hit: false });
    }
    // Join neighbouring unmarked pieces the ellipses created.
    out.dedup_by(|b, a| {
        if !a.hit && !b.hit {
            a.text.push_str(&b.text);
            true
        } else {
            false
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(marks: &[Mark]) -> String {
        marks.iter().map(|m| if m.hit { format!("[{}]", m.text) } else { m.text.clone() }).collect()
    }

    #[test]
    fn titles_mark_every_matching_word() {
        let q = Query::parse("cache inv").unwrap();
        assert_eq!(render(&highlight("Cache invalidation, caches and Café", &q)), "[Cache] [invalidation], caches and Café");
        assert_eq!(render(&highlight("", &q)), "");
        let accents = Query::parse("cafe").unwrap();
        assert_eq!(render(&highlight("Le Café, CAFÉS", &accents)), "Le [Café], [CAFÉS]");
    }

    #[test]
    fn excerpts_centre_the_hits_and_show_cuts() {
        let q = Query::parse("zeppelin ").unwrap();
        let words: Vec<String> = (0..60).map(|i| if i == 40 { "zeppelin".into() } else { format!("w{i}") }).collect();
        let text = words.join(" ");
        let got = render(&excerpt(&text, &q));
        assert!(got.starts_with("…") && got.ends_with("…"), "{got}");
        assert!(got.contains("[zeppelin]"), "{got}");
        let before = got.split("[zeppelin]").next().unwrap().split_whitespace().count();
        assert!((6..=10).contains(&before), "the hit sits near the middle: {got}");
        assert_eq!(got.split_whitespace().filter(|w| *w != "…").count(), EXCERPT_TOKENS);
        // The densest cluster wins over a lone early hit.
        let mut words = words.clone();
        words[2] = "zeppelin".into();
        words[50] = "zeppelin".into();
        words[52] = "zeppelin".into();
        let got = render(&excerpt(&words.join(" "), &q));
        assert!(got.contains("[zeppelin] w51 [zeppelin]"), "{got}");
        // Nothing matched in the body: its start.
        let got = render(&excerpt(&text.replace("zeppelin", "w"), &q));
        assert!(got.starts_with("w0 w1") && got.ends_with("…"), "{got}");
        // Short text: all of it, no cuts.
        assert_eq!(render(&excerpt("a zeppelin, flying.", &q)), "a [zeppelin], flying.");
    }
}
