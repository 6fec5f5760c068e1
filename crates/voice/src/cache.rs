//! Speech kept on disk per voice, speed and text, so a question asked again
//! plays at once. A file is written beside its final name and renamed into
//! place, so a reader never sees half of one; a damaged file is made again.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Speech, VoiceError};

pub struct SpeechCache {
    dir: PathBuf,
}

impl SpeechCache {
    pub fn new(dir: impl Into<PathBuf>) -> SpeechCache {
        SpeechCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the speech of `text` by `voice` at `speed` is kept. The key is
    /// the text as the voice is fed it, so speech made before a change to
    /// how text is read aloud (the lexicon, say) is made again.
    pub fn path(&self, voice: &str, speed: f32, text: &str) -> PathBuf {
        let fed = crate::text::for_voice(text);
        let mut h = Sha256::new();
        for part in [voice.as_bytes(), &speed.to_le_bytes(), fed.as_bytes()] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        let hex: String = h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.wav"))
    }

    /// The kept file for this speech, made with `make` when there is none
    /// (or the kept one cannot be read). Returns the path and whether it
    /// was already there.
    pub fn get_or_make(
        &self,
        voice: &str,
        speed: f32,
        text: &str,
        make: impl FnOnce() -> Result<Speech, VoiceError>,
    ) -> Result<(PathBuf, bool), VoiceError> {
        let (_, path, cached) = self.fetch(voice, speed, text, make)?;
        Ok((path, cached))
    }

    /// As [`SpeechCache::get_or_make`], returning the speech itself (read
    /// once), for playing it.
    pub fn speech(
        &self,
        voice: &str,
        speed: f32,
        text: &str,
        make: impl FnOnce() -> Result<Speech, VoiceError>,
    ) -> Result<(Speech, bool), VoiceError> {
        let (speech, _, cached) = self.fetch(voice, speed, text, make)?;
        Ok((speech, cached))
    }

    fn fetch(&self, voice: &str, speed: f32, text: &str, make: impl FnOnce() -> Result<Speech, VoiceError>) -> Result<(Speech, PathBuf, bool), VoiceError> {
        let path = self.path(voice, speed, text);
        if path.is_file() {
            match crate::wav::read(&path) {
                Ok(speech) => return Ok((speech, path, true)),
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "a cached question could not be read; making it again"),
            }
        }
        let speech = make()?;
        let io = |e: std::io::Error| VoiceError::Cache { path: path.clone(), why: e.to_string() };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let temp = starling_files::temp_beside(&path, ".wav").map_err(io)?;
        crate::wav::write(&speech, &temp)?;
        temp.persist(&path).map_err(|e| io(e.error))?;
        Ok((speech, path, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_is_made_once_and_kept_per_voice_speed_and_text() {
        let dir = tempfile::tempdir().unwrap();
        let cache = SpeechCache::new(dir.path().join("speech"));
        let speech = || Ok(Speech { samples: vec![0.0, 0.5, -0.5], sample_rate: 22_050 });
        let (a, cached) = cache.get_or_make("joe", 1.0, "Why?", speech).unwrap();
        assert!(!cached);
        let (b, cached) = cache.get_or_make("joe", 1.0, "Why?", || panic!("made twice")).unwrap();
        assert!(cached && a == b);
        assert_ne!(cache.path("joe", 1.25, "Why?"), a);
        assert_ne!(cache.path("espeak", 1.0, "Why?"), a);
        let back = crate::wav::read(&a).unwrap();
        assert_eq!(back.sample_rate, 22_050);
        assert!((back.samples[1] - 0.5).abs() < 1e-3);
        // A damaged file is made again.
        std::fs::write(&a, b"not a wav").unwrap();
        let (_, cached) = cache.get_or_make("joe", 1.0, "Why?", speech).unwrap();
        assert!(!cached);
    }
}
