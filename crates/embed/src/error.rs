//! What can go wrong when loading the model or embedding sentences, each
//! phrased as a sentence that says what to do about it.

use std::path::PathBuf;

/// Why the embedder could not be loaded or could not embed.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("{dir} is not a folder; the embedding model should be a folder holding model.safetensors, tokenizer.json and config.json from all-MiniLM-L6-v2")]
    NotAFolder { dir: PathBuf },

    #[error("the embedding model folder {dir} has no {file}; it should hold model.safetensors, tokenizer.json and config.json from all-MiniLM-L6-v2")]
    MissingFile { dir: PathBuf, file: &'static str },

    #[error("the embedding model's {what} could not be read: {source}")]
    Unreadable {
        what: &'static str,
        #[source]
        source: starling_files::FileError,
    },

    #[error("{path} is not a model configuration Starling can read ({reason}); use the config.json that came with all-MiniLM-L6-v2")]
    BadConfig { path: PathBuf, reason: String },

    #[error("{path} describes a model whose {field} is {found}, but Starling's embedder is written for all-MiniLM-L6-v2, whose {field} is {expected}; point it at that model's folder")]
    WrongModel { path: PathBuf, field: &'static str, found: String, expected: String },

    #[error("{path} could not be loaded as a tokenizer ({reason}); use the tokenizer.json that came with all-MiniLM-L6-v2")]
    BadTokenizer { path: PathBuf, reason: String },

    #[error("{path} does not hold the all-MiniLM-L6-v2 weights Starling expects ({reason}); fetch the model files again")]
    BadWeights { path: PathBuf, reason: String },

    #[error("a sentence could not be split into tokens ({reason}); try removing unusual characters from it")]
    Tokenize { reason: String },

    #[error("computing the sentence embeddings failed ({reason}); this is a bug in Starling, please report it")]
    Compute { reason: String },
}

impl EmbedError {
    pub(crate) fn compute(e: candle_core::Error) -> Self {
        EmbedError::Compute { reason: e.to_string() }
    }
}
