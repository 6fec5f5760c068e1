//! A tiny but complete ggml Whisper model, generated in code: every tensor
//! whisper.cpp's loader expects, with real names and shapes, but a width of
//! 32 and one layer each side. It transcribes nothing useful; it exists so
//! tests and the `ggml_load` fuzzer can load a valid model through
//! whisper.cpp without downloading one (about 1.2 MB, q4_0 weights).

use crate::ggml::{GgmlWriter, HParams, TensorType, AUDIO_CTX, MIN_VOCAB, N_FFT_BINS};

/// The hyper-parameters of [`tiny_test_model`].
pub const TINY: HParams = HParams {
    n_vocab: MIN_VOCAB,
    n_audio_ctx: AUDIO_CTX,
    n_audio_state: 32,
    n_audio_head: 2,
    n_audio_layer: 1,
    n_text_ctx: 448,
    n_text_state: 32,
    n_text_head: 2,
    n_text_layer: 1,
    n_mels: 80,
    ftype: 2,
};

/// Deterministic small values, so the weights are not all zero.
fn values(n: usize, seed: u32) -> Vec<f32> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((x >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.1
        })
        .collect()
}

/// The bytes of the tiny model (see the module documentation).
pub fn tiny_test_model() -> Vec<u8> {
    let h = TINY;
    let (sa, st) = (h.n_audio_state as usize, h.n_text_state as usize);
    let filters = crate::mel::filters(16_000, 400, h.n_mels as usize);
    let tokens: Vec<Vec<u8>> = (0u8..=255).map(|b| vec![b]).collect();
    let mut seed = 0u32;
    let mut next = || {
        seed += 1;
        seed
    };
    let result = (|| -> std::io::Result<Vec<u8>> {
        let mut w = GgmlWriter::new(Vec::new(), &h, &filters, N_FFT_BINS as usize, &tokens)?;
        let mut t = |name: &str, dims: &[usize], ty: TensorType| -> std::io::Result<()> {
            let n = dims.iter().product();
            w.tensor(name, dims, ty, &values(n, next()))
        };
        let (f32_, f16_, q) = (TensorType::F32, TensorType::F16, TensorType::Q4_0);
        t("encoder.positional_embedding", &[h.n_audio_ctx as usize, sa], f32_)?;
        t("encoder.conv1.weight", &[sa, h.n_mels as usize, 3], f16_)?;
        t("encoder.conv1.bias", &[sa, 1], f32_)?;
        t("encoder.conv2.weight", &[sa, sa, 3], f16_)?;
        t("encoder.conv2.bias", &[sa, 1], f32_)?;
        t("encoder.ln_post.weight", &[sa], f32_)?;
        t("encoder.ln_post.bias", &[sa], f32_)?;
        t("decoder.positional_embedding", &[h.n_text_ctx as usize, st], f32_)?;
        t("decoder.token_embedding.weight", &[h.n_vocab as usize, st], q)?;
        t("decoder.ln.weight", &[st], f32_)?;
        t("decoder.ln.bias", &[st], f32_)?;
        let blocks = (0..h.n_audio_layer)
            .map(|i| (format!("encoder.blocks.{i}"), sa, false))
            .chain((0..h.n_text_layer).map(|i| (format!("decoder.blocks.{i}"), st, true)));
        for (p, s, cross) in blocks {
            let attn: &[&str] = if cross { &["attn", "cross_attn"] } else { &["attn"] };
            for a in attn {
                t(&format!("{p}.{a}_ln.weight"), &[s], f32_)?;
                t(&format!("{p}.{a}_ln.bias"), &[s], f32_)?;
                for part in ["query", "key", "value", "out"] {
                    t(&format!("{p}.{a}.{part}.weight"), &[s, s], q)?;
                    if part != "key" {
                        t(&format!("{p}.{a}.{part}.bias"), &[s], f32_)?;
                    }
                }
            }
            t(&format!("{p}.mlp_ln.weight"), &[s], f32_)?;
            t(&format!("{p}.mlp_ln.bias"), &[s], f32_)?;
            t(&format!("{p}.mlp.0.weight"), &[4 * s, s], q)?;
            t(&format!("{p}.mlp.0.bias"), &[4 * s], f32_)?;
            t(&format!("{p}.mlp.2.weight"), &[s, 4 * s], q)?;
            t(&format!("{p}.mlp.2.bias"), &[s], f32_)?;
        }
        w.finish()
    })();
    // Writing to memory cannot fail, and every shape above is whole q4_0 rows.
    result.unwrap_or_default()
}

/// The offset of the ftype field in a ggml file (after the magic and ten
/// other hyper-parameters), for tests that patch it.
pub const FTYPE_OFFSET: usize = 4 + 10 * 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tiny_model_passes_the_checker_and_is_small() {
        let bytes = tiny_test_model();
        assert!(bytes.len() < 1_400_000, "{} bytes", bytes.len());
        let h = crate::ggml::check_reader(std::io::Cursor::new(&bytes), bytes.len() as u64).unwrap();
        assert_eq!(h, TINY);
    }
}
