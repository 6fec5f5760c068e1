//! Recording answers: each take becomes an attempt row the moment it starts
//! and a WAV file in the recordings folder; takes interrupted by a crash are
//! repaired and marked `recovered` the next time Starling opens.

use std::path::{Path, PathBuf};

use starling_capture::{wav, CaptureEvent, RecordOptions, Recorder, StopReason};
use starling_store::{now_ms, Attempt, AttemptState, TranscriptionState};
use starling_transcribe::Transcript;

pub use crate::active::PendingLive;
use crate::active::ActiveRecording;
use crate::error::StudioError;
use crate::live::{LiveOptions, LiveTranscription, LiveUpdate};
use crate::studio::Studio;

/// The settings key of the chosen microphone.
const MIC_SETTING: &str = "microphone";

/// How to transcribe a take while it is recorded.
pub struct LiveRequest {
    /// The executable that runs `__live-worker` (the app's own binary).
    pub program: PathBuf,
    /// Receives each finished stretch's segments and each preview of the
    /// stretch being spoken as soon as they are known.
    pub on_update: Box<dyn FnMut(LiveUpdate) + Send>,
    /// The worker's environment, decided from the processor's load.
    pub worker_env: Vec<(&'static str, &'static str)>,
}

impl LiveRequest {
    /// A request whose worker's threads wait as the processor's load
    /// suggests ([`starling_transcribe::load`]). Watching the load takes a
    /// tenth of a second: build the request before taking the studio's lock.
    pub fn new(program: PathBuf, on_update: Box<dyn FnMut(LiveUpdate) + Send>) -> LiveRequest {
        LiveRequest { program, on_update, worker_env: starling_transcribe::load::worker_env() }
    }
}

/// A file name that is safe on every file system and sorts by time.
fn file_name(question_id: &str, started_ms: i64) -> String {
    let safe: String = question_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{started_ms}-{safe}.wav")
}

impl Studio {
    /// The microphone the user picked last time, if any.
    pub fn preferred_microphone(&self) -> Result<Option<String>, StudioError> {
        Ok(self.store.setting(MIC_SETTING)?)
    }

    /// Remembers the user's microphone (`None`: the system default).
    pub fn set_preferred_microphone(&self, name: Option<&str>) -> Result<(), StudioError> {
        Ok(self.store.set_setting(MIC_SETTING, name)?)
    }

    /// The attempt being recorded, if any.
    pub fn recording(&self) -> Option<&Attempt> {
        self.active.as_ref().map(|a| &a.attempt)
    }

    /// Whether the running take already ended by itself (time limit or fault).
    pub fn recording_ended(&self) -> bool {
        self.active
            .as_ref()
            .is_some_and(|a| a.recorder.is_finished())
    }

    /// Starts recording an answer to `question_id`. The attempt row exists
    /// (state `recording`) before the first sample is captured.
    pub fn start_recording(
        &mut self,
        question_id: &str,
        opts: RecordOptions,
        on_event: impl FnMut(CaptureEvent) + Send + 'static,
    ) -> Result<Attempt, StudioError> {
        self.start_recording_live(question_id, opts, None, on_event)
    }

    /// As [`Studio::start_recording`], and when a model is installed also
    /// transcribes the take while it is spoken (see [`crate::live`]). A live
    /// transcript that cannot start is logged and left out; the take records
    /// regardless.
    pub fn start_recording_live(
        &mut self,
        question_id: &str,
        opts: RecordOptions,
        live: Option<LiveRequest>,
        on_event: impl FnMut(CaptureEvent) + Send + 'static,
    ) -> Result<Attempt, StudioError> {
        self.ensure_not_recording()?;
        if self.bank.get(question_id).is_none() {
            return Err(StudioError::UnknownQuestion(question_id.to_string()));
        }
        self.start_take(question_id, None, opts, live, on_event)
    }

    /// Starts recording the answer to the follow-up of the question take
    /// `first` answered, linked to it (see [`Attempt::follow_up_of`]). The
    /// first take must be finished, answer a question that has a follow-up,
    /// and not itself be a follow-up answer.
    pub fn start_follow_up_live(
        &mut self,
        first: i64,
        opts: RecordOptions,
        live: Option<LiveRequest>,
        on_event: impl FnMut(CaptureEvent) + Send + 'static,
    ) -> Result<Attempt, StudioError> {
        self.ensure_not_recording()?;
        let first = self.store.attempt(first)?.ok_or(StudioError::UnknownAttempt(first))?;
        let question = self.bank.get(&first.question_id).ok_or_else(|| StudioError::UnknownQuestion(first.question_id.clone()))?;
        if question.follow_up.is_none() || first.follow_up_of.is_some() {
            return Err(StudioError::NoFollowUp { question_id: first.question_id.clone(), attempt_id: first.id });
        }
        let question_id = first.question_id.clone();
        self.start_take(&question_id, Some(first.id), opts, live, on_event)
    }

