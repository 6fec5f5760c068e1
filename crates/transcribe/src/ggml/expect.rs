//! What whisper.cpp's loader expects of a ggml Whisper file: the
//! hyper-parameters it accepts (and the weight type they imply), and the
//! tensors, with their dimensions and types, it creates for them.

use std::collections::HashMap;

use super::check::GgmlError;
use super::{HParams, AUDIO_CTX, KNOWN_FTYPES, MIN_VOCAB};

/// Bytes per block and elements per block of each tensor type whisper.cpp
/// models use (f32, f16 and the quantised types of the published files).
pub(super) fn type_size(ty: i32) -> Option<(u64, u64)> {
    Some(match ty {
        0 => (4, 1),
        1 => (2, 1),
        2 => (18, 32), // q4_0
        3 => (20, 32), // q4_1
        6 => (22, 32), // q5_0
        7 => (24, 32), // q5_1
        8 => (34, 32), // q8_0
        _ => return None,
    })
}

/// whisper.cpp divides the file's ftype by this; the remainder is the
/// `ggml_ftype`, the quotient the quantisation version (GGML_QNT_VERSION_FACTOR).
const QNT_VERSION_FACTOR: i32 = 1000;

/// What whisper.cpp expects of one tensor: its dimensions innermost first
/// (padded with 1s to four) and its element type.
type Expected = ([i64; 4], i32);

/// The tensors whisper.cpp's loader creates for `h`, by name. `wtype` is
/// the type of the 2-D weights, the convolutions are f16 (f32 in an f32
/// model), everything else f32.
pub(super) fn expected_tensors(h: &HParams, wtype: i32) -> HashMap<String, Expected> {
    let vtype = if wtype == 0 { 0 } else { 1 };
    let (sa, st) = (i64::from(h.n_audio_state), i64::from(h.n_text_state));
    let mut m = HashMap::new();
    let mut add = |name: String, ne: &[i64], ty: i32| {
        let mut d = [1i64; 4];
        d[..ne.len()].copy_from_slice(ne);
        m.insert(name, (d, ty));
    };
    add("encoder.positional_embedding".into(), &[sa, i64::from(h.n_audio_ctx)], 0);
    add("encoder.conv1.weight".into(), &[3, i64::from(h.n_mels), sa], vtype);
    add("encoder.conv1.bias".into(), &[1, sa], 0);
    add("encoder.conv2.weight".into(), &[3, sa, sa], vtype);
    add("encoder.conv2.bias".into(), &[1, sa], 0);
    add("encoder.ln_post.weight".into(), &[sa], 0);
    add("encoder.ln_post.bias".into(), &[sa], 0);
    add("decoder.positional_embedding".into(), &[st, i64::from(h.n_text_ctx)], 0);
    add("decoder.token_embedding.weight".into(), &[st, i64::from(h.n_vocab)], wtype);
    add("decoder.ln.weight".into(), &[st], 0);
    add("decoder.ln.bias".into(), &[st], 0);
    let blocks = (0..h.n_audio_layer)
        .map(|i| (format!("encoder.blocks.{i}"), sa, false))
        .chain((0..h.n_text_layer).map(|i| (format!("decoder.blocks.{i}"), st, true)));
    for (p, s, cross) in blocks {
        let mut attn = vec!["attn"];
        if cross {
            attn.push("cross_attn");
        }
        for a in attn {
            add(format!("{p}.{a}_ln.weight"), &[s], 0);
            add(format!("{p}.{a}_ln.bias"), &[s], 0);
            for part in ["query", "key", "value", "out"] {
                add(format!("{p}.{a}.{part}.weight"), &[s, s], wtype);
                if part != "key" {
                    add(format!("{p}.{a}.{part}.bias"), &[s], 0);
                }
            }
        }
        add(format!("{p}.mlp_ln.weight"), &[s], 0);
        add(format!("{p}.mlp_ln.bias"), &[s], 0);
        add(format!("{p}.mlp.0.weight"), &[s, 4 * s], wtype);
        add(format!("{p}.mlp.0.bias"), &[4 * s], 0);
        add(format!("{p}.mlp.2.weight"), &[4 * s, s], wtype);
        add(format!("{p}.mlp.2.bias"), &[s], 0);
    }
    m
}

/// Limits on the hyper-parameters: far above any published Whisper model,
/// low enough that no product of them overflows.
const MAX_STATE: i32 = 1 << 14;
const MAX_HEADS: i32 = 1 << 10;
const MAX_LAYERS: i32 = 256;
const MAX_TEXT_CTX: i32 = 1 << 14;
const MAX_VOCAB: i32 = 1 << 20;
const MAX_MELS: i32 = 256;

