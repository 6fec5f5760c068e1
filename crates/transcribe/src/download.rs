//! Downloading models: the catalog of ggml files the whisper.cpp project
//! publishes (with the SHA-1 it publishes for each), and a downloader that
//! reports progress, resumes an interrupted transfer with an HTTP Range
//! request, verifies the checksum before anything else sees the file, can be
//! cancelled, and only then moves the file into place. A partial or corrupt
//! download is never left where a model is expected.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use sha1::{Digest, Sha1};
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

/// Whether models may be fetched from `url`: over HTTPS from the catalog's
/// host or the mirror `STARLING_MODEL_URL` names, or over plain HTTP only
/// from this machine (a local mirror; the tests' server). Returns whether
/// the transfer must stay on HTTPS (through every redirect).
pub fn check_source(url: &str) -> Result<bool, TranscribeError> {
    let refuse = |why: &str| {
        TranscribeError::Download(format!(
            "refusing to download from {url}: {why}. Models come only over HTTPS from {CATALOG_HOST} or the mirror STARLING_MODEL_URL names"
        ))
    };
    let uri: ureq::http::Uri = url.parse().map_err(|_| refuse("it is not a valid address"))?;
    let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let mirror = std::env::var("STARLING_MODEL_URL").ok().and_then(|m| m.parse::<ureq::http::Uri>().ok()).and_then(|m| m.host().map(str::to_string));
    match uri.scheme_str() {
        Some("https") if host == CATALOG_HOST || mirror.as_deref() == Some(host) => Ok(true),
        Some("https") => Err(refuse("it is not the catalog's host")),
        Some("http") if matches!(host, "127.0.0.1" | "localhost" | "::1") => Ok(false),
        Some("http") => Err(refuse("it is not HTTPS")),
        _ => Err(refuse("it is neither HTTPS nor this machine")),
    }
}

pub fn find(name: &str) -> Option<&'static CatalogEntry> {
    CATALOG.iter().find(|e| e.name == name)
}

/// How many times a dropped connection is resumed before giving up.
const ATTEMPTS: usize = 6;

/// Downloads `url` to `dest`, checking the SHA-1. The data goes to
/// `dest` + `.part` first; a later call resumes it.
pub fn download(
    url: &str,
    sha1_hex: &str,
    dest: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: &AtomicBool,
) -> Result<PathBuf, TranscribeError> {
    let https_only = check_source(url)?;
    let part = dest.with_extension("bin.part");
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(|source| TranscribeError::Write { path: dir.to_path_buf(), source })?;
    }
    let werr = |source: std::io::Error| TranscribeError::Write { path: part.clone(), source };
    let mut file = OpenOptions::new().create(true).read(true).append(true).open(&part).map_err(werr)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_recv_body(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        // A redirect may not leave HTTPS.
        .https_only(https_only)
        .build()
        .into();
    let mut last_error = String::new();
    for attempt in 0..ATTEMPTS {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let have = file.metadata().map_err(werr)?.len();
        let mut req = agent.get(url);
        if have > 0 {
            req = req.header("Range", &format!("bytes={have}-"));
        }
        let mut resp = match req.call() {
            Ok(r) => r,
            Err(e) => {
                last_error = e.to_string();
                std::thread::sleep(Duration::from_millis(200 * (attempt as u64 + 1)));
                continue;
            }
        };
        let status = resp.status().as_u16();
        let length = resp.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        let total = match status {
            206 => length.map(|l| l + have),
            200 => {
                // The server ignored the range: start over.
                file.set_len(0).map_err(werr)?;
                length
            }
            416 if have > 0 => Some(have), // already complete
            _ => {
                last_error = format!("the server answered HTTP {status}");
                break;
            }
        };
        if status == 416 {
            break;
        }
        let start = file.metadata().map_err(werr)?.len();
        progress(start, total);
        let mut reader = resp.body_mut().as_reader();
        let mut buf = vec![0u8; 64 * 1024];
        let mut done = start;
        let dropped = loop {
            if cancel.load(Ordering::Relaxed) {
                break None;
            }
            match reader.read(&mut buf) {
                Ok(0) => break None,
                Ok(n) => {
                    file.write_all(&buf[..n]).map_err(werr)?;
                    done += n as u64;
                    progress(done, total);
                }
                Err(e) => break Some(e.to_string()),
            }
        };
        file.flush().map_err(werr)?;
        match dropped {
            None if total.is_none_or(|t| done >= t) => break,
            None => last_error = "the connection closed early".into(),
            Some(e) => last_error = e,
        }
        tracing::warn!(attempt, error = %last_error, "model download interrupted; resuming");
    }
    if cancel.load(Ordering::Relaxed) {
        drop(file);
        let _ = std::fs::remove_file(&part);
        return Err(TranscribeError::Cancelled);
    }
    let got = sha1_of(&mut file).map_err(werr)?;
    let len = file.metadata().map_err(werr)?.len();
    drop(file);
    if len == 0 {
        let _ = std::fs::remove_file(&part);
        return Err(TranscribeError::Download(format!("nothing could be downloaded from {url} ({last_error})")));
    }
    if !got.eq_ignore_ascii_case(sha1_hex) {
        let _ = std::fs::remove_file(&part);
        return Err(TranscribeError::Download(format!(
            "the downloaded file does not match its published checksum (SHA-1 {got}, expected {sha1_hex}); it was deleted{}",
            if last_error.is_empty() { String::new() } else { format!(" — last network error: {last_error}") }
        )));
    }
    std::fs::rename(&part, dest).map_err(|source| TranscribeError::Write { path: dest.to_path_buf(), source })?;
    Ok(dest.to_path_buf())
}

fn sha1_of(file: &mut File) -> std::io::Result<String> {
    file.seek(SeekFrom::Start(0))?;
    let mut h = Sha1::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_come_only_over_https_from_the_catalog_host_or_this_machine() {
        assert!(check_source("https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin").unwrap());
        assert!(!check_source("http://127.0.0.1:8080/ggml-tiny.en.bin").unwrap());
        for bad in [
            "http://huggingface.co/ggml-tiny.en.bin",
            "https://evil.example/ggml-tiny.en.bin",
            "https://huggingface.co.evil.example/x.bin",
            "ftp://huggingface.co/x.bin",
            "file:///etc/passwd",
            "not a url",
        ] {
            let e = check_source(bad).unwrap_err().to_string();
            assert!(e.contains("refusing to download") && e.contains("HTTPS"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_recommended_model_is_a_quantised_catalog_entry() {
        let e = CATALOG.iter().find(|e| e.name == RECOMMENDED).expect("RECOMMENDED names a catalog entry");
        assert!(e.file.contains("q8_0") && e.sha1.len() == 40, "{e:?}");
    }
}