    fn start_take(
        &mut self,
        question_id: &str,
        follow_up_of: Option<i64>,
        opts: RecordOptions,
        live: Option<LiveRequest>,
        on_event: impl FnMut(CaptureEvent) + Send + 'static,
    ) -> Result<Attempt, StudioError> {
        let started = now_ms();
        let file = file_name(question_id, started);
        let path = self.paths.recordings().join(&file);
        // The models folder failing to list must not stop the take.
        let model = live.and_then(|req| match self.default_model() {
            Ok(m) => m.map(|m| (m, req)),
            Err(e) => {
                tracing::warn!(error = %e, "recording without a live transcript");
                None
            }
        });
        // Room for 30 s between reads: only a stalled reader fills it.
        let (tap, reader) = model.is_some().then(|| starling_capture::audio_tap(30)).unzip();
        let attempt = self.store.begin_follow_up(question_id, &file, started, follow_up_of)?;
        match Recorder::start_with_tap(opts, &path, tap, on_event) {
            Ok(recorder) => {
                let live = match (model, reader) {
                    (Some((m, req)), Some(reader)) => {
                        let opts = LiveOptions { worker_env: req.worker_env, ..LiveOptions::default() };
                        match LiveTranscription::start_with(&req.program, Path::new(&m.path), reader, opts, req.on_update) {
                            Ok(l) => Some((m.name, l)),
                            Err(e) => {
                                tracing::warn!(error = %e, "recording without a live transcript");
                                None
                            }
                        }
                    }
                    _ => None,
                };
                self.active = Some(ActiveRecording {
                    attempt: attempt.clone(),
                    recorder,
                    live,
                });
                Ok(attempt)
            }
            Err(e) => {
                self.store.delete_attempt(attempt.id)?;
                Err(e.into())
            }
        }
    }

    /// Stops the take (if it has not stopped by itself) and finishes its row.
    /// A live transcript, if one ran, is dropped (see
    /// [`Studio::stop_recording_live`] to keep it).
    pub fn stop_recording(&mut self) -> Result<Attempt, StudioError> {
        Ok(self.stop_recording_live()?.0)
    }

    /// Stops the take and, when it was transcribed live, hands back the
    /// live transcript to finish (the attempt is marked as transcribing).
    pub fn stop_recording_live(&mut self) -> Result<(Attempt, Option<PendingLive>), StudioError> {
        let mut active = self.active.take().ok_or(StudioError::NotRecording)?;
        let live = active.live.take();
        let attempt = self.finish_take(active)?;
        let pending = match (live, attempt.duration_ms) {
            (Some((model_name, live)), Some(ms)) if ms > 0 => {
                self.store
                    .set_transcription(attempt.id, TranscriptionState::Running, None)?;
                Some(PendingLive {
                    attempt_id: attempt.id,
                    model_name,
                    duration_ms: ms.min(u32::MAX as i64) as u32,
                    live,
                })
            }
            _ => None,
        };
        let attempt = if pending.is_some() {
            self.attempt(attempt.id)?
        } else {
            attempt
        };
        Ok((attempt, pending))
    }

    /// Stores a finished live transcript as the attempt's transcript,
    /// recorded as made live whatever `t` says, and returns it as stored.
    pub fn save_live_transcript(&mut self, attempt_id: i64, t: Transcript) -> Result<Transcript, StudioError> {
        let t = Transcript { source: starling_transcribe::TranscriptSource::Live, ..t };
        let row = crate::transcription::stored(attempt_id, &t).map_err(|source| StudioError::Encode { what: "the transcript's word timings", source })?;
        self.store.save_transcript(&row)?;
        Ok(t)
    }

    /// Refuses what must not happen while a take is recording.
    pub(crate) fn ensure_not_recording(&self) -> Result<(), StudioError> {
        match self.active {
            Some(_) => Err(StudioError::AlreadyRecording),
            None => Ok(()),
        }
    }

