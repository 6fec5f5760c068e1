//! The fallback voice: espeak-ng itself (a Debian package), used when no
//! neural voice is installed. Robotic, but always there and instant.

use std::process::Command;

use crate::{Speech, VoiceError};

/// espeak-ng's default pace in words per minute; `speed` scales it.
const BASE_WPM: f32 = 165.0;

/// Speaks `text` with espeak-ng's `voice` (e.g. "en-us") at `speed` × its
/// usual pace.
pub fn speak(text: &str, voice: &str, speed: f32) -> Result<Speech, VoiceError> {
    let dir = tempfile::tempdir().map_err(|e| VoiceError::Espeak(format!("no temporary folder: {e}")))?;
    let wav = dir.path().join("say.wav");
    let wpm = (BASE_WPM * speed).round().clamp(80.0, 450.0) as u32;
    let out = Command::new("espeak-ng")
        .args(["-v", voice, "-s", &wpm.to_string(), "-w"])
        .arg(&wav)
        .arg("--")
        .arg(text)
        .output()
        .map_err(VoiceError::EspeakMissing)?;
    if !out.status.success() {
        return Err(VoiceError::Espeak(format!("{} ({})", String::from_utf8_lossy(&out.stderr).trim(), out.status)));
    }
    crate::wav::read(&wav)
}
