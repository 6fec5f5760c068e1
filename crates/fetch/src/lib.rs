//! Downloads for files Starling offers from a catalog (Whisper models, the
//! interviewer's voices): only over HTTPS from the hosts the catalog names
//! (or a mirror the user names), resumed with an HTTP Range request when the
//! connection drops, reported as it goes, cancellable, and checked against
//! the checksum the publisher gives before it is renamed into place. A
//! partial or corrupt download is never left where the file is expected.
//!
//! `ureq` does the HTTP (small, blocking, rustls: no OpenSSL and no build
//! step that fetches anything); `sha1` and `sha2` the checksums.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sha1::Digest as _;

/// The checksum a publisher gives for a file, in hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum<'a> {
    Sha1(&'a str),
    Sha256(&'a str),
}

impl Checksum<'_> {
    fn name(&self) -> &'static str {
        match self {
            Checksum::Sha1(_) => "SHA-1",
            Checksum::Sha256(_) => "SHA-256",
        }
    }

    fn expected(&self) -> &str {
        match self {
            Checksum::Sha1(h) | Checksum::Sha256(h) => h,
        }
    }
}

/// Where a kind of file may come from.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// What is fetched, for messages ("Models", "Voices").
    pub what: &'a str,
    /// The hosts the catalog's files are served from.
    pub hosts: &'a [&'a str],
    /// The variable that names a mirror (its host is then allowed too).
    pub mirror_env: &'a str,
}

impl Sources<'_> {
    /// The mirror's address, when its variable is set.
    pub fn mirror(&self) -> Option<String> {
        std::env::var(self.mirror_env).ok().filter(|v| !v.is_empty())
    }
}

/// Why a download did not end with the file in place.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refusing to download from {url}: {why}. {what} come only over HTTPS from {hosts} or the mirror {mirror_env} names")]
    Refused { url: String, why: &'static str, what: String, hosts: String, mirror_env: String },

    #[error("Could not write {path}: {source}. Check free disk space and permissions.")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("nothing could be downloaded from {url} ({why})")]
    Nothing { url: String, why: String },

    #[error("the downloaded file does not match its published checksum ({algorithm} {got}, expected {expected}); it was deleted{}", network.as_ref().map(|n| format!(" — last network error: {n}")).unwrap_or_default())]
    Mismatch { algorithm: &'static str, got: String, expected: String, network: Option<String> },

    #[error("Cancelled.")]
    Cancelled,
}

/// Whether files may be fetched from `url`: over HTTPS from one of
/// `sources`' hosts or its mirror's, or over plain HTTP only from this
/// machine (a local mirror; the tests' server). Returns whether the
/// transfer must stay on HTTPS (through every redirect).
pub fn check_source(url: &str, sources: &Sources) -> Result<bool, FetchError> {
    let refuse = |why: &'static str| FetchError::Refused {
        url: url.to_string(),
        why,
        what: sources.what.to_string(),
        hosts: sources.hosts.join(" or "),
        mirror_env: sources.mirror_env.to_string(),
    };
    let uri: ureq::http::Uri = url.parse().map_err(|_| refuse("it is not a valid address"))?;
    let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let mirror = sources.mirror().and_then(|m| m.parse::<ureq::http::Uri>().ok()).and_then(|m| m.host().map(str::to_string));
    match uri.scheme_str() {
        Some("https") if sources.hosts.contains(&host) || mirror.as_deref() == Some(host) => Ok(true),
        Some("https") => Err(refuse("it is not the catalog's host")),
        Some("http") if matches!(host, "127.0.0.1" | "localhost" | "::1") => Ok(false),
        Some("http") => Err(refuse("it is not HTTPS")),
        _ => Err(refuse("it is neither HTTPS nor this machine")),
    }
}

/// Where the bytes go until they are checked: `dest` + `.part`.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

/// How many times a dropped connection is resumed before giving up.
const ATTEMPTS: usize = 6;