    fn finish_take(&mut self, active: ActiveRecording) -> Result<Attempt, StudioError> {
        let id = active.attempt.id;
        match active.recorder.stop() {
            Ok(summary) => {
                let note = match &summary.reason {
                    StopReason::Requested => None,
                    StopReason::MaxDuration => {
                        Some("Stopped at the maximum answer length.".to_string())
                    }
                    StopReason::DeviceLost { message } | StopReason::WriteFailed { message } => {
                        Some(message.clone())
                    }
                };
                Ok(self.store.finish_attempt(
                    id,
                    AttemptState::Done,
                    Some(summary.duration_ms as i64),
                    note.as_deref(),
                )?)
            }
            Err(e) => {
                // Keep whatever reached the disk.
                let attempt = self.recover_one(&active.attempt)?;
                tracing::error!(error = %e, attempt = id, "recording failed");
                Ok(attempt)
            }
        }
    }

    /// One attempt as stored now.
    pub fn attempt(&self, id: i64) -> Result<Attempt, StudioError> {
        self.store
            .attempt(id)?
            .ok_or(StudioError::UnknownAttempt(id))
    }

    /// Where an attempt's audio lives; only paths inside the recordings folder.
    pub fn attempt_audio(&self, id: i64) -> Result<PathBuf, StudioError> {
        let attempt = self
            .store
            .attempt(id)?
            .ok_or(StudioError::UnknownAttempt(id))?;
        let file = attempt.audio_file.ok_or(StudioError::UnknownAttempt(id))?;
        self.inside_recordings(&file)
            .ok_or(StudioError::UnknownAttempt(id))
    }

    /// Deletes an attempt and its recording.
    pub fn delete_attempt(&mut self, id: i64) -> Result<(), StudioError> {
        if self.active.as_ref().is_some_and(|a| a.attempt.id == id) {
            return Err(StudioError::AlreadyRecording);
        }
        let attempt = self
            .store
            .attempt(id)?
            .ok_or(StudioError::UnknownAttempt(id))?;
        self.store.delete_attempt(id)?;
        if let Some(path) = attempt
            .audio_file
            .as_deref()
            .and_then(|f| self.inside_recordings(f))
        {
            if let Err(e) = std::fs::remove_file(&path) {
                tracing::warn!(path = %path.display(), error = %e, "could not delete a recording");
            }
        }
        Ok(())
    }

    /// Finds attempts left `recording` by a crash, repairs their files and
    /// marks them `recovered` (or `failed` when nothing usable is left).
    pub fn recover_interrupted(&self) -> Result<Vec<Attempt>, StudioError> {
        let mut out = Vec::new();
        for attempt in self.store.interrupted_attempts()? {
            out.push(self.recover_one(&attempt)?);
        }
        if !out.is_empty() {
            tracing::warn!(count = out.len(), "recovered interrupted recordings");
        }
        Ok(out)
    }

    fn recover_one(&self, attempt: &Attempt) -> Result<Attempt, StudioError> {
        let path = attempt
            .audio_file
            .as_deref()
            .and_then(|f| self.inside_recordings(f));
        let repaired = match &path {
            Some(p) if p.exists() => wav::repair(p).map_err(|e| e.to_string()),
            _ => Err("the recording file is missing".to_string()),
        };
        Ok(match repaired {
            Ok(info) => self.store.finish_attempt(
                attempt.id,
                AttemptState::Recovered,
                Some(info.duration_ms() as i64),
                Some("Recovered after Starling stopped unexpectedly; the last moment may be missing."),
            )?,
            Err(reason) => self.store.finish_attempt(
                attempt.id,
                AttemptState::Failed,
                None,
                Some(&format!("This take could not be recovered: {reason}.")),
            )?,
        })
    }

    /// `file` joined to the recordings folder, unless it tries to leave it.
    /// The newest attempts across every question, with their prompts.
    pub fn history(&self, limit: u32) -> Result<Vec<crate::views::HistoryItem>, StudioError> {
        self.store
            .recent_attempts(limit)?
            .into_iter()
            .map(|attempt| {
                let q = self.bank.get(&attempt.question_id);
                Ok(crate::views::HistoryItem {
                    prompt: q.map_or_else(|| attempt.question_id.clone(), |q| q.prompt.clone()),
                    kind: q.map(|q| q.kind),
                    model: self.store.transcript_model(attempt.id)?,
                    attempt,
                })
            })
            .collect()
    }

