//! The model downloader against a local HTTP server on 127.0.0.1: progress,
//! resuming after the server drops the connection, a wrong checksum
//! rejected and removed, cancel leaving nothing behind.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha1::{Digest, Sha1};
use starling_transcribe::download::download;
use starling_transcribe::TranscribeError;

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

fn payload(n: usize) -> (Vec<u8>, String) {
    let mut x = 12345u32;
    let data: Vec<u8> = (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    let sha = Sha1::digest(&data).iter().map(|b| format!("{b:02x}")).collect();
    (data, sha)
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn progress_and_resume_after_a_dropped_connection() {
    let (data, sha) = payload(3 * 1024 * 1024 + 123);
    let server = serve(data.clone(), Some(1024 * 1024), Duration::ZERO, 200);
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("m.bin");
    let mut seen = Vec::new();
    let got = download(&server.url, &sha, &dest, &mut |done, total| seen.push((done, total)), &AtomicBool::new(false)).unwrap();
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
fn a_wrong_checksum_is_rejected_and_the_file_removed() {
    let (data, _) = payload(200_000);
    let server = serve(data, None, Duration::ZERO, 200);
    let dir = tempfile::tempdir().unwrap();
    let err = download(&server.url, "0000000000000000000000000000000000000000", &dir.path().join("m.bin"), &mut |_, _| {}, &AtomicBool::new(false))
        .unwrap_err();
    assert!(err.to_string().contains("does not match its published checksum"), "{err}");
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

#[test]
fn cancel_leaves_nothing_behind() {
    let (data, sha) = payload(2 * 1024 * 1024);
    let server = serve(data, None, Duration::from_millis(20), 200);
    let dir = tempfile::tempdir().unwrap();
    let cancel = AtomicBool::new(false);
    let err = download(
        &server.url,
        &sha,
        &dir.path().join("m.bin"),
        &mut |done, _| {
            if done > 300_000 {
                cancel.store(true, Ordering::SeqCst);
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(err, TranscribeError::Cancelled), "{err}");
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let server = serve(Vec::new(), None, Duration::ZERO, 404);
    let dir = tempfile::tempdir().unwrap();
    let err = download(&server.url, "00", &dir.path().join("m.bin"), &mut |_, _| {}, &AtomicBool::new(false)).unwrap_err();
    assert!(err.to_string().contains("HTTP 404"), "{err}");
    assert!(leftovers(dir.path()).is_empty());
}
