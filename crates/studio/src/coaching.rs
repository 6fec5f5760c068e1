//! Coaching of one attempt: its transcript, recording and question handed to
//! `starling-coach`. The full analysis is computed on request (it takes
//! milliseconds); the headline figures the progress charts need are cached
//! per transcript and per version of the rules ([`RULES_VERSION`]).

/// Bump when a change to `starling-coach` alters the figures, so cached
/// progress points are recomputed.
pub const RULES_VERSION: u32 = 3;

use starling_bank::QuestionKind;
use starling_coach::{analyze, Analysis, Answer, AnswerKind, CoachSettings, TimedWord};
use starling_store::ProgressPoint;

use crate::error::StudioError;
use crate::Studio;

fn kind_key(kind: AnswerKind) -> &'static str {
    match kind {
        AnswerKind::Behavioral => "behavioral",
        AnswerKind::Technical => "technical",
        AnswerKind::Coding => "coding",
    }
}

fn answer_kind(kind: Option<QuestionKind>) -> AnswerKind {
    match kind {
        Some(QuestionKind::Behavioral) | None => AnswerKind::Behavioral,
        Some(QuestionKind::Coding) => AnswerKind::Coding,
        Some(QuestionKind::Technical | QuestionKind::Quiz) => AnswerKind::Technical,
    }
}

/// The words of a transcript with their times, as the coach reads them.
pub fn words_of(transcript: &starling_transcribe::Transcript) -> Vec<TimedWord> {
    transcript
        .segments
        .iter()
        .flat_map(|s| s.words.iter())
        .map(|w| TimedWord { text: w.text.clone(), start_ms: i64::from(w.start_ms), end_ms: i64::from(w.end_ms) })
        .collect()
}

impl Studio {
    /// The coaching settings for a kind of answer: the user's, else the
    /// defaults of [`CoachSettings::for_kind`].
    pub fn coach_settings(&self, kind: AnswerKind) -> Result<CoachSettings, StudioError> {
        let saved = self.store.setting(&format!("coach.{}", kind_key(kind)))?;
        Ok(saved.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_else(|| CoachSettings::for_kind(kind)))
    }

    /// Saves the coaching settings of a kind of answer. The pause threshold
    /// must be 0.5–10 s and the target band at least 10 s long and under an
    /// hour. Cached progress figures are recomputed under the new settings.
    pub fn set_coach_settings(&self, kind: AnswerKind, settings: CoachSettings) -> Result<CoachSettings, StudioError> {
        let ok = (500..=10_000).contains(&settings.pause_ms)
            && settings.target_min_s + 10 <= settings.target_max_s
            && settings.target_max_s <= 3_600;
        if !ok {
            return Err(StudioError::InvalidSettings(format!(
                "pauses from 0.5 to 10 s, and a target band at least 10 s wide and under an hour (got {} ms, {}–{} s)",
                settings.pause_ms, settings.target_min_s, settings.target_max_s
            )));
        }
        let json = serde_json::to_string(&settings).unwrap_or_default();
        self.store.set_setting(&format!("coach.{}", kind_key(kind)), Some(&json))?;
        self.store.clear_metrics()?;
        Ok(settings)
    }

    /// The coaching facts of an attempt; `None` until it has a transcript.
    pub fn coaching(&self, attempt_id: i64) -> Result<Option<Analysis>, StudioError> {
        let attempt = self.attempt(attempt_id)?;
        let Some(transcript) = self.transcript(attempt_id)? else { return Ok(None) };
        let words = words_of(&transcript);
        // The recording sharpens pause times; without it (deleted by
        // retention, or unreadable) the word timings are used.
        let samples = self
            .attempt_audio(attempt_id)
            .ok()
            .and_then(|p| starling_transcribe::audio::load_wav(&p).inspect_err(|e| tracing::warn!(attempt = attempt_id, error = %e, "coaching without audio")).ok());
        let question = self.bank.get(&attempt.question_id);
        let kind = answer_kind(question.map(|q| q.kind));
        Ok(Some(analyze(&Answer {
            words: &words,
            samples: samples.as_deref(),
            duration_ms: attempt.duration_ms.unwrap_or(i64::from(transcript.audio_ms)),
            kind,
            model_answer: question.and_then(|q| q.answer.as_deref()),
            settings: self.coach_settings(kind)?,
        })))
    }
}

