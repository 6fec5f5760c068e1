//! whisper.cpp ggml model files: writing them (magic, hyper-parameters,
//! mel filters, vocabulary, then named tensors) and checking one before
//! whisper.cpp sees it, against everything its loader asserts on or trusts.
//! [`tiny_test_model`] builds a small valid model for tests and fuzzing.

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
    /// How the 2-D weights are stored: 0 f32, 1 f16, 2 q4_0, 7 q8_0 …
    /// (whisper.cpp's `ggml_ftype`, plus 1000 × the quantisation version).
    pub ftype: i32,
}

/// Element type of a tensor in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorType {
    F32 = 0,
    F16 = 1,
    /// Blocks of 32 values: an f16 scale, then 16 bytes of 4-bit values
    /// (ggml's `block_q4_0`). Rows must be a multiple of 32 long.
    Q4_0 = 2,
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
            TensorType::Q4_0 => 2,
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

/// Bytes per block and elements per block of each tensor type whisper.cpp
/// models use (f32, f16 and the quantised types of the published files).
fn type_size(ty: i32) -> Option<(u64, u64)> {
    Some(match ty {
        0 => (4, 1),
        1 => (2, 1),
        2 => (18, 32), // q4_0
        3 => (20, 32), // q4_1
        6 => (22, 32), // q5_0
        7 => (24, 32), // q5_1
        8 => (34, 32), // q8_0
        _ => return None,
    })
}

/// whisper.cpp divides the file's ftype by this; the remainder is the
/// `ggml_ftype`, the quotient the quantisation version (GGML_QNT_VERSION_FACTOR).
const QNT_VERSION_FACTOR: i32 = 1000;

/// The file types whose 2-D weights have a tensor type [`type_size`] knows,
/// with that type, as ggml's `ggml_ftype_to_ggml_type` maps them. Any other
/// value makes whisper.cpp abort (GGML_ASSERT) when the model is loaded.
pub const KNOWN_FTYPES: [(i32, i32); 7] = [(0, 0), (1, 1), (2, 2), (3, 3), (7, 8), (8, 6), (9, 7)];

/// whisper.cpp's special tokens of English models end at id 50363
/// (`token_beg`), followed by 1501 timestamp tokens: a smaller vocabulary
/// makes it index past the end of its logits.
pub const MIN_VOCAB: i32 = 51_864;
/// whisper.cpp's audio window is 30 s: 3000 mel frames, 1500 encoder positions.
pub const AUDIO_CTX: i32 = 1_500;
/// FFT bins whisper.cpp computes (a 400-point FFT); its mel code assumes
/// the filter bank has exactly this many columns.
pub const N_FFT_BINS: i32 = 201;

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

/// What whisper.cpp expects of one tensor: its dimensions innermost first
/// (padded with 1s to four) and its element type.
type Expected = ([i64; 4], i32);

