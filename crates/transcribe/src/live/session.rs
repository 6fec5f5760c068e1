//! Transcribing the stretches of one answer in order, each with the text
//! before it as Whisper's prompt (as a single pass carries its context from
//! one 30 s window to the next), and stitching the results.

use std::sync::atomic::AtomicBool;

use super::chunker::Chunk;
use super::stitch::Stitcher;
use crate::engine::{Segment, TranscribeOptions, Transcriber, Transcript};
use crate::error::TranscribeError;

/// How much earlier text is given as context (Whisper's prompt holds about
/// 220 tokens; 60 words stay well inside it).
const CONTEXT_WORDS: usize = 60;

/// Tokens allowed per second of audio in a preview (with 16 to spare).
const PREVIEW_TOKENS_PER_SECOND: u32 = 8;

/// One answer's stretches going through one engine.
pub struct LiveSession<T: Transcriber> {
    engine: T,
    opts: TranscribeOptions,
    stitcher: Stitcher,
    end_ms: u32,
}

impl<T: Transcriber> LiveSession<T> {
    pub fn new(engine: T, opts: TranscribeOptions) -> Self {
        LiveSession {
            engine,
            opts,
            stitcher: Stitcher::default(),
            end_ms: 0,
        }
    }

    /// The prompt for the next stretch: the usual one, then the last words said.
    fn prompt(&self) -> Option<String> {
        let text = self.stitcher.text();
        let words: Vec<&str> = text.split_whitespace().collect();
        let context = words[words.len().saturating_sub(CONTEXT_WORDS)..].join(" ");
        match (&self.opts.initial_prompt, context.is_empty()) {
            (base, true) => base.clone(),
            (Some(base), false) => Some(format!("{base} {context}")),
            (None, false) => Some(context),
        }
    }

    /// Transcribes `chunk` with the text before it as the prompt.
    fn run(&mut self, chunk: &Chunk, cancel: &AtomicBool, preview: bool) -> Result<Transcript, TranscribeError> {
        let mut opts = TranscribeOptions {
            initial_prompt: self.prompt(),
            audio_ctx: crate::engine::audio_ctx_for(chunk.samples.len()),
            ..self.opts.clone()
        };
        if preview {
            // A preview must come quickly and is replaced a second later: no
            // second decode at a higher temperature, and no more tokens than
            // a fast speaker says in that much audio (about 4 words, 6
            // tokens, a second), so a decoder stuck in a loop stops early.
            opts.temperature_fallback = false;
            opts.max_tokens = Some((chunk.samples.len() / 16_000) as u32 * PREVIEW_TOKENS_PER_SECOND + 16);
        }
        self.engine.transcribe(&chunk.samples, &opts, &mut |_| {}, cancel)
    }

    /// Transcribes the next stretch; returns its segments on the
    /// recording's time line.
    ///
    /// Text that cannot be speech (see [`super::guard`]) is thrown away and
    /// the stretch transcribed again with the full encoder window.
    pub fn transcribe(&mut self, chunk: &Chunk, cancel: &AtomicBool) -> Result<Vec<Segment>, TranscribeError> {
        let mut part = self.run(chunk, cancel, false)?;
        if let Some(why) = super::guard::implausible(&part.text, chunk.len_ms()) {
            tracing::warn!(start_ms = chunk.start_ms(), %why, "a stretch read like a decoder loop; transcribing it again with the full window");
            let opts = TranscribeOptions { initial_prompt: self.prompt(), audio_ctx: None, ..self.opts.clone() };
            part = self.engine.transcribe(&chunk.samples, &opts, &mut |_| {}, cancel)?;
        }
        self.end_ms = self.end_ms.max(chunk.start_ms() + part.audio_ms);
        Ok(self.stitcher.add(chunk.start_ms(), &part))
    }

    /// Transcribes the stretch still being spoken, as far as it goes, for a
    /// provisional text; nothing is kept (the finished stretch is
    /// transcribed again by [`transcribe`](Self::transcribe)).
    ///
    /// A preview that reads like a decoder loop is cut where the loop starts
    /// (see [`super::guard::cut_loop`]).
    pub fn preview(&mut self, chunk: &Chunk, cancel: &AtomicBool) -> Result<Vec<Segment>, TranscribeError> {
        let mut part = self.run(chunk, cancel, true)?;
        if let Some(why) = super::guard::implausible(&part.text, chunk.len_ms()) {
            if super::guard::cut_loop(&mut part) {
                tracing::debug!(start_ms = chunk.start_ms(), %why, kept = %part.text, "a preview looped; cut where the loop starts");
            }
        }
        Ok(self.stitcher.place(chunk.start_ms(), &part))
    }

