//! Checking a ggml Whisper file before whisper.cpp sees it: every header
//! field, the filters, the vocabulary and each tensor, held against what its
//! loader expects (see `expect.rs`), so nothing reaches an assertion or an
//! out-of-bounds read there.

use super::expect::{check_hparams, expected_tensors, type_size};
use super::{HParams, MAGIC, N_FFT_BINS};

/// Why a ggml file is not a Whisper model whisper.cpp can load safely. Each
/// message completes "The model … could not be loaded (…)".
#[derive(Debug, thiserror::Error)]
pub enum GgmlError {
    #[error("the file ends inside the {0}")]
    EndsEarly(&'static str),
    #[error("it is not a ggml Whisper model (wrong magic number)")]
    Magic,
    #[error("its hyper-parameters make no sense: {0}")]
    HParams(String),
    #[error("its weight type (ftype) is {ftype}; whisper.cpp can only use {known}")]
    Ftype { ftype: i32, known: String },
    #[error("its mel filter bank is {n_mel} × {n_fft}; whisper.cpp needs {n_mels} × {N_FFT_BINS}")]
    Mel { n_mel: i32, n_fft: i32, n_mels: i32 },
    #[error("its vocabulary is damaged: {0}")]
    Vocabulary(String),
    #[error("tensor {index} ({name}) {reason}")]
    Tensor { index: usize, name: String, reason: String },
    #[error("the file is truncated: tensor {name} needs {bytes} bytes but only {remaining} remain")]
    Truncated { name: String, bytes: u64, remaining: u64 },
    #[error("it holds {found} of the {expected} tensors a Whisper model of this size needs (the first missing is {missing})")]
    Missing { found: usize, expected: usize, missing: String },
    #[error("it could not be read: {0}")]
    Io(#[from] std::io::Error),
}

/// Walks a ggml Whisper file of `len` bytes from start to end — header,
/// filters, vocabulary and every tensor — and checks it against what
/// whisper.cpp's loader will create for its hyper-parameters, so nothing
/// reaches an assertion or an out-of-bounds read there.
pub fn check_reader<R: std::io::Read + std::io::Seek>(mut f: R, len: u64) -> Result<HParams, GgmlError> {
    use std::io::SeekFrom;
    let read_i32 = |f: &mut R, what: &'static str| -> Result<i32, GgmlError> {
        let mut b = [0u8; 4];
        f.read_exact(&mut b).map_err(|_| GgmlError::EndsEarly(what))?;
        Ok(i32::from_le_bytes(b))
    };
    if read_i32(&mut f, "header")? as u32 != MAGIC {
        return Err(GgmlError::Magic);
    }
    let mut v = [0i32; 11];
    for x in &mut v {
        *x = read_i32(&mut f, "hyper-parameters")?;
    }
    let h = HParams {
        n_vocab: v[0],
        n_audio_ctx: v[1],
        n_audio_state: v[2],
        n_audio_head: v[3],
        n_audio_layer: v[4],
        n_text_ctx: v[5],
        n_text_state: v[6],
        n_text_head: v[7],
        n_text_layer: v[8],
        n_mels: v[9],
        ftype: v[10],
    };
    let wtype = check_hparams(&h)?;
    let n_mel = read_i32(&mut f, "mel filters")?;
    let n_fft = read_i32(&mut f, "mel filters")?;
    if n_mel != h.n_mels || n_fft != N_FFT_BINS {
        return Err(GgmlError::Mel { n_mel, n_fft, n_mels: h.n_mels });
    }
    // Both are small and positive (checked), so this cannot overflow.
    f.seek(SeekFrom::Current(i64::from(n_mel) * i64::from(n_fft) * 4))?;
    let n_tokens = read_i32(&mut f, "vocabulary")?;
    if !(0..=h.n_vocab).contains(&n_tokens) {
        return Err(GgmlError::Vocabulary(format!("it lists {n_tokens} tokens for a vocabulary of {}", h.n_vocab)));
    }
    for i in 0..n_tokens {
        let l = read_i32(&mut f, "vocabulary")?;
        if !(0..=1024).contains(&l) {
            return Err(GgmlError::Vocabulary(format!("token {i} is {l} bytes long")));
        }
        f.seek(SeekFrom::Current(i64::from(l)))?;
    }
    let mut expected = expected_tensors(&h, wtype);
    let total = expected.len();
    let mut index = 0usize;
    loop {
        let pos = f.stream_position()?;
        if pos == len {
            break;
        }
        if pos > len {
            return Err(GgmlError::EndsEarly("vocabulary"));
        }
        let n_dims = read_i32(&mut f, "tensor list")?;
        let name_len = read_i32(&mut f, "tensor list")?;
        let ty = read_i32(&mut f, "tensor list")?;
        if !(1..=4).contains(&n_dims) || !(1..=256).contains(&name_len) {
            return Err(GgmlError::Tensor { index, name: "?".into(), reason: format!("has a damaged header ({n_dims} dimensions, a {name_len}-byte name)") });
        }
        let mut ne = [1i64; 4];
        for d in ne.iter_mut().take(n_dims as usize) {
            *d = i64::from(read_i32(&mut f, "tensor list")?);
        }
        let mut name = vec![0u8; name_len as usize];
        f.read_exact(&mut name).map_err(|_| GgmlError::EndsEarly("a tensor name"))?;
        let name = String::from_utf8_lossy(&name).into_owned();
        let tensor = |reason: String| GgmlError::Tensor { index, name: name.clone(), reason };
        let Some((want_ne, want_ty)) = expected.remove(&name) else {
            return Err(tensor("is not a tensor of this Whisper model, or appears twice".into()));
        };
        if ne != want_ne {
            return Err(tensor(format!("has dimensions {ne:?}; whisper.cpp expects {want_ne:?}")));
        }
        if ty != want_ty {
            return Err(tensor(format!("has type {ty}; whisper.cpp expects type {want_ty} in a file of ftype {}", h.ftype)));
        }
        let (block_bytes, block_elems) = type_size(ty).ok_or_else(|| tensor(format!("has an unsupported type {ty}")))?;
        // Every dimension is positive and at most 2^20 (from the checked
        // hyper-parameters), but the product is still checked.
        let elements = ne.iter().try_fold(1u64, |a, &d| a.checked_mul(u64::try_from(d).ok()?));
        let bytes = elements.and_then(|e| e.div_ceil(block_elems).checked_mul(block_bytes));
        let Some(bytes) = bytes else {
            return Err(tensor("is too large to represent".into()));
        };
        let here = f.stream_position()?;
        let remaining = len.saturating_sub(here);
        if bytes > remaining {
            return Err(GgmlError::Truncated { name, bytes, remaining });
        }
        // bytes <= remaining <= len, which a file length keeps below i64::MAX.
        f.seek(SeekFrom::Current(i64::try_from(bytes).map_err(|_| tensor("is too large to represent".into()))?))?;
        index += 1;
    }
    if let Some(missing) = expected.keys().min() {
        return Err(GgmlError::Missing { found: index, expected: total, missing: missing.clone() });
    }
    Ok(h)
}

/// Checks the ggml Whisper file at `path` (see [`check_reader`]). A FIFO or
/// device is refused without blocking.
pub fn check_file(path: &std::path::Path) -> Result<HParams, crate::TranscribeError> {
    let file = starling_files::open_regular(path).map_err(|e| match e {
        starling_files::FileError::Io { path, source } => crate::TranscribeError::Read { path, source },
        starling_files::FileError::Missing { path } => {
            crate::TranscribeError::Read { path, source: std::io::Error::from(std::io::ErrorKind::NotFound) }
        }
        other => crate::TranscribeError::BadModel { path: path.to_path_buf(), reason: other.to_string() },
    })?;
    let len = file.metadata().map_err(|source| crate::TranscribeError::Read { path: path.to_path_buf(), source })?.len();
    check_reader(std::io::BufReader::new(file), len)
        .map_err(|e| crate::TranscribeError::BadModel { path: path.to_path_buf(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testmodel::{tiny_test_model, TINY};

    fn check(bytes: &[u8]) -> Result<HParams, GgmlError> {
        check_reader(std::io::Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn missing_unknown_and_truncated_tensors_are_refused() {
        let b = tiny_test_model();
        assert_eq!(check(&b).unwrap(), TINY);
        let e = check(&b[..b.len() - 10]).unwrap_err();
        assert!(matches!(e, GgmlError::Truncated { .. }), "{e}");
        let mut twice = b.clone();
        let tail = b.len() - (12 + 4 + "decoder.blocks.0.mlp.2.bias".len() + 32 * 4);
        twice.extend_from_slice(&b[tail..]);
        assert!(check(&twice).unwrap_err().to_string().contains("appears twice"));
        let e = check(&b[..tail]).unwrap_err();
        assert!(matches!(&e, GgmlError::Missing { missing, .. } if missing == "decoder.blocks.0.mlp.2.bias"), "{e}");
    }

    #[test]
    fn check_file_refuses_a_fifo_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("model.bin");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let e = check_file(&fifo).unwrap_err().to_string();
        assert!(e.contains("named pipe (FIFO)"), "{e}");
    }
}
