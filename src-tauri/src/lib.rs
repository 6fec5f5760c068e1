//! The desktop shell. It owns only Tauri concerns: the window, the managed
//! state and the IPC commands in [`commands`], each a one-line call into
//! `starling-studio`.

mod commands;
mod state;

use tauri::Manager;

use starling_studio::{DataPaths, IpcError, Studio, StudioError};

use crate::state::AppState;

/// Builds and runs the app until its last window closes. `data_dir`, when
/// given, replaces the platform's app data folder.
pub fn run(data_dir: Option<std::path::PathBuf>) {
    tauri::Builder::default()
        .setup(|app| {
            let paths = match data_dir {
                Some(dir) => Some(DataPaths::new(dir)),
                None => DataPaths::resolve(app.path().app_data_dir().ok()),
            };
            let opened = paths.ok_or(StudioError::NoDataDir).and_then(Studio::open);
            let state = match opened {
                Ok(studio) => AppState::ready(studio),
                Err(e) => {
                    tracing::error!(error = %e, "could not open Starling's data");
                    AppState::failed(IpcError::from(e))
                }
            };
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::load_bank,
            commands::reload_bank,
            commands::open_question,
            commands::save_star_note,
            commands::set_starred,
            commands::check_quiz,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("Starling could not start its window: {e}");
            std::process::exit(1);
        });
}
