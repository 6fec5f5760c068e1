//! IPC commands for models and transcripts. Transcriptions run in the
//! studio's [`TranscriptionRunner`] (a worker process per job); its progress
//! reaches every window as `transcription` events.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use starling_store::Attempt;
use starling_studio::models::{CatalogModel, InstalledModel, ModelMeasurement};
use starling_studio::transcription::{JobError, WorkerCommand};
use starling_studio::{IpcError, Studio, StudioError};
use starling_transcribe::Transcript;

use crate::state::AppState;

#[tauri::command]
pub async fn list_models(state: State<'_, AppState>) -> Result<Vec<InstalledModel>, IpcError> {
    state.with(|s| Ok(s.list_models()?))
}

/// Imports a ggml file or a CTranslate2 folder (converting it takes a few
/// seconds, off the UI thread), then queues every take still waiting for a
/// transcript.
#[tauri::command]
pub async fn import_model(state: State<'_, AppState>, path: String, name: Option<String>) -> Result<InstalledModel, IpcError> {
    let worker = WorkerCommand::current_exe().map_err(|e| IpcError::from(StudioError::Job(JobError::Start(e))))?;
    let model = state.with(|s| Ok(s.import_model(&PathBuf::from(path.trim()), name.as_deref().filter(|n| !n.is_empty()), &worker)?))?;
    state.queue_pending();
    Ok(model)
}

#[tauri::command]
pub async fn set_default_model(state: State<'_, AppState>, name: String) -> Result<(), IpcError> {
    state.with(|s| Ok(s.set_default_model(&name)?))
}

/// Transcribes (again) an attempt, with `model` or the default one. The old
/// transcript stays until the new one is stored.
#[tauri::command]
pub async fn transcribe_attempt(state: State<'_, AppState>, id: i64, model: Option<String>) -> Result<(), IpcError> {
    let job = state.with(|s| Ok(s.transcription_job(id, model.as_deref())?))?;
    state.enqueue(job);
    Ok(())
}

#[tauri::command]
pub async fn attempt_transcript(state: State<'_, AppState>, id: i64) -> Result<Option<Transcript>, IpcError> {
    state.with(|s| Ok(s.transcript(id)?))
}

/// The attempt as stored now (its transcription state included).
#[tauri::command]
pub async fn get_attempt(state: State<'_, AppState>, id: i64) -> Result<Attempt, IpcError> {
    state.with(|s| Ok(s.attempt(id)?))
}

#[tauri::command]
pub async fn model_catalog(state: State<'_, AppState>) -> Result<Vec<CatalogModel>, IpcError> {
    state.with(|s| Ok(s.catalog()?))
}

/// Download progress in bytes (total when the server says).
#[derive(Clone, Serialize)]
pub struct DownloadProgress {
    done: u64,
    total: Option<u64>,
}

/// Downloads a catalog model with progress over `on_progress`, throttled to
/// about 10 updates a second; `cancel_download` stops it and removes the
/// partial file.
#[tauri::command]
pub async fn download_model(state: State<'_, AppState>, name: String, on_progress: Channel<DownloadProgress>) -> Result<InstalledModel, IpcError> {
    let dir = state.with(|s| Ok(s.models_dir()))?;
    state.download_cancel.store(false, Ordering::SeqCst);
    let cancel = state.download_cancel.clone();
    let mut last = std::time::Instant::now() - std::time::Duration::from_secs(1);
    Studio::download_model(
        &dir,
        &name,
        &mut |done, total| {
            if last.elapsed().as_millis() >= 100 || Some(done) == total {
                last = std::time::Instant::now();
                let _ = on_progress.send(DownloadProgress { done, total });
            }
        },
        &cancel,
    )
    .map_err(IpcError::from)?;
    let model = state.with(|s| Ok(s.adopt_downloaded(&name)?))?;
    state.queue_pending();
    Ok(model)
}

#[tauri::command]
pub async fn cancel_download(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.download_cancel.store(true, Ordering::SeqCst);
    Ok(())
}

/// Stops the running transcription of an attempt (it becomes failed:
/// cancelled, and can be retried).
#[tauri::command]
pub async fn cancel_transcription(state: State<'_, AppState>, id: i64) -> Result<bool, IpcError> {
    Ok(state.cancel_transcription(id))
}

/// Measures a model on the shipped clip (word error rate and speed on this
/// machine) in a worker process, without holding the studio meanwhile.
#[tauri::command]
pub async fn measure_model(state: State<'_, AppState>, name: String) -> Result<ModelMeasurement, IpcError> {
    let (dir, model) = state.with(|s| Ok((s.models_dir(), s.resolve_model(&name)?)))?;
    let worker = WorkerCommand::current_exe().map_err(|e| IpcError {
        kind: starling_studio::ErrorKind::Transcription,
        message: format!("The transcription worker could not be found ({e})."),
    })?;
    let m = Studio::run_benchmark(&dir, &model, &worker).map_err(IpcError::from)?;
    state.with(|s| Ok(s.save_measurement(&name, &m)?))?;
    Ok(m)
}

#[tauri::command]
pub async fn attempt_coaching(state: State<'_, AppState>, id: i64) -> Result<Option<starling_coach::Analysis>, IpcError> {
    state.with(|s| Ok(s.coaching(id)?))
}

#[tauri::command]
pub async fn progress(state: State<'_, AppState>, question_id: Option<String>) -> Result<Vec<starling_store::ProgressPoint>, IpcError> {
    state.with(|s| Ok(s.progress(question_id.as_deref())?))
}

#[tauri::command]
pub async fn coach_settings(state: State<'_, AppState>, kind: starling_coach::AnswerKind) -> Result<starling_coach::CoachSettings, IpcError> {
    state.with(|s| Ok(s.coach_settings(kind)?))
}

#[tauri::command]
pub async fn set_coach_settings(
    state: State<'_, AppState>,
    kind: starling_coach::AnswerKind,
    settings: starling_coach::CoachSettings,
) -> Result<starling_coach::CoachSettings, IpcError> {
    state.with(|s| Ok(s.set_coach_settings(kind, settings)?))
}
