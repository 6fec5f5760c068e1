//! Tauri's build step. Listing the app's commands here makes Tauri generate an
//! `allow-<command>` permission for each, so the capability file can grant the
//! window exactly the commands it uses and nothing else.

const COMMANDS: &[&str] = &[
    "load_bank",
    "ui_ready",
    "reload_bank",
    "open_question",
    "save_star_note",
    "set_starred",
    "list_microphones",
    "set_microphone",
    "start_recording",
    "stop_recording",
    "delete_attempt",
    "attempt_audio_path",
    "list_models",
    "import_model",
    "set_default_model",
    "transcribe_attempt",
    "attempt_transcript",
    "get_attempt",
    "model_catalog",
    "download_model",
    "cancel_download",
    "cancel_transcription",
    "measure_model",
    "attempt_coaching",
    "progress",
    "coach_settings",
    "set_coach_settings",
    "search",
    "today",
    "rate_question",
    "answer_quiz",
    "list_stories",
    "save_story",
    "delete_story",
    "restore_story",
    "link_story",
    "unlink_story",
    "render_markdown",
    "export_notes",
    "export_backup",
    "restore_backup",
    "export_defaults",
    "history",
    "retention_preview",
    "get_retention",
    "set_retention",
    "save_question",
    "delete_question",
    "import_deck",
    "export_deck",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed; see the message above");
}
