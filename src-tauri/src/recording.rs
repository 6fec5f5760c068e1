//! IPC commands for answering aloud. Capture runs on the engine's own threads;
//! its events reach the window through a Tauri `Channel`, at most 20 level
//! updates a second, with the live transcript's segments as they come.

use tauri::ipc::Channel;
use tauri::State;

use starling_store::Attempt;
use starling_studio::app_take;
use starling_studio::transcription::WorkerCommand;
use starling_studio::{IpcError, MicrophoneList, RecordingEvent};

use crate::state::AppState;

/// Enumerating ALSA devices can take a moment, so it runs off the UI thread.
#[tauri::command]
pub async fn list_microphones(state: State<'_, AppState>) -> Result<MicrophoneList, IpcError> {
    let preferred = state.with(|s| Ok(s.preferred_microphone()?))?;
    Ok(MicrophoneList {
        devices: starling_capture::list_input_devices(),
        preferred,
    })
}

#[tauri::command]
pub async fn set_microphone(
    state: State<'_, AppState>,
    name: Option<String>,
) -> Result<(), IpcError> {
    state.with(|s| Ok(s.set_preferred_microphone(name.as_deref())?))
}

#[tauri::command]
pub async fn start_recording(
    state: State<'_, AppState>,
    question_id: String,
    max_seconds: u32,
    on_event: Channel<RecordingEvent>,
) -> Result<Attempt, IpcError> {
    let live = WorkerCommand::current_exe().ok().map(|WorkerCommand { program, .. }| {
        let channel = on_event.clone();
        app_take::live_request(program, move |e| {
            let _ = channel.send(e);
        })
    });
    state.with(|s| {
        let opts = app_take::record_options(s, max_seconds)?;
        Ok(s.start_recording_live(&question_id, opts, live, move |e| {
            let _ = on_event.send(RecordingEvent::from(e));
        })?)
    })
}

/// Stops the take; `starling_studio::takes` decides where its transcript
/// comes from, and a stored transcript arrives as a `transcription` event.
#[tauri::command]
pub async fn stop_recording(state: State<'_, AppState>) -> Result<Attempt, IpcError> {
    Ok(state.shared()?.stop_take()?.attempt)
}

#[tauri::command]
pub async fn delete_attempt(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    state.with(|s| Ok(s.delete_attempt(id)?))
}

/// The file path of an attempt's audio (inside the recordings folder), for
/// the asset protocol.
#[tauri::command]
pub async fn attempt_audio_path(state: State<'_, AppState>, id: i64) -> Result<String, IpcError> {
    state.with(|s| Ok(s.attempt_audio(id)?.display().to_string()))
}
