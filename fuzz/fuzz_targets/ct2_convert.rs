//! Bytes as a CTranslate2 `model.bin`, with a small fixed vocabulary,
//! converted to a ggml file in memory: parsing and conversion never panic
//! nor allocate more than the input justifies, and a conversion that
//! succeeds produces a file the ggml checker accepts or refuses cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use starling_transcribe::convert::{convert_model, Weights};
use starling_transcribe::{ct2, ggml};

fuzz_target!(|data: &[u8]| {
    let Ok(model) = ct2::parse(data, data.len() as u64) else {
        return;
    };
    let mut tokens: Vec<String> = (0..8).map(|i| format!("t{i}")).collect();
    tokens.push("<|endoftext|>".into());
    tokens.push("<|startoftranscript|>".into());
    for weights in [Weights::F16, Weights::Q8_0] {
        if let Ok((out, h)) = convert_model(&model, &tokens, weights, Vec::new()) {
            assert_eq!(h.n_vocab as usize, tokens.len());
            // Too small a vocabulary for whisper.cpp, so refused — but cleanly.
            let _ = ggml::check_reader(std::io::Cursor::new(&out), out.len() as u64);
        }
    }
});
