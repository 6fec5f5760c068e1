//! Search latency over a large store: 10,000 questions and 10,000
//! transcripts of synthetic text whose word frequencies follow Zipf's law
//! (as natural language does: a few words everywhere, most words rare),
//! queried the way the search box is: phrases typed letter by letter, one
//! search per keystroke, each keystroke five times.
//!
//! Two references run in the same process on the same rows:
//! - **before**: the previous design (one FTS5 table for every kind, built-in
//!   `bm25()` over all matches, `highlight()`/`snippet()` re-running the query
//!   once per row shown), restated here on a copy of the rows;
//! - **LIKE**: a plain `LIKE '%word%'` count over the same text.
//!
//! Figures are reported for common words and rare ones, p50/p95/p99, with the
//! top-20 agreement of the two designs. `STARLING_BENCH_SHORT=1` uses 2,000 of each.

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

    // The previous design, on a copy of the same rows.
    let conn = rusqlite::Connection::open(&path).expect("a second connection");
    conn.execute_batch(
        "CREATE VIRTUAL TABLE before_index USING fts5 (
             kind UNINDEXED, ref UNINDEXED, question_id UNINDEXED, title, body,
             tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
         INSERT INTO before_index SELECT 'question', question_id, question_id, title, body FROM search_question;",
    )
    .expect("the reference index is built");
    for (id, question, text) in conn
        .prepare("SELECT t.attempt_id, a.question_id, t.text FROM transcripts t JOIN attempts a ON a.id = t.attempt_id")
        .expect("transcripts")
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .expect("transcripts")
        .collect::<Result<Vec<_>, _>>()
        .expect("transcripts")
    {
        // One transaction per transcript, as the previous triggers wrote them.
        conn.execute("INSERT INTO before_index VALUES ('transcript', ?1, ?2, '', ?3)", rusqlite::params![id, question, text]).expect("a row");
    }

    // Phrases typed letter by letter. Common: words in nearly every row.
    // Rare: made-up words in about 1 % of rows, whose short prefixes
    // ("w1", "w19") still match thousands of words.
    let groups: [(&str, &[&str]); 2] = [
        ("common", &["cache latency", "database migration", "release incident customer", "team deploy"]),
        ("rare", &["postmortem ownership", "w1987x", "w734x w2210x", "mentor w15011x"]),
    ];
    let like_sql = "SELECT (SELECT count(*) FROM transcripts WHERE text LIKE ?1)
                         + (SELECT count(*) FROM search_question WHERE title LIKE ?1 OR body LIKE ?1)";
    println!("search: {:<7} {:>5} {:>30} {:>30} {:>30} {:>9}", "words", "n", "after p50/p95/p99 ms", "before p50/p95/p99 ms", "LIKE p50/p95/p99 ms", "top-20 =");
    for (group, phrases) in groups {
        let (mut after, mut before, mut like) = (Vec::new(), Vec::new(), Vec::new());
        let (mut same, mut compared) = (0usize, 0usize);
        for phrase in phrases {
            for end in phrase.char_indices().map(|(i, c)| i + c.len_utf8()) {
                let typed = &phrase[..end];
                let word = typed.split(' ').next_back().unwrap_or(typed);
                let mut last = (Vec::new(), Vec::new());
                for _round in 0..5 {
                    let t = Instant::now();
                    let hits = std::hint::black_box(store.search(typed, 20).expect("search runs"));
                    after.push(t.elapsed().as_secs_f64() * 1000.0);
                    let t = Instant::now();
                    let old = std::hint::black_box(before_search(&conn, typed, 20));
                    before.push(t.elapsed().as_secs_f64() * 1000.0);
                    let t = Instant::now();
                    let count: i64 = conn.query_row(like_sql, [format!("%{word}%")], |r| r.get(0)).expect("the LIKE scan runs");
                    std::hint::black_box(count);
                    like.push(t.elapsed().as_secs_f64() * 1000.0);
                    last = (hits.into_iter().map(|h| h.ref_id).collect::<Vec<_>>(), old);
                }
                if end == phrase.len() {
                    compared += last.1.len();
                    same += last.1.iter().filter(|r| last.0.contains(r)).count();
                }
            }
        }
        let p = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            format!("{:.2} / {:.2} / {:.2}", percentile(v, 0.5), percentile(v, 0.95), percentile(v, 0.99))
        };
        let n = after.len();
        let (a, b, l) = (p(&mut after), p(&mut before), p(&mut like));
        println!("search: {group:<7} {n:>5} {a:>30} {b:>30} {l:>30} {same:>4}/{compared}");
        println!(
            "search: {group} p99 after/before = {:.3}, after/LIKE = {:.3}",
            percentile(&after, 0.99) / percentile(&before, 0.99),
            percentile(&after, 0.99) / percentile(&like, 0.99)
        );
    }
}

/// The previous design's search, for reference: one ranked pass over every
/// match of every kind, then `highlight()` and `snippet()` per row shown.
/// Returns the ids it found, best first per kind.
fn before_search(conn: &rusqlite::Connection, input: &str, per_kind: usize) -> Vec<String> {
    let Some(query) = starling_store::search::fts_query(input) else { return Vec::new() };
    let mut ranked = conn
        .prepare_cached("SELECT rowid, kind, bm25(before_index, 0, 0, 0, 10.0, 1.0) AS score FROM before_index WHERE before_index MATCH ?1 ORDER BY score")
        .expect("the reference query");
    let mut chosen: Vec<(i64, String)> = Vec::new();
    let mut counts = std::collections::HashMap::new();
    let mut rows = ranked.query([&query]).expect("the reference query runs");
    while let Some(r) = rows.next().expect("a row") {
        let kind: String = r.get(1).expect("a kind");
        let n = counts.entry(kind.clone()).or_insert(0usize);
        if *n < per_kind {
            *n += 1;
            chosen.push((r.get(0).expect("a rowid"), kind));
        }
        if counts.len() == 2 && counts.values().all(|c| *c >= per_kind) {
            break;
        }
    }
    drop(rows);
    let mut detail = conn
        .prepare_cached(
            "SELECT ref, highlight(before_index, 3, '[', ']'), snippet(before_index, 4, '[', ']', '…', 16)
             FROM before_index WHERE before_index MATCH ?1 AND rowid = ?2",
        )
        .expect("the reference highlight");
    chosen
        .iter()
        .map(|(rowid, _)| {
            detail
                .query_row(rusqlite::params![query, rowid], |r| {
                    let id: rusqlite::types::Value = r.get(0)?;
                    std::hint::black_box((r.get::<_, String>(1)?, r.get::<_, String>(2)?));
                    Ok(match id {
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        _ => String::new(),
                    })
                })
                .expect("a highlighted row")
        })
        .collect()
}
