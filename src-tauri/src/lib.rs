//! The desktop shell. It owns only Tauri concerns: the window, the managed
//! state and the IPC commands in [`commands`], [`recording`],
//! [`transcription`] and [`study`], each a thin
//! call into `starling-studio`.

mod commands;
mod recording;
mod state;
mod study;
mod transcription;

use tauri::{Emitter, Manager};

use starling_studio::transcription::{TranscriptionRunner, WorkerCommand};
use starling_studio::{DataPaths, IpcError, Studio};

use crate::state::{AppState, RunnerFactory};
use starling_studio::clock::Clock;

/// When `run` was entered: the start of the start-up time `ui_ready` logs.
pub(crate) static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Creates the main window from its `tauri.conf.json` entry. With
/// `--data-dir`, the webview keeps its own storage (theme, preferences) there
/// too, so a data folder is a complete, separate profile.
fn open_main_window(app: &mut tauri::App, data_dir: Option<&std::path::Path>) -> tauri::Result<()> {
    let config = app.config().app.windows.iter().find(|w| w.label == "main").cloned().unwrap_or_default();
    let mut builder = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?;
    if let Some(dir) = data_dir {
        builder = builder.data_directory(dir.join("webview"));
    }
    builder.build()?;
    Ok(())
}

/// Builds and runs the app until its last window closes. `data_dir`, when
/// given, replaces the platform's app data folder; `clock` is the time
/// scheduling reads (moved only by tests).
pub fn run(data_dir: Option<std::path::PathBuf>, clock: Clock) {
    let _ = STARTED.set(std::time::Instant::now());
    tauri::Builder::default()
        .setup(move |app| {
            let paths = match &data_dir {
                Some(dir) => Ok(DataPaths::new(dir)),
                None => DataPaths::resolve(app.path().app_data_dir().ok()),
            };
            open_main_window(app, data_dir.as_deref())?;
            let opened = paths.and_then(Studio::open);
            if let Ok(studio) = &opened {
                // Playback may read recordings, and nothing else, through the asset protocol.
                let recordings = studio.paths().recordings();
                let _ = std::fs::create_dir_all(&recordings);
                if let Err(e) = app.asset_protocol_scope().allow_directory(&recordings, false) {
                    tracing::warn!(error = %e, "could not allow playback of recordings");
                }
            }
            let state = match opened {
                Ok(studio) => {
                    let handle = app.handle().clone();
                    let start_runner: RunnerFactory = Box::new(move |studio: &Studio| {
                        let handle = handle.clone();
                        WorkerCommand::current_exe()
                            .map_err(|e| e.to_string())
                            .and_then(|w| {
                                TranscriptionRunner::start(studio.paths(), w, move |ev| {
                                    let _ = handle.emit("transcription", ev);
                                })
                                .map_err(|e| e.to_string())
                            })
                            .inspect_err(|e| tracing::error!(error = %e, "transcription is unavailable"))
                            .ok()
                    });
                    AppState::ready(studio, clock, start_runner)
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not open Starling's data");
                    AppState::failed(IpcError::from(e))
                }
            };
            state.queue_pending();
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::load_bank,
            commands::ui_ready,
            commands::reload_bank,
            commands::open_question,
            commands::save_star_note,
            commands::set_starred,
            recording::list_microphones,
            recording::set_microphone,
            recording::start_recording,
            recording::stop_recording,
            recording::delete_attempt,
            recording::attempt_audio_path,
            transcription::list_models,
            transcription::import_model,
            transcription::set_default_model,
            transcription::transcribe_attempt,
            transcription::attempt_transcript,
            transcription::get_attempt,
            transcription::model_catalog,
            transcription::download_model,
            transcription::cancel_download,
            transcription::cancel_transcription,
            transcription::measure_model,
            transcription::attempt_coaching,
            transcription::progress,
            transcription::coach_settings,
            transcription::set_coach_settings,
            study::search,
            study::today,
            study::rate_question,
            study::answer_quiz,
            study::list_stories,
            study::save_story,
            study::delete_story,
            study::restore_story,
            study::link_story,
            study::unlink_story,
            study::render_markdown,
            study::export_notes,
            study::export_backup,
            study::restore_backup,
            study::export_defaults,
            study::history,
            study::retention_preview,
            study::get_retention,
            study::set_retention,
            study::save_question,
            study::delete_question,
            study::import_deck,
            study::export_deck,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Starling could not start its window: {e}");
            std::process::exit(1);
        });
}
