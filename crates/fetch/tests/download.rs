//! The downloader against a local HTTP server on 127.0.0.1: progress,
//! resuming after the server drops the connection, both checksums, a wrong
//! checksum rejected and removed, cancel leaving nothing behind.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use starling_fetch::{Checksum, FetchError, Sources};

const SOURCES: Sources = Sources { what: "Test files", hosts: &["example.org"], mirror_env: "STARLING_FETCH_TEST_MIRROR" };

fn download(
    url: &str,
    checksum: Checksum,
    dest: &Path,
    progress: &mut dyn FnMut(u64, Option<u64>),
    cancel: &AtomicBool,
) -> Result<std::path::PathBuf, FetchError> {
    starling_fetch::download(url, checksum, dest, &SOURCES, progress, cancel)
}

struct Server {
    url: String,
    requests: Arc<Mutex<Vec<Option<u64>>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Serves `payload`; the first response is cut after `drop_after` bytes;
/// each 64 KiB chunk waits `pace` (so a test can cancel mid-way).
fn serve(payload: Vec<u8>, drop_after: Option<usize>, pace: Duration, status: u16) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/ggml-test.bin", listener.local_addr().unwrap());
    let requests: Arc<Mutex<Vec<Option<u64>>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let (reqs, halt) = (requests.clone(), stop.clone());
    let served = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !halt.load(Ordering::SeqCst) && Instant::now() < deadline {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            let n = served.fetch_add(1, Ordering::SeqCst);
            handle(stream, &payload, if n == 0 { drop_after } else { None }, pace, status, &reqs, &halt);
        }
    });
    Server { url, requests, stop }
}

fn handle(mut s: TcpStream, payload: &[u8], drop_after: Option<usize>, pace: Duration, status: u16, reqs: &Mutex<Vec<Option<u64>>>, halt: &AtomicBool) {
    s.set_nonblocking(false).unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
            range = v.trim().trim_end_matches('-').parse::<u64>().ok();
        }
    }
    reqs.lock().unwrap().push(range);
    if status != 200 {
        let _ = write!(s, "HTTP/1.1 {status} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    let from = range.unwrap_or(0) as usize;
    let body = &payload[from.min(payload.len())..];
    let head = if range.is_some() {
        format!("HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {from}-{}/{}\r\nConnection: close\r\n\r\n", body.len(), payload.len() - 1, payload.len())
    } else {
        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
    };
    let _ = s.write_all(head.as_bytes());
    let limit = drop_after.unwrap_or(body.len()).min(body.len());
    for chunk in body[..limit].chunks(64 * 1024) {
        if halt.load(Ordering::SeqCst) || s.write_all(chunk).is_err() {
            return;
        }
        std::thread::sleep(pace);
    }
    // Dropping the stream here cuts the transfer when `limit` < len.
}

/// Pseudo-random bytes with their SHA-1 and SHA-256 (from `sha1sum` and
/// `sha256sum`, so the check does not grade itself).
fn payload(n: usize) -> (Vec<u8>, String, String) {
    let mut x = 12345u32;
    let data: Vec<u8> = (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("payload");
    std::fs::write(&file, &data).unwrap();
    let sum = |tool: &str| {
        let out = std::process::Command::new(tool).arg(&file).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
        String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_string()
    };
    (data, sum("sha1sum"), sum("sha256sum"))
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn progress_and_resume_after_a_dropped_connection() {
    let (data, sha1, _) = payload(3 * 1024 * 1024 + 123);
    let server = serve(data.clone(), Some(1024 * 1024), Duration::ZERO, 200);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("m.bin");
    let mut seen = Vec::new();
    let got = download(&server.url, Checksum::Sha1(&sha1), &dest, &mut |done, total| seen.push((done, total)), &AtomicBool::new(false)).unwrap();
    assert_eq!(got, dest);
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert_eq!(leftovers(dir.path()), vec!["m.bin"]);
    let reqs = server.requests.lock().unwrap().clone();
    assert!(reqs.len() >= 2, "{reqs:?}");
    assert_eq!(reqs[0], None);
    assert_eq!(reqs[1], Some(1024 * 1024), "the second request resumes where the first stopped");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "progress never goes back");
    assert_eq!(seen.last().unwrap(), &(data.len() as u64, Some(data.len() as u64)));
    assert!(seen.len() > 10);
}

#[test]
fn a_sha256_is_checked_too() {
    let (data, _, sha256) = payload(300_000);
    let server = serve(data.clone(), None, Duration::ZERO, 200);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("v.whl");
    download(&server.url, Checksum::Sha256(&sha256.to_uppercase()), &dest, &mut |_, _| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
}

#[test]
fn a_wrong_checksum_is_rejected_and_the_file_removed() {
    let (data, sha1, _) = payload(200_000);
    let server = serve(data.clone(), None, Duration::ZERO, 200);
    let dir = tempfile::tempdir().unwrap();
    let err = download(&server.url, Checksum::Sha1("0000000000000000000000000000000000000000"), &dir.path().join("m.bin"), &mut |_, _| {}, &AtomicBool::new(false))
        .unwrap_err();
    assert!(matches!(&err, FetchError::Mismatch { algorithm: "SHA-1", got, .. } if *got == sha1), "{err}");
    assert!(err.to_string().contains("does not match its published checksum"), "{err}");
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
    // The right bytes under another algorithm's checksum are refused as well.
    let server = serve(data, None, Duration::ZERO, 200);
    let err = download(&server.url, Checksum::Sha256(&sha1), &dir.path().join("m.bin"), &mut |_, _| {}, &AtomicBool::new(false)).unwrap_err();
    assert!(matches!(err, FetchError::Mismatch { algorithm: "SHA-256", .. }), "{err}");
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn cancel_leaves_nothing_behind() {
    let (data, sha1, _) = payload(2 * 1024 * 1024);
    let server = serve(data, None, Duration::from_millis(20), 200);
    let dir = tempfile::tempdir().unwrap();
    let cancel = AtomicBool::new(false);
    let err = download(
        &server.url,
        Checksum::Sha1(&sha1),
        &dir.path().join("m.bin"),
        &mut |done, _| {
            if done > 300_000 {
                cancel.store(true, Ordering::SeqCst);
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(err, FetchError::Cancelled), "{err}");
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let server = serve(Vec::new(), None, Duration::ZERO, 404);
    let dir = tempfile::tempdir().unwrap();
    let err = download(&server.url, Checksum::Sha1("00"), &dir.path().join("m.bin"), &mut |_, _| {}, &AtomicBool::new(false)).unwrap_err();
    assert!(matches!(&err, FetchError::Nothing { .. }) && err.to_string().contains("HTTP 404"), "{err}");
    assert!(leftovers(dir.path()).is_empty());
}
