//! The transcription engine: a small [`Transcriber`] trait, and its
//! whisper-rs implementation with defaults chosen for interview answers.
//!
//! - `options.rs`: [`TranscribeOptions`] and their checks against what
//!   whisper.cpp accepts.
//! - `explain.rs`: words for whisper.cpp's error codes.
//! - `gate.rs`: the energy gate that keeps silence and noise from the model.

use std::ffi::c_void;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

use crate::error::TranscribeError;

mod explain;
mod gate;
mod options;

pub use explain::explain_whisper_error;
pub use gate::has_speech_energy;
pub use options::{audio_ctx_for, OptionsError, TranscribeOptions, MAX_BEAM, MAX_THREADS};

/// A word with its place in the audio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Word {
    pub text: String,
    pub start_ms: u32,
    pub end_ms: u32,
    /// Mean token probability, 0–1.
    pub probability: f32,
}

/// A stretch of speech the model transcribed in one piece.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Segment {
    pub start_ms: u32,
    pub end_ms: u32,
    pub text: String,
    pub words: Vec<Word>,
}

/// The result of transcribing one recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Transcript {
    pub text: String,
    pub segments: Vec<Segment>,
    /// The model's name (its file stem).
    pub model: String,
    pub audio_ms: u32,
    /// Wall-clock time the transcription took.
    pub elapsed_ms: u32,
    /// How it was made: live while the take was recorded, or in one pass
    /// over the whole recording.
    #[serde(default)]
    pub source: TranscriptSource,
}

/// How a transcript was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptSource {
    /// The whole recording at once, after it stopped.
    #[default]
    OnePass,
    /// Stretch by stretch while the take was recorded, finished at Stop.
    Live,
}

impl TranscriptSource {
    /// The name the database and the window use.
    pub fn as_str(self) -> &'static str {
        match self {
            TranscriptSource::OnePass => "one_pass",
            TranscriptSource::Live => "live",
        }
    }

    /// The source a stored name stands for; `None` for a name this build
    /// does not know.
    pub fn parse(name: &str) -> Option<TranscriptSource> {
        match name {
            "one_pass" => Some(TranscriptSource::OnePass),
            "live" => Some(TranscriptSource::Live),
            _ => None,
        }
    }
}

/// Anything that turns 16 kHz mono samples into a transcript.
pub trait Transcriber {
    /// Transcribes `samples`; `progress` receives 0–100; setting `cancel`
    /// stops the work with [`TranscribeError::Cancelled`].
    fn transcribe(
        &mut self,
        samples: &[f32],
        opts: &TranscribeOptions,
        progress: &mut (dyn FnMut(u8) + Send),
        cancel: &AtomicBool,
    ) -> Result<Transcript, TranscribeError>;
}

/// whisper.cpp through whisper-rs.
pub struct WhisperTranscriber {
    ctx: WhisperContext,
    name: String,
    /// The model's hyper-parameters, as checked before loading.
    hparams: crate::ggml::HParams,
}

