//! IPC commands for the interviewer's voices: list, import, download (with
//! progress over a `Channel`, cancellable) and remove. The work is in
//! `starling_studio` (`voices`, `SharedStudio::import_voice` and
//! `download_voice`); long work runs without the studio's lock.

use tauri::ipc::Channel;
use tauri::State;

use starling_studio::models::DownloadProgress;
use starling_studio::voices::VoiceList;
use starling_studio::IpcError;

use crate::state::AppState;

#[tauri::command]
pub async fn list_voices(state: State<'_, AppState>) -> Result<VoiceList, IpcError> {
    state.with(|s| Ok(s.voice_list()))
}

/// Installs the Piper voice at `path` (its `.onnx`, with the `.onnx.json`
/// beside it). Opening it to check it takes a second, off the UI thread.
#[tauri::command]
pub async fn import_voice(state: State<'_, AppState>, path: String) -> Result<VoiceList, IpcError> {
    Ok(state.shared()?.import_voice(std::path::Path::new(&path))?)
}

/// Downloads the offered voice `name` with progress over `on_progress`,
/// checks it against its published SHA-256 and installs it;
/// `cancel_voice_download` stops it.
#[tauri::command]
pub async fn download_voice(state: State<'_, AppState>, name: String, on_progress: Channel<DownloadProgress>) -> Result<VoiceList, IpcError> {
    Ok(state.shared()?.download_voice(&name, |p| {
        let _ = on_progress.send(p);
    })?)
}

#[tauri::command]
pub async fn cancel_voice_download(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.shared()?.cancel_voice_download();
    Ok(())
}

#[tauri::command]
pub async fn remove_voice(state: State<'_, AppState>, name: String) -> Result<VoiceList, IpcError> {
    state.with(|s| Ok(s.remove_voice(&name)?))
}
