//! The wire protocol between Starling and its worker processes.
//!
//! - Out of a worker, on stdout: one JSON [`WorkerMessage`] per line.
//! - Into the live worker, on stdin: stretches of audio, each a 13-byte
//!   header (what the stretch is, one byte: 0 a finished stretch, 1 the
//!   stretch being spoken, to preview; the first sample's position, u64
//!   little-endian; the sample count, u32) and the samples as f32
//!   little-endian ([`write_chunk`], [`read_chunk`]).

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use starling_transcribe::live::Chunk;
use starling_transcribe::Transcript;

/// The most samples one stretch may carry (five minutes), so a corrupt
/// header cannot make the worker allocate without bound.
pub const MAX_CHUNK_SAMPLES: u32 = 16_000 * 300;

/// One line of the worker protocol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerMessage {
    Progress(u8),
    /// The live worker's segments for one more stretch, on the recording's
    /// time line.
    Live(Vec<starling_transcribe::Segment>),
    /// A provisional transcript of the stretch being spoken, as far as it
    /// went (replaced by the next preview, or by `Live` when it ends).
    Preview(Vec<starling_transcribe::Segment>),
    Transcript(Transcript),
    /// The model loaded (the answer when no recording was given).
    Loaded,
    Error(String),
}

/// Writes one message as a line on stdout, as a worker answers.
pub fn send(msg: &WorkerMessage) {
    if let Ok(line) = serde_json::to_string(msg) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
}

/// What a stretch sent to the live worker is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// A finished stretch: transcribe it and keep the result.
    Finished,
    /// The stretch still being spoken: a provisional transcript is wanted,
    /// unless newer input has arrived.
    Preview,
}

/// Writes one stretch in the worker's framing.
pub fn write_chunk(out: &mut impl Write, kind: ChunkKind, chunk: &Chunk) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(13 + chunk.samples.len() * 4);
    bytes.push(match kind {
        ChunkKind::Finished => 0,
        ChunkKind::Preview => 1,
    });
    bytes.extend_from_slice(&chunk.start_sample.to_le_bytes());
    bytes.extend_from_slice(&(chunk.samples.len() as u32).to_le_bytes());
    for x in &chunk.samples {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    out.write_all(&bytes)?;
    out.flush()
}

/// Reads one stretch; `None` at a clean end of input.
pub fn read_chunk(input: &mut impl Read) -> std::io::Result<Option<(ChunkKind, Chunk)>> {
    let mut header = [0u8; 13];
    let mut got = 0;
    while got < header.len() {
        match input.read(&mut header[got..])? {
            0 if got == 0 => return Ok(None),
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => got += n,
        }
    }
    let kind = match header[0] {
        0 => ChunkKind::Finished,
        1 => ChunkKind::Preview,
        other => {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("a stretch of unknown kind {other}")));
        }
    };
    let start_sample = u64::from_le_bytes(header[1..9].try_into().unwrap_or_default());
    let count = u32::from_le_bytes(header[9..].try_into().unwrap_or_default());
    if count > MAX_CHUNK_SAMPLES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a stretch of {count} samples is longer than five minutes"),
        ));
    }
    let mut raw = vec![0u8; count as usize * 4];
    input.read_exact(&mut raw)?;
    let samples = raw
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Ok(Some((kind, Chunk {
        start_sample,
        samples,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretches_cross_the_pipe_intact_and_a_cut_off_one_is_an_error() {
        let a = Chunk {
            start_sample: 48_000,
            samples: vec![0.25, -0.5, 1.0],
        };
        let b = Chunk {
            start_sample: u64::MAX,
            samples: vec![],
        };
        let mut wire = Vec::new();
        write_chunk(&mut wire, ChunkKind::Finished, &a).unwrap();
        write_chunk(&mut wire, ChunkKind::Preview, &b).unwrap();
        let mut input = &wire[..];
        assert_eq!(read_chunk(&mut input).unwrap(), Some((ChunkKind::Finished, a)));
        assert_eq!(read_chunk(&mut input).unwrap(), Some((ChunkKind::Preview, b)));
        assert_eq!(read_chunk(&mut input).unwrap(), None);
        let mut cut = &wire[..20];
        assert_eq!(
            read_chunk(&mut cut).unwrap_err().kind(),
            std::io::ErrorKind::UnexpectedEof
        );
        let mut odd = vec![7u8];
        odd.extend_from_slice(&[0; 12]);
        assert!(read_chunk(&mut &odd[..]).unwrap_err().to_string().contains("unknown kind 7"));
        let mut huge = vec![0u8];
        huge.extend_from_slice(&0u64.to_le_bytes());
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(read_chunk(&mut &huge[..])
            .unwrap_err()
            .to_string()
            .contains("five minutes"));
    }
}
