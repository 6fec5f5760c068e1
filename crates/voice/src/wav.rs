//! Speech as 16-bit mono WAV: written for the cache and the window's player,
//! read back from the cache and from espeak-ng.

use std::path::Path;

use crate::{Speech, VoiceError};

/// The longest speech read back (10 minutes at 48 kHz).
const MAX_SAMPLES: u32 = 48_000 * 600;

pub fn write(speech: &Speech, path: &Path) -> Result<(), VoiceError> {
    let spec = hound::WavSpec { channels: 1, sample_rate: speech.sample_rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let io = |e: hound::Error| VoiceError::Cache { path: path.to_path_buf(), why: e.to_string() };
    let mut w = hound::WavWriter::create(path, spec).map_err(io)?;
    for &s in &speech.samples {
        w.write_sample((s.clamp(-1.0, 1.0) * 32_767.0) as i16).map_err(io)?;
    }
    w.finalize().map_err(io)
}

pub fn read(path: &Path) -> Result<Speech, VoiceError> {
    let bad = |why: String| VoiceError::Cache { path: path.to_path_buf(), why };
    let file = starling_files::open_regular(path)?;
    let r = hound::WavReader::new(std::io::BufReader::new(file)).map_err(|e| bad(e.to_string()))?;
    let spec = r.spec();
    if spec.channels != 1 || spec.bits_per_sample != 16 || spec.sample_format != hound::SampleFormat::Int {
        return Err(bad(format!("{} channel(s), {} bits; expected mono 16-bit", spec.channels, spec.bits_per_sample)));
    }
    if r.duration() > MAX_SAMPLES {
        return Err(bad(format!("{} samples; the most read is {MAX_SAMPLES}", r.duration())));
    }
    let samples = r.into_samples::<i16>().map(|s| s.map(|v| f32::from(v) / 32_768.0)).collect::<Result<Vec<_>, _>>().map_err(|e| bad(e.to_string()))?;
    Ok(Speech { samples, sample_rate: spec.sample_rate })
}
