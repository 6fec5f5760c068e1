//! Retention: recordings older than a chosen number of days are deleted to
//! save disk space; their attempts, transcripts, ratings and notes stay. The
//! setting is applied when the studio opens and whenever it changes.

use serde::Serialize;
use ts_rs::TS;

use crate::clock::DAY_MS;
use crate::error::StudioError;
use crate::Studio;

const KEY: &str = "retention_days";

/// What a retention setting deletes (or deleted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct RetentionReport {
    /// The setting; `null` keeps recordings forever.
    pub days: Option<u32>,
    pub recordings: u32,
    #[ts(type = "number")]
    pub bytes: u64,
}

impl Studio {
    /// The retention setting; `None` keeps recordings forever.
    pub fn retention_days(&self) -> Result<Option<u32>, StudioError> {
        Ok(self.store.setting(KEY)?.and_then(|v| v.parse().ok()).filter(|d| *d > 0))
    }

    /// What `days` would delete now, without deleting anything.
    pub fn retention_preview(&self, days: Option<u32>) -> Result<RetentionReport, StudioError> {
        let mut report = RetentionReport { days, ..Default::default() };
        for a in self.expired(days)? {
            report.recordings += 1;
            report.bytes += a.1.and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len());
        }
        Ok(report)
    }

    /// Saves the setting and applies it.
    pub fn set_retention(&mut self, days: Option<u32>) -> Result<RetentionReport, StudioError> {
        let days = days.filter(|d| *d > 0);
        self.store.set_setting(KEY, days.map(|d| d.to_string()).as_deref())?;
        self.apply_retention()
    }

    /// Deletes the recordings the setting says are too old. A file that
    /// cannot be deleted keeps its attempt unchanged and is tried again later.
    pub fn apply_retention(&mut self) -> Result<RetentionReport, StudioError> {
        let days = self.retention_days()?;
        let mut report = RetentionReport { days, ..Default::default() };
        let now = self.clock.now_ms();
        for (attempt, path) in self.expired(days)? {
            if let Some(path) = &path {
                let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
                match std::fs::remove_file(path) {
                    Ok(()) => report.bytes += bytes,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        tracing::warn!(file = %path.display(), error = %e, "could not delete an expired recording");
                        continue;
                    }
                }
            }
            self.store.mark_audio_removed(attempt.id, now)?;
            report.recordings += 1;
        }
        if report.recordings > 0 {
            tracing::info!(recordings = report.recordings, bytes = report.bytes, "retention deleted old recordings");
        }
        Ok(report)
    }

    fn expired(&self, days: Option<u32>) -> Result<Vec<(starling_store::Attempt, Option<std::path::PathBuf>)>, StudioError> {
        let Some(days) = days else { return Ok(Vec::new()) };
        let cutoff = self.clock.now_ms() - i64::from(days) * DAY_MS;
        Ok(self
            .store
            .recordings_older_than(cutoff)?
            .into_iter()
            .map(|a| {
                let path = a.audio_file.as_deref().and_then(|f| self.inside_recordings(f));
                (a, path)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::DataPaths;
    use starling_store::{AttemptState, StarNoteDraft, Store, StoredTranscript};

    #[test]
    fn old_recordings_go_and_their_transcripts_and_notes_stay() {
        let dir = tempfile::tempdir().unwrap();
        let paths = DataPaths::new(dir.path());
        std::fs::create_dir_all(paths.recordings()).unwrap();
        let now = starling_store::now_ms();
        let (old, fresh) = {
            let mut store = Store::open(&paths.database()).unwrap();
            let take = |name: &str, started: i64| {
                std::fs::write(paths.recordings().join(name), vec![0u8; 1000]).unwrap();
                let a = store.begin_attempt("behavior-difficult-bug", name, started).unwrap();
                store.finish_attempt(a.id, AttemptState::Done, Some(1000), None).unwrap();
                a.id
            };
            let old = take("old.wav", now - 40 * DAY_MS);
            let fresh = take("fresh.wav", now - 5 * DAY_MS);
            store
                .save_transcript(&StoredTranscript {
                    attempt_id: old,
                    model: "m".into(),
                    text: "kept words".into(),
                    segments_json: "[]".into(),
                    audio_ms: 1,
                    elapsed_ms: 1,
                    created_ms: 1,
                    source: "one_pass".into(),
                })
                .unwrap();
            (old, fresh)
        };
        let mut s = Studio::open(paths.clone()).unwrap();
        s.save_star_note(&StarNoteDraft { question_id: "behavior-difficult-bug".into(), task: "kept".into(), ..Default::default() }).unwrap();
        assert_eq!(s.retention_days().unwrap(), None);
        assert_eq!(s.retention_preview(Some(30)).unwrap(), RetentionReport { days: Some(30), recordings: 1, bytes: 1000 });
        assert!(paths.recordings().join("old.wav").exists(), "a preview deletes nothing");

        let report = s.set_retention(Some(30)).unwrap();
        assert_eq!((report.recordings, report.bytes), (1, 1000));
        assert!(!paths.recordings().join("old.wav").exists());
        assert!(paths.recordings().join("fresh.wav").exists());
        let gone = s.attempt(old).unwrap();
        assert_eq!(gone.audio_file, None);
        assert!(gone.audio_removed_ms.is_some());
        assert_eq!(s.transcript(old).unwrap().unwrap().text, "kept words");
        assert_eq!(s.open_question("behavior-difficult-bug").unwrap().note.unwrap().task, "kept");
        assert!(s.attempt(fresh).unwrap().audio_file.is_some());

        // The setting persists and is applied again as time passes.
        drop(s);
        let mut s = Studio::open(paths.clone()).unwrap();
        assert_eq!(s.retention_days().unwrap(), Some(30));
        s.set_clock(Clock::offset_days(30.0));
        assert_eq!(s.apply_retention().unwrap().recordings, 1);
        assert!(!paths.recordings().join("fresh.wav").exists());
        assert_eq!(s.set_retention(None).unwrap().days, None);
    }
}
