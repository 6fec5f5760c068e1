//! The interviewer's voices as the window sees them: the installed ones,
//! those offered for download (with their size), and removal. Importing and
//! downloading run without the studio's lock ([`crate::shared::SharedStudio`]).

use serde::Serialize;
use ts_rs::TS;

use crate::{Studio, StudioError};

/// The interviewer's voices. Shared with the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VoiceList {
    /// Installed neural voices, by name; "espeak" (always there) is not listed.
    pub voices: Vec<String>,
    /// Whether neural voices can run (ONNX Runtime was found).
    pub neural: bool,
    /// Voices offered for download.
    pub offered: Vec<VoiceOffer>,
}

/// A voice the window offers to download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VoiceOffer {
    pub name: String,
    pub label: String,
    /// The package it comes in, with its version.
    pub package: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub installed: bool,
}

impl Studio {
    /// The voices the interviewer can speak with, and those offered.
    pub fn voice_list(&self) -> VoiceList {
        let voices: Vec<String> = starling_voice::Voice::installed(&self.paths().voices())
            .iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        let offered = starling_voice::catalog::CATALOG
            .iter()
            .map(|v| VoiceOffer {
                name: v.name.into(),
                label: v.label.into(),
                package: v.package.into(),
                bytes: v.bytes,
                installed: voices.iter().any(|n| n == v.name),
            })
            .collect();
        VoiceList { voices, neural: starling_voice::piper::runtime_library().is_some(), offered }
    }

    /// Removes the installed voice `name`.
    pub fn remove_voice(&self, name: &str) -> Result<VoiceList, StudioError> {
        if !starling_voice::install::remove(&self.paths().voices(), name)? {
            return Err(StudioError::Voice(starling_voice::VoiceError::NotInstalled { name: name.to_string(), installed: self.voice_list().voices.join(", ") }));
        }
        Ok(self.voice_list())
    }
}