impl WhisperTranscriber {
    /// Loads a ggml model file, refusing truncated or foreign files with a
    /// clear error before whisper.cpp sees them.
    pub fn load(path: &Path) -> Result<Self, TranscribeError> {
        let hparams = crate::ggml::check_file(path)?;
        whisper_rs::install_logging_hooks();
        let ctx = WhisperContext::new_with_params(path, WhisperContextParameters::default())
            .map_err(|e| TranscribeError::BadModel {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "model".into());
        Ok(WhisperTranscriber { ctx, name, hparams })
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The mean log-probability of a segment's text tokens (0 when it has none).
fn mean_logprob(seg: &whisper_rs::WhisperSegment<'_>, eot: whisper_rs::WhisperTokenId) -> f32 {
    let logs: Vec<f32> = (0..seg.n_tokens())
        .filter_map(|t| seg.get_token(t))
        .filter(|tok| tok.token_id() < eot)
        .map(|tok| tok.token_probability().max(1e-9).ln())
        .collect();
    if logs.is_empty() {
        0.0
    } else {
        logs.iter().sum::<f32>() / logs.len() as f32
    }
}

/// Annotations whisper writes for non-speech, which are not words.
fn is_annotation(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with('[') && t.ends_with(']'))
        || (t.starts_with('(') && t.ends_with(')'))
        || (t.starts_with('*') && t.ends_with('*'))
}

unsafe extern "C" fn abort_trampoline(data: *mut c_void) -> bool {
    // SAFETY: `data` is the address of the AtomicBool borrowed for the whole
    // `full()` call in `transcribe` below, which outlives every callback.
    let flag = unsafe { &*(data as *const AtomicBool) };
    flag.load(Ordering::Relaxed)
}

impl Transcriber for WhisperTranscriber {
    fn transcribe(
        &mut self,
        samples: &[f32],
        opts: &TranscribeOptions,
        progress: &mut (dyn FnMut(u8) + Send),
        cancel: &AtomicBool,
    ) -> Result<Transcript, TranscribeError> {
        opts.validate()?;
        let started = Instant::now();
        let audio_ms = (samples.len() as u64 * 1000 / 16_000) as u32;
        let empty = |started: Instant| Transcript {
            text: String::new(),
            segments: Vec::new(),
            model: self.name.clone(),
            audio_ms,
            elapsed_ms: started.elapsed().as_millis() as u32,
            source: TranscriptSource::OnePass,
        };
        if !has_speech_energy(samples) {
            progress(100);
            return Ok(empty(started));
        }
        let strategy = match opts.beam_size {
            Some(n) if n > 1 => SamplingStrategy::BeamSearch {
                beam_size: n as i32,
                patience: -1.0,
            },
            _ => SamplingStrategy::Greedy { best_of: 1 },
        };
        let mut params = FullParams::new(strategy);
        params.set_language(Some(&opts.language));
        params.set_n_threads(opts.threads.max(1) as i32);
        params.set_token_timestamps(true);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        params.set_no_speech_thold(opts.no_speech_threshold);
        if let Some(ctx) = opts.audio_ctx {
            // whisper.cpp fails (code -5) past the model's own context.
            let most = u32::try_from(self.hparams.n_audio_ctx).unwrap_or(1_500);
            params.set_audio_ctx(ctx.min(most) as i32);
        }
        if let Some(p) = &opts.initial_prompt {
            params.set_initial_prompt(p);
        }
        if !opts.temperature_fallback {
            params.set_temperature_inc(0.0);
        }
        if let Some(n) = opts.max_tokens {
            params.set_max_tokens(i32::try_from(n).unwrap_or(i32::MAX));
        }
        // Progress: whisper reports percent; forward it.
        let (tx, rx) = std::sync::mpsc::channel::<i32>();
        params.set_progress_callback_safe(move |p: i32| {
            let _ = tx.send(p);
        });
        // SAFETY: the trampoline only reads the AtomicBool, which lives
        // (borrowed from the caller) until after `full()` returns.
        unsafe {
            params.set_abort_callback(Some(abort_trampoline));
            params.set_abort_callback_user_data(cancel as *const AtomicBool as *mut c_void);
        }
        let mut state = self
            .ctx
            .create_state()
            .map_err(|e| TranscribeError::Whisper(explain_whisper_error(&e)))?;
        // Forward progress live from a helper thread. whisper-rs keeps the
        // progress closure (and so the sender) alive after `full()`, so the
        // helper stops on a flag rather than on the channel closing.
        let finished = AtomicBool::new(false);
        let result = std::thread::scope(|scope| {
            let finished = &finished;
            let progress = &mut *progress;
            scope.spawn(move || loop {
                match rx.recv_timeout(std::time::Duration::from_millis(50)) {
                    Ok(p) => progress(p.clamp(0, 100) as u8),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout)
                        if finished.load(Ordering::Acquire) =>
                    {
                        break
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                }
            });
            let r = state.full(params, samples);
            finished.store(true, Ordering::Release);
            r
        });
        if cancel.load(Ordering::Relaxed) {
            return Err(TranscribeError::Cancelled);
        }
        result.map_err(|e| TranscribeError::Whisper(explain_whisper_error(&e)))?;
        let eot = self.ctx.token_eot();
        let mut segments = Vec::new();
        for seg in state.as_iter() {
            // As whisper and faster-whisper do: a segment is silence only when
            // the model says so *and* was unsure of the words it produced
            // (mean log-probability below -1). The no-speech probability alone
            // is per 30 s window and throws away real speech that opens one.
            if seg.no_speech_probability() > opts.no_speech_threshold
                && mean_logprob(&seg, eot) < -1.0
            {
                continue;
            }
            let text = seg
                .to_str_lossy()
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            if text.is_empty() || is_annotation(&text) {
                continue;
            }
            let mut words: Vec<Word> = Vec::new();
            let mut probs: Vec<f32> = Vec::new();
            for t in 0..seg.n_tokens() {
                let Some(tok) = seg.get_token(t) else {
                    continue;
                };
                if tok.token_id() >= eot {
                    continue;
                }
                let piece = tok
                    .to_str_lossy()
                    .map(|s| s.into_owned())
                    .unwrap_or_default();
                let data = tok.token_data();
                let (t0, t1) = ((data.t0.max(0) * 10) as u32, (data.t1.max(0) * 10) as u32);
                let starts_word = piece.starts_with(' ') || words.is_empty();
                if starts_word {
                    if let Some(w) = words.last_mut() {
                        w.probability = mean(&probs);
                    }
                    probs.clear();
                    words.push(Word {
                        text: piece.trim().to_string(),
                        start_ms: t0,
                        end_ms: t1.max(t0),
                        probability: 0.0,
                    });
                } else if let Some(w) = words.last_mut() {
                    w.text.push_str(&piece);
                    w.end_ms = w.end_ms.max(t1);
                }
                probs.push(tok.token_probability());
            }
            if let Some(w) = words.last_mut() {
                w.probability = mean(&probs);
            }
            words.retain(|w| !w.text.is_empty() && !is_annotation(&w.text));
            // Keep times monotonic and inside the audio.
            let mut last = 0;
            for w in &mut words {
                w.start_ms = w.start_ms.max(last).min(audio_ms);
                w.end_ms = w.end_ms.max(w.start_ms).min(audio_ms);
                last = w.start_ms;
            }
            segments.push(Segment {
                start_ms: ((seg.start_timestamp().max(0) * 10) as u32).min(audio_ms),
                end_ms: ((seg.end_timestamp().max(0) * 10) as u32).min(audio_ms),
                text,
                words,
            });
        }
        progress(100);
        let text = segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Transcript {
            text,
            segments,
            model: self.name.clone(),
            audio_ms,
            elapsed_ms: started.elapsed().as_millis() as u32,
            source: TranscriptSource::OnePass,
        })
    }
}

fn mean(v: &[f32]) -> f32 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f32>() / v.len() as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_not_words() {
        assert!(is_annotation("[BLANK_AUDIO]"));
        assert!(is_annotation(" (static) "));
        assert!(!is_annotation("I fixed it."));
    }
}

