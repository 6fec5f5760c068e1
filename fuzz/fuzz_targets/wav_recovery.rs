//! The WAV reader that recovers a recording after a crash, on arbitrary
//! bytes: `repair` never panics, and when it succeeds the file is a valid
//! WAV whose header agrees with its data, which hound then reads to the end.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use starling_capture::wav;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("starling-fuzz-wav-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("take.wav");
    {
        let mut f = std::fs::File::create(&path).expect("the fuzzer's temp folder is writable");
        f.write_all(data).expect("the fuzzer's temp folder is writable");
    }
    if let Ok(info) = wav::repair(&path) {
        let again = wav::inspect(&path).expect("a repaired file inspects");
        assert_eq!(again.frames, info.frames);
        let mut reader = hound::WavReader::open(&path).expect("hound opens a repaired file");
        let spec = reader.spec();
        let read = match (spec.sample_format, spec.bits_per_sample) {
            (hound::SampleFormat::Float, _) => reader.samples::<f32>().map(|s| s.map(|_| ())).count(),
            (_, b) if b <= 16 => reader.samples::<i16>().map(|s| s.map(|_| ())).count(),
            _ => reader.samples::<i32>().map(|s| s.map(|_| ())).count(),
        };
        assert_eq!(read as u64, info.frames * info.channels as u64, "the header and the data disagree");
    }
});
