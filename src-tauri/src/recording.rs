//! IPC commands for answering aloud. Capture runs on the engine's own threads;
//! its events reach the window through a Tauri `Channel`, at most 20 level
//! updates a second.

use std::time::Duration;

use tauri::ipc::Channel;
use tauri::State;

use starling_capture::RecordOptions;
use starling_store::Attempt;
use starling_studio::{IpcError, MicrophoneList, RecordingEvent};

use crate::state::AppState;

/// Enumerating ALSA devices can take a moment, so it runs off the UI thread.
#[tauri::command]
pub async fn list_microphones(state: State<'_, AppState>) -> Result<MicrophoneList, IpcError> {
    let preferred = state.with(|s| Ok(s.preferred_microphone()?))?;
    Ok(MicrophoneList { devices: starling_capture::list_input_devices(), preferred })
}

#[tauri::command]
pub async fn set_microphone(state: State<'_, AppState>, name: Option<String>) -> Result<(), IpcError> {
    state.with(|s| Ok(s.set_preferred_microphone(name.as_deref())?))
}

#[tauri::command]
pub async fn start_recording(
    state: State<'_, AppState>,
    question_id: String,
    max_seconds: u32,
    on_event: Channel<RecordingEvent>,
) -> Result<Attempt, IpcError> {
    state.with(|s| {
        let opts = RecordOptions {
            device: s.preferred_microphone()?,
            max_duration: Some(Duration::from_secs(max_seconds.clamp(10, 3_600) as u64)),
            ..RecordOptions::default()
        };
        Ok(s.start_recording(&question_id, opts, move |e| {
            let _ = on_event.send(RecordingEvent::from(e));
        })?)
    })
}

/// Stops the take and, when a model is installed, queues its transcription.
#[tauri::command]
pub async fn stop_recording(state: State<'_, AppState>) -> Result<Attempt, IpcError> {
    let (attempt, job) = state.with(|s| {
        let attempt = s.stop_recording()?;
        let job = match s.default_model()? {
            Some(_) => Some(s.transcription_job(attempt.id, None)?),
            None => None,
        };
        let attempt = if job.is_some() { s.attempt(attempt.id)? } else { attempt };
        Ok((attempt, job))
    })?;
    if let Some(job) = job {
        state.enqueue(job);
    }
    Ok(attempt)
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
