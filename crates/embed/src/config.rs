//! Reading `config.json` and checking that it describes the model the code
//! is written for: a 6-layer, 384-wide BERT (all-MiniLM-L6-v2).

use std::path::Path;

use serde::Deserialize;

use crate::error::EmbedError;
use crate::{DIM, MAX_TOKENS};

/// The largest `config.json` accepted (the real one is under 1 KB).
const CONFIG_LIMIT: u64 = 1 << 20;

/// The fields of a Hugging Face BERT `config.json` that the forward pass uses.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct BertConfig {
    #[serde(default)]
    pub model_type: Option<String>,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    pub vocab_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
}

fn default_act() -> String {
    "gelu".into()
}

fn default_eps() -> f64 {
    1e-12
}

fn default_type_vocab() -> usize {
    2
}

/// What all-MiniLM-L6-v2 has, and so what the code expects.
const LAYERS: usize = 6;
const HEADS: usize = 12;
const INTERMEDIATE: usize = 1536;

impl BertConfig {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Self, EmbedError> {
        let bytes = starling_files::read_limited(path, CONFIG_LIMIT).map_err(|source| EmbedError::Unreadable { what: "configuration (config.json)", source })?;
        let config: BertConfig = serde_json::from_slice(&bytes).map_err(|e| EmbedError::BadConfig { path: path.to_path_buf(), reason: e.to_string() })?;
        config.check(path)?;
        Ok(config)
    }

    fn check(&self, path: &Path) -> Result<(), EmbedError> {
        let wrong = |field: &'static str, found: String, expected: String| Err(EmbedError::WrongModel { path: path.to_path_buf(), field, found, expected });
        if let Some(t) = &self.model_type {
            if t != "bert" {
                return wrong("model_type", format!("\"{t}\""), "\"bert\"".into());
            }
        }
        if self.hidden_size != DIM {
            return wrong("hidden_size", self.hidden_size.to_string(), DIM.to_string());
        }
        if self.num_hidden_layers != LAYERS {
            return wrong("num_hidden_layers", self.num_hidden_layers.to_string(), LAYERS.to_string());
        }
        if self.num_attention_heads != HEADS {
            return wrong("num_attention_heads", self.num_attention_heads.to_string(), HEADS.to_string());
        }
        if self.intermediate_size != INTERMEDIATE {
            return wrong("intermediate_size", self.intermediate_size.to_string(), INTERMEDIATE.to_string());
        }
        if self.hidden_act != "gelu" {
            return wrong("hidden_act", format!("\"{}\"", self.hidden_act), "\"gelu\"".into());
        }
        if self.max_position_embeddings < MAX_TOKENS {
            return wrong("max_position_embeddings", self.max_position_embeddings.to_string(), format!("at least {MAX_TOKENS}"));
        }
        if self.type_vocab_size == 0 {
            return wrong("type_vocab_size", "0".into(), "at least 1".into());
        }
        if !(self.layer_norm_eps > 0.0 && self.layer_norm_eps < 1e-3) {
            return wrong("layer_norm_eps", self.layer_norm_eps.to_string(), "1e-12".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINILM: &str = r#"{"model_type":"bert","hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,
        "intermediate_size":1536,"max_position_embeddings":512,"vocab_size":30522,"hidden_act":"gelu","layer_norm_eps":1e-12,"type_vocab_size":2}"#;

    fn load(text: &str) -> Result<BertConfig, EmbedError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, text).unwrap();
        BertConfig::load(&path)
    }

    #[test]
    fn accepts_minilm() {
        let c = load(MINILM).unwrap();
        assert_eq!((c.hidden_size, c.num_hidden_layers, c.vocab_size), (384, 6, 30522));
    }

    #[test]
    fn names_the_wrong_field() {
        let e = load(&MINILM.replace("\"num_hidden_layers\":6", "\"num_hidden_layers\":12")).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, EmbedError::WrongModel { field: "num_hidden_layers", .. }), "{text}");
        assert!(text.contains("num_hidden_layers is 12") && text.contains("is 6"), "{text}");
        let e = load(&MINILM.replace("\"hidden_size\":384", "\"hidden_size\":768")).unwrap_err();
        assert!(matches!(e, EmbedError::WrongModel { field: "hidden_size", .. }), "{e}");
    }

    #[test]
    fn refuses_what_is_not_a_config() {
        let e = load("not json").unwrap_err();
        assert!(matches!(e, EmbedError::BadConfig { .. }), "{e}");
        let e = load(r#"{"hidden_size":384}"#).unwrap_err();
        assert!(e.to_string().contains("missing field"), "{e}");
    }
}
