//! Tests with the real all-MiniLM-L6-v2 files, in the folder named by
//! `STARLING_MINILM_DIR` (`cargo xtask test` fetches them and sets it).
//!
//! `reference.json` beside this file holds embeddings made independently of
//! this crate: a plain numpy BERT forward pass written for the purpose (no
//! candle, no torch, no sentence-transformers), reading the same
//! `model.safetensors` with the `safetensors` Python package and tokenising
//! with the `tokenizers` Python package (truncation at 256, no padding),
//! computing in float64 with BERT's erf form of GELU and LayerNorm eps 1e-12,
//! then taking the mean over the tokens and scaling to unit length. Each
//! sentence was run alone, so there was no padding. The last sentence is
//! longer than 256 tokens and checks the truncation. Only the numbers
//! (rounded to 7 significant digits) are committed.

use std::path::PathBuf;

use starling_embed::{cosine, Embedder, Embedding, DIM};

const NEEDS: &str = "needs the MiniLM files `cargo xtask test` fetches";

fn model() -> Embedder {
    let dir = std::env::var_os("STARLING_MINILM_DIR").unwrap_or_else(|| panic!("set STARLING_MINILM_DIR: this test {NEEDS}"));
    Embedder::load(&PathBuf::from(dir)).unwrap_or_else(|e| panic!("{e}"))
}

struct Reference {
    text: String,
    tokens: usize,
    embedding: Vec<f32>,
}

fn reference() -> Vec<Reference> {
    let json: serde_json::Value = serde_json::from_str(include_str!("reference.json")).unwrap();
    json["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Reference {
            text: s["text"].as_str().unwrap().to_string(),
            tokens: s["tokens"].as_u64().unwrap() as usize,
            embedding: s["embedding"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect(),
        })
        .collect()
}

fn to_embedding(v: &[f32]) -> Embedding {
    v.try_into().unwrap()
}

#[test]
#[ignore = "needs the MiniLM files `cargo xtask test` fetches"]
fn matches_an_independent_numpy_forward_pass() {
    let model = model();
    let refs = reference();
    assert!(refs.iter().any(|r| r.tokens == 256), "the reference should include a sentence cut at 256 tokens");
    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
    // All at once (padded to the longest) and one at a time (no padding).
    let batched = model.embed(&texts).unwrap();
    for (r, got) in refs.iter().zip(&batched) {
        let alone = model.embed(&[&r.text]).unwrap()[0];
        let want = to_embedding(&r.embedding);
        for (how, e) in [("in a batch", got), ("alone", &alone)] {
            let c = cosine(e, &want);
            assert!(c > 0.999, "{how}, {:?}… has cosine {c} to the reference", &r.text[..20.min(r.text.len())]);
            let norm: f32 = e.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "not unit length: {norm}");
        }
        let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        eprintln!("{} tokens: cosine {:.7} batched, {:.7} alone; largest difference {worst:.2e}", r.tokens, cosine(got, &want), cosine(&alone, &want));
        assert!(worst < 1e-4, "{:?}: largest difference from the reference {worst}", r.text);
    }
}

#[test]
#[ignore = "needs the MiniLM files `cargo xtask test` fetches"]
fn paraphrases_are_closer_than_unrelated_sentences() {
    let model = model();
    // (key point, the same in other words, something unrelated)
    let cases = [
        ("I reduced the page load time.", "After my changes the web pages opened much faster.", "I organised the team's holiday party."),
        ("We resolved the conflict by talking it through as a team.", "The disagreement was settled in a group discussion.", "The database ran out of disk space."),
        ("I mentored two junior engineers.", "I coached a couple of new developers on the team.", "We migrated the billing service to Kubernetes."),
        ("The deadline was at risk.", "We were in danger of shipping late.", "I enjoy hiking on weekends."),
    ];
    for (key, same, other) in cases {
        let e = model.embed(&[key, same, other]).unwrap();
        let (near, far) = (cosine(&e[0], &e[1]), cosine(&e[0], &e[2]));
        eprintln!("{key:?}: paraphrase {near:.3}, unrelated {far:.3}");
        assert!(near > far + 0.2, "{key:?}: paraphrase {near} is not clearly closer than unrelated {far}");
    }
}

#[test]
#[ignore = "needs the MiniLM files `cargo xtask test` fetches"]
fn text_past_256_tokens_is_ignored_and_odd_input_is_fine() {
    let model = model();
    let long = "We measured every step of the deploy pipeline and wrote down what we found. ".repeat(20);
    let longer = format!("{long} Then something entirely different about cooking pasta happened.");
    let e = model.embed(&[&long, &longer, "", "   ", "🙂 naïve café — 東京"]).unwrap();
    assert!(cosine(&e[0], &e[1]) > 0.99999, "text after the 256th token changed the embedding");
    for v in &e[2..] {
        assert!(v.iter().all(|x| x.is_finite()));
        assert!((v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4);
    }
    assert!(model.embed(&[]).unwrap().is_empty());
}

#[test]
#[ignore = "needs the MiniLM files `cargo xtask test` fetches"]
fn many_sentences_keep_their_order() {
    let model = model();
    // More than one internal batch, of mixed lengths, so sorting by length
    // and splitting must put every result back in its place.
    let sentences: Vec<String> = (0..40).map(|i| format!("Sentence number {i} {}", "and more words ".repeat(i % 7))).collect();
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let all = model.embed(&refs).unwrap();
    assert_eq!(all.len(), 40);
    for i in [0, 7, 16, 33, 39] {
        let alone = model.embed(&[refs[i]]).unwrap()[0];
        assert!(cosine(&all[i], &alone) > 0.9999, "sentence {i} moved or changed");
    }
    assert_eq!(all[0].len(), DIM);
}

#[test]
#[ignore = "needs the MiniLM files `cargo xtask test` fetches"]
fn damaged_weights_are_refused_with_a_sentence() {
    let src = PathBuf::from(std::env::var_os("STARLING_MINILM_DIR").unwrap_or_else(|| panic!("set STARLING_MINILM_DIR: this test {NEEDS}")));
    let dir = tempfile::tempdir().unwrap();
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(dir.path().join("model.safetensors"), b"not a safetensors file").unwrap();
    let e = Embedder::load(dir.path()).unwrap_err();
    assert!(matches!(e, starling_embed::EmbedError::BadWeights { .. }), "{e}");
    assert!(e.to_string().contains("fetch the model files again"), "{e}");
}
