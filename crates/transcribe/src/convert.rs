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

/// Converts the model folder `dir` into the ggml file `out` (written to a
/// temporary name first and moved into place only when complete).
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
    let vocab_text = std::fs::read_to_string(&vocab_path).map_err(|source| TranscribeError::Read { path: vocab_path.clone(), source })?;
    let tokens = vocab::parse(&vocab_text, json).map_err(|e| bad(format!("vocabulary.json is not a list of tokens: {e}")))?;
    let model = ct2::read(&dir.join("model.bin"))?;
    if model.spec != "WhisperSpec" {
        return Err(bad(format!("it holds a {} model, not Whisper", model.spec)));
    }
    let wtype = match weights {
        Weights::Q8_0 => TensorType::Q8_0,
        Weights::F16 => TensorType::F16,
    };
    let plan = Plan::new(&model, tokens.len(), wtype).map_err(|e| bad(e.to_string()))?;

    let table = vocab::unicode_to_byte();
    let eot = tokens.iter().position(|t| t == "<|endoftext|>").ok_or_else(|| bad("the vocabulary has no <|endoftext|> token".into()))?;
    let token_bytes: Vec<Vec<u8>> = tokens[..eot].iter().map(|t| vocab::decode(t, &table)).collect();

    let tmp = out.with_extension("bin.partial");
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|source| TranscribeError::Write { path: parent.to_path_buf(), source })?;
    }
    let werr = |source: std::io::Error| TranscribeError::Write { path: tmp.clone(), source };
    let file = std::fs::File::create(&tmp).map_err(werr)?;
    let filters = mel::filters(16_000, 400, plan.h.n_mels as usize);
    let result = (|| -> Result<(), TranscribeError> {
        let mut w = GgmlWriter::new(BufWriter::new(file), &plan.h, &filters, 201, &token_bytes).map_err(werr)?;
        plan.write_tensors(&model, &mut w).map_err(|e| match e {
            PlanError::Io(e) => werr(e),
            PlanError::Model(reason) => bad(reason.to_string()),
        })?;
        let f = w.finish().map_err(werr)?;
        f.into_inner().map_err(|e| werr(e.into_error()))?.sync_all().map_err(werr)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).map_err(|source| TranscribeError::Write { path: out.to_path_buf(), source })?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    tracing::info!(out = %out.display(), bytes, "converted CTranslate2 model to ggml");
    Ok(Converted { path: out.to_path_buf(), hparams: plan.h, bytes })
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
    #[error("the encoder or decoder has unexpected shapes")]
    Shapes,
    #[error("no encoder or decoder layers were found")]
    NoLayers,
    #[error("the vocabulary has {found} tokens but the model expects {expected}")]
    Vocabulary { found: usize, expected: i32 },
    #[error("{0} cannot be split into {1} parts")]
    Split(String, usize),
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
}

fn var<'m>(m: &'m Ct2Model, name: &str) -> Result<&'m Variable, ModelShape> {
    m.get(name).ok_or_else(|| ModelShape::Missing(name.to_string()))
}

fn floats(v: &Variable, name: &str) -> Result<Vec<f32>, ModelShape> {
    v.to_f32().ok_or_else(|| ModelShape::NotFloats(name.to_string()))
}

fn count_layers(m: &Ct2Model, prefix: &str) -> usize {
    (0..).take_while(|i| m.variables.contains_key(&format!("{prefix}/layer_{i}/ffn/linear_0/weight"))).count()
}

impl Plan {
    fn new(m: &Ct2Model, vocab_len: usize, wtype: TensorType) -> Result<Plan, ModelShape> {
        let conv1 = var(m, "encoder/conv1/weight")?;
        let enc_pos = var(m, "encoder/position_encodings/encodings")?;
        let dec_pos = var(m, "decoder/position_encodings/encodings")?;
        let emb = var(m, "decoder/embeddings/weight")?;
        let head = |n: &str| var(m, n).ok().and_then(|v| v.as_int()).ok_or_else(|| ModelShape::Missing(n.to_string()));
        if conv1.dims.len() != 3 || enc_pos.dims.len() != 2 || dec_pos.dims.len() != 2 || emb.dims.len() != 2 {
            return Err(ModelShape::Shapes);
        }
        let h = HParams {
            n_vocab: emb.dims[0] as i32,
            n_audio_ctx: enc_pos.dims[0] as i32,
            n_audio_state: conv1.dims[0] as i32,
            n_audio_head: head("encoder/num_heads")? as i32,
            n_audio_layer: count_layers(m, "encoder") as i32,
            n_text_ctx: dec_pos.dims[0] as i32,
            n_text_state: emb.dims[1] as i32,
            n_text_head: head("decoder/num_heads")? as i32,
            n_text_layer: count_layers(m, "decoder") as i32,
            n_mels: conv1.dims[1] as i32,
            ftype: wtype.ftype(),
        };
        if h.n_audio_layer == 0 || h.n_text_layer == 0 {
            return Err(ModelShape::NoLayers);
        }
        if vocab_len != h.n_vocab as usize {
            return Err(ModelShape::Vocabulary { found: vocab_len, expected: h.n_vocab });
        }
        Ok(Plan { h, wtype })
    }

