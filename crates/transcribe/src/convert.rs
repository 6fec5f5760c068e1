//! Converting a faster-whisper / CTranslate2 Whisper model folder
//! (`model.bin`, `config.json`, `vocabulary.txt|json`) into a whisper.cpp
//! ggml file, entirely in Rust.
//!
//! CTranslate2 fuses some projections that whisper.cpp keeps apart: the
//! self-attention `linear_0` is q|k|v, the cross-attention `linear_1` is k|v.
//! They are split here; Whisper's key projections have no bias, so that part
//! of the fused bias is dropped. The matrix weights are written as q8_0
//! (the default: about half the size of f16 and faster on CPUs) or f16; the
//! convolution weights as f16 and biases, norms and positional embeddings as
//! f32, which is exactly what whisper.cpp expects for each file type.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::ct2::{self, Ct2Model, Variable};
use crate::error::TranscribeError;
use crate::ggml::{GgmlWriter, HParams, TensorType};
use crate::{mel, vocab};

/// What a conversion produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub path: PathBuf,
    pub hparams: HParams,
    pub bytes: u64,
}

/// Whether `dir` looks like a CTranslate2 model folder.
pub fn is_ct2_folder(dir: &Path) -> bool {
    dir.join("model.bin").is_file() && (dir.join("vocabulary.txt").is_file() || dir.join("vocabulary.json").is_file())
}

/// How a conversion stores the matrix weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weights {
    /// 8-bit blocks with an f16 scale (whisper.cpp's q8_0).
    #[default]
    Q8_0,
    F16,
}

/// Converts the model folder `dir` into the ggml file `out` with q8_0
/// weights (see [`convert_folder_as`]).
pub fn convert_folder(dir: &Path, out: &Path) -> Result<Converted, TranscribeError> {
    convert_folder_as(dir, out, Weights::default())
}

/// The largest `vocabulary.txt|json` read (Whisper's is about 1 MB).
pub const VOCABULARY_LIMIT: u64 = 16 << 20;
/// The most mel bands accepted (Whisper uses 80 or 128).
pub const MAX_MELS: usize = 256;
/// The most encoder or decoder layers accepted (large models have 32).
pub const MAX_LAYERS: usize = 256;

/// Converts the model folder `dir` into the ggml file `out` (written to a
/// temporary name first, checked as whisper.cpp will read it, and moved
/// into place only when complete and valid).
pub fn convert_folder_as(dir: &Path, out: &Path, weights: Weights) -> Result<Converted, TranscribeError> {
    let bad = |reason: String| TranscribeError::BadCt2Model { path: dir.to_path_buf(), reason };
    if !dir.join("model.bin").is_file() {
        return Err(bad("the folder has no model.bin".into()));
    }
    let (vocab_path, json) = if dir.join("vocabulary.json").is_file() {
        (dir.join("vocabulary.json"), true)
    } else if dir.join("vocabulary.txt").is_file() {
        (dir.join("vocabulary.txt"), false)
    } else {
        return Err(bad("the folder has no vocabulary.txt or vocabulary.json".into()));
    };
    let vocab_text = starling_files::read_text_limited(&vocab_path, VOCABULARY_LIMIT).map_err(|e| match e {
        starling_files::FileError::Io { path, source } if source.kind() != std::io::ErrorKind::InvalidData => {
            TranscribeError::Read { path, source }
        }
        other => bad(other.to_string()),
    })?;
    let name = vocab_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tokens = vocab::parse(&vocab_text, json).map_err(|e| bad(format!("{name} is not a list of tokens: {e}")))?;
    let model = ct2::read(&dir.join("model.bin"))?;

    let tmp = out.with_extension("bin.partial");
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|source| TranscribeError::Write { path: parent.to_path_buf(), source })?;
    }
    let werr = |source: std::io::Error| TranscribeError::Write { path: tmp.clone(), source };
    let file = std::fs::File::create(&tmp).map_err(werr)?;
    let result = (|| -> Result<HParams, TranscribeError> {
        let (w, h) = convert_model(&model, &tokens, weights, BufWriter::new(file)).map_err(|e| match e {
            ConvertError::Io(e) => werr(e),
            other => bad(other.to_string()),
        })?;
        w.into_inner().map_err(|e| werr(e.into_error()))?.sync_all().map_err(werr)?;
        // What whisper.cpp will check (and more), before the file is kept.
        crate::ggml::check_file(&tmp).map_err(|e| match e {
            TranscribeError::BadModel { reason, .. } => bad(format!("the converted model would not load in whisper.cpp: {reason}")),
            other => other,
        })?;
        Ok(h)
    })();
    let h = match result {
        Ok(h) => h,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, out).map_err(|source| TranscribeError::Write { path: out.to_path_buf(), source })?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    tracing::info!(out = %out.display(), bytes, "converted CTranslate2 model to ggml");
    Ok(Converted { path: out.to_path_buf(), hparams: h, bytes })
}