impl Studio {
    /// Headline figures of every transcribed attempt, oldest first (of one
    /// question, or of all), for the progress charts.
    pub fn progress(&self, question_id: Option<&str>) -> Result<Vec<ProgressPoint>, StudioError> {
        let mut out = Vec::new();
        for t in self.store.transcribed_attempts(question_id)? {
            if let Some(p) = self.store.cached_metrics(&t, RULES_VERSION)? {
                out.push(p);
                continue;
            }
            let Some(a) = self.coaching(t.attempt_id)? else { continue };
            let point = ProgressPoint {
                attempt_id: t.attempt_id,
                question_id: t.question_id.clone(),
                started_ms: t.started_ms,
                wpm: a.pace.wpm,
                fillers_per_min: a.fillers.per_minute,
                pauses: a.pauses.len() as u32,
                star_covered: a.star.as_ref().map(|s| s.covered.len() as u32),
                duration_ms: a.length.duration_ms,
            };
            self.store.save_metrics(&point, t.transcript_ms, RULES_VERSION)?;
            out.push(point);
        }
        Ok(out)
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
                    source: "one_pass".into(),
                })
                .unwrap();
            a.id
        };
        let s = Studio::open(paths.clone()).unwrap();
        let a = s.coaching(id).unwrap().expect("a transcript, so coaching");
        assert_eq!(a.pace.words, 9);
        assert_eq!(a.pauses.len(), 1, "the 2.5 s gap between the sentences, from word times (the WAV is gone)");
        assert_eq!(a.fillers.at_least, 1);
        let star = a.star.unwrap();
        assert!(star.missing.iter().any(|m| m.starts_with("no Result")));
        let covered = Some(star.covered.len() as u32);
        assert_eq!(a.length.duration_ms, 9_000);
        assert_eq!((a.length.target_min_s, a.length.target_max_s), (60, 120));

        // Progress: the figures are computed once, cached, and recomputed for
        // a new transcript or new settings.
        let p = s.progress(None).unwrap();
        assert_eq!(p.len(), 1);
        // The chart's STAR figure is the analysis's, however the labeller
        // reads this short answer.
        assert_eq!((p[0].pauses, p[0].star_covered, p[0].duration_ms), (1, covered, 9_000));
        assert!((p[0].wpm - a.pace.wpm).abs() < 1e-9);
        assert_eq!(s.progress(Some("behavior-difficult-bug")).unwrap(), p, "the cached row gives the same point");
        assert!(s.progress(Some("other")).unwrap().is_empty());
        let longer = starling_coach::CoachSettings { pause_ms: 3_000, target_min_s: 5, target_max_s: 30 };
        s.set_coach_settings(starling_coach::AnswerKind::Behavioral, longer).unwrap();
        let b = s.coaching(id).unwrap().unwrap();
        assert_eq!((b.pauses.len(), b.length.verdict), (0, starling_coach::pace::LengthVerdict::InBand), "a 2.5 s gap is no 3 s pause");
        assert_eq!(s.progress(None).unwrap()[0].pauses, 0, "the cache was cleared");
        s.set_coach_settings(starling_coach::AnswerKind::Behavioral, starling_coach::CoachSettings::for_kind(starling_coach::AnswerKind::Behavioral)).unwrap();
        let mut store = Store::open(&paths.database()).unwrap();
        let mut t = store.transcript(id).unwrap().unwrap();
        t.text = "Short.".into();
        t.segments_json = r#"[{"start_ms":0,"end_ms":500,"text":"","words":[{"text":"Short.","start_ms":0,"end_ms":500,"probability":1.0}]}]"#.into();
        std::thread::sleep(std::time::Duration::from_millis(3));
        store.save_transcript(&t).unwrap();
        assert_eq!(s.progress(None).unwrap()[0].pauses, 0, "a new transcript is coached again");
    }

    #[test]
    fn coaching_settings_are_kept_per_kind_and_checked() {
        use starling_coach::{AnswerKind, CoachSettings};
        let dir = tempfile::tempdir().unwrap();
        let s = Studio::open(DataPaths::new(dir.path())).unwrap();
        assert_eq!(s.coach_settings(AnswerKind::Behavioral).unwrap(), CoachSettings::for_kind(AnswerKind::Behavioral));
        let mine = CoachSettings { pause_ms: 3_000, target_min_s: 90, target_max_s: 150 };
        s.set_coach_settings(AnswerKind::Behavioral, mine).unwrap();
        drop(s);
        let s = Studio::open(DataPaths::new(dir.path())).unwrap();
        assert_eq!(s.coach_settings(AnswerKind::Behavioral).unwrap(), mine);
        assert_eq!(s.coach_settings(AnswerKind::Technical).unwrap(), CoachSettings::for_kind(AnswerKind::Technical), "per kind");
        for bad in [
            CoachSettings { pause_ms: 100, ..mine },
            CoachSettings { target_min_s: 145, ..mine },
            CoachSettings { target_max_s: 7_200, ..mine },
        ] {
            assert!(matches!(s.set_coach_settings(AnswerKind::Behavioral, bad), Err(crate::StudioError::InvalidSettings(_))));
        }
    }
}
