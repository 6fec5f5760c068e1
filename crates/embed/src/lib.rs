//! `starling-embed`: sentence embeddings with all-MiniLM-L6-v2, computed on
//! the CPU in pure Rust (candle for the tensors, `tokenizers` for WordPiece),
//! with nothing fetched at run time.
//!
//! It owns loading the model from a folder that holds the model's
//! `model.safetensors`, `tokenizer.json` and `config.json` ([`Embedder::load`]),
//! turning sentences into 384-wide unit vectors exactly as sentence-transformers
//! does for this model ([`Embedder::embed`]: inputs cut at [`MAX_TOKENS`]
//! tokens, batches padded with an attention mask, mean pooling over the real
//! tokens, L2 normalisation), and comparing them ([`cosine`]). What the vectors
//! are used for — features for the STAR labeller, or whether an answer covers
//! a key point in other words — belongs to the callers.
//!
//! The forward pass runs on candle's CPU thread pools, one thread per core
//! by default; the environment variables `RAYON_NUM_THREADS` and
//! `CANDLE_NUM_THREADS`, read when the first sentence is embedded, change
//! that. Its worker threads spin while they wait, so on a small machine busy
//! with other work one thread can be the faster choice: `benches/embed.rs`
//! measures both.
//!
//! ```no_run
//! # fn main() -> Result<(), starling_embed::EmbedError> {
//! use starling_embed::{cosine, Embedder};
//!
//! let model = Embedder::load(std::path::Path::new("/path/to/all-MiniLM-L6-v2"))?;
//! let e = model.embed(&["I reduced the page load time.", "After my changes the web pages opened much faster."])?;
//! println!("similarity {:.2}", cosine(&e[0], &e[1])); // about 0.73; unrelated sentences score near 0
//! # Ok(())
//! # }
//! ```

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use tokenizers::{Tokenizer, TruncationParams};

mod bert;
mod config;
mod error;

pub use error::EmbedError;

use bert::Bert;
use config::BertConfig;

/// The width of an embedding.
pub const DIM: usize = 384;

/// The most tokens of a sentence that count (sentence-transformers'
/// `max_seq_length` for this model, `[CLS]` and `[SEP]` included); the rest
/// is ignored.
pub const MAX_TOKENS: usize = 256;

/// A sentence embedding: unit length, so [`cosine`] of two is their dot product.
pub type Embedding = [f32; DIM];

/// Sentences embedded in one forward pass; longer lists are split, after
/// sorting by length so that little padding is computed.
const BATCH: usize = 16;

/// Size limits for the model files (the real ones: 91 MB, 466 KB).
const WEIGHTS_LIMIT: u64 = 512 << 20;
const TOKENIZER_LIMIT: u64 = 64 << 20;

const WEIGHTS: &str = "model.safetensors";
const TOKENIZER: &str = "tokenizer.json";
const CONFIG: &str = "config.json";

/// all-MiniLM-L6-v2, loaded and ready to embed sentences. It is `Send` and
/// `Sync`: one can serve several threads.
pub struct Embedder {
    tokenizer: Tokenizer,
    bert: Bert,
    device: Device,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("dim", &DIM).field("max_tokens", &MAX_TOKENS).finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads the model from `dir`, which must hold `model.safetensors`,
    /// `tokenizer.json` and `config.json` of all-MiniLM-L6-v2. The
    /// configuration is checked against the shape the code is written for
    /// (384 wide, 6 layers, 12 heads), and every weight must be present with
    /// the right shape.
    pub fn load(dir: &Path) -> Result<Embedder, EmbedError> {
        if !dir.is_dir() {
            return Err(EmbedError::NotAFolder { dir: dir.to_path_buf() });
        }
        for file in [WEIGHTS, TOKENIZER, CONFIG] {
            if !dir.join(file).exists() {
                return Err(EmbedError::MissingFile { dir: dir.to_path_buf(), file });
            }
        }
        let config = BertConfig::load(&dir.join(CONFIG))?;
        let tokenizer = load_tokenizer(&dir.join(TOKENIZER), &config)?;
        let device = Device::Cpu;
        let path = dir.join(WEIGHTS);
        let bytes = starling_files::read_limited(&path, WEIGHTS_LIMIT).map_err(|source| EmbedError::Unreadable { what: "weights (model.safetensors)", source })?;
        let bad = |e: candle_core::Error| EmbedError::BadWeights { path: path.clone(), reason: e.to_string() };
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &device).map_err(bad)?;
        let bert = Bert::load(vb, &config).map_err(bad)?;
        Ok(Embedder { tokenizer, bert, device })
    }

    /// Embeds each sentence, in order. Sentences are cut at [`MAX_TOKENS`]
    /// tokens; an empty list gives an empty list.
    pub fn embed(&self, sentences: &[&str]) -> Result<Vec<Embedding>, EmbedError> {
        let tokens = sentences.iter().map(|s| self.tokens(s)).collect::<Result<Vec<_>, _>>()?;
        let mut order: Vec<usize> = (0..tokens.len()).collect();
        order.sort_by_key(|&i| tokens[i].len());
        let mut out = vec![[0.0; DIM]; tokens.len()];
        for chunk in order.chunks(BATCH) {
            let rows = self.embed_batch(chunk.iter().map(|&i| tokens[i].as_slice()).collect())?;
            for (&i, row) in chunk.iter().zip(rows) {
                out[i] = row;
            }
        }
        Ok(out)
    }

    /// How many tokens the model sees for `sentence`: `[CLS]` and `[SEP]`
    /// included, at most [`MAX_TOKENS`] (a sentence that reaches it may have
    /// been cut).
    pub fn token_count(&self, sentence: &str) -> Result<usize, EmbedError> {
        Ok(self.tokens(sentence)?.len())
    }

    /// The token ids of one sentence, `[CLS]` and `[SEP]` included, at most
    /// [`MAX_TOKENS`] of them.
    fn tokens(&self, sentence: &str) -> Result<Vec<u32>, EmbedError> {
        let encoding = self.tokenizer.encode_fast(sentence, true).map_err(|e| EmbedError::Tokenize { reason: e.to_string() })?;
        Ok(encoding.get_ids().to_vec())
    }

    /// One forward pass over sentences padded to the longest of them.
    fn embed_batch(&self, batch: Vec<&[u32]>) -> Result<Vec<Embedding>, EmbedError> {
        let len = batch.iter().map(|t| t.len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0u32; batch.len() * len];
        let mut mask = vec![0f32; batch.len() * len];
        for (row, tokens) in batch.iter().enumerate() {
            ids[row * len..][..tokens.len()].copy_from_slice(tokens);
            mask[row * len..][..tokens.len()].fill(1.0);
        }
        let rows = self
            .device
            .with_context(|| {
                let ids = Tensor::from_vec(ids, (batch.len(), len), &self.device)?;
                let mask = Tensor::from_vec(mask, (batch.len(), len), &self.device)?;
                self.bert.embed(&ids, &mask)?.to_vec2::<f32>()
            })
            .map_err(EmbedError::compute)?;
        rows.into_iter()
            .map(|row| Embedding::try_from(row.as_slice()).map_err(|_| EmbedError::Compute { reason: format!("an embedding came out {} wide instead of {DIM}", row.len()) }))
            .collect()
    }
}

