//! Whether a parsed CTranslate2 model has the shape of Whisper: every
//! hyper-parameter within bounds and every variable of the dimensions they
//! imply, checked before anything is allocated or indexed. The result is the
//! [`Plan`] that `write.rs` follows.

use crate::ct2::{Ct2Model, Variable};
use crate::ggml::{HParams, TensorType};

use super::{MAX_LAYERS, MAX_MELS};

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

/// A model whose shape is checked: its hyper-parameters, and the sizes the
/// writer needs.
pub(super) struct Plan {
    pub(super) h: HParams,
    /// The type of the matrix weights.
    pub(super) wtype: TensorType,
    pub(super) n_mels: usize,
    pub(super) audio_state: usize,
    pub(super) text_state: usize,
}

fn var<'m>(m: &'m Ct2Model, name: &str) -> Result<&'m Variable, ModelShape> {
    m.get(name).ok_or_else(|| ModelShape::Missing(name.to_string()))
}

/// The variable `name` as floats, if it has exactly the dimensions `dims`.
pub(super) fn shaped(m: &Ct2Model, name: &str, dims: &[usize]) -> Result<Vec<f32>, ModelShape> {
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
    pub(super) fn new(m: &Ct2Model, vocab_len: usize, wtype: TensorType) -> Result<Plan, ModelShape> {
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
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{convert, tiny_ct2, tokens};
    use super::super::{convert_model, ConvertError, Weights};
    use super::*;
    use crate::ct2;

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
}
