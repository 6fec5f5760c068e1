//! Transcripts: the text of an attempt, its segments and word timings (as
//! JSON, shaped by the transcription crate), and the transcription state on
//! the attempt row. A new transcript replaces the old one only once it exists,
//! so re-transcribing never loses the previous text.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::attempts::{Attempt, TranscriptionState};
use crate::{now_ms, Store, StoreError};

/// A stored transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StoredTranscript {
    #[ts(type = "number")]
    pub attempt_id: i64,
    pub model: String,
    pub text: String,
    /// Segments with word timings, as JSON.
    pub segments_json: String,
    #[ts(type = "number")]
    pub audio_ms: i64,
    #[ts(type = "number")]
    pub elapsed_ms: i64,
    #[ts(type = "number")]
    pub created_ms: i64,
    /// How it was made: `"live"` or `"one_pass"` (the names of
    /// `starling_transcribe::TranscriptSource`; the database refuses others).
    pub source: String,
}

impl Store {
    /// Sets an attempt's transcription state (and the failure reason).
    pub fn set_transcription(&self, attempt_id: i64, state: TranscriptionState, error: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE attempts SET transcription = ?2, transcription_error = ?3 WHERE id = ?1",
            params![attempt_id, state.as_str(), error],
        )?;
        Ok(())
    }

    /// Stores a finished transcript (replacing any earlier one) and marks the
    /// attempt transcribed, in one transaction.
    pub fn save_transcript(&mut self, t: &StoredTranscript) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO transcripts (attempt_id, model, text, segments_json, audio_ms, elapsed_ms, created_ms, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (attempt_id) DO UPDATE SET model = excluded.model, text = excluded.text,
               segments_json = excluded.segments_json, audio_ms = excluded.audio_ms,
               elapsed_ms = excluded.elapsed_ms, created_ms = excluded.created_ms, source = excluded.source",
            params![t.attempt_id, t.model, t.text, t.segments_json, t.audio_ms, t.elapsed_ms, now_ms(), t.source],
        )?;
        tx.execute("UPDATE attempts SET transcription = 'done', transcription_error = NULL WHERE id = ?1", [t.attempt_id])?;
        tx.commit()?;
        Ok(())
    }

    /// The model that made an attempt's transcript, if it has one.
    pub fn transcript_model(&self, attempt_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT model FROM transcripts WHERE attempt_id = ?1")?
            .query_row([attempt_id], |r| r.get(0))
            .optional()?)
    }

    pub fn transcript(&self, attempt_id: i64) -> Result<Option<StoredTranscript>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT attempt_id, model, text, segments_json, audio_ms, elapsed_ms, created_ms, source FROM transcripts WHERE attempt_id = ?1",
                [attempt_id],
                |r| {
                    Ok(StoredTranscript {
                        attempt_id: r.get(0)?,
                        model: r.get(1)?,
                        text: r.get(2)?,
                        segments_json: r.get(3)?,
                        audio_ms: r.get(4)?,
                        elapsed_ms: r.get(5)?,
                        created_ms: r.get(6)?,
                        source: r.get(7)?,
                    })
                },
            )
            .optional()?)
    }

    /// Per model: how many transcripts it made, and the total audio and
    /// transcription time (for the measured real-time factor).
    pub fn model_speed(&self) -> Result<Vec<(String, i64, i64, i64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT model, COUNT(*), SUM(audio_ms), SUM(elapsed_ms) FROM transcripts WHERE audio_ms > 0 GROUP BY model ORDER BY model",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Finished takes whose transcription never completed: never asked for,
    /// still queued, or interrupted while running.
    pub fn attempts_awaiting_transcription(&self) -> Result<Vec<Attempt>, StoreError> {
        let ids: Vec<i64> = self
            .conn
            .prepare(
                "SELECT id FROM attempts WHERE state IN ('done', 'recovered')
                 AND transcription IN ('none', 'queued', 'running') ORDER BY id",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = self.attempt(id)? {
                out.push(a);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AttemptState;

    #[test]
    fn a_new_transcript_replaces_the_old_one_only_when_saved() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let a = store.begin_attempt("q", "1.wav", 1).unwrap();
        assert_eq!(a.transcription, TranscriptionState::None);
        store.finish_attempt(a.id, AttemptState::Done, Some(1000), None).unwrap();
        assert_eq!(store.attempts_awaiting_transcription().unwrap().len(), 1);
        let t = StoredTranscript {
            attempt_id: a.id,
            model: "tiny.en".into(),
            text: "first".into(),
            segments_json: "[]".into(),
            audio_ms: 1000,
            elapsed_ms: 200,
            created_ms: 0,
            source: "live".into(),
        };
        store.save_transcript(&t).unwrap();
        assert_eq!(store.transcript(a.id).unwrap().unwrap().source, "live");
        assert!(store.attempts_awaiting_transcription().unwrap().is_empty());
        // A re-transcription that fails keeps the first text.
        store.set_transcription(a.id, TranscriptionState::Running, None).unwrap();
        store.set_transcription(a.id, TranscriptionState::Failed, Some("worker crashed")).unwrap();
        assert_eq!(store.transcript(a.id).unwrap().unwrap().text, "first");
        let got = store.attempt(a.id).unwrap().unwrap();
        assert_eq!((got.transcription, got.transcription_error.as_deref()), (TranscriptionState::Failed, Some("worker crashed")));
        let bad = StoredTranscript { source: "guessed".into(), ..t.clone() };
        assert!(store.save_transcript(&bad).is_err(), "only the known sources are stored");
        store.save_transcript(&StoredTranscript { text: "second".into(), model: "base".into(), source: "one_pass".into(), ..t }).unwrap();
        assert_eq!(store.transcript(a.id).unwrap().unwrap().source, "one_pass", "a re-transcription records its own path");
        assert_eq!(store.model_speed().unwrap(), vec![("base".to_string(), 1, 1000, 200)]);
        assert_eq!(store.transcript(a.id).unwrap().unwrap().model, "base");
        assert_eq!(store.attempt(a.id).unwrap().unwrap().transcription_error, None);
        // Deleting the attempt deletes its transcript.
        store.delete_attempt(a.id).unwrap();
        assert_eq!(store.transcript(a.id).unwrap(), None);
    }
}
