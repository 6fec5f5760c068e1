//! Test fixtures: a tiny but complete CTranslate2 Whisper model, built in
//! memory, and its vocabulary.

use super::{convert_model, ConvertError, Weights};
use crate::ct2;
use crate::ggml::HParams;

/// A `model.bin` string: length (with the NUL) then the bytes and a NUL.
fn string(s: &str) -> Vec<u8> {
    let mut v = ((s.len() + 1) as u16).to_le_bytes().to_vec();
    v.extend_from_slice(s.as_bytes());
    v.push(0);
    v
}

/// A tiny but complete CTranslate2 Whisper model (f16 variables): width
/// `state`, 2 heads, one layer each side, 4 mel bands, `vocab` tokens.
pub(crate) fn tiny_ct2(state: usize, vocab: usize) -> Vec<u8> {
    let (s, mels, ctx) = (state, 4, 4);
    let mut vars: Vec<(String, Vec<usize>)> = vec![
        ("encoder/conv1/weight".into(), vec![s, mels, 3]),
        ("encoder/conv1/bias".into(), vec![s]),
        ("encoder/conv2/weight".into(), vec![s, s, 3]),
        ("encoder/conv2/bias".into(), vec![s]),
        ("encoder/position_encodings/encodings".into(), vec![ctx, s]),
        ("decoder/embeddings/weight".into(), vec![vocab, s]),
        ("decoder/position_encodings/encodings".into(), vec![ctx, s]),
    ];
    let norm = |vars: &mut Vec<(String, Vec<usize>)>, p: &str| {
        vars.push((format!("{p}/gamma"), vec![s]));
        vars.push((format!("{p}/beta"), vec![s]));
    };
    let linear = |vars: &mut Vec<(String, Vec<usize>)>, p: &str, o: usize, i: usize| {
        vars.push((format!("{p}/weight"), vec![o, i]));
        vars.push((format!("{p}/bias"), vec![o]));
    };
    for side in ["encoder", "decoder"] {
        let l = format!("{side}/layer_0");
        norm(&mut vars, &format!("{l}/self_attention/layer_norm"));
        linear(&mut vars, &format!("{l}/self_attention/linear_0"), 3 * s, s);
        linear(&mut vars, &format!("{l}/self_attention/linear_1"), s, s);
        if side == "decoder" {
            norm(&mut vars, &format!("{l}/attention/layer_norm"));
            linear(&mut vars, &format!("{l}/attention/linear_0"), s, s);
            linear(&mut vars, &format!("{l}/attention/linear_1"), 2 * s, s);
            linear(&mut vars, &format!("{l}/attention/linear_2"), s, s);
        }
        norm(&mut vars, &format!("{l}/ffn/layer_norm"));
        linear(&mut vars, &format!("{l}/ffn/linear_0"), 4 * s, s);
        linear(&mut vars, &format!("{l}/ffn/linear_1"), s, 4 * s);
        norm(&mut vars, &format!("{side}/layer_norm"));
    }
    let mut b = 6u32.to_le_bytes().to_vec();
    b.extend(string("WhisperSpec"));
    b.extend(3u32.to_le_bytes());
    b.extend(((vars.len() + 2) as u32).to_le_bytes());
    for (k, (name, dims)) in vars.iter().enumerate() {
        b.extend(string(name));
        b.push(dims.len() as u8);
        for d in dims {
            b.extend((*d as u32).to_le_bytes());
        }
        b.push(4); // f16
        let n: usize = dims.iter().product();
        b.extend(((n * 2) as u32).to_le_bytes());
        for i in 0..n {
            b.extend(half::f16::from_f32(((i + k) % 7) as f32 / 10.0 - 0.3).to_le_bytes());
        }
    }
    for name in ["encoder/num_heads", "decoder/num_heads"] {
        b.extend(string(name));
        b.push(0);
        b.push(2); // i16
        b.extend(2u32.to_le_bytes());
        b.extend(2i16.to_le_bytes());
    }
    b.extend(0u32.to_le_bytes());
    b
}

pub(crate) fn tokens(n: usize) -> Vec<String> {
    let mut t: Vec<String> = (0..n - 2).map(|i| format!("t{i}")).collect();
    t.push("<|endoftext|>".into());
    t.push("<|startoftranscript|>".into());
    t
}

pub(crate) fn convert(bytes: &[u8], n_tokens: usize, weights: Weights) -> Result<(Vec<u8>, HParams), ConvertError> {
    let model = ct2::parse(bytes, bytes.len() as u64).unwrap();
    convert_model(&model, &tokens(n_tokens), weights, Vec::new())
}
