//! A small BERT encoder forward pass written with candle-nn: the embeddings,
//! the encoder layers (self-attention with a padding mask, then a GELU feed
//! forward, each followed by a residual LayerNorm), and sentence-transformers'
//! pooling (mean over real tokens, then L2 normalisation).
//!
//! Tensor names are those of a Hugging Face `BertModel` checkpoint without a
//! `bert.` prefix, as in all-MiniLM-L6-v2's `model.safetensors`.

use candle_core::{Module, Result, Tensor, D};
use candle_nn::{embedding, layer_norm, linear, Embedding, LayerNorm, Linear, VarBuilder};

use crate::config::BertConfig;

/// Added to attention scores at padding positions, so softmax gives them 0.
const MASKED: f64 = -1e9;

pub(crate) struct Bert {
    words: Embedding,
    positions: Embedding,
    token_types: Embedding,
    norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

impl Bert {
    pub fn load(vb: VarBuilder, c: &BertConfig) -> Result<Self> {
        let (h, eps) = (c.hidden_size, c.layer_norm_eps);
        let e = vb.pp("embeddings");
        let layers = (0..c.num_hidden_layers)
            .map(|i| {
                let l = vb.pp(format!("encoder.layer.{i}"));
                Ok(Layer {
                    query: linear(h, h, l.pp("attention.self.query"))?,
                    key: linear(h, h, l.pp("attention.self.key"))?,
                    value: linear(h, h, l.pp("attention.self.value"))?,
                    attention_out: linear(h, h, l.pp("attention.output.dense"))?,
                    attention_norm: layer_norm(h, eps, l.pp("attention.output.LayerNorm"))?,
                    intermediate: linear(h, c.intermediate_size, l.pp("intermediate.dense"))?,
                    output: linear(c.intermediate_size, h, l.pp("output.dense"))?,
                    output_norm: layer_norm(h, eps, l.pp("output.LayerNorm"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Bert {
            words: embedding(c.vocab_size, h, e.pp("word_embeddings"))?,
            positions: embedding(c.max_position_embeddings, h, e.pp("position_embeddings"))?,
            token_types: embedding(c.type_vocab_size, h, e.pp("token_type_embeddings"))?,
            norm: layer_norm(h, eps, e.pp("LayerNorm"))?,
            layers,
            heads: c.num_attention_heads,
        })
    }

    /// Sentence embeddings for a padded batch: `ids` is `(batch, len)` u32,
    /// `mask` is `(batch, len)` f32 with 1 for real tokens and 0 for padding.
    /// Returns `(batch, hidden)`, each row of unit length.
    pub fn embed(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let hidden = self.encode(ids, mask)?;
        mean_pool_normalised(&hidden, mask)
    }

    /// The last hidden states, `(batch, len, hidden)`.
    fn encode(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (batch, len) = ids.dims2()?;
        // Every token is of type 0 (single sentences), at positions 0..len.
        let position = self.positions.embeddings().narrow(0, 0, len)?;
        let token_type = self.token_types.embeddings().get(0)?;
        let x = self.words.forward(ids)?.broadcast_add(&position)?.broadcast_add(&token_type)?;
        let mut x = self.norm.forward(&x)?;
        // 0 where a key is a real token, MASKED where it is padding.
        let bias = mask.affine(-MASKED, MASKED)?.reshape((batch, 1, 1, len))?;
        for layer in &self.layers {
            x = layer.forward(&x, &bias, self.heads)?;
        }
        Ok(x)
    }
}

impl Layer {
    fn forward(&self, x: &Tensor, bias: &Tensor, heads: usize) -> Result<Tensor> {
        let (batch, len, hidden) = x.dims3()?;
        let head_dim = hidden / heads;
        let split = |t: Tensor| t.reshape((batch, len, heads, head_dim))?.transpose(1, 2)?.contiguous();
        let q = split(self.query.forward(x)?)?;
        let k = split(self.key.forward(x)?)?;
        let v = split(self.value.forward(x)?)?;
        let scores = (q.matmul(&k.t()?)? * (1.0 / (head_dim as f64).sqrt()))?.broadcast_add(bias)?;
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = probs.matmul(&v)?.transpose(1, 2)?.contiguous()?.reshape((batch, len, hidden))?;
        let x = self.attention_norm.forward(&(self.attention_out.forward(&context)? + x)?)?;
        let inner = self.intermediate.forward(&x)?.gelu_erf()?;
        self.output_norm.forward(&(self.output.forward(&inner)? + x)?)
    }
}

/// sentence-transformers' pooling for this model: the mean of the hidden
/// states of the real tokens, scaled to unit length.
fn mean_pool_normalised(hidden: &Tensor, mask: &Tensor) -> Result<Tensor> {
    let summed = hidden.broadcast_mul(&mask.unsqueeze(D::Minus1)?)?.sum(1)?;
    let counts = mask.sum_keepdim(1)?.maximum(1e-9)?;
    let mean = summed.broadcast_div(&counts)?;
    let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.maximum(1e-12)?;
    mean.broadcast_div(&norms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn pooling_ignores_padding_and_normalises() {
        let dev = Device::Cpu;
        // Two sentences of 3 positions, width 2; the second has one pad
        // position whose (huge) hidden state must not count.
        let hidden = Tensor::from_vec(vec![1f32, 0., 3., 0., 2., 0., 0., 1., 0., 3., 100., 100.], (2, 3, 2), &dev).unwrap();
        let mask = Tensor::from_vec(vec![1f32, 1., 1., 1., 1., 0.], (2, 3), &dev).unwrap();
        let out = mean_pool_normalised(&hidden, &mask).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(out, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
    }
}