    pub(crate) fn inside_recordings(&self, file: &str) -> Option<PathBuf> {
        let rel = Path::new(file);
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        plain.then(|| self.paths.recordings().join(rel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataPaths;

    #[test]
    fn file_names_are_safe_and_sortable() {
        assert_eq!(
            file_name("behavior-difficult-bug", 17),
            "17-behavior-difficult-bug.wav"
        );
        assert_eq!(file_name("../etc/passwd", 1), "1-___etc_passwd.wav");
    }

    #[test]
    fn history_lists_every_attempt_newest_first_with_prompt_and_model() {
        let dir = tempfile::tempdir().unwrap();
        let paths = DataPaths::new(dir.path());
        {
            let mut store = starling_store::Store::open(&paths.database()).unwrap();
            store
                .begin_attempt("behavior-difficult-bug", "1-a.wav", 1_000)
                .unwrap();
            let b = store
                .begin_attempt("gone-question", "2-b.wav", 2_000)
                .unwrap();
            store
                .save_transcript(&starling_store::StoredTranscript {
                    attempt_id: b.id,
                    model: "base.en".into(),
                    text: "x".into(),
                    segments_json: "[]".into(),
                    audio_ms: 1,
                    elapsed_ms: 1,
                    created_ms: 1,
                    source: "one_pass".into(),
                })
                .unwrap();
        }
        let s = Studio::open(paths).unwrap();
        let h = s.history(10).unwrap();
        let rows: Vec<_> = h
            .iter()
            .map(|i| (i.attempt.started_ms, i.prompt.as_str(), i.model.as_deref()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (2_000, "gone-question", Some("base.en")),
                (1_000, "Tell me about a difficult bug you fixed.", None)
            ]
        );
        assert_eq!(s.history(1).unwrap().len(), 1);
    }

    #[test]
    fn a_take_cut_off_by_a_crash_is_recovered_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let paths = DataPaths::new(dir.path());
        let studio = Studio::open(paths.clone()).unwrap();
        // What a killed recording leaves: a `recording` row and a WAV whose
        // header is older than its data.
        let a = studio
            .store
            .begin_attempt("behavior-difficult-bug", "5-x.wav", 5)
            .unwrap();
        let wav_path = paths.recordings().join("5-x.wav");
        let mut sink = wav::WavSink::create(&wav_path).unwrap();
        sink.write(&vec![0.1; 16_000]).unwrap();
        sink.update_header().unwrap();
        sink.write(&vec![0.1; 8_000]).unwrap();
        sink.update_header().unwrap();
        sink.abandon();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&wav_path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, &[0u8; 3200]))
            .unwrap();
        // A second interrupted take whose file never appeared.
        let b = studio
            .store
            .begin_attempt("behavior-difficult-bug", "6-y.wav", 6)
            .unwrap();
        drop(studio);

        let studio = Studio::open(paths).unwrap();
        let got = studio.store.attempt(a.id).unwrap().unwrap();
        assert_eq!(got.state, AttemptState::Recovered);
        assert_eq!(got.duration_ms, Some(1_600));
        assert_eq!(wav::inspect(&wav_path).unwrap().frames, 25_600);
        let lost = studio.store.attempt(b.id).unwrap().unwrap();
        assert_eq!(lost.state, AttemptState::Failed);
        assert!(lost.error.unwrap().contains("file is missing"));
        assert!(studio.store.interrupted_attempts().unwrap().is_empty());
    }

    #[test]
    fn audio_paths_stay_inside_the_recordings_folder() {
        let dir = tempfile::tempdir().unwrap();
        let studio = Studio::open(DataPaths::new(dir.path())).unwrap();
        let ok = studio.store.begin_attempt("q", "1-q.wav", 1).unwrap();
        let evil = studio
            .store
            .begin_attempt("q", "../starling.db", 2)
            .unwrap();
        assert_eq!(
            studio.attempt_audio(ok.id).unwrap(),
            dir.path().join("recordings/1-q.wav")
        );
        assert!(matches!(
            studio.attempt_audio(evil.id),
            Err(StudioError::UnknownAttempt(_))
        ));
        assert!(matches!(
            studio.attempt_audio(999),
            Err(StudioError::UnknownAttempt(999))
        ));
    }

    #[test]
    fn the_microphone_choice_is_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let studio = Studio::open(DataPaths::new(dir.path())).unwrap();
        studio
            .set_preferred_microphone(Some("USB headset"))
            .unwrap();
        drop(studio);
        let studio = Studio::open(DataPaths::new(dir.path())).unwrap();
        assert_eq!(
            studio.preferred_microphone().unwrap().as_deref(),
            Some("USB headset")
        );
    }
}
