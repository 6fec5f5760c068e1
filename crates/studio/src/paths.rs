//! Where Starling keeps the user's data.
//!
//! Everything lives under one folder: the platform's app data folder for the
//! app identifier (the same folder Tauri's `app_data_dir` returns), or the
//! folder named by `STARLING_DATA_DIR`, which tests and portable installs use.

use std::path::{Path, PathBuf};

/// The app identifier, as in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "dev.starling.studio";

/// The environment variable that overrides the data folder.
pub const DATA_DIR_ENV: &str = "STARLING_DATA_DIR";

/// Why no data folder could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathsError {
    #[error("Could not find a folder for Starling's data. Set STARLING_DATA_DIR to a writable folder.")]
    NoDataDir,

    #[error("STARLING_DATA_DIR is set but empty. Set it to the folder Starling should keep its data in, or unset it to use the default folder.")]
    EmptyVariable,
}

/// The layout of the data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    root: PathBuf,
}

impl DataPaths {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataPaths { root: root.into() }
    }

    /// `STARLING_DATA_DIR` if set, else `platform_default` if given, else the
    /// platform data folder joined with [`APP_IDENTIFIER`]. A variable that
    /// is set but empty is a mistake, not a request for the default folder:
    /// it is refused rather than silently ignored.
    pub fn resolve(platform_default: Option<PathBuf>) -> Result<Self, PathsError> {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
            if dir.is_empty() {
                return Err(PathsError::EmptyVariable);
            }
            return Ok(DataPaths::new(dir));
        }
        platform_default
            .or_else(|| directories::BaseDirs::new().map(|b| b.data_dir().join(APP_IDENTIFIER)))
            .map(DataPaths::new)
            .ok_or(PathsError::NoDataDir)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The SQLite database.
    pub fn database(&self) -> PathBuf {
        self.root.join("starling.db")
    }

    /// The folder of the user's own decks (`*.toml`).
    pub fn decks(&self) -> PathBuf {
        self.root.join("decks")
    }

    /// The folder of recorded answers.
    pub fn recordings(&self) -> PathBuf {
        self.root.join("recordings")
    }

    /// The interviewer's installed voices (`NAME.onnx` + `NAME.onnx.json`).
    pub fn voices(&self) -> PathBuf {
        self.root.join("voices")
    }

    /// Questions already spoken, kept per voice, speed and text.
    pub fn speech(&self) -> PathBuf {
        self.root.join("speech")
    }
}
