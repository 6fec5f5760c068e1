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
//!
//! - `shape.rs`: the checks that a parsed model has Whisper's shape, and the
//!   hyper-parameters read from it ([`ModelShape`] says what is wrong).
//! - `write.rs`: writing the checked model's tensors as whisper.cpp names
//!   and lays them out.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::ct2::{self, Ct2Model};
use crate::error::TranscribeError;
use crate::ggml::{GgmlWriter, HParams, TensorType};
use crate::{mel, vocab};

#[cfg(test)]
pub(crate) mod fixtures;
mod shape;
mod write;

pub use shape::ModelShape;

use shape::Plan;
use write::PlanError;

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

#[cfg(test)]
mod tests {
    use super::fixtures::{tiny_ct2, tokens};
    use super::*;

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