/// Downloads `url` to `dest` (see the module's documentation). The bytes go
/// to [`part_path`] first, and a later call resumes them; `progress` hears
/// (bytes so far, total when known) after every read.
pub fn download(
    url: &str,
    checksum: Checksum,
    dest: &Path,
    sources: &Sources,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: &AtomicBool,
) -> Result<PathBuf, FetchError> {
    let https_only = check_source(url, sources)?;
    let part = part_path(dest);
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(|source| FetchError::Write { path: dir.to_path_buf(), source })?;
    }
    let werr = |source: std::io::Error| FetchError::Write { path: part.clone(), source };
    let mut file = OpenOptions::new().create(true).read(true).append(true).open(&part).map_err(werr)?;
    let network = transfer(url, https_only, &mut file, &part, progress, cancel)?;
    if cancel.load(Ordering::Relaxed) {
        drop(file);
        let _ = std::fs::remove_file(&part);
        return Err(FetchError::Cancelled);
    }
    let len = file.metadata().map_err(werr)?.len();
    if len == 0 {
        drop(file);
        let _ = std::fs::remove_file(&part);
        return Err(FetchError::Nothing { url: url.to_string(), why: network.unwrap_or_else(|| "the server sent no data".into()) });
    }
    let got = digest(&mut file, checksum).map_err(werr)?;
    drop(file);
    if !got.eq_ignore_ascii_case(checksum.expected()) {
        let _ = std::fs::remove_file(&part);
        return Err(FetchError::Mismatch { algorithm: checksum.name(), got, expected: checksum.expected().to_string(), network });
    }
    std::fs::rename(&part, dest).map_err(|source| FetchError::Write { path: dest.to_path_buf(), source })?;
    Ok(dest.to_path_buf())
}

/// Appends `url`'s bytes to `file` (resuming from its length), retrying a
/// dropped connection. Returns the last network error, if any.
fn transfer(
    url: &str,
    https_only: bool,
    file: &mut File,
    part: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: &AtomicBool,
) -> Result<Option<String>, FetchError> {
    let werr = |source: std::io::Error| FetchError::Write { path: part.to_path_buf(), source };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_recv_body(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        // A redirect may not leave HTTPS.
        .https_only(https_only)
        .build()
        .into();
    let mut last_error: Option<String> = None;
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
                last_error = Some(e.to_string());
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
            416 if have > 0 => break, // already complete
            _ => {
                last_error = Some(format!("the server answered HTTP {status}"));
                break;
            }
        };
        let mut done = file.metadata().map_err(werr)?.len();
        progress(done, total);
        let mut reader = resp.body_mut().as_reader();
        let mut buf = vec![0u8; 64 * 1024];
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
            None => last_error = Some("the connection closed early".into()),
            Some(e) => last_error = Some(e),
        }
        tracing::warn!(attempt, error = ?last_error, "download interrupted; resuming");
    }
    Ok(last_error)
}

/// The file's checksum of the kind `checksum` is, in lower-case hex.
fn digest(file: &mut File, checksum: Checksum) -> std::io::Result<String> {
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    file.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 256 * 1024];
    match checksum {
        Checksum::Sha1(_) => {
            let mut h = sha1::Sha1::new();
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    break Ok(hex(&h.finalize()));
                }
                h.update(&buf[..n]);
            }
        }
        Checksum::Sha256(_) => {
            let mut h = <sha2::Sha256 as sha2::Digest>::new();
            loop {
                let n = file.read(&mut buf)?;
                if n == 0 {
                    break Ok(hex(&sha2::Digest::finalize(h)));
                }
                sha2::Digest::update(&mut h, &buf[..n]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODELS: Sources = Sources { what: "Models", hosts: &["huggingface.co"], mirror_env: "STARLING_FETCH_TEST_NO_MIRROR" };

    #[test]
    fn files_come_only_over_https_from_the_named_hosts_or_this_machine() {
        assert!(check_source("https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin", &MODELS).unwrap());
        assert!(!check_source("http://127.0.0.1:8080/ggml-tiny.en.bin", &MODELS).unwrap());
        for bad in [
            "http://huggingface.co/ggml-tiny.en.bin",
            "https://evil.example/ggml-tiny.en.bin",
            "https://huggingface.co.evil.example/x.bin",
            "ftp://huggingface.co/x.bin",
            "file:///etc/passwd",
            "not a url",
        ] {
            let e = check_source(bad, &MODELS).unwrap_err().to_string();
            assert!(e.contains("refusing to download") && e.contains("Models come only over HTTPS from huggingface.co"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_part_file_sits_beside_the_destination() {
        assert_eq!(part_path(Path::new("/m/base.en.bin")), Path::new("/m/base.en.bin.part"));
        assert_eq!(part_path(Path::new("/v/voice.whl")), Path::new("/v/voice.whl.part"));
    }
}