/// The tensors whisper.cpp's loader creates for `h`, by name. `wtype` is
/// the type of the 2-D weights, the convolutions are f16 (f32 in an f32
/// model), everything else f32.
fn expected_tensors(h: &HParams, wtype: i32) -> std::collections::HashMap<String, Expected> {
    let vtype = if wtype == 0 { 0 } else { 1 };
    let (sa, st) = (i64::from(h.n_audio_state), i64::from(h.n_text_state));
    let mut m = std::collections::HashMap::new();
    let mut add = |name: String, ne: &[i64], ty: i32| {
        let mut d = [1i64; 4];
        d[..ne.len()].copy_from_slice(ne);
        m.insert(name, (d, ty));
    };
    add("encoder.positional_embedding".into(), &[sa, i64::from(h.n_audio_ctx)], 0);
    add("encoder.conv1.weight".into(), &[3, i64::from(h.n_mels), sa], vtype);
    add("encoder.conv1.bias".into(), &[1, sa], 0);
    add("encoder.conv2.weight".into(), &[3, sa, sa], vtype);
    add("encoder.conv2.bias".into(), &[1, sa], 0);
    add("encoder.ln_post.weight".into(), &[sa], 0);
    add("encoder.ln_post.bias".into(), &[sa], 0);
    add("decoder.positional_embedding".into(), &[st, i64::from(h.n_text_ctx)], 0);
    add("decoder.token_embedding.weight".into(), &[st, i64::from(h.n_vocab)], wtype);
    add("decoder.ln.weight".into(), &[st], 0);
    add("decoder.ln.bias".into(), &[st], 0);
    let blocks = (0..h.n_audio_layer)
        .map(|i| (format!("encoder.blocks.{i}"), sa, false))
        .chain((0..h.n_text_layer).map(|i| (format!("decoder.blocks.{i}"), st, true)));
    for (p, s, cross) in blocks {
        let mut attn = vec!["attn"];
        if cross {
            attn.push("cross_attn");
        }
        for a in attn {
            add(format!("{p}.{a}_ln.weight"), &[s], 0);
            add(format!("{p}.{a}_ln.bias"), &[s], 0);
            for part in ["query", "key", "value", "out"] {
                add(format!("{p}.{a}.{part}.weight"), &[s, s], wtype);
                if part != "key" {
                    add(format!("{p}.{a}.{part}.bias"), &[s], 0);
                }
            }
        }
        add(format!("{p}.mlp_ln.weight"), &[s], 0);
        add(format!("{p}.mlp_ln.bias"), &[s], 0);
        add(format!("{p}.mlp.0.weight"), &[s, 4 * s], wtype);
        add(format!("{p}.mlp.0.bias"), &[4 * s], 0);
        add(format!("{p}.mlp.2.weight"), &[4 * s, s], wtype);
        add(format!("{p}.mlp.2.bias"), &[s], 0);
    }
    m
}

/// Limits on the hyper-parameters: far above any published Whisper model,
/// low enough that no product of them overflows.
const MAX_STATE: i32 = 1 << 14;
const MAX_HEADS: i32 = 1 << 10;
const MAX_LAYERS: i32 = 256;
const MAX_TEXT_CTX: i32 = 1 << 14;
const MAX_VOCAB: i32 = 1 << 20;
const MAX_MELS: i32 = 256;

