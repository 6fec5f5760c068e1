//! Writing a ggml Whisper file: the header (magic, hyper-parameters, mel
//! filters, vocabulary), then named tensors as f32, f16, q8_0 or q4_0.

use std::io::{self, Write};

use super::{HParams, TensorType, MAGIC};

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

/// Quantises `values` (whole rows, each a multiple of 32 long) to q4_0, as
/// ggml's reference quantiser does: per block, the value of largest
/// magnitude maps to -8, and each value is stored as a nibble offset by 8.
pub fn quantize_q4_0(values: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() / Q8_BLOCK * 18);
    for block in values.chunks(Q8_BLOCK) {
        let max = block.iter().fold(0.0f32, |m, &v| if v.abs() > m.abs() { v } else { m });
        let d = max / -8.0;
        let inv = if d != 0.0 { 1.0 / d } else { 0.0 };
        out.extend_from_slice(&half::f16::from_f32(d).to_le_bytes());
        let q = |i: usize| -> u8 { ((block.get(i).copied().unwrap_or(0.0) * inv + 8.5) as i8).clamp(0, 15) as u8 };
        for j in 0..Q8_BLOCK / 2 {
            out.push(q(j) | (q(j + Q8_BLOCK / 2) << 4));
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
        if dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d)) != Some(values.len()) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{name}: {} values do not fill the dimensions {dims:?}", values.len())));
        }
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
            TensorType::Q8_0 | TensorType::Q4_0 => {
                let row = dims.last().copied().unwrap_or(0);
                if row % Q8_BLOCK != 0 {
                    let kind = if ty == TensorType::Q8_0 { "q8_0" } else { "q4_0" };
                    return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{name}: rows of {row} values cannot be stored as {kind}")));
                }
                if ty == TensorType::Q8_0 {
                    self.w.write_all(&quantize_q8_0(values))?;
                } else {
                    self.w.write_all(&quantize_q4_0(values))?;
                }
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.w.flush()?;
        Ok(self.w)
    }
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
