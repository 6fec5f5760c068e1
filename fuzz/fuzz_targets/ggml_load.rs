//! Bytes as a ggml Whisper model: the checker never panics, and whatever it
//! accepts whisper.cpp loads without aborting (an abort counts as a crash).
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use starling_transcribe::ggml;

fuzz_target!(|data: &[u8]| {
    if ggml::check_reader(std::io::Cursor::new(data), data.len() as u64).is_err() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("starling-fuzz-ggml-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("model.bin");
    {
        let mut f = std::fs::File::create(&path).expect("the fuzzer's temp folder is writable");
        f.write_all(data).expect("the fuzzer's temp folder is writable");
    }
    let loaded = starling_transcribe::WhisperTranscriber::load(&path);
    assert!(loaded.is_ok(), "whisper.cpp refused a model the checker accepted: {:?}", loaded.err().map(|e| e.to_string()));
});
