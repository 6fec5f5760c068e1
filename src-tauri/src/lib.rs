//! The desktop shell. It owns only Tauri concerns: the window, the managed
//! state and the IPC commands in [`commands`], [`recording`],
//! [`interview`], [`voices`], [`transcription`] and [`study`], each a thin
//! call into `starling-studio`.

mod commands;
mod interview;
mod recording;
mod state;
mod study;
mod transcription;
mod voices;

use tauri::{Emitter, Manager};

use std::sync::Arc;

use starling_studio::clock::Clock;
use starling_studio::shared::{EventSink, SharedStudio};
use starling_studio::transcription::WorkerCommand;
use starling_studio::{DataPaths, IpcError, Studio, StudioError};

use crate::state::AppState;

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
            let ms = STARTED.get().map(|t| t.elapsed().as_millis() as u64);
            tracing::info!(ms, "window setup");
            let paths = match &data_dir {
                Some(dir) => Ok(DataPaths::new(dir)),
                None => DataPaths::resolve(app.path().app_data_dir().ok()),
            };
            open_main_window(app, data_dir.as_deref())?;
            let opened = paths.map_err(StudioError::from).and_then(Studio::open);
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
                    let worker = WorkerCommand::current_exe()
                        .inspect_err(|e| tracing::error!(error = %e, "the transcription worker cannot be found; transcription is unavailable"))
                        .ok();
                    let sink: EventSink = Arc::new(move |ev| {
                        let _ = handle.emit("transcription", ev);
                    });
                    let shared = SharedStudio::new(studio, clock, worker, sink);
                    shared.queue_pending();
                    AppState::ready(shared)
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not open Starling's data");
                    AppState::failed(IpcError::from(e))
                }
            };
            app.manage(state);
            app.manage(starling_studio::interview_run::InterviewSlot::default());
            let ms = STARTED.get().map(|t| t.elapsed().as_millis() as u64);
            tracing::info!(ms, "studio open");
            Ok(())
        })
        // Every #[tauri::command] in this crate, listed by build.rs.
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Starling could not start its window: {e}");
            std::process::exit(1);
        });
}
