//! IPC commands of review and study: search, the review schedule, stories,
//! notes rendering and export, backup and restore. Each is one call into
//! `starling-studio`.

use std::path::PathBuf;

use tauri::State;

use starling_bank::{DeckReport, Question, QuizGrade};
use starling_store::{Rating, ReviewCard, ReviewSource, Story, StoryDraft};
use starling_studio::backup::{BackupSummary, ExportDefaults};
use starling_studio::search::SearchResults;
use starling_studio::study::TodayView;
use starling_studio::retention::RetentionReport;
use starling_studio::views::HistoryItem;
use starling_studio::IpcError;

use crate::state::AppState;

#[tauri::command]
pub async fn search(state: State<'_, AppState>, query: String) -> Result<SearchResults, IpcError> {
    state.with(|s| Ok(s.search(&query)?))
}

#[tauri::command]
pub async fn today(state: State<'_, AppState>) -> Result<TodayView, IpcError> {
    state.with(|s| Ok(s.today()?))
}

#[tauri::command]
pub async fn rate_question(
    state: State<'_, AppState>,
    id: String,
    rating: Rating,
    source: ReviewSource,
    attempt_id: Option<i64>,
) -> Result<ReviewCard, IpcError> {
    state.with(|s| Ok(s.rate(&id, rating, source, attempt_id)?))
}

#[tauri::command]
pub async fn answer_quiz(state: State<'_, AppState>, id: String, chosen: Vec<usize>, first_try: bool) -> Result<QuizGrade, IpcError> {
    state.with(|s| Ok(s.answer_quiz(&id, &chosen, first_try)?))
}

#[tauri::command]
pub async fn list_stories(state: State<'_, AppState>) -> Result<Vec<Story>, IpcError> {
    state.with(|s| Ok(s.stories()?))
}

#[tauri::command]
pub async fn save_story(state: State<'_, AppState>, draft: StoryDraft) -> Result<Story, IpcError> {
    state.with(|s| Ok(s.save_story(&draft)?))
}

#[tauri::command]
pub async fn delete_story(state: State<'_, AppState>, id: i64) -> Result<Story, IpcError> {
    state.with(|s| Ok(s.delete_story(id)?))
}

#[tauri::command]
pub async fn restore_story(state: State<'_, AppState>, story: Story) -> Result<Story, IpcError> {
    state.with(|s| Ok(s.restore_story(&story)?))
}

#[tauri::command]
pub async fn link_story(state: State<'_, AppState>, story_id: i64, question_id: String) -> Result<Story, IpcError> {
    state.with(|s| Ok(s.link_story(story_id, &question_id)?))
}

#[tauri::command]
pub async fn unlink_story(state: State<'_, AppState>, story_id: i64, question_id: String) -> Result<Story, IpcError> {
    state.with(|s| Ok(s.unlink_story(story_id, &question_id)?))
}

#[tauri::command]
pub async fn render_markdown(text: String) -> Result<String, IpcError> {
    Ok(starling_studio::markdown::render(&text))
}

#[tauri::command]
pub async fn export_notes(state: State<'_, AppState>, path: PathBuf) -> Result<u64, IpcError> {
    state.with(|s| Ok(s.export_notes(&path)? as u64))
}

#[tauri::command]
pub async fn export_backup(state: State<'_, AppState>, path: PathBuf) -> Result<BackupSummary, IpcError> {
    Ok(state.shared()?.export_backup(&path)?)
}

#[tauri::command]
pub async fn restore_backup(state: State<'_, AppState>, path: PathBuf) -> Result<BackupSummary, IpcError> {
    Ok(state.shared()?.restore_backup(&path)?)
}

#[tauri::command]
pub async fn export_defaults(state: State<'_, AppState>) -> Result<ExportDefaults, IpcError> {
    state.with(|s| Ok(starling_studio::backup::export_defaults(s.paths(), s.now_ms())))
}

#[tauri::command]
pub async fn history(state: State<'_, AppState>, limit: u32) -> Result<Vec<HistoryItem>, IpcError> {
    state.with(|s| Ok(s.history(limit)?))
}

#[tauri::command]
pub async fn retention_preview(state: State<'_, AppState>, days: Option<u32>) -> Result<RetentionReport, IpcError> {
    state.with(|s| Ok(s.retention_preview(days)?))
}

#[tauri::command]
pub async fn get_retention(state: State<'_, AppState>) -> Result<Option<u32>, IpcError> {
    state.with(|s| Ok(s.retention_days()?))
}

#[tauri::command]
pub async fn set_retention(state: State<'_, AppState>, days: Option<u32>) -> Result<RetentionReport, IpcError> {
    state.with(|s| Ok(s.set_retention(days)?))
}

#[tauri::command]
pub async fn save_question(state: State<'_, AppState>, question: Question) -> Result<Question, IpcError> {
    state.with(|s| Ok(s.save_question(question)?))
}

#[tauri::command]
pub async fn delete_question(state: State<'_, AppState>, id: String) -> Result<Question, IpcError> {
    state.with(|s| Ok(s.delete_question(&id)?))
}

#[tauri::command]
pub async fn import_deck(state: State<'_, AppState>, path: PathBuf) -> Result<DeckReport, IpcError> {
    state.with(|s| Ok(s.import_deck(&path)?))
}

#[tauri::command]
pub async fn export_deck(state: State<'_, AppState>, id: String, path: PathBuf) -> Result<u64, IpcError> {
    state.with(|s| Ok(s.export_deck(&id, &path)? as u64))
}
