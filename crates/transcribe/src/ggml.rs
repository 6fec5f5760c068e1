//! Writing a whisper.cpp ggml model file: magic, hyper-parameters, mel
//! filters, vocabulary, then named tensors.

use std::io::{self, Write};

pub const MAGIC: u32 = 0x6767_6d6c;

/// The hyper-parameters in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HParams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    /// How the 2-D weights are stored: 1 f16, 7 q8_0 (whisper.cpp's
    /// `ggml_ftype`).
    pub ftype: i32,
}

/// Element type of a tensor in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorType {
    F32 = 0,
    F16 = 1,
    /// Blocks of 32 values: an f16 scale, then 32 signed bytes (ggml's
    /// `block_q8_0`). Rows must be a multiple of 32 long.
    Q8_0 = 8,
}

impl TensorType {
    /// The file type (`ggml_ftype`) whose 2-D weights have this type.
    pub fn ftype(self) -> i32 {
        match self {
            TensorType::F32 => 0,
            TensorType::F16 => 1,
            TensorType::Q8_0 => 7,
        }
    }
}

/// Elements per q8_0 block.
const Q8_BLOCK: usize = 32;

/// Quantises `values` (whole rows, each a multiple of 32 long) to q8_0:
/// per block, the scale is the largest magnitude / 127 and each value is
/// rounded to the nearest multiple of it, as ggml's reference quantiser does.
pub fn quantize_q8_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / Q8_BLOCK * 34);
    for block in values.chunks(Q8_BLOCK) {
        let amax = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let d = amax / 127.0;
        let inv = if d > 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        for i in 0..Q8_BLOCK {
            let q = block.get(i).map_or(0.0, |v| (v * inv).round());
            out.push(q.clamp(-128.0, 127.0) as i8 as u8);
        }
    }
    out
}

pub struct GgmlWriter<W: Write> {
    w: W,
}

impl<W: Write> GgmlWriter<W> {
    /// Writes everything before the tensors.
    pub fn new(mut w: W, h: &HParams, mel: &[f32], n_fft_bins: usize, tokens: &[Vec<u8>]) -> io::Result<Self> {
        w.write_all(&MAGIC.to_le_bytes())?;
        for v in [
            h.n_vocab,
            h.n_audio_ctx,
            h.n_audio_state,
            h.n_audio_head,
            h.n_audio_layer,
            h.n_text_ctx,
            h.n_text_state,
            h.n_text_head,
            h.n_text_layer,
            h.n_mels,
            h.ftype,
        ] {
            w.write_all(&v.to_le_bytes())?;
        }
        w.write_all(&h.n_mels.to_le_bytes())?;
        w.write_all(&(n_fft_bins as i32).to_le_bytes())?;
        for x in mel {
            w.write_all(&x.to_le_bytes())?;
        }
        w.write_all(&(tokens.len() as i32).to_le_bytes())?;
        for t in tokens {
            w.write_all(&(t.len() as u32).to_le_bytes())?;
            w.write_all(t)?;
        }
        Ok(GgmlWriter { w })
    }

