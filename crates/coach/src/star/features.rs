//! What the STAR labeller sees of a sentence: its words and word pairs, how
//! it starts, whether it has a number, its length, its place in the answer
//! and the words of its neighbours. Each feature is a named value, so a
//! label can be explained by the features that pushed it.

use crate::text::norm;

/// The features of one sentence: `(name, value)` pairs, names unique.
pub type Features = Vec<(String, f32)>;

/// How much of the answer around a sentence the labeller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeatureSet {
    /// Position in the answer, first and last sentence, and the words of the
    /// sentences before and after.
    pub context: bool,
}

/// Spelled-out numbers count as numbers too ("went from eight seconds to two").
const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty",
    "forty", "fifty", "hundred", "thousand", "million", "percent", "half", "twice", "double", "doubled", "tripled", "third",
];

/// The normalised words of a sentence; a word with a digit becomes `<num>`.
pub fn words(sentence: &str) -> Vec<String> {
    sentence
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .map(norm)
        .filter(|w| !w.is_empty())
        .map(|w| if w.chars().any(|c| c.is_ascii_digit()) { "<num>".to_string() } else { w })
        .collect()
}

fn own(words: &[String]) -> Features {
    let mut f: Features = Vec::new();
    let push = |name: String, v: f32, f: &mut Features| {
        if !f.iter().any(|(n, _)| *n == name) {
            f.push((name, v));
        }
    };
    for w in words {
        push(format!("w:{w}"), 1.0, &mut f);
    }
    for pair in words.windows(2) {
        push(format!("b:{} {}", pair[0], pair[1]), 1.0, &mut f);
    }
    for t in words.windows(3) {
        push(format!("t:{} {} {}", t[0], t[1], t[2]), 1.0, &mut f);
    }
    if words.len() > 2 {
        push(format!("f3:{} {} {}", words[0], words[1], words[2]), 1.0, &mut f);
    }
    if let Some(first) = words.first() {
        push(format!("f:{first}"), 1.0, &mut f);
    }
    if words.len() > 1 {
        push(format!("f2:{} {}", words[0], words[1]), 1.0, &mut f);
    }
    if words.iter().any(|w| w == "<num>" || NUMBER_WORDS.contains(&w.as_str())) {
        push("num".into(), 1.0, &mut f);
    }
    push("len".into(), words.len().min(40) as f32 / 40.0, &mut f);
    f
}

/// The features of every sentence of one answer, in order.
pub fn answer(sentences: &[&str], set: FeatureSet) -> Vec<Features> {
    let words: Vec<Vec<String>> = sentences.iter().map(|s| words(s)).collect();
    let n = sentences.len();
    (0..n)
        .map(|i| {
            let mut f = own(&words[i]);
            if set.context {
                let place = if n > 1 { i as f32 / (n - 1) as f32 } else { 0.0 };
                f.push((format!("pos:{}", ((place * 5.0) as usize).min(4)), 1.0));
                f.push(("pos".into(), place));
                if i == 0 {
                    f.push(("first".into(), 1.0));
                }
                if i + 1 == n {
                    f.push(("last".into(), 1.0));
                }
                for (prefix, other) in [("pw", i.checked_sub(1)), ("nw", (i + 1 < n).then_some(i + 1))] {
                    let Some(o) = other else { continue };
                    let mut seen: Vec<&str> = Vec::new();
                    for w in &words[o] {
                        if !seen.contains(&w.as_str()) {
                            seen.push(w);
                            f.push((format!("{prefix}:{w}"), 0.5));
                        }
                    }
                }
            }
            f
        })
        .collect()
}

/// A feature in words, for explaining a label; `None` for features that
/// would not help a reader (length, the raw position).
pub fn describe(name: &str) -> Option<String> {
    let (kind, rest) = name.split_once(':').unwrap_or((name, ""));
    Some(match kind {
        "w" | "b" | "t" => format!("\u{201c}{rest}\u{201d}"),
        "f" | "f2" | "f3" => format!("starts \u{201c}{rest}\u{201d}"),
        "num" => "a number".into(),
        "pos" => match rest {
            "0" => "near the start".into(),
            "4" => "near the end".into(),
            _ => "in the middle".into(),
        },
        "first" => "the first sentence".into(),
        "last" => "the last sentence".into(),
        "pw" => format!("after \u{201c}{rest}\u{201d}"),
        "nw" => format!("before \u{201c}{rest}\u{201d}"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised_and_numbers_merged() {
        assert_eq!(words("Latency fell 40% in Q3."), vec!["latency", "fell", "<num>", "in", "<num>"]);
    }

    #[test]
    fn context_adds_place_and_neighbours() {
        let s = ["We had an outage.", "I fixed it."];
        let plain = answer(&s, FeatureSet { context: false });
        assert!(plain[1].iter().all(|(n, _)| !n.starts_with("pw:") && n != "last"));
        let ctx = answer(&s, FeatureSet { context: true });
        assert!(ctx[1].iter().any(|(n, v)| n == "pw:outage" && *v == 0.5));
        assert!(ctx[1].iter().any(|(n, _)| n == "last"));
        assert!(ctx[0].iter().any(|(n, _)| n == "first") && ctx[0].iter().any(|(n, _)| n == "nw:fixed"));
        assert!(ctx[0].iter().any(|(n, _)| n == "f2:we had"));
    }

    #[test]
    fn features_read_as_words() {
        assert_eq!(describe("b:as a").as_deref(), Some("\u{201c}as a\u{201d}"));
        assert_eq!(describe("pos:4").as_deref(), Some("near the end"));
        assert_eq!(describe("len"), None);
    }
}
