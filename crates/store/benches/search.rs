//! Search latency over a large store: 10,000 questions and 10,000
//! transcripts of synthetic text whose word frequencies follow Zipf's law
//! (as natural language does: a few words everywhere, most words rare),
//! queried the way the search box is while typing. The reference, measured in the same run on the same
//! rows, is a plain `LIKE '%word%'` scan; the ratio says what FTS5 buys.
//! `STARLING_BENCH_SHORT=1` uses 2,000 of each.

use std::time::Instant;

use starling_store::{QuestionDoc, Store, StoredTranscript};

const VOCAB: &[&str] = &[
    "cache", "latency", "database", "index", "query", "deploy", "rollback", "incident", "customer", "deadline", "team",
    "migration", "kubernetes", "service", "queue", "retry", "timeout", "memory", "profile", "benchmark", "release",
    "feature", "review", "test", "coverage", "pipeline", "schema", "replica", "shard", "partition", "consistency",
    "availability", "throughput", "monitoring", "alert", "dashboard", "postmortem", "ownership", "conflict", "mentor",
];

/// Distinct words in the corpus: the topic words above, then made-up ones.
const DISTINCT: usize = 20_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 >> 11
    }
    /// A word rank drawn from Zipf's law with exponent 1 over DISTINCT words
    /// (inverse of the harmonic CDF, approximated by exp).
    fn rank(&mut self) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        let h = (DISTINCT as f64).ln() + 0.5772;
        ((u * h).exp() - 1.0).clamp(0.0, (DISTINCT - 1) as f64) as usize
    }
    fn text(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| match self.rank() {
                r if r < VOCAB.len() => VOCAB[r].to_string(),
                r => format!("w{r}x"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let n: usize = if std::env::var_os("STARLING_BENCH_SHORT").is_some() { 2_000 } else { 10_000 };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bench.db");
    let mut store = Store::open(&path).expect("the store opens");
    let mut rng = Rng(0x5eed);

    let t0 = Instant::now();
    let titles: Vec<String> = (0..n).map(|_| rng.text(12)).collect();
    let docs: Vec<QuestionDoc<'_>> = titles.iter().enumerate().map(|(i, t)| QuestionDoc { id: Box::leak(format!("q{i}").into_boxed_str()), title: t, body: rng.text(60) }).collect();
    store.index_questions(&docs).expect("questions are indexed");
    for i in 0..n {
        let a = store.begin_attempt(&format!("q{i}"), "x.wav", i as i64).expect("an attempt");
        let text = rng.text(250);
        store
            .save_transcript(&StoredTranscript { attempt_id: a.id, model: "m".into(), text, segments_json: "[]".into(), audio_ms: 1, elapsed_ms: 1, created_ms: 1, source: "one_pass".into() })
            .expect("a transcript");
    }
    println!("search: {n} questions + {n} transcripts (~250 words each) indexed in {:.1} s", t0.elapsed().as_secs_f64());

    // What a user types, keystroke by keystroke.
    // Common words (cache, latency) and rarer ones (postmortem, ownership).
    let typed = ["c", "ca", "cac", "cach", "cache", "cache l", "cache la", "cache lat", "cache latency", "pos", "postm", "postmortem", "postmortem ow", "postmortem ownership", "w1234x"];
    let conn = rusqlite::Connection::open(&path).expect("a second connection");
    let like_sql = "SELECT (SELECT count(*) FROM transcripts WHERE text LIKE ?1)
                         + (SELECT count(*) FROM search_index WHERE kind = 'question' AND (title LIKE ?1 OR body LIKE ?1))";
    let (mut fts, mut like) = (Vec::new(), Vec::new());
    println!("search: {:<24} {:>10} {:>10} {:>8}", "typed", "FTS5 ms", "LIKE ms", "hits");
    for q in typed {
        let word = q.split(' ').next_back().unwrap_or(q);
        let (mut f, mut l) = (Vec::new(), Vec::new());
        let mut found = 0;
        for _round in 0..5 {
            let t = Instant::now();
            found = std::hint::black_box(store.search(q, 20).expect("search runs")).len();
            f.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let count: i64 = conn.query_row(like_sql, [format!("%{word}%")], |r| r.get(0)).expect("the LIKE scan runs");
            std::hint::black_box(count);
            l.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        f.sort_by(f64::total_cmp);
        l.sort_by(f64::total_cmp);
        println!("search: {:<24} {:>10.2} {:>10.2} {:>8}", format!("{q:?}"), percentile(&f, 0.5), percentile(&l, 0.5), found);
        fts.extend(f);
        like.extend(l);
    }
    fts.sort_by(f64::total_cmp);
    like.sort_by(f64::total_cmp);
    let (f50, f95, l50, l95) = (percentile(&fts, 0.5), percentile(&fts, 0.95), percentile(&like, 0.5), percentile(&like, 0.95));
    println!("search: FTS5 per keystroke   median {f50:.2} ms, p95 {f95:.2} ms ({} queries)", fts.len());
    println!("search: LIKE scan reference  median {l50:.2} ms, p95 {l95:.2} ms");
    println!("search: FTS5 / LIKE = {:.3} (median), {:.3} (p95)", f50 / l50, f95 / l95);
}
