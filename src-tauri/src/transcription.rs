//! IPC commands for models and transcripts. Transcriptions run in the
//! shared studio's queue (a worker process per job); its progress
//! reaches every window as `transcription` events.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::State;

use starling_store::Attempt;
use starling_studio::models::{CatalogModel, DownloadProgress, InstalledModel, ModelMeasurement};
use starling_studio::IpcError;
use starling_transcribe::Transcript;

use crate::state::AppState;

#[tauri::command]
pub async fn list_models(state: State<'_, AppState>) -> Result<Vec<InstalledModel>, IpcError> {
    state.with(|s| Ok(s.list_models()?))
}

/// Imports a ggml file or a CTranslate2 folder (converting it takes a few
/// seconds, with the studio unlocked), then queues every take still waiting
/// for a transcript.
#[tauri::command]
pub async fn import_model(state: State<'_, AppState>, path: String, name: Option<String>) -> Result<InstalledModel, IpcError> {
    Ok(state.shared()?.import_model(&PathBuf::from(path.trim()), name.as_deref().filter(|n| !n.is_empty()))?)
}

#[tauri::command]
pub async fn set_default_model(state: State<'_, AppState>, name: String) -> Result<(), IpcError> {
    state.with(|s| Ok(s.set_default_model(&name)?))
}

/// Transcribes (again) an attempt, with `model` or the default one. The old
/// transcript stays until the new one is stored.
#[tauri::command]
pub async fn transcribe_attempt(state: State<'_, AppState>, id: i64, model: Option<String>) -> Result<(), IpcError> {
    let shared = state.shared()?;
    let job = shared.with(|s| s.transcription_job(id, model.as_deref()))?;
    shared.enqueue(job);
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

/// Downloads a catalog model with progress over `on_progress`;
/// `cancel_download` stops it and removes the partial file.
#[tauri::command]
pub async fn download_model(state: State<'_, AppState>, name: String, on_progress: Channel<DownloadProgress>) -> Result<InstalledModel, IpcError> {
    Ok(state.shared()?.download_model(&name, |p| {
        let _ = on_progress.send(p);
    })?)
}

#[tauri::command]
pub async fn cancel_download(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.shared()?.cancel_download();
    Ok(())
}

/// Stops the running transcription of an attempt (it becomes failed:
/// cancelled, and can be retried).
#[tauri::command]
pub async fn cancel_transcription(state: State<'_, AppState>, id: i64) -> Result<bool, IpcError> {
    Ok(state.shared()?.cancel_transcription(id))
}

/// Measures a model on the shipped clip (word error rate and speed on this
/// machine) in a worker process, without holding the studio meanwhile.
#[tauri::command]
pub async fn measure_model(state: State<'_, AppState>, name: String) -> Result<ModelMeasurement, IpcError> {
    Ok(state.shared()?.measure_model(&name)?)
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
