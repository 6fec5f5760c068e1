//! IPC commands for answering aloud. Capture runs on the engine's own threads;
//! its events reach the window through a Tauri `Channel`, at most 20 level
//! updates a second, with the live transcript's segments as they come.

use std::time::Duration;

use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Manager, State};

use starling_capture::RecordOptions;
use starling_store::Attempt;
use starling_studio::recording::{LiveRequest, PendingLive};
use starling_studio::transcription::{TranscriptionEvent, WorkerCommand};
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
    state.with(|s| {
        let opts = RecordOptions {
            device: s.preferred_microphone()?,
            max_duration: Some(Duration::from_secs(max_seconds.clamp(10, 3_600) as u64)),
            ..RecordOptions::default()
        };
        let live = WorkerCommand::current_exe().ok().map(|WorkerCommand { program, .. }| {
            let channel = on_event.clone();
            LiveRequest {
                program,
                on_segments: Box::new(move |segments| {
                    let _ = channel.send(RecordingEvent::Live { segments });
                }),
            }
        });
        Ok(s.start_recording_live(&question_id, opts, live, move |e| {
            let _ = on_event.send(RecordingEvent::from(e));
        })?)
    })
}

/// Stops the take. Its transcript comes from the live transcription when
/// one ran (only the last stretch is left to do), otherwise from a queued
/// one-pass transcription when a model is installed.
#[tauri::command]
pub async fn stop_recording(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Attempt, IpcError> {
    let (attempt, live, job) = state.with(|s| {
        let (attempt, live) = s.stop_recording_live()?;
        let job = match (&live, s.default_model()?) {
            (None, Some(_)) => Some(s.transcription_job(attempt.id, None)?),
            _ => None,
        };
        let attempt = if job.is_some() {
            s.attempt(attempt.id)?
        } else {
            attempt
        };
        Ok((attempt, live, job))
    })?;
    if let Some(job) = job {
        state.enqueue(job);
    }
    if let Some(live) = live {
        let _ = std::thread::Builder::new()
            .name("starling-live-finish".into())
            .spawn(move || finish_live(&app, live));
    }
    Ok(attempt)
}

/// Completes a live transcript off the studio's lock and stores it; if it
/// cannot be trusted, the take is transcribed in one pass instead.
fn finish_live(app: &AppHandle, live: PendingLive) {
    let state = app.state::<AppState>();
    let (id, model) = (live.attempt_id, live.model_name.clone());
    let saved = live.finish().map_err(|e| e.to_string()).and_then(|t| {
        state
            .with(|s| Ok(s.save_live_transcript(id, &t)?))
            .map_err(|e| e.message)
    });
    match saved {
        Ok(()) => {
            let _ = app.emit(
                "transcription",
                TranscriptionEvent::Done {
                    attempt_id: id as i32,
                },
            );
        }
        Err(reason) => {
            tracing::warn!(attempt = id, %reason, "live transcript unusable; transcribing the file in one pass");
            match state.with(|s| Ok(s.transcription_job(id, Some(&model))?)) {
                Ok(job) => state.enqueue(job),
                Err(e) => {
                    tracing::warn!(attempt = id, error = %e.message, "cannot queue the transcription")
                }
            }
        }
    }
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