    /// The whole transcript, with `model` as its model name. Its length is
    /// the end of the last stretch; the caller may set the recording's.
    pub fn finish(self, model: &str) -> Transcript {
        let end = self.end_ms;
        self.stitcher.finish(model, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Word;

    /// What a test engine hears in `samples`: one segment over all of it
    /// holding `text` and `words`.
    fn heard(samples: &[f32], text: String, words: Vec<Word>, model: &str) -> Transcript {
        let audio_ms = (samples.len() / 16) as u32;
        Transcript {
            text: text.clone(),
            segments: vec![Segment { start_ms: 0, end_ms: audio_ms, text, words }],
            model: model.into(),
            audio_ms,
            elapsed_ms: 10,
            source: crate::engine::TranscriptSource::OnePass,
        }
    }

    /// Says "wN" for stretch N, and records the prompts it was given.
    struct Echo {
        prompts: std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>>,
        n: u32,
    }

    impl Transcriber for Echo {
        fn transcribe(
            &mut self,
            samples: &[f32],
            opts: &TranscribeOptions,
            _: &mut (dyn FnMut(u8) + Send),
            _: &AtomicBool,
        ) -> Result<Transcript, TranscribeError> {
            self.prompts
                .lock()
                .unwrap()
                .push(opts.initial_prompt.clone());
            self.n += 1;
            let text = format!("w{}", self.n);
            let word = Word { text: text.clone(), start_ms: 100, end_ms: 400, probability: 1.0 };
            Ok(heard(samples, text, vec![word], "echo"))
        }
    }

    #[test]
    fn each_stretch_is_prompted_with_the_text_before_it() {
        let prompts = std::sync::Arc::default();
        let engine = Echo {
            prompts: std::sync::Arc::clone(&prompts),
            n: 0,
        };
        let mut s = LiveSession::new(
            engine,
            TranscribeOptions {
                initial_prompt: Some("Um.".into()),
                ..TranscribeOptions::default()
            },
        );
        let cancel = AtomicBool::new(false);
        s.transcribe(
            &Chunk {
                start_sample: 0,
                samples: vec![0.0; 32_000],
            },
            &cancel,
        )
        .unwrap();
        let second = s
            .transcribe(
                &Chunk {
                    start_sample: 48_000,
                    samples: vec![0.0; 16_000],
                },
                &cancel,
            )
            .unwrap();
        assert_eq!(second[0].words[0].start_ms, 3_100);
        let t = s.finish("tiny.en");
        assert_eq!(
            (t.text.as_str(), t.audio_ms, t.model.as_str()),
            ("w1 w2", 4_000, "tiny.en")
        );
        assert_eq!(
            *prompts.lock().unwrap(),
            vec![Some("Um.".to_string()), Some("Um. w1".to_string())]
        );
    }

    #[test]
    fn a_preview_is_placed_on_the_time_line_but_not_kept() {
        let prompts = std::sync::Arc::default();
        let engine = Echo { prompts: std::sync::Arc::clone(&prompts), n: 0 };
        let mut s = LiveSession::new(engine, TranscribeOptions { initial_prompt: Some("Um.".into()), ..TranscribeOptions::default() });
        let cancel = AtomicBool::new(false);
        let chunk = Chunk { start_sample: 16_000, samples: vec![0.0; 16_000] };
        let preview = s.preview(&chunk, &cancel).unwrap();
        assert_eq!((preview[0].text.as_str(), preview[0].words[0].start_ms), ("w1", 1_100));
        s.transcribe(&chunk, &cancel).unwrap();
        let t = s.finish("tiny.en");
        assert_eq!(t.text, "w2", "the preview's text is not part of the transcript");
        assert_eq!(*prompts.lock().unwrap(), vec![Some("Um.".to_string()), Some("Um.".to_string())], "nor of the next prompt");
    }

    /// Hears "the situation" and then loops on "one," as tiny.en did on the
    /// first preview of the end-to-end test's answer.
    struct LoopingPreview;

    impl Transcriber for LoopingPreview {
        fn transcribe(
            &mut self,
            samples: &[f32],
            _: &TranscribeOptions,
            _: &mut (dyn FnMut(u8) + Send),
            _: &AtomicBool,
        ) -> Result<Transcript, TranscribeError> {
            let said = ["the", "situation"].into_iter().chain(std::iter::repeat_n("one,", 12));
            let words: Vec<Word> = said
                .enumerate()
                .map(|(i, w)| Word { text: w.into(), start_ms: 100 * i as u32, end_ms: 100 * (i as u32 + 1), probability: 0.5 })
                .collect();
            let text = words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
            Ok(heard(samples, text, words, "loop"))
        }
    }

    #[test]
    fn a_preview_that_loops_shows_only_the_words_before_the_loop() {
        let mut s = LiveSession::new(LoopingPreview, TranscribeOptions::default());
        let chunk = Chunk { start_sample: 0, samples: vec![0.0; 22_400] };
        let preview = s.preview(&chunk, &AtomicBool::new(false)).unwrap();
        assert_eq!(preview.len(), 1);
        assert_eq!(preview[0].text, "the situation one,");
        assert_eq!(preview[0].words.len(), 3);
    }

    /// Loops while the encoder window is shortened, as whisper.cpp did on a
    /// fast 15 s answer; reads well with the full window.
    struct LoopsWhenShortened {
        windows: Vec<Option<u32>>,
    }

    impl Transcriber for LoopsWhenShortened {
        fn transcribe(
            &mut self,
            samples: &[f32],
            opts: &TranscribeOptions,
            _: &mut (dyn FnMut(u8) + Send),
            _: &AtomicBool,
        ) -> Result<Transcript, TranscribeError> {
            self.windows.push(opts.audio_ctx);
            let text = if opts.audio_ctx.is_some() { "We fixed the invoices. ".repeat(6) } else { "We fixed the invoices the same week.".into() };
            Ok(heard(samples, text, vec![], "loop"))
        }
    }

    #[test]
    fn a_stretch_that_loops_is_transcribed_again_with_the_full_window() {
        let mut s = LiveSession::new(LoopsWhenShortened { windows: vec![] }, TranscribeOptions::default());
        let cancel = AtomicBool::new(false);
        let chunk = Chunk { start_sample: 0, samples: vec![0.0; 16_000 * 8] };
        let segments = s.transcribe(&chunk, &cancel).unwrap();
        assert_eq!(segments[0].text, "We fixed the invoices the same week.");
        assert_eq!(s.engine.windows, vec![crate::engine::audio_ctx_for(chunk.samples.len()), None]);
        // A preview is never redone: it is replaced a second later anyway.
        s.preview(&chunk, &cancel).unwrap();
        assert_eq!(s.engine.windows.len(), 3);
    }
}