fn check_hparams(h: &HParams) -> Result<i32, GgmlError> {
    let ranges = [
        ("n_vocab", h.n_vocab, MIN_VOCAB, MAX_VOCAB),
        ("n_audio_ctx", h.n_audio_ctx, AUDIO_CTX, AUDIO_CTX),
        ("n_audio_state", h.n_audio_state, 1, MAX_STATE),
        ("n_audio_head", h.n_audio_head, 1, MAX_HEADS),
        ("n_audio_layer", h.n_audio_layer, 1, MAX_LAYERS),
        ("n_text_ctx", h.n_text_ctx, 1, MAX_TEXT_CTX),
        ("n_text_state", h.n_text_state, 1, MAX_STATE),
        ("n_text_head", h.n_text_head, 1, MAX_HEADS),
        ("n_text_layer", h.n_text_layer, 1, MAX_LAYERS),
        ("n_mels", h.n_mels, 1, MAX_MELS),
    ];
    for (name, v, lo, hi) in ranges {
        if !(lo..=hi).contains(&v) {
            return Err(GgmlError::HParams(format!("{name} is {v}, expected {lo} to {hi}")));
        }
    }
    let known = || KNOWN_FTYPES.iter().map(|(f, _)| f.to_string()).collect::<Vec<_>>().join(", ");
    // whisper.cpp takes the C remainder, which is negative for a negative ftype.
    let wtype = (h.ftype >= 0)
        .then(|| KNOWN_FTYPES.iter().find(|(f, _)| *f == h.ftype % QNT_VERSION_FACTOR))
        .flatten()
        .map(|&(_, t)| t)
        .ok_or_else(|| GgmlError::Ftype { ftype: h.ftype, known: format!("{} (plus 1000 × a quantisation version)", known()) })?;
    // The attention reshapes into heads (ggml asserts the sizes agree), and
    // quantised weights are created in whole blocks (ggml asserts rows are
    // multiples of the block size).
    let block = type_size(wtype).map_or(1, |(_, e)| e as i32);
    for (name, state, heads) in [("n_audio_state", h.n_audio_state, h.n_audio_head), ("n_text_state", h.n_text_state, h.n_text_head)] {
        if state % heads != 0 {
            return Err(GgmlError::HParams(format!("{name} {state} is not divisible by its {heads} heads")));
        }
        if state % block != 0 {
            return Err(GgmlError::HParams(format!("{name} {state} is not a multiple of {block}, as weights of type {wtype} need")));
        }
    }
    Ok(wtype)
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

    use crate::testmodel::{tiny_test_model, FTYPE_OFFSET, TINY};

    fn check(bytes: &[u8]) -> Result<HParams, GgmlError> {
        check_reader(std::io::Cursor::new(bytes), bytes.len() as u64)
    }

    fn with_ftype(ftype: i32) -> Vec<u8> {
        let mut b = tiny_test_model();
        b[FTYPE_OFFSET..FTYPE_OFFSET + 4].copy_from_slice(&ftype.to_le_bytes());
        b
    }

    #[test]
    fn an_unknown_weight_type_is_refused_with_the_known_ones() {
        // 4 is MOSTLY_Q4_1_SOME_F16, 5 and 6 were removed, 10+ are k-quants
        // whose types this checker does not know: whisper.cpp aborts on some,
        // and every one of them mismatches the q4_0 tensors of the file.
        for ftype in [4, 5, 6, 10, 24, 999, 1_004, -1, -998, i32::MIN] {
            let e = check(&with_ftype(ftype)).unwrap_err();
            assert!(matches!(e, GgmlError::Ftype { ftype: f, .. } if f == ftype), "{ftype}: {e}");
            let msg = e.to_string();
            assert!(msg.contains(&format!("ftype) is {ftype};")) && msg.contains("0, 1, 2, 3, 7, 8, 9"), "{msg}");
        }
        // The quantisation version is ignored, as whisper.cpp does.
        assert_eq!(check(&with_ftype(2_002)).unwrap().ftype, 2_002);
        // A known ftype whose weights are not what the tensors hold.
        let e = check(&with_ftype(7)).unwrap_err();
        assert!(e.to_string().contains("has type 2; whisper.cpp expects type 8"), "{e}");
    }

    #[test]
    fn hyper_parameters_whisper_cpp_asserts_on_are_refused() {
        let patch = |index: usize, value: i32| {
            let mut b = tiny_test_model();
            b[4 + 4 * index..8 + 4 * index].copy_from_slice(&value.to_le_bytes());
            check(&b).unwrap_err().to_string()
        };
        assert!(patch(3, 3).contains("n_audio_state 32 is not divisible by its 3 heads"));
        assert!(patch(0, 100).contains("n_vocab is 100"));
        assert!(patch(2, 40).contains("not a multiple of 32"));
        assert!(patch(1, 10).contains("n_audio_ctx is 10"));
        // The mel filter bank must match the model's bands and 201 FFT bins.
        let mut b = tiny_test_model();
        b[52..56].copy_from_slice(&200i32.to_le_bytes());
        assert!(check(&b).unwrap_err().to_string().contains("80 × 200; whisper.cpp needs 80 × 201"));
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

    #[test]
    fn q8_0_refuses_rows_that_are_not_whole_blocks() {
        let mut w = GgmlWriter { w: Vec::new() };
        let e = w.tensor("x.weight", &[2, 40], TensorType::Q8_0, &[0.0; 80]).unwrap_err();
        assert!(e.to_string().contains("q8_0"), "{e}");
        w.tensor("y.weight", &[2, 64], TensorType::Q8_0, &[0.5; 128]).unwrap();
        assert_eq!(TensorType::Q8_0.ftype(), 7);
    }
}
