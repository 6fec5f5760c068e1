//! IPC commands. Each translates arguments into one `Studio` call and its
//! error into an [`IpcError`]; none holds logic of its own. They are `async`
//! so Tauri runs them off the UI thread.

use tauri::State;

use starling_store::{StarNote, StarNoteDraft};
use starling_studio::{BankSnapshot, IpcError, QuestionDetail};

use crate::state::AppState;

#[tauri::command]
pub async fn load_bank(state: State<'_, AppState>) -> Result<BankSnapshot, IpcError> {
    state.with(|s| Ok(s.snapshot()?))
}

/// The page has drawn its first screen with the bank: logs the time since
/// the process started (the start-up benchmark reads this line).
#[tauri::command]
pub async fn ui_ready() {
    let ms = crate::STARTED.get().map(|t| t.elapsed().as_millis() as u64);
    tracing::info!(ms, "window interactive");
}

#[tauri::command]
pub async fn reload_bank(state: State<'_, AppState>) -> Result<BankSnapshot, IpcError> {
    state.with(|s| Ok(s.reload_bank()?))
}

#[tauri::command]
pub async fn open_question(state: State<'_, AppState>, id: String) -> Result<QuestionDetail, IpcError> {
    state.with(|s| Ok(s.open_question(&id)?))
}

#[tauri::command]
pub async fn save_star_note(state: State<'_, AppState>, draft: StarNoteDraft) -> Result<Option<StarNote>, IpcError> {
    state.with(|s| Ok(s.save_star_note(&draft)?))
}

#[tauri::command]
pub async fn set_starred(state: State<'_, AppState>, id: String, starred: bool) -> Result<(), IpcError> {
    state.with(|s| Ok(s.set_starred(&id, starred)?))
}
