//! Downloading models: the catalog of ggml files the whisper.cpp project
//! publishes (with the SHA-1 it publishes for each), fetched by
//! `starling-fetch` (progress, resume, cancel, the checksum checked before
//! the file is moved into place) from its host or a mirror.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;
use starling_fetch::{Checksum, FetchError, Sources};
use ts_rs::TS;

use crate::error::TranscribeError;

/// A model Starling knows how to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct CatalogEntry {
    pub name: &'static str,
    /// The file name under the download base URL.
    pub file: &'static str,
    /// SHA-1 of the file, as whisper.cpp's models/README.md publishes it.
    pub sha1: &'static str,
    /// Approximate size in MiB, for display before the download starts.
    pub size_mib: u32,
}

/// The catalog entry suggested first: base.en with q8_0 weights is about as
/// accurate as f16 base.en at about half the size, and faster on a CPU (see
/// BENCHMARKS.md).
pub const RECOMMENDED: &str = "base.en-q8_0";

/// The models offered for download, each with the SHA-1 that whisper.cpp's
/// models/README.md publishes for the file. The quantised variants (q5_1,
/// q8_0) are a third to a half the size of the f16 files.
pub const CATALOG: &[CatalogEntry] = &[
    CatalogEntry { name: "tiny.en", file: "ggml-tiny.en.bin", sha1: "c78c86eb1a8faa21b369bcd33207cc90d64ae9df", size_mib: 75 },
    CatalogEntry { name: "tiny.en-q5_1", file: "ggml-tiny.en-q5_1.bin", sha1: "3fb92ec865cbbc769f08137f22470d6b66e071b6", size_mib: 31 },
    CatalogEntry { name: "tiny.en-q8_0", file: "ggml-tiny.en-q8_0.bin", sha1: "802d6668e7d411123e672abe4cb6c18f12306abb", size_mib: 42 },
    CatalogEntry { name: "base.en", file: "ggml-base.en.bin", sha1: "137c40403d78fd54d454da0f9bd998f78703390c", size_mib: 142 },
    CatalogEntry { name: "base.en-q5_1", file: "ggml-base.en-q5_1.bin", sha1: "d26d7ce5a1b6e57bea5d0431b9c20ae49423c94a", size_mib: 57 },
    CatalogEntry { name: "base.en-q8_0", file: "ggml-base.en-q8_0.bin", sha1: "bb1574182e9b924452bf0cd1510ac034d323e948", size_mib: 78 },
    CatalogEntry { name: "small.en", file: "ggml-small.en.bin", sha1: "db8a495a91d927739e50b3fc1cc4c6b8f6c2d022", size_mib: 466 },
    CatalogEntry { name: "small.en-q5_1", file: "ggml-small.en-q5_1.bin", sha1: "20f54878d608f94e4a8ee3ae56016571d47cba34", size_mib: 181 },
    CatalogEntry { name: "small.en-q8_0", file: "ggml-small.en-q8_0.bin", sha1: "9d75ff4ccfa0a8217870d7405cf8cef0a5579852", size_mib: 252 },
];

/// Where the whisper.cpp project serves its ggml files. `STARLING_MODEL_URL`
/// replaces it (a mirror, or a local server in tests).
pub fn base_url() -> String {
    std::env::var("STARLING_MODEL_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "https://huggingface.co/ggerganov/whisper.cpp/resolve/main".into())
}

/// The host the catalog's files come from.
pub const CATALOG_HOST: &str = "huggingface.co";

/// Where models may come from: the catalog's host, the mirror
/// `STARLING_MODEL_URL` names, or this machine over plain HTTP.
pub const SOURCES: Sources = Sources { what: "Models", hosts: &[CATALOG_HOST], mirror_env: "STARLING_MODEL_URL" };

pub fn find(name: &str) -> Option<&'static CatalogEntry> {
    CATALOG.iter().find(|e| e.name == name)
}

/// Downloads `url` to `dest`, checking the SHA-1 (see `starling_fetch`).
/// The data goes to `dest` + `.part` first; a later call resumes it.
pub fn download(
    url: &str,
    sha1_hex: &str,
    dest: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: &AtomicBool,
) -> Result<PathBuf, TranscribeError> {
    starling_fetch::download(url, Checksum::Sha1(sha1_hex), dest, &SOURCES, progress, cancel).map_err(|e| match e {
        FetchError::Cancelled => TranscribeError::Cancelled,
        FetchError::Write { path, source } => TranscribeError::Write { path, source },
        other => TranscribeError::Download(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_come_only_from_the_catalog_host_and_failures_say_so() {
        assert!(starling_fetch::check_source("https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin", &SOURCES).unwrap());
        let e = download("https://evil.example/ggml-tiny.en.bin", CATALOG[0].sha1, Path::new("/nonexistent/m.bin"), &mut |_, _| {}, &AtomicBool::new(false))
            .unwrap_err();
        assert!(matches!(&e, TranscribeError::Download(m) if m.contains("Models come only over HTTPS from huggingface.co")), "{e}");
    }

    #[test]
    fn the_recommended_model_is_a_quantised_catalog_entry() {
        let e = CATALOG.iter().find(|e| e.name == RECOMMENDED).expect("RECOMMENDED names a catalog entry");
        assert!(e.file.contains("q8_0") && e.sha1.len() == 40, "{e:?}");
    }
}
