//! Writing a checked model ([`Plan`]) as whisper.cpp's tensors: each
//! variable renamed, the fused projections split, and each tensor stored in
//! the type whisper.cpp expects for it.

use crate::ct2::Ct2Model;
use crate::ggml::{GgmlWriter, TensorType};

use super::shape::{shaped, ModelShape, Plan};

/// What stops a conversion once the files are read.
#[derive(Debug, thiserror::Error)]
pub(super) enum PlanError {
    #[error(transparent)]
    Io(std::io::Error),
    #[error("{0}")]
    Model(#[from] ModelShape),
}

impl From<std::io::Error> for PlanError {
    fn from(e: std::io::Error) -> Self {
        PlanError::Io(e)
    }
}

impl Plan {
    pub(super) fn write_tensors<W: std::io::Write>(&self, m: &Ct2Model, w: &mut GgmlWriter<W>) -> Result<(), PlanError> {
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
mod tests {
    use super::super::fixtures::{convert, tiny_ct2};
    use super::super::Weights;

    #[test]
    fn a_tiny_model_converts_in_memory() {
        let (out, h) = convert(&tiny_ct2(32, 10), 10, Weights::Q8_0).unwrap();
        assert_eq!((h.n_vocab, h.n_audio_state, h.n_audio_head, h.n_mels, h.n_text_layer), (10, 32, 2, 4, 1));
        // The checker reads every tensor and stops only at the vocabulary
        // size, which is too small for whisper.cpp.
        let e = crate::ggml::check_reader(std::io::Cursor::new(&out), out.len() as u64).unwrap_err();
        assert!(e.to_string().contains("n_vocab is 10"), "{e}");
    }
}
