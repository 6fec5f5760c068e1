//! The state Tauri manages: the open studio, or why it could not be opened
//! (for example a database from a newer Starling), which every command then
//! reports instead of touching anything.

use std::sync::{Mutex, MutexGuard};

use starling_studio::{ErrorKind, IpcError, Studio};

pub struct AppState {
    studio: Mutex<Option<Studio>>,
    startup_error: Option<IpcError>,
}

impl AppState {
    pub fn ready(studio: Studio) -> Self {
        AppState { studio: Mutex::new(Some(studio)), startup_error: None }
    }

    pub fn failed(error: IpcError) -> Self {
        AppState { studio: Mutex::new(None), startup_error: Some(error) }
    }

    /// Runs `f` on the studio, or returns the start-up error.
    pub fn with<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, IpcError>) -> Result<T, IpcError> {
        let mut guard: MutexGuard<'_, Option<Studio>> = self.studio.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Some(studio) => f(studio),
            None => Err(self.startup_error.clone().unwrap_or(IpcError {
                kind: ErrorKind::Storage,
                message: "Starling's data could not be opened.".into(),
            })),
        }
    }
}
