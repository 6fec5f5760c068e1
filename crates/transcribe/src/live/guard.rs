//! Telling a stretch's text that cannot be what was said: the shortened
//! encoder window (`audio_ctx`) that makes stretches fast can, on rare
//! stretches, send Whisper's decoder into a loop ("The customer does correct
//! the invoices the same week." seven times for one sentence). Such text is
//! recognised by two signs no speaker produces, and the session then
//! transcribes the stretch again with the full window.
//!
//! A preview (a second of speech or so, decoded once with a small token
//! budget) loops more often ("the situation one, one, one, one, …") and is
//! not decoded again: [`cut_loop`] keeps its words up to where the loop
//! starts, so the window shows what was said and not the loop.

use crate::engine::Transcript;
use crate::wer::{normalize, normalize_word};

/// More words per second than anyone speaks (fast speech is about 3–4).
pub const MAX_WORDS_PER_SECOND: f64 = 5.0;

/// A sentence of at least this many words said this often is a loop.
const LOOP_SENTENCE_WORDS: usize = 3;
const LOOP_REPEATS: usize = 3;

/// Why `text`, read from `audio_ms` of audio, looks like a decoder loop;
/// `None` when it reads like speech.
pub fn implausible(text: &str, audio_ms: u32) -> Option<String> {
    let words = normalize(text);
    // Short stretches get a second of slack: a few words in a brief burst.
    let seconds = f64::from(audio_ms) / 1000.0 + 1.0;
    let rate = words.len() as f64 / seconds;
    if words.len() >= 8 && rate > MAX_WORDS_PER_SECOND {
        return Some(format!("{} words in {:.1} s", words.len(), f64::from(audio_ms) / 1000.0));
    }
    let sentences: Vec<Vec<String>> = text
        .split(['.', '?', '!'])
        .map(normalize)
        .filter(|s| s.len() >= LOOP_SENTENCE_WORDS)
        .collect();
    for s in &sentences {
        let repeats = sentences.iter().filter(|t| *t == s).count();
        if repeats >= LOOP_REPEATS {
            return Some(format!("\"{}\" {repeats} times", s.join(" ")));
        }
    }
    None
}

/// The longest run of words a loop repeats, in words.
const LOOP_UNIT_WORDS: usize = 4;

/// How many of `words` to keep so that no loop remains: up to the first
/// copy of the earliest run of one to four words said three times in a row.
/// `None` when there is no such run.
pub fn loop_start(words: &[String]) -> Option<usize> {
    (0..words.len()).find_map(|start| {
        (1..=LOOP_UNIT_WORDS).find_map(|k| {
            let unit = words.get(start..start + k)?;
            let repeated = (1..LOOP_REPEATS).all(|r| words.get(start + r * k..start + (r + 1) * k) == Some(unit));
            repeated.then_some(start + k)
        })
    })
}

/// Cuts `part` (a transcript with word timings) where a loop in its words
/// starts (see [`loop_start`]): later words and segments are dropped and the
/// text of the segment cut is made again from the words it keeps. Returns
/// whether anything was cut.
pub fn cut_loop(part: &mut Transcript) -> bool {
    let words: Vec<String> = part.segments.iter().flat_map(|s| &s.words).map(|w| normalize_word(&w.text)).collect();
    let Some(mut keep) = loop_start(&words) else {
        return false;
    };
    part.segments.retain_mut(|segment| {
        if keep == 0 {
            return false;
        }
        if segment.words.len() > keep {
            segment.words.truncate(keep);
            segment.text = segment.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
            segment.end_ms = segment.words.last().map_or(segment.start_ms, |w| w.end_ms);
        }
        keep -= segment.words.len();
        true
    });
    part.text = part.segments.iter().map(|s| s.text.trim()).collect::<Vec<_>>().join(" ");
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Segment, TranscriptSource, Word};

    fn said(words: &str) -> Vec<String> {
        normalize(words)
    }

    #[test]
    fn a_loop_is_found_where_it_starts() {
        assert_eq!(loop_start(&said("the situation one, one, one, one, one")), Some(3));
        assert_eq!(loop_start(&said("we fixed it the same week the same week the same week the same")), Some(6));
        assert_eq!(loop_start(&said("I measured each query and added an index")), None);
        assert_eq!(loop_start(&said("it was very, very slow")), None, "twice is speech");
        assert_eq!(loop_start(&said("")), None);
    }

    fn segment(start_ms: u32, words: &[&str]) -> Segment {
        Segment {
            start_ms,
            end_ms: start_ms + 100 * words.len() as u32,
            text: words.join(" "),
            words: words
                .iter()
                .enumerate()
                .map(|(i, w)| Word { text: w.to_string(), start_ms: start_ms + 100 * i as u32, end_ms: start_ms + 100 * (i as u32 + 1), probability: 0.5 })
                .collect(),
        }
    }

    #[test]
    fn a_looping_preview_keeps_the_words_before_the_loop() {
        let mut part = Transcript {
            text: String::new(),
            segments: vec![segment(0, &["The", "situation"]), segment(200, &["one,", "one,", "one,", "one,"]), segment(600, &["one,", "one."])],
            model: "tiny.en".into(),
            audio_ms: 1_400,
            elapsed_ms: 300,
            source: TranscriptSource::Live,
        };
        assert!(cut_loop(&mut part));
        assert_eq!(part.text, "The situation one,");
        assert_eq!(part.segments.len(), 2);
        assert_eq!((part.segments[1].text.as_str(), part.segments[1].end_ms), ("one,", 300));
        let before = part.clone();
        assert!(!cut_loop(&mut part), "nothing left to cut");
        assert_eq!(part, before);
    }

    #[test]
    fn speech_reads_as_speech() {
        let answer = "I led the migration. We moved forty services in six weeks, and no customer noticed. Um, I would do it again.";
        assert_eq!(implausible(answer, 9_000), None);
        assert_eq!(implausible("Yes. Yes. Yes.", 2_000), None, "short repeats are speech");
        assert_eq!(implausible("", 0), None);
    }

    #[test]
    fn a_looping_decoder_is_caught_by_its_repeats_or_its_pace() {
        let looped = "The customer does correct the invoices the same week. ".repeat(7);
        assert!(implausible(&looped, 15_000).unwrap().contains("7 times"));
        let rushed = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen";
        assert!(implausible(rushed, 2_000).unwrap().contains("16 words in 2.0 s"));
        assert_eq!(implausible(rushed, 6_000), None, "the same words over six seconds are speech");
    }
}