#[cfg(test)]
mod model_tests {
    //! Tests that load the generated tiny model in whisper.cpp.
    use super::*;

    fn tiny() -> (tempfile::TempDir, WhisperTranscriber) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.bin");
        std::fs::write(&path, crate::testmodel::tiny_test_model()).unwrap();
        let engine = WhisperTranscriber::load(&path).unwrap();
        (dir, engine)
    }

    fn bursts() -> Vec<f32> {
        (0..16_000 * 3).map(|i| if (i / 3_200) % 2 == 0 { 0.3 * ((i as f32) * 0.05).sin() } else { 0.001 }).collect()
    }

    #[test]
    fn a_beam_wider_than_whisper_allows_is_a_clear_error() {
        let (_dir, mut engine) = tiny();
        let opts = TranscribeOptions { beam_size: Some(100_000), ..Default::default() };
        let e = engine.transcribe(&bursts(), &opts, &mut |_| {}, &AtomicBool::new(false)).unwrap_err();
        assert!(matches!(e, TranscribeError::BadOptions(crate::engine::OptionsError::Beam(100_000))), "{e}");
        assert_eq!(e.to_string(), "Transcription failed: a beam size of 100000 is not possible; whisper.cpp searches with 1 to 8 beams.");
    }

    #[test]
    fn the_tiny_model_loads_and_runs_in_whisper_cpp() {
        let (_dir, mut engine) = tiny();
        let opts = TranscribeOptions { threads: 1, audio_ctx: Some(3_000), ..Default::default() };
        let t = engine.transcribe(&bursts(), &opts, &mut |_| {}, &AtomicBool::new(false)).unwrap();
        assert_eq!(t.audio_ms, 3_000);
        assert_eq!(t.model, "tiny");
    }
}
