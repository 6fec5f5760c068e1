//! Cached coaching figures per attempt, for the progress charts. A row is
//! valid for one transcript (its `created_ms`) and one version of the
//! coaching rules; anything else is recomputed by the application.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

/// The headline figures of one coached attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProgressPoint {
    #[ts(type = "number")]
    pub attempt_id: i64,
    pub question_id: String,
    #[ts(type = "number")]
    pub started_ms: i64,
    pub wpm: f64,
    pub fillers_per_min: f64,
    pub pauses: u32,
    /// STAR parts covered (0–4), for behavioral answers.
    pub star_covered: Option<u32>,
    #[ts(type = "number")]
    pub duration_ms: i64,
}

/// A transcribed attempt as the progress query sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcribed {
    pub attempt_id: i64,
    pub question_id: String,
    pub started_ms: i64,
    pub transcript_ms: i64,
}

impl Store {
    /// Transcribed attempts, oldest first, of one question or of all.
    pub fn transcribed_attempts(&self, question_id: Option<&str>) -> Result<Vec<Transcribed>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.question_id, a.started_ms, t.created_ms FROM attempts a JOIN transcripts t ON t.attempt_id = a.id
             WHERE ?1 IS NULL OR a.question_id = ?1 ORDER BY a.started_ms, a.id",
        )?;
        let rows = stmt
            .query_map([question_id], |r| {
                Ok(Transcribed { attempt_id: r.get(0)?, question_id: r.get(1)?, started_ms: r.get(2)?, transcript_ms: r.get(3)? })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The cached figures of an attempt, if they were made from
    /// `transcript_ms` under `rules_version`.
    pub fn cached_metrics(&self, t: &Transcribed, rules_version: u32) -> Result<Option<ProgressPoint>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT wpm, fillers_per_min, pauses, star_covered, duration_ms FROM coach_metrics
                 WHERE attempt_id = ?1 AND transcript_ms = ?2 AND rules_version = ?3",
            )?
            .query_row(params![t.attempt_id, t.transcript_ms, rules_version], |r| {
                Ok(ProgressPoint {
                    attempt_id: t.attempt_id,
                    question_id: t.question_id.clone(),
                    started_ms: t.started_ms,
                    wpm: r.get(0)?,
                    fillers_per_min: r.get(1)?,
                    pauses: r.get(2)?,
                    star_covered: r.get(3)?,
                    duration_ms: r.get(4)?,
                })
            })
            .optional()?)
    }

    /// Forgets every cached figure (after the coaching settings change).
    pub fn clear_metrics(&self) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM coach_metrics", [])?;
        Ok(())
    }

    pub fn save_metrics(&self, p: &ProgressPoint, transcript_ms: i64, rules_version: u32) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO coach_metrics (attempt_id, transcript_ms, rules_version, wpm, fillers_per_min, pauses, star_covered, duration_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (attempt_id) DO UPDATE SET transcript_ms = excluded.transcript_ms, rules_version = excluded.rules_version,
               wpm = excluded.wpm, fillers_per_min = excluded.fillers_per_min, pauses = excluded.pauses,
               star_covered = excluded.star_covered, duration_ms = excluded.duration_ms",
            params![p.attempt_id, transcript_ms, rules_version, p.wpm, p.fillers_per_min, p.pauses, p.star_covered, p.duration_ms],
        )?;
        Ok(())
    }
}