/// Reads `tokenizer.json` and sets it up as sentence-transformers does for
/// this model: cut at [`MAX_TOKENS`], no padding (the file itself asks for
/// both at 128, which sentence-transformers overrides).
fn load_tokenizer(path: &Path, config: &BertConfig) -> Result<Tokenizer, EmbedError> {
    let bad = |reason: String| EmbedError::BadTokenizer { path: path.to_path_buf(), reason };
    let bytes = starling_files::read_limited(path, TOKENIZER_LIMIT).map_err(|source| EmbedError::Unreadable { what: "tokenizer (tokenizer.json)", source })?;
    let mut tokenizer = Tokenizer::from_bytes(&bytes).map_err(|e| bad(e.to_string()))?;
    tokenizer.with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..TruncationParams::default() })).map_err(|e| bad(e.to_string()))?;
    tokenizer.with_padding(None);
    let vocab = tokenizer.get_vocab_size(true);
    if vocab > config.vocab_size {
        return Err(bad(format!("it has {vocab} tokens but the model knows only {}", config.vocab_size)));
    }
    Ok(tokenizer)
}

/// The cosine similarity of two embeddings, from -1 to 1 (0 if either is all
/// zeros). For [`Embedder::embed`]'s unit vectors it is their dot product.
pub fn cosine(a: &Embedding, b: &Embedding) -> f32 {
    let (mut dot, mut aa, mut bb) = (0f32, 0f32, 0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    let norms = (aa * bb).sqrt();
    if norms == 0.0 {
        0.0
    } else {
        (dot / norms).clamp(-1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_simple_vectors() {
        let mut a = [0f32; DIM];
        let mut b = [0f32; DIM];
        a[0] = 2.0;
        b[0] = 1.0;
        assert!((cosine(&a, &b) - 1.0).abs() < 1e-6);
        b[1] = 1.0;
        assert!((cosine(&a, &b) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        b[0] = -1.0;
        b[1] = 0.0;
        assert!((cosine(&a, &b) + 1.0).abs() < 1e-6);
        assert_eq!(cosine(&a, &[0.0; DIM]), 0.0);
    }

    #[test]
    fn embedder_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Embedder>();
    }

    #[test]
    fn load_names_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let e = Embedder::load(&dir.path().join("nope")).unwrap_err();
        assert!(matches!(e, EmbedError::NotAFolder { .. }), "{e}");
        std::fs::write(dir.path().join(CONFIG), "{}").unwrap();
        std::fs::write(dir.path().join(TOKENIZER), "{}").unwrap();
        let e = Embedder::load(dir.path()).unwrap_err();
        assert!(matches!(e, EmbedError::MissingFile { file: "model.safetensors", .. }), "{e}");
        assert!(e.to_string().contains("has no model.safetensors"), "{e}");
    }

    #[test]
    fn load_refuses_a_tokenizer_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        let config = r#"{"hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,"intermediate_size":1536,"max_position_embeddings":512,"vocab_size":30522}"#;
        std::fs::write(dir.path().join(CONFIG), config).unwrap();
        std::fs::write(dir.path().join(TOKENIZER), "{}").unwrap();
        std::fs::write(dir.path().join(WEIGHTS), "").unwrap();
        let e = Embedder::load(dir.path()).unwrap_err();
        assert!(matches!(e, EmbedError::BadTokenizer { .. }), "{e}");
        assert!(e.to_string().contains("use the tokenizer.json that came with all-MiniLM-L6-v2"), "{e}");
    }

    #[test]
    fn load_refuses_a_folder_where_a_file_should_be() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(CONFIG)).unwrap();
        std::fs::write(dir.path().join(TOKENIZER), "{}").unwrap();
        std::fs::write(dir.path().join(WEIGHTS), "").unwrap();
        let e = Embedder::load(dir.path()).unwrap_err();
        assert!(matches!(e, EmbedError::Unreadable { .. }), "{e}");
        assert!(e.to_string().contains("is a folder, not a regular file"), "{e}");
    }
}