pub(super) fn check_hparams(h: &HParams) -> Result<i32, GgmlError> {
    let ranges = [
        ("n_vocab", h.n_vocab, MIN_VOCAB, MAX_VOCAB),
        ("n_audio_ctx", h.n_audio_ctx, AUDIO_CTX, AUDIO_CTX),
        ("n_audio_state", h.n_audio_state, 1, MAX_STATE),
        ("n_audio_head", h.n_audio_head, 1, MAX_HEADS),
        ("n_audio_layer", h.n_audio_layer, 1, MAX_LAYERS),
        ("n_text_ctx", h.n_text_ctx, 1, MAX_TEXT_CTX),
        ("n_text_state", h.n_text_state, 1, MAX_STATE),
        ("n_text_head", h.n_text_head, 1, MAX_HEADS),
        ("n_text_layer", h.n_text_layer, 1, MAX_LAYERS),
        ("n_mels", h.n_mels, 1, MAX_MELS),
    ];
    for (name, v, lo, hi) in ranges {
        if !(lo..=hi).contains(&v) {
            return Err(GgmlError::HParams(format!("{name} is {v}, expected {lo} to {hi}")));
        }
    }
    let known = || KNOWN_FTYPES.iter().map(|(f, _)| f.to_string()).collect::<Vec<_>>().join(", ");
    // whisper.cpp takes the C remainder, which is negative for a negative ftype.
    let wtype = (h.ftype >= 0)
        .then(|| KNOWN_FTYPES.iter().find(|(f, _)| *f == h.ftype % QNT_VERSION_FACTOR))
        .flatten()
        .map(|&(_, t)| t)
        .ok_or_else(|| GgmlError::Ftype { ftype: h.ftype, known: format!("{} (plus 1000 × a quantisation version)", known()) })?;
    // The attention reshapes into heads (ggml asserts the sizes agree), and
    // quantised weights are created in whole blocks (ggml asserts rows are
    // multiples of the block size).
    let block = type_size(wtype).map_or(1, |(_, e)| e as i32);
    for (name, state, heads) in [("n_audio_state", h.n_audio_state, h.n_audio_head), ("n_text_state", h.n_text_state, h.n_text_head)] {
        if state % heads != 0 {
            return Err(GgmlError::HParams(format!("{name} {state} is not divisible by its {heads} heads")));
        }
        if state % block != 0 {
            return Err(GgmlError::HParams(format!("{name} {state} is not a multiple of {block}, as weights of type {wtype} need")));
        }
    }
    Ok(wtype)
}

#[cfg(test)]
mod tests {
    use super::super::check_reader;
    use super::*;
    use crate::testmodel::{tiny_test_model, FTYPE_OFFSET};

    fn check(bytes: &[u8]) -> Result<HParams, GgmlError> {
        check_reader(std::io::Cursor::new(bytes), bytes.len() as u64)
    }

    fn with_ftype(ftype: i32) -> Vec<u8> {
        let mut b = tiny_test_model();
        b[FTYPE_OFFSET..FTYPE_OFFSET + 4].copy_from_slice(&ftype.to_le_bytes());
        b
    }

    #[test]
    fn an_unknown_weight_type_is_refused_with_the_known_ones() {
        // 4 is MOSTLY_Q4_1_SOME_F16, 5 and 6 were removed, 10+ are k-quants
        // whose types this checker does not know: whisper.cpp aborts on some,
        // and every one of them mismatches the q4_0 tensors of the file.
        for ftype in [4, 5, 6, 10, 24, 999, 1_004, -1, -998, i32::MIN] {
            let e = check(&with_ftype(ftype)).unwrap_err();
            assert!(matches!(e, GgmlError::Ftype { ftype: f, .. } if f == ftype), "{ftype}: {e}");
            let msg = e.to_string();
            assert!(msg.contains(&format!("ftype) is {ftype};")) && msg.contains("0, 1, 2, 3, 7, 8, 9"), "{msg}");
        }
        // The quantisation version is ignored, as whisper.cpp does.
        assert_eq!(check(&with_ftype(2_002)).unwrap().ftype, 2_002);
        // A known ftype whose weights are not what the tensors hold.
        let e = check(&with_ftype(7)).unwrap_err();
        assert!(e.to_string().contains("has type 2; whisper.cpp expects type 8"), "{e}");
    }

    #[test]
    fn hyper_parameters_whisper_cpp_asserts_on_are_refused() {
        let patch = |index: usize, value: i32| {
            let mut b = tiny_test_model();
            b[4 + 4 * index..8 + 4 * index].copy_from_slice(&value.to_le_bytes());
            check(&b).unwrap_err().to_string()
        };
        assert!(patch(3, 3).contains("n_audio_state 32 is not divisible by its 3 heads"));
        assert!(patch(0, 100).contains("n_vocab is 100"));
        assert!(patch(2, 40).contains("not a multiple of 32"));
        assert!(patch(1, 10).contains("n_audio_ctx is 10"));
        // The mel filter bank must match the model's bands and 201 FFT bins.
        let mut b = tiny_test_model();
        b[52..56].copy_from_slice(&200i32.to_le_bytes());
        assert!(check(&b).unwrap_err().to_string().contains("80 × 200; whisper.cpp needs 80 × 201"));
    }
}