/// Why a parsed model could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("it holds a {0} model, not Whisper")]
    NotWhisper(String),
    #[error("the vocabulary has no <|endoftext|> token")]
    NoEndOfText,
    #[error(transparent)]
    Shape(#[from] ModelShape),
    #[error("the output could not be written: {0}")]
    Io(#[from] std::io::Error),
}

/// Converts a parsed model and its vocabulary into a ggml file written to
/// `out` (memory or a file), returning the writer and the hyper-parameters.
/// Every shape is checked against the hyper-parameters before anything is
/// allocated or indexed.
pub fn convert_model<W: std::io::Write>(
    model: &Ct2Model,
    tokens: &[String],
    weights: Weights,
    out: W,
) -> Result<(W, HParams), ConvertError> {
    if model.spec != "WhisperSpec" {
        return Err(ConvertError::NotWhisper(model.spec.clone()));
    }
    let wtype = match weights {
        Weights::Q8_0 => TensorType::Q8_0,
        Weights::F16 => TensorType::F16,
    };
    let plan = Plan::new(model, tokens.len(), wtype)?;
    let table = vocab::unicode_to_byte();
    let eot = tokens.iter().position(|t| t == "<|endoftext|>").ok_or(ConvertError::NoEndOfText)?;
    let token_bytes: Vec<Vec<u8>> = tokens[..eot].iter().map(|t| vocab::decode(t, &table)).collect();
    // n_mels is at most MAX_MELS (checked in Plan::new).
    let filters = mel::filters(16_000, 400, plan.n_mels);
    let mut w = GgmlWriter::new(out, &plan.h, &filters, 201, &token_bytes)?;
    plan.write_tensors(model, &mut w).map_err(|e| match e {
        PlanError::Io(e) => ConvertError::Io(e),
        PlanError::Model(m) => ConvertError::Shape(m),
    })?;
    Ok((w.finish()?, plan.h))
}

/// What stops a conversion once the files are read.
#[derive(Debug, thiserror::Error)]
enum PlanError {
    #[error(transparent)]
    Io(std::io::Error),
    #[error("{0}")]
    Model(#[from] ModelShape),
}

/// Ways a CTranslate2 model does not have the shape of Whisper.
#[derive(Debug, thiserror::Error)]
pub enum ModelShape {
    #[error("the variable {0} is missing")]
    Missing(String),
    #[error("{0} is not stored as floats")]
    NotFloats(String),
    #[error("the variable {name} has dimensions {found:?}; a Whisper model with these hyper-parameters needs {expected:?}")]
    Dims { name: String, found: Vec<usize>, expected: Vec<usize> },
    #[error("the variable {name} has {found} dimensions; {expected} are expected")]
    Rank { name: String, found: usize, expected: usize },
    #[error("{what} is {value}; it must be between 1 and {most}")]
    OutOfRange { what: &'static str, value: i64, most: i64 },
    #[error("{what} ({state}) is not divisible by its {heads} attention heads")]
    Heads { what: &'static str, state: usize, heads: usize },
    #[error("{what} is {state}, which cannot be stored as q8_0 (it must be a multiple of 32); convert with f16 weights instead")]
    Q8Rows { what: &'static str, state: usize },
    #[error("no encoder or decoder layers were found")]
    NoLayers,
    #[error("the vocabulary has {found} tokens but the model expects {expected}")]
    Vocabulary { found: usize, expected: i32 },
}

impl From<std::io::Error> for PlanError {
    fn from(e: std::io::Error) -> Self {
        PlanError::Io(e)
    }
}

struct Plan {
    h: HParams,
    /// The type of the matrix weights.
    wtype: TensorType,
    n_mels: usize,
    audio_state: usize,
    text_state: usize,
}

fn var<'m>(m: &'m Ct2Model, name: &str) -> Result<&'m Variable, ModelShape> {
    m.get(name).ok_or_else(|| ModelShape::Missing(name.to_string()))
}

/// The variable `name` as floats, if it has exactly the dimensions `dims`.
fn shaped(m: &Ct2Model, name: &str, dims: &[usize]) -> Result<Vec<f32>, ModelShape> {
    let v = var(m, name)?;
    if v.dims != dims {
        return Err(ModelShape::Dims { name: name.to_string(), found: v.dims.clone(), expected: dims.to_vec() });
    }
    v.to_f32().ok_or_else(|| ModelShape::NotFloats(name.to_string()))
}

/// The dimensions of `name`, which must have `rank` of them.
fn dims_of<'m>(m: &'m Ct2Model, name: &str, rank: usize) -> Result<&'m [usize], ModelShape> {
    let v = var(m, name)?;
    if v.dims.len() != rank {
        return Err(ModelShape::Rank { name: name.to_string(), found: v.dims.len(), expected: rank });
    }
    Ok(&v.dims)
}

/// `value` as a positive `i32` of at most `most`.
fn in_range(what: &'static str, value: i64, most: i64) -> Result<i32, ModelShape> {
    if !(1..=most).contains(&value) {
        return Err(ModelShape::OutOfRange { what, value, most });
    }
    i32::try_from(value).map_err(|_| ModelShape::OutOfRange { what, value, most })
}

fn count_layers(m: &Ct2Model, prefix: &str) -> usize {
    (0..=MAX_LAYERS).take_while(|i| m.variables.contains_key(&format!("{prefix}/layer_{i}/ffn/linear_0/weight"))).count()
}

/// The largest model state accepted: four times it (the feed-forward
/// width) still fits an `i32`, as ggml files store dimensions.
const MAX_STATE: i64 = 1 << 20;
/// The longest context accepted (Whisper's encoder has 1500 positions).
const MAX_CTX: i64 = 1 << 16;
/// The largest vocabulary accepted (Whisper's has 51,865 tokens).
const MAX_VOCAB: i64 = 1 << 20;

impl Plan {
    fn new(m: &Ct2Model, vocab_len: usize, wtype: TensorType) -> Result<Plan, ModelShape> {
        let conv1 = dims_of(m, "encoder/conv1/weight", 3)?;
        let enc_pos = dims_of(m, "encoder/position_encodings/encodings", 2)?;
        let dec_pos = dims_of(m, "decoder/position_encodings/encodings", 2)?;
        let emb = dims_of(m, "decoder/embeddings/weight", 2)?;
        let head = |n: &str| var(m, n).ok().and_then(|v| v.as_int()).ok_or_else(|| ModelShape::Missing(n.to_string()));
        let int = |d: usize| i64::try_from(d).unwrap_or(i64::MAX);
        let audio_state = in_range("the encoder width", int(conv1[0]), MAX_STATE)?;
        let text_state = in_range("the decoder width", int(emb[1]), MAX_STATE)?;
        let n_mels = in_range("the number of mel bands", int(conv1[1]), MAX_MELS as i64)?;
        let n_audio_head = in_range("the number of encoder heads", head("encoder/num_heads")?, i64::from(audio_state))?;
        let n_text_head = in_range("the number of decoder heads", head("decoder/num_heads")?, i64::from(text_state))?;
        let h = HParams {
            n_vocab: in_range("the vocabulary size", int(emb[0]), MAX_VOCAB)?,
            n_audio_ctx: in_range("the encoder context", int(enc_pos[0]), MAX_CTX)?,
            n_audio_state: audio_state,
            n_audio_head,
            n_audio_layer: count_layers(m, "encoder") as i32,
            n_text_ctx: in_range("the decoder context", int(dec_pos[0]), MAX_CTX)?,
            n_text_state: text_state,
            n_text_head,
            n_text_layer: count_layers(m, "decoder") as i32,
            n_mels,
            ftype: wtype.ftype(),
        };
        if h.n_audio_layer == 0 || h.n_text_layer == 0 {
            return Err(ModelShape::NoLayers);
        }
        let (audio_state, text_state) = (audio_state as usize, text_state as usize);
        for (what, state, heads) in [
            ("the encoder width", audio_state, n_audio_head as usize),
            ("the decoder width", text_state, n_text_head as usize),
        ] {
            if state % heads != 0 {
                return Err(ModelShape::Heads { what, state, heads });
            }
            if wtype == TensorType::Q8_0 && state % 32 != 0 {
                return Err(ModelShape::Q8Rows { what, state });
            }
        }
        if vocab_len != h.n_vocab as usize {
            return Err(ModelShape::Vocabulary { found: vocab_len, expected: h.n_vocab });
        }
        Ok(Plan { h, wtype, n_mels: n_mels as usize, audio_state, text_state })
    }

    fn write_tensors<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>) -> Result<(), PlanError> {
        let (sa, st) = (self.audio_state, self.text_state);
        let h = &self.h;
        // Encoder stem.
        let stem = [("encoder/conv1", "encoder.conv1", self.n_mels), ("encoder/conv2", "encoder.conv2", sa)];
        for (src, dst, inputs) in stem {
            let dims = [sa, inputs, 3];
            w.tensor(&format!("{dst}.weight"), &dims, TensorType::F16, &shaped(m, &format!("{src}/weight"), &dims)?)?;
            w.tensor(&format!("{dst}.bias"), &[sa, 1], TensorType::F32, &shaped(m, &format!("{src}/bias"), &[sa])?)?;
        }
        let dims = [h.n_audio_ctx as usize, sa];
        w.tensor("encoder.positional_embedding", &dims, TensorType::F32, &shaped(m, "encoder/position_encodings/encodings", &dims)?)?;
        for i in 0..h.n_audio_layer {
            let (src, dst) = (format!("encoder/layer_{i}"), format!("encoder.blocks.{i}"));
            self.self_attention(m, w, &src, &dst, sa)?;
            self.ffn(m, w, &src, &dst, sa)?;
        }
        self.norm(m, w, "encoder/layer_norm", "encoder.ln_post", sa)?;
        // Decoder.
        let dims = [h.n_vocab as usize, st];
        w.tensor("decoder.token_embedding.weight", &dims, self.wtype, &shaped(m, "decoder/embeddings/weight", &dims)?)?;
        let dims = [h.n_text_ctx as usize, st];
        w.tensor("decoder.positional_embedding", &dims, TensorType::F32, &shaped(m, "decoder/position_encodings/encodings", &dims)?)?;
        for i in 0..h.n_text_layer {
            let (src, dst) = (format!("decoder/layer_{i}"), format!("decoder.blocks.{i}"));
            self.self_attention(m, w, &src, &dst, st)?;
            self.norm(m, w, &format!("{src}/attention/layer_norm"), &format!("{dst}.cross_attn_ln"), st)?;
            self.linear(m, w, &format!("{src}/attention/linear_0"), &format!("{dst}.cross_attn.query"), st, st)?;
            self.split(m, w, &format!("{src}/attention/linear_1"), &[&format!("{dst}.cross_attn.key"), &format!("{dst}.cross_attn.value")], st)?;
            self.linear(m, w, &format!("{src}/attention/linear_2"), &format!("{dst}.cross_attn.out"), st, st)?;
            self.ffn(m, w, &src, &dst, st)?;
        }
        self.norm(m, w, "decoder/layer_norm", "decoder.ln", st)?;
        Ok(())
    }

    fn norm<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>, src: &str, dst: &str, state: usize) -> Result<(), PlanError> {
        for (a, b) in [("gamma", "weight"), ("beta", "bias")] {
            w.tensor(&format!("{dst}.{b}"), &[state], TensorType::F32, &shaped(m, &format!("{src}/{a}"), &[state])?)?;
        }
        Ok(())
    }

    /// A plain linear layer of `outputs × inputs`: the weight as `wtype`,
    /// an f32 bias.
    fn linear<W: std::io::Write>(
        &self,
        m: &Ct2Model,
        w: &mut GgmlWriter<W>,
        src: &str,
        dst: &str,
        outputs: usize,
        inputs: usize,
    ) -> Result<(), PlanError> {
        let dims = [outputs, inputs];
        w.tensor(&format!("{dst}.weight"), &dims, self.wtype, &shaped(m, &format!("{src}/weight"), &dims)?)?;
        w.tensor(&format!("{dst}.bias"), &[outputs], TensorType::F32, &shaped(m, &format!("{src}/bias"), &[outputs])?)?;
        Ok(())
    }

    /// Splits a fused `(parts × state) × state` projection into square row
    /// blocks named `parts`; a part whose name ends in `.key` gets no bias.
    fn split<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>, src: &str, parts: &[&str], state: usize) -> Result<(), PlanError> {
        let rows = state * parts.len();
        let weight = shaped(m, &format!("{src}/weight"), &[rows, state])?;
        let bias = shaped(m, &format!("{src}/bias"), &[rows])?;
        for (k, name) in parts.iter().enumerate() {
            let ws = &weight[k * state * state..(k + 1) * state * state];
            w.tensor(&format!("{name}.weight"), &[state, state], self.wtype, ws)?;
            if !name.ends_with(".key") {
                w.tensor(&format!("{name}.bias"), &[state], TensorType::F32, &bias[k * state..(k + 1) * state])?;
            }
        }
        Ok(())
    }

    fn self_attention<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>, src: &str, dst: &str, state: usize) -> Result<(), PlanError> {
        self.norm(m, w, &format!("{src}/self_attention/layer_norm"), &format!("{dst}.attn_ln"), state)?;
        self.split(
            m,
            w,
            &format!("{src}/self_attention/linear_0"),
            &[&format!("{dst}.attn.query"), &format!("{dst}.attn.key"), &format!("{dst}.attn.value")],
            state,
        )?;
        self.linear(m, w, &format!("{src}/self_attention/linear_1"), &format!("{dst}.attn.out"), state, state)
    }

    /// The feed-forward block: `state → 4 × state → state`, as whisper.cpp
    /// expects.
    fn ffn<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>, src: &str, dst: &str, state: usize) -> Result<(), PlanError> {
        self.norm(m, w, &format!("{src}/ffn/layer_norm"), &format!("{dst}.mlp_ln"), state)?;
        self.linear(m, w, &format!("{src}/ffn/linear_0"), &format!("{dst}.mlp.0"), 4 * state, state)?;
        self.linear(m, w, &format!("{src}/ffn/linear_1"), &format!("{dst}.mlp.2"), state, 4 * state)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `model.bin` string: length (with the NUL) then the bytes and a NUL.
    fn string(s: &str) -> Vec<u8> {
        let mut v = ((s.len() + 1) as u16).to_le_bytes().to_vec();
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        v
    }

    /// A tiny but complete CTranslate2 Whisper model (f16 variables): width
    /// `state`, 2 heads, one layer each side, 4 mel bands, `vocab` tokens.
    pub(crate) fn tiny_ct2(state: usize, vocab: usize) -> Vec<u8> {
        let (s, mels, ctx) = (state, 4, 4);
        let mut vars: Vec<(String, Vec<usize>)> = vec![
            ("encoder/conv1/weight".into(), vec![s, mels, 3]),
            ("encoder/conv1/bias".into(), vec![s]),
            ("encoder/conv2/weight".into(), vec![s, s, 3]),
            ("encoder/conv2/bias".into(), vec![s]),
            ("encoder/position_encodings/encodings".into(), vec![ctx, s]),
            ("decoder/embeddings/weight".into(), vec![vocab, s]),
            ("decoder/position_encodings/encodings".into(), vec![ctx, s]),
        ];
        let norm = |vars: &mut Vec<(String, Vec<usize>)>, p: &str| {
            vars.push((format!("{p}/gamma"), vec![s]));
            vars.push((format!("{p}/beta"), vec![s]));
        };
        let linear = |vars: &mut Vec<(String, Vec<usize>)>, p: &str, o: usize, i: usize| {
            vars.push((format!("{p}/weight"), vec![o, i]));
            vars.push((format!("{p}/bias"), vec![o]));
        };
        for side in ["encoder", "decoder"] {
            let l = format!("{side}/layer_0");
            norm(&mut vars, &format!("{l}/self_attention/layer_norm"));
            linear(&mut vars, &format!("{l}/self_attention/linear_0"), 3 * s, s);
            linear(&mut vars, &format!("{l}/self_attention/linear_1"), s, s);
            if side == "decoder" {
                norm(&mut vars, &format!("{l}/attention/layer_norm"));
                linear(&mut vars, &format!("{l}/attention/linear_0"), s, s);
                linear(&mut vars, &format!("{l}/attention/linear_1"), 2 * s, s);
                linear(&mut vars, &format!("{l}/attention/linear_2"), s, s);
            }
            norm(&mut vars, &format!("{l}/ffn/layer_norm"));
            linear(&mut vars, &format!("{l}/ffn/linear_0"), 4 * s, s);
            linear(&mut vars, &format!("{l}/ffn/linear_1"), s, 4 * s);
            norm(&mut vars, &format!("{side}/layer_norm"));
        }
        let mut b = 6u32.to_le_bytes().to_vec();
        b.extend(string("WhisperSpec"));
        b.extend(3u32.to_le_bytes());
        b.extend(((vars.len() + 2) as u32).to_le_bytes());
        for (k, (name, dims)) in vars.iter().enumerate() {
            b.extend(string(name));
            b.push(dims.len() as u8);
            for d in dims {
                b.extend((*d as u32).to_le_bytes());
            }
            b.push(4); // f16
            let n: usize = dims.iter().product();
            b.extend(((n * 2) as u32).to_le_bytes());
            for i in 0..n {
                b.extend(half::f16::from_f32(((i + k) % 7) as f32 / 10.0 - 0.3).to_le_bytes());
            }
        }
        for name in ["encoder/num_heads", "decoder/num_heads"] {
            b.extend(string(name));
            b.push(0);
            b.push(2); // i16
            b.extend(2u32.to_le_bytes());
            b.extend(2i16.to_le_bytes());
        }
        b.extend(0u32.to_le_bytes());
        b
    }

    pub(crate) fn tokens(n: usize) -> Vec<String> {
        let mut t: Vec<String> = (0..n - 2).map(|i| format!("t{i}")).collect();
        t.push("<|endoftext|>".into());
        t.push("<|startoftranscript|>".into());
        t
    }

    fn convert(bytes: &[u8], n_tokens: usize, weights: Weights) -> Result<(Vec<u8>, HParams), ConvertError> {
        let model = ct2::parse(bytes, bytes.len() as u64).unwrap();
        convert_model(&model, &tokens(n_tokens), weights, Vec::new())
    }

    #[test]
    fn a_tiny_model_converts_in_memory() {
        let (out, h) = convert(&tiny_ct2(32, 10), 10, Weights::Q8_0).unwrap();
        assert_eq!((h.n_vocab, h.n_audio_state, h.n_audio_head, h.n_mels, h.n_text_layer), (10, 32, 2, 4, 1));
        // The checker reads every tensor and stops only at the vocabulary
        // size, which is too small for whisper.cpp.
        let e = crate::ggml::check_reader(std::io::Cursor::new(&out), out.len() as u64).unwrap_err();
        assert!(e.to_string().contains("n_vocab is 10"), "{e}");
    }

    #[test]
    fn crafted_shapes_are_refused_instead_of_panicking() {
        // A fused projection of rank 1: the old code indexed dims[1].
        let model = tiny_ct2(32, 10);
        let mut m = ct2::parse(&model[..], model.len() as u64).unwrap();
        let v = m.variables.get_mut("encoder/layer_0/self_attention/linear_0/weight").unwrap();
        v.dims = vec![v.data.len() / 2];
        let e = convert_model(&m, &tokens(10), Weights::F16, Vec::new()).unwrap_err();
        assert!(e.to_string().contains("has dimensions [3072]; a Whisper model with these hyper-parameters needs [96, 32]"), "{e}");
        // A bias of rank 0: the old code indexed b.dims[0].
        let mut m = ct2::parse(&model[..], model.len() as u64).unwrap();
        let v = m.variables.get_mut("encoder/conv1/bias").unwrap();
        v.dims.clear();
        v.data.truncate(2);
        assert!(matches!(convert_model(&m, &tokens(10), Weights::F16, Vec::new()), Err(ConvertError::Shape(ModelShape::Dims { .. }))));
        // Heads that do not divide the width, and a negative head count.
        let mut m = ct2::parse(&model[..], model.len() as u64).unwrap();
        m.variables.get_mut("encoder/num_heads").unwrap().data = 3i16.to_le_bytes().to_vec();
        let e = convert_model(&m, &tokens(10), Weights::F16, Vec::new()).unwrap_err();
        assert_eq!(e.to_string(), "the encoder width (32) is not divisible by its 3 attention heads");
        m.variables.get_mut("encoder/num_heads").unwrap().data = (-2i16).to_le_bytes().to_vec();
        let e = convert_model(&m, &tokens(10), Weights::F16, Vec::new()).unwrap_err();
        assert!(e.to_string().contains("the number of encoder heads is -2"), "{e}");
        // A width q8_0 cannot store is refused before writing, and f16 works.
        let e = convert(&tiny_ct2(8, 10), 10, Weights::Q8_0).unwrap_err();
        assert!(matches!(e, ConvertError::Shape(ModelShape::Q8Rows { state: 8, .. })), "{e}");
        assert!(convert(&tiny_ct2(8, 10), 10, Weights::F16).is_ok());
        // A vocabulary that does not match.
        assert!(matches!(convert(&tiny_ct2(8, 10), 12, Weights::F16), Err(ConvertError::Shape(ModelShape::Vocabulary { found: 12, expected: 10 }))));
    }

    #[test]
    fn a_folder_whose_conversion_would_not_load_is_refused_and_nothing_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("model.bin"), tiny_ct2(32, 10)).unwrap();
        std::fs::write(dir.path().join("vocabulary.txt"), tokens(10).join("\n")).unwrap();
        let out = dir.path().join("out.bin");
        let e = convert_folder(dir.path(), &out).unwrap_err().to_string();
        assert!(e.contains("would not load in whisper.cpp") && e.contains("n_vocab is 10"), "{e}");
        assert!(!out.exists() && !out.with_extension("bin.partial").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_as_vocabulary_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("model.bin"), tiny_ct2(32, 10)).unwrap();
        let fifo = dir.path().join("vocabulary.json");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        // is_file() is false for a FIFO, so the folder has no vocabulary.
        let e = convert_folder(dir.path(), &dir.path().join("out.bin")).unwrap_err().to_string();
        assert!(e.contains("no vocabulary"), "{e}");
    }

    /// The fuzz seeds this crate generates are the ones in `fuzz/seeds/`, so
    /// the fuzzers start from models that convert and load today. With
    /// `STARLING_WRITE_SEEDS=1` the test writes them instead of comparing:
    /// `STARLING_WRITE_SEEDS=1 cargo test -p starling-transcribe fuzz_seeds`.
    #[test]
    fn fuzz_seeds_are_the_generated_models() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
        let seeds = [
            ("ct2_convert/tiny-w32.bin", tiny_ct2(32, 10)),
            ("ct2_convert/tiny-w8.bin", tiny_ct2(8, 10)),
            ("ggml_load/tiny-q4_0.bin", crate::testmodel::tiny_test_model()),
        ];
        let write = std::env::var_os("STARLING_WRITE_SEEDS").is_some();
        for (name, bytes) in seeds {
            let path = root.join(name);
            if write {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &bytes).unwrap();
            }
            let on_disk = std::fs::read(&path).unwrap_or_default();
            assert!(on_disk == bytes, "{} is stale; regenerate it with STARLING_WRITE_SEEDS=1", path.display());
        }
    }
}
