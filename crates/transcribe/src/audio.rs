//! Reading recordings for transcription: any WAV file hound can read (8–32
//! bit integer or 32-bit float, any rate, any channel count) becomes 16 kHz
//! mono `f32`, down-mixed and resampled the way the recorder does it.

use std::path::Path;

use starling_capture::resample::StreamResampler;

use crate::error::TranscribeError;

pub fn load_wav(path: &Path) -> Result<Vec<f32>, TranscribeError> {
    let bad = |reason: String| TranscribeError::BadAudio { path: path.to_path_buf(), reason };
    let reader = hound::WavReader::open(path).map_err(|e| match e {
        hound::Error::IoError(source) if source.kind() == std::io::ErrorKind::NotFound => {
            TranscribeError::Read { path: path.to_path_buf(), source }
        }
        other => bad(other.to_string()),
    })?;
    let spec = reader.spec();
    let channels = spec.channels.max(1) as usize;
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.into_samples::<f32>().collect::<Result<_, _>>().map_err(|e| bad(e.to_string()))?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(|e| bad(e.to_string()))?
        }
    };
    let mono: Vec<f32> = interleaved.chunks_exact(channels).map(|f| f.iter().sum::<f32>() / channels as f32).collect();
    if spec.sample_rate == 16_000 {
        return Ok(mono);
    }
    let mut resampler = StreamResampler::new(spec.sample_rate).map_err(|e| bad(e.to_string()))?;
    let mut out = Vec::with_capacity(mono.len() * 16_000 / spec.sample_rate.max(1) as usize + 16);
    let mut sink = |p: &[f32]| {
        out.extend_from_slice(p);
        Ok(())
    };
    resampler.push(&mono, &mut sink).map_err(|e| bad(e.to_string()))?;
    resampler.finish(&mut sink).map_err(|e| bad(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_44k_int_and_float_files_become_16k_mono() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.wav");
        let spec = hound::WavSpec { channels: 2, sample_rate: 44_100, bits_per_sample: 24, sample_format: hound::SampleFormat::Int };
        let mut w = hound::WavWriter::create(&p, spec).unwrap();
        for _ in 0..44_100 {
            w.write_sample(4_194_304i32).unwrap(); // +0.5
            w.write_sample(0i32).unwrap();
        }
        w.finalize().unwrap();
        let s = load_wav(&p).unwrap();
        assert_eq!(s.len(), 16_000);
        assert!((s[8_000] - 0.25).abs() < 0.01, "{}", s[8_000]);

        let spec = hound::WavSpec { channels: 1, sample_rate: 16_000, bits_per_sample: 32, sample_format: hound::SampleFormat::Float };
        let mut w = hound::WavWriter::create(&p, spec).unwrap();
        for _ in 0..100 {
            w.write_sample(-0.5f32).unwrap();
        }
        w.finalize().unwrap();
        assert_eq!(load_wav(&p).unwrap(), vec![-0.5; 100]);
    }

    #[test]
    fn other_files_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("notes.txt");
        std::fs::write(&p, "not audio").unwrap();
        let e = load_wav(&p).unwrap_err().to_string();
        assert!(e.contains("is not a WAV file Starling can read"), "{e}");
        assert!(matches!(load_wav(&dir.path().join("missing.wav")), Err(TranscribeError::Read { .. })));
    }
}