    fn write_tensors<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>) -> Result<(), PlanError> {
        let model = PlanError::from;
        // Encoder stem.
        for (src, dst) in [("encoder/conv1", "encoder.conv1"), ("encoder/conv2", "encoder.conv2")] {
            let wv = var(m, &format!("{src}/weight")).map_err(model)?;
            w.tensor(&format!("{dst}.weight"), &wv.dims, TensorType::F16, &floats(wv, src).map_err(model)?)?;
            let b = var(m, &format!("{src}/bias")).map_err(model)?;
            w.tensor(&format!("{dst}.bias"), &[b.dims[0], 1], TensorType::F32, &floats(b, src).map_err(model)?)?;
        }
        let pos = var(m, "encoder/position_encodings/encodings").map_err(model)?;
        w.tensor("encoder.positional_embedding", &pos.dims, TensorType::F32, &floats(pos, "encoder positions").map_err(model)?)?;
        for i in 0..self.h.n_audio_layer {
            let (src, dst) = (format!("encoder/layer_{i}"), format!("encoder.blocks.{i}"));
            self.self_attention(m, w, &src, &dst)?;
            self.ffn(m, w, &src, &dst)?;
        }
        self.norm(m, w, "encoder/layer_norm", "encoder.ln_post")?;
        // Decoder.
        let emb = var(m, "decoder/embeddings/weight").map_err(model)?;
        w.tensor("decoder.token_embedding.weight", &emb.dims, self.wtype, &floats(emb, "embeddings").map_err(model)?)?;
        let pos = var(m, "decoder/position_encodings/encodings").map_err(model)?;
        w.tensor("decoder.positional_embedding", &pos.dims, TensorType::F32, &floats(pos, "decoder positions").map_err(model)?)?;
        for i in 0..self.h.n_text_layer {
            let (src, dst) = (format!("decoder/layer_{i}"), format!("decoder.blocks.{i}"));
            self.self_attention(m, w, &src, &dst)?;
            self.norm(m, w, &format!("{src}/attention/layer_norm"), &format!("{dst}.cross_attn_ln"))?;
            self.linear(m, w, &format!("{src}/attention/linear_0"), &format!("{dst}.cross_attn.query"))?;
            self.split(m, w, &format!("{src}/attention/linear_1"), &[&format!("{dst}.cross_attn.key"), &format!("{dst}.cross_attn.value")])?;
            self.linear(m, w, &format!("{src}/attention/linear_2"), &format!("{dst}.cross_attn.out"))?;
            self.ffn(m, w, &src, &dst)?;
        }
        self.norm(m, w, "decoder/layer_norm", "decoder.ln")?;
        Ok(())
    }

    fn norm<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>, src: &str, dst: &str) -> Result<(), PlanError> {
        for (a, b) in [("gamma", "weight"), ("beta", "bias")] {
            let v = var(m, &format!("{src}/{a}")).map_err(PlanError::from)?;
            w.tensor(&format!("{dst}.{b}"), &v.dims, TensorType::F32, &floats(v, src).map_err(PlanError::from)?)?;
        }
        Ok(())
    }

    /// A plain linear layer: the weight as `wtype`, an f32 bias.
    fn linear<W: std::io::Write>(
        &self,
        m: &Ct2Model,
        w: &mut GgmlWriter<W>,
        src: &str,
        dst: &str,
    ) -> Result<(), PlanError> {
        let wv = var(m, &format!("{src}/weight")).map_err(PlanError::from)?;
        w.tensor(&format!("{dst}.weight"), &wv.dims, self.wtype, &floats(wv, src).map_err(PlanError::from)?)?;
        let b = var(m, &format!("{src}/bias")).map_err(PlanError::from)?;
        w.tensor(&format!("{dst}.bias"), &b.dims, TensorType::F32, &floats(b, src).map_err(PlanError::from)?)?;
        Ok(())
    }

    /// Splits a fused projection into equal row blocks named `parts`; a part
    /// whose name ends in `.key` gets no bias.
    fn split<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>, src: &str, parts: &[&str]) -> Result<(), PlanError> {
        let wv = var(m, &format!("{src}/weight")).map_err(PlanError::from)?;
        let bv = var(m, &format!("{src}/bias")).map_err(PlanError::from)?;
        let weight = floats(wv, src).map_err(PlanError::from)?;
        let bias = floats(bv, src).map_err(PlanError::from)?;
        let (rows, cols) = (wv.dims[0], wv.dims[1]);
        let n = parts.len();
        if rows % n != 0 || bias.len() != rows {
            return Err(ModelShape::Split(src.to_string(), n).into());
        }
        let block = rows / n;
        for (k, name) in parts.iter().enumerate() {
            let ws = &weight[k * block * cols..(k + 1) * block * cols];
            w.tensor(&format!("{name}.weight"), &[block, cols], self.wtype, ws)?;
            if !name.ends_with(".key") {
                w.tensor(&format!("{name}.bias"), &[block], TensorType::F32, &bias[k * block..(k + 1) * block])?;
            }
        }
        Ok(())
    }

    fn self_attention<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>, src: &str, dst: &str) -> Result<(), PlanError> {
        self.norm(m, w, &format!("{src}/self_attention/layer_norm"), &format!("{dst}.attn_ln"))?;
        self.split(
            m,
            w,
            &format!("{src}/self_attention/linear_0"),
            &[&format!("{dst}.attn.query"), &format!("{dst}.attn.key"), &format!("{dst}.attn.value")],
        )?;
        self.linear(m, w, &format!("{src}/self_attention/linear_1"), &format!("{dst}.attn.out"))
    }

    fn ffn<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>, src: &str, dst: &str) -> Result<(), PlanError> {
        self.norm(m, w, &format!("{src}/ffn/layer_norm"), &format!("{dst}.mlp_ln"))?;
        self.linear(m, w, &format!("{src}/ffn/linear_0"), &format!("{dst}.mlp.0"))?;
        self.linear(m, w, &format!("{src}/ffn/linear_1"), &format!("{dst}.mlp.2"))
    }
}