    /// Writes one tensor. `dims` are in row-major (PyTorch) order; the file
    /// stores them innermost first.
    pub fn tensor(&mut self, name: &str, dims: &[usize], ty: TensorType, values: &[f32]) -> io::Result<()> {
        debug_assert_eq!(dims.iter().product::<usize>(), values.len());
        self.w.write_all(&(dims.len() as i32).to_le_bytes())?;
        self.w.write_all(&(name.len() as i32).to_le_bytes())?;
        self.w.write_all(&(ty as i32).to_le_bytes())?;
        for d in dims.iter().rev() {
            self.w.write_all(&(*d as i32).to_le_bytes())?;
        }
        self.w.write_all(name.as_bytes())?;
        match ty {
            TensorType::F32 => {
                for v in values {
                    self.w.write_all(&v.to_le_bytes())?;
                }
            }
            TensorType::F16 => {
                for v in values {
                    self.w.write_all(&half::f16::from_f32(*v).to_le_bytes())?;
                }
            }
            TensorType::Q8_0 => {
                let row = dims.last().copied().unwrap_or(0);
                if row % Q8_BLOCK != 0 {
                    return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{name}: rows of {row} values cannot be stored as q8_0")));
                }
                self.w.write_all(&quantize_q8_0(values))?;
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.w.flush()?;
        Ok(self.w)
    }
}

/// Bytes per block and elements per block of each tensor type whisper.cpp
/// models use (f32, f16 and the quantised types of the published files).
fn type_size(ty: i32) -> Option<(u64, u64)> {
    Some(match ty {
        0 => (4, 1),
        1 => (2, 1),
        2 => (18, 32),  // q4_0
        3 => (20, 32),  // q4_1
        6 => (22, 32),  // q5_0
        7 => (24, 32),  // q5_1
        8 => (34, 32),  // q8_0
        _ => return None,
    })
}

/// Walks a ggml Whisper file from start to end — header, filters,
/// vocabulary and every tensor — so a truncated or foreign file is refused
/// with a precise reason instead of reaching whisper.cpp.
pub fn check_file(path: &std::path::Path) -> Result<HParams, crate::TranscribeError> {
    use std::io::{Read, Seek, SeekFrom};
    let bad = |reason: String| crate::TranscribeError::BadModel { path: path.to_path_buf(), reason };
    let mut f = std::fs::File::open(path).map_err(|source| crate::TranscribeError::Read { path: path.to_path_buf(), source })?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let read_i32 = |f: &mut std::fs::File, what: &str| -> Result<i32, crate::TranscribeError> {
        let mut b = [0u8; 4];
        f.read_exact(&mut b).map_err(|_| bad(format!("the file ends inside the {what}")))?;
        Ok(i32::from_le_bytes(b))
    };
    if read_i32(&mut f, "header")? as u32 != MAGIC {
        return Err(bad("it is not a ggml Whisper model (wrong magic number)".into()));
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
    if v[..10].iter().any(|&x| x <= 0 || x > 1_000_000) {
        return Err(bad(format!("its hyper-parameters make no sense ({v:?})")));
    }
    let n_mel = read_i32(&mut f, "mel filters")?;
    let n_fft = read_i32(&mut f, "mel filters")?;
    if !(0..=1024).contains(&n_mel) || !(0..=4096).contains(&n_fft) {
        return Err(bad("its mel filter bank has an impossible size".into()));
    }
    f.seek(SeekFrom::Current(n_mel as i64 * n_fft as i64 * 4)).map_err(|e| bad(e.to_string()))?;
    let n_tokens = read_i32(&mut f, "vocabulary")?;
    if !(0..=1_000_000).contains(&n_tokens) {
        return Err(bad("its vocabulary has an impossible size".into()));
    }
    for _ in 0..n_tokens {
        let l = read_i32(&mut f, "vocabulary")?;
        if !(0..=1024).contains(&l) {
            return Err(bad("its vocabulary is damaged".into()));
        }
        f.seek(SeekFrom::Current(l as i64)).map_err(|e| bad(e.to_string()))?;
    }
    let mut tensors = 0;
    loop {
        let pos = f.stream_position().map_err(|e| bad(e.to_string()))?;
        if pos == len {
            break;
        }
        if pos > len {
            return Err(bad("the file ends inside the vocabulary".into()));
        }
        let n_dims = read_i32(&mut f, "tensor list")?;
        let name_len = read_i32(&mut f, "tensor list")?;
        let ty = read_i32(&mut f, "tensor list")?;
        if !(1..=4).contains(&n_dims) || !(1..=256).contains(&name_len) {
            return Err(bad(format!("tensor {tensors} has a damaged header")));
        }
        let mut elements: u64 = 1;
        for _ in 0..n_dims {
            elements *= read_i32(&mut f, "tensor list")?.max(0) as u64;
        }
        let mut name = vec![0u8; name_len as usize];
        f.read_exact(&mut name).map_err(|_| bad("the file ends inside a tensor name".into()))?;
        let name = String::from_utf8_lossy(&name).into_owned();
        let (block_bytes, block_elems) = type_size(ty).ok_or_else(|| bad(format!("tensor {name} has an unsupported type {ty}")))?;
        let bytes = elements.div_ceil(block_elems) * block_bytes;
        let here = f.stream_position().map_err(|e| bad(e.to_string()))?;
        if here + bytes > len {
            return Err(bad(format!("the file is truncated: tensor {name} needs {bytes} bytes but only {} remain", len - here)));
        }
        f.seek(SeekFrom::Current(bytes as i64)).map_err(|e| bad(e.to_string()))?;
        tensors += 1;
    }
    let expected = 5 + 15 * h.n_audio_layer + 24 * h.n_text_layer + 4;
    if tensors < expected {
        return Err(bad(format!("it holds {tensors} tensors; a Whisper model of this size needs {expected}")));
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q8_0_blocks_hold_an_f16_scale_and_values_within_half_a_step() {
        let values: Vec<f32> = (0..64).map(|i| if i < 32 { (i as f32 - 16.0) / 10.0 } else { 0.0 }).collect();
        let bytes = quantize_q8_0(&values);
        assert_eq!(bytes.len(), 2 * 34);
        let d = half::f16::from_le_bytes([bytes[0], bytes[1]]).to_f32();
        assert!((d - 1.6 / 127.0).abs() < 1e-4, "scale {d}");
        // -1.6 is the largest magnitude: it maps to -127.
        assert_eq!(bytes[2] as i8, -127);
        for (i, v) in values[..32].iter().enumerate() {
            let back = (bytes[2 + i] as i8) as f32 * d;
            assert!((back - v).abs() <= d / 2.0 + 1e-6, "{v} came back as {back}");
        }
        // An all-zero block has a zero scale and zero values.
        assert!(bytes[34..].iter().all(|b| *b == 0));
    }

    #[test]
    fn q8_0_refuses_rows_that_are_not_whole_blocks() {
        let mut w = GgmlWriter { w: Vec::new() };
        let e = w.tensor("x.weight", &[2, 40], TensorType::Q8_0, &[0.0; 80]).unwrap_err();
        assert!(e.to_string().contains("q8_0"), "{e}");
        w.tensor("y.weight", &[2, 64], TensorType::Q8_0, &[0.5; 128]).unwrap();
        assert_eq!(TensorType::Q8_0.ftype(), 7);
    }
}
