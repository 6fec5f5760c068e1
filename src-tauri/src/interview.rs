//! IPC commands for the hands-free mock interview. The interview runs in
//! `starling_studio::interview_run`; these only start it, pass Space and
//! Stop, and forward its events to the window through a `Channel`.

use std::sync::Arc;

use tauri::ipc::Channel;
use tauri::State;

use starling_studio::interview::InterviewSettings;
use starling_studio::interview_run::{self, InterviewEvent, InterviewRequest, InterviewSlot};
use starling_studio::transcription::WorkerCommand;
use starling_studio::IpcError;

use crate::state::AppState;

/// Starts a mock interview over `question_ids`, spoken by `voice` (an
/// installed voice, "espeak", or `None` for the first installed one).
#[tauri::command]
pub async fn start_interview(
    state: State<'_, AppState>,
    slot: State<'_, InterviewSlot>,
    question_ids: Vec<String>,
    settings: InterviewSettings,
    voice: Option<String>,
    max_seconds: u32,
    on_event: Channel<InterviewEvent>,
) -> Result<(), IpcError> {
    let shared = state.shared()?.clone();
    let plan = shared.with(|s| s.interview_plan(&question_ids))?;
    let live = WorkerCommand::current_exe().ok().map(|w| w.program);
    let setup = interview_run::app_take_setup(shared.clone(), live, max_seconds);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let request = InterviewRequest { plan, settings, voice, threads };
    let sink = Arc::new(move |e| {
        let _ = on_event.send(e);
    });
    Ok(slot.start(shared, request, setup, sink)?)
}

/// Space: skips the reading or the think time, or ends the answer.
#[tauri::command]
pub async fn interview_space(slot: State<'_, InterviewSlot>) -> Result<bool, IpcError> {
    Ok(slot.space())
}

/// Ends the running interview; a take being recorded is kept.
#[tauri::command]
pub async fn stop_interview(slot: State<'_, InterviewSlot>) -> Result<bool, IpcError> {
    Ok(slot.stop())
}
