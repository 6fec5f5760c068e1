//! Coaching of one attempt: its transcript, recording and question handed to
//! `starling-coach`. Computed on request (it takes milliseconds), so changing
//! the rules never leaves stale figures in the database.

use starling_bank::QuestionKind;
use starling_coach::{analyze, Analysis, Answer, AnswerKind, CoachSettings, TimedWord};

use crate::error::StudioError;
use crate::Studio;

impl Studio {
    /// The coaching facts of an attempt; `None` until it has a transcript.
    pub fn coaching(&self, attempt_id: i64) -> Result<Option<Analysis>, StudioError> {
        let attempt = self.attempt(attempt_id)?;
        let Some(transcript) = self.transcript(attempt_id)? else { return Ok(None) };
        let words: Vec<TimedWord> = transcript
            .segments
            .iter()
            .flat_map(|s| s.words.iter())
            .map(|w| TimedWord { text: w.text.clone(), start_ms: i64::from(w.start_ms), end_ms: i64::from(w.end_ms) })
            .collect();
        // The recording sharpens pause times; without it (deleted by
        // retention, or unreadable) the word timings are used.
        let samples = self
            .attempt_audio(attempt_id)
            .ok()
            .and_then(|p| starling_transcribe::audio::load_wav(&p).inspect_err(|e| tracing::warn!(attempt = attempt_id, error = %e, "coaching without audio")).ok());
        let question = self.bank.get(&attempt.question_id);
        let kind = match question.map(|q| q.kind) {
            Some(QuestionKind::Behavioral) | None => AnswerKind::Behavioral,
            Some(QuestionKind::Coding) => AnswerKind::Coding,
            Some(QuestionKind::Technical | QuestionKind::Quiz) => AnswerKind::Technical,
        };
        Ok(Some(analyze(&Answer {
            words: &words,
            samples: samples.as_deref(),
            duration_ms: attempt.duration_ms.unwrap_or(i64::from(transcript.audio_ms)),
            kind,
            model_answer: question.and_then(|q| q.answer.as_deref()),
            settings: CoachSettings::for_kind(kind),
        })))
    }
}

#[cfg(test)]
mod tests {
    use crate::{DataPaths, Studio};
    use starling_store::{AttemptState, Store, StoredTranscript};

    #[test]
    fn an_attempt_is_coached_from_its_stored_transcript() {
        let dir = tempfile::tempdir().unwrap();
        let paths = DataPaths::new(dir.path());
        let id = {
            let mut store = Store::open(&paths.database()).unwrap();
            let a = store.begin_attempt("behavior-difficult-bug", "missing.wav", 1).unwrap();
            store.finish_attempt(a.id, AttemptState::Done, Some(9_000), None).unwrap();
            let words = [("My", 0, 300), ("task", 300, 600), ("was", 600, 900), ("the", 900, 1_200), ("fix.", 1_200, 1_500), ("Um,", 4_000, 4_300), ("I", 4_300, 4_600), ("fixed", 4_600, 4_900), ("it.", 4_900, 5_200)];
            let segments = serde_json::json!([{
                "start_ms": 0, "end_ms": 5_200, "text": "",
                "words": words.iter().map(|(t, s, e)| serde_json::json!({"text": t, "start_ms": s, "end_ms": e, "probability": 0.9})).collect::<Vec<_>>()
            }]);
            store
                .save_transcript(&StoredTranscript {
                    attempt_id: a.id,
                    model: "m".into(),
                    text: "My task was the fix. Um, I fixed it.".into(),
                    segments_json: segments.to_string(),
                    audio_ms: 9_000,
                    elapsed_ms: 1,
                    created_ms: 1,
                })
                .unwrap();
            a.id
        };
        let s = Studio::open(paths).unwrap();
        let a = s.coaching(id).unwrap().expect("a transcript, so coaching");
        assert_eq!(a.pace.words, 9);
        assert_eq!(a.pauses.len(), 1, "the 2.5 s gap between the sentences, from word times (the WAV is gone)");
        assert_eq!(a.fillers.at_least, 1);
        let star = a.star.unwrap();
        assert!(star.missing.iter().any(|m| m.starts_with("no Result")));
        assert_eq!(a.length.duration_ms, 9_000);
    }
}
