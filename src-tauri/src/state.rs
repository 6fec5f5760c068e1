//! The state Tauri manages: the shared studio (`starling_studio::shared`),
//! or why it could not be opened (for example a database from a newer
//! Starling), which every command then reports instead of touching anything.

use std::sync::Arc;

use starling_studio::shared::SharedStudio;
use starling_studio::{IpcError, Studio};

pub struct AppState(Result<Arc<SharedStudio>, IpcError>);

impl AppState {
    pub fn ready(shared: Arc<SharedStudio>) -> Self {
        AppState(Ok(shared))
    }

    pub fn failed(error: IpcError) -> Self {
        AppState(Err(error))
    }

    /// The shared studio, or the start-up error.
    pub fn shared(&self) -> Result<&Arc<SharedStudio>, IpcError> {
        self.0.as_ref().map_err(Clone::clone)
    }

    /// Runs a short call `f` on the studio, or returns the start-up error.
    pub fn with<T>(&self, f: impl FnOnce(&mut Studio) -> Result<T, IpcError>) -> Result<T, IpcError> {
        self.shared()?.with(f)
    }
}
