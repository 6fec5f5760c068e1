//! Telling a stretch's text that cannot be what was said: the shortened
//! encoder window (`audio_ctx`) that makes stretches fast can, on rare
//! stretches, send Whisper's decoder into a loop ("The customer does correct
//! the invoices the same week." seven times for one sentence). Such text is
//! recognised by two signs no speaker produces, and the session then
//! transcribes the stretch again with the full window.

use crate::wer::normalize;

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

#[cfg(test)]
mod tests {
    use super::*;

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
