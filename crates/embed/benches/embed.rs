//! Embedding speed with all-MiniLM-L6-v2 (folder in `STARLING_MINILM_DIR`):
//! milliseconds per sentence, and per 10-sentence answer embedded in one
//! batch, which is how the STAR labeller and the key-point check call it.
//!
//! Two references, measured in the same run on the same machine:
//! - the same ten sentences embedded one call at a time: what batching gains
//!   (and the per-sentence figure itself);
//! - candle's plain matrix multiplies of the model's dense layers (query,
//!   key, value, output, feed-forward: 6 layers of them) for the same number
//!   of token rows as the batched answer. They are about 95% of the model's
//!   arithmetic, so the ratio says how much the rest of the forward pass
//!   (attention, softmax, LayerNorm, GELU, copies, tokenising, pooling) adds
//!   on top of what this CPU's matrix multiply can do at best.
//!
//! Threads: candle uses one per core (`RAYON_NUM_THREADS`, `CANDLE_NUM_THREADS`
//! change it, read once per process). With more than one, the figures are
//! printed a second time from a child process run on one thread, because on a
//! busy small machine candle's spinning worker threads can cost more than
//! they gain.
//!
//! `STARLING_BENCH_SHORT=1` runs fewer rounds.

use std::path::PathBuf;
use std::time::Instant;

use candle_core::utils::get_num_threads;
use candle_core::{Device, Tensor};
use starling_embed::{Embedder, DIM};

/// A spoken STAR answer, ten sentences.
const ANSWER: [&str; 10] = [
    "Last year our checkout service started timing out during the evening traffic peak.",
    "I was the on-call engineer and owned getting it stable before the holiday sale.",
    "First I pulled the traces and saw that most of the time went into one database query.",
    "The query scanned the whole orders table because an index had been dropped in a migration.",
    "I wrote a migration to add the index back and tested it on a copy of production data.",
    "We rolled it out behind a feature flag to five percent of traffic, then to everyone.",
    "Timeouts went from about two percent of requests to almost none within an hour.",
    "I also added an alert on query time so we would catch a regression like that early.",
    "Afterwards I wrote the post-mortem and we added a check for dropped indexes to our migration review.",
    "The holiday sale ran without a single checkout incident.",
];

fn main() {
    let Some(dir) = std::env::var_os("STARLING_MINILM_DIR") else {
        eprintln!("error: set STARLING_MINILM_DIR to the all-MiniLM-L6-v2 folder (cargo xtask test fetches it)");
        std::process::exit(1);
    };
    let rounds = if std::env::var_os("STARLING_BENCH_SHORT").is_some_and(|v| !v.is_empty()) { 5 } else { 30 };
    let started = Instant::now();
    let model = match Embedder::load(&PathBuf::from(dir)) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let load_ms = started.elapsed().as_secs_f64() * 1e3;

    let tokens: Vec<usize> = ANSWER.iter().map(|s| model.token_count(s).expect("tokenising the benchmark answer")).collect();
    let longest = tokens.iter().copied().max().unwrap_or(1);
    // Warm up: the thread pool, the allocator, the caches.
    for _ in 0..3 {
        std::hint::black_box(model.embed(&ANSWER).expect("embedding"));
    }

    let (mut batched, mut single, mut matmul) = (Vec::new(), Vec::new(), Vec::new());
    let rows = ANSWER.len() * longest;
    let dense = DenseLayers::new(rows);
    for _ in 0..rounds {
        let t = Instant::now();
        std::hint::black_box(model.embed(&ANSWER).expect("embedding"));
        batched.push(ms(t));
        let t = Instant::now();
        for s in ANSWER {
            std::hint::black_box(model.embed(&[s]).expect("embedding"));
        }
        single.push(ms(t));
        let t = Instant::now();
        dense.run();
        matmul.push(ms(t));
    }
    let (b, s, m) = (best(&batched), best(&single), best(&matmul));
    let n = ANSWER.len() as f64;
    let flops = dense.flops() as f64;
    println!("sentence embeddings, all-MiniLM-L6-v2 ({DIM} wide), threads: {}, best of {rounds} rounds (median in brackets)", get_num_threads());
    println!("  model load                          {load_ms:>8.1} ms");
    println!("  one sentence per call               {:>8.2} ms per sentence   ({:.2})", s / n, median(&single) / n);
    println!("  10-sentence answer in one batch     {b:>8.2} ms per answer     ({:.2}); {:.2} ms per sentence", median(&batched), b / n);
    println!("    tokens per sentence {}..{} (mean {:.1}); batch padded to {longest}", tokens.iter().min().unwrap_or(&0), longest, tokens.iter().sum::<usize>() as f64 / n);
    println!("  reference: one at a time / batched  {:>8.2}x", s / b);
    println!("  reference: dense-layer matmuls only {m:>8.2} ms ({rows} rows, {:.2} GFLOP/s); the whole batched answer takes {:.2}x that", flops / m / 1e6, b / m);
    on_one_thread();
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn best(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Set in the child process that measures on one thread.
const ONE_THREAD: &str = "STARLING_EMBED_BENCH_ONE_THREAD";

fn on_one_thread() {
    if std::env::var_os(ONE_THREAD).is_some() || get_num_threads() == 1 {
        return;
    }
    let status = std::env::current_exe().and_then(|exe| std::process::Command::new(exe).env(ONE_THREAD, "1").env("RAYON_NUM_THREADS", "1").env("CANDLE_NUM_THREADS", "1").status());
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => eprintln!("error: the one-thread run failed ({s})"),
        Err(e) => eprintln!("error: the one-thread run could not start: {e}"),
    }
}

/// The matrix shapes of MiniLM's dense layers, with random values.
struct DenseLayers {
    x: Tensor,
    wide: Tensor,
    weights: Vec<Tensor>,
}

const LAYERS: usize = 6;
const INTERMEDIATE: usize = 1536;

impl DenseLayers {
    fn new(rows: usize) -> Self {
        let dev = Device::Cpu;
        let r = |a: usize, b: usize| Tensor::randn(0f32, 1f32, (a, b), &dev).expect("random tensor");
        // Stored (out, in) like the checkpoint's query, key, value,
        // attention output, intermediate and output weights, and multiplied
        // as x · Wᵀ as candle-nn's Linear does; the last one takes the
        // intermediate activations.
        let weights = vec![r(DIM, DIM), r(DIM, DIM), r(DIM, DIM), r(DIM, DIM), r(INTERMEDIATE, DIM), r(DIM, INTERMEDIATE)];
        DenseLayers { x: r(rows, DIM), wide: r(rows, INTERMEDIATE), weights }
    }

    fn run(&self) {
        Device::Cpu
            .with_context(|| {
                for _ in 0..LAYERS {
                    for (i, w) in self.weights.iter().enumerate() {
                        let input = if i == 5 { &self.wide } else { &self.x };
                        std::hint::black_box(input.matmul(&w.t()?)?);
                    }
                }
                Ok::<(), candle_core::Error>(())
            })
            .expect("matrix multiply");
    }

    fn flops(&self) -> usize {
        let rows = self.x.dims()[0];
        LAYERS * 2 * rows * (4 * DIM * DIM + 2 * DIM * INTERMEDIATE)
    }
}
