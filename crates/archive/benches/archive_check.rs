//! Checking a backup with 100,000 entries before a restore: a zip built in
//! memory holding the manifest, `starling.db` and 100,000 tiny recordings,
//! each listed in the manifest. The time is `CheckedArchive::open`: the end
//! records, every name and target, duplicates, the manifest read and matched
//! against every entry's size, the database and the total.
//!
//! The reference, measured in the same run on the same bytes, is
//! `zip::ZipArchive::new` plus iterating the entry names: the floor any
//! checker built on the `zip` crate pays. The ratio says what the checks add.
//! The target is under 2 s for 100,000 entries in a release build.
//!
//! `STARLING_BENCH_SHORT=1` uses 20,000 entries (the run CI makes); the
//! per-entry rate is printed either way.

use std::io::{Cursor, Write};
use std::path::Path;
use std::time::Instant;

use starling_archive::{CheckedArchive, Manifest, ManifestFile, DATABASE, FORMAT, MANIFEST, VERSION};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const TARGET_S: f64 = 2.0;
const FULL: usize = 100_000;
const ROUNDS: usize = 3;

fn archive(n: usize) -> Vec<u8> {
    let mut files = vec![(DATABASE.to_string(), b"database".to_vec())];
    for i in 0..n {
        files.push((format!("recordings/{}-question-{i}.wav", 1_700_000_000_000u64 + i as u64), format!("wav {i}").into_bytes()));
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        schema_version: 1,
        created_ms: 0,
        app_version: "bench".into(),
        files: files.iter().map(|(p, d)| ManifestFile { path: p.clone(), bytes: d.len() as u64 }).collect(),
    };
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file(MANIFEST, options).expect("an entry starts");
    zip.write_all(&serde_json::to_vec_pretty(&manifest).expect("the manifest serialises")).expect("the manifest is written");
    for (name, data) in &files {
        zip.start_file(name.as_str(), options).expect("an entry starts");
        zip.write_all(data).expect("an entry is written");
    }
    zip.finish().expect("the archive is finished").into_inner()
}

fn best_of<T>(rounds: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..rounds {
        let t = Instant::now();
        let r = std::hint::black_box(f());
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.expect("at least one round"))
}

fn main() {
    let short = std::env::var_os("STARLING_BENCH_SHORT").is_some();
    let n = if short { 20_000 } else { FULL };
    let t = Instant::now();
    let bytes = archive(n);
    println!(
        "archive_check: {n} recordings + manifest + database, {:.1} MiB, built in {:.2} s",
        bytes.len() as f64 / (1 << 20) as f64,
        t.elapsed().as_secs_f64()
    );

    let (check_s, checked) = best_of(ROUNDS, || {
        CheckedArchive::open(Cursor::new(bytes.as_slice()), Path::new("bench.zip"), 1).expect("the archive passes every check")
    });
    let (zip_s, names) = best_of(ROUNDS, || {
        let zip = ZipArchive::new(Cursor::new(bytes.as_slice())).expect("a zip archive");
        zip.file_names().map(|n| n.map_or(0, |n| n.len())).sum::<usize>()
    });
    assert_eq!(checked.targets().count(), n + 1, "every entry but the manifest is handed out");
    assert!(names > 0);
    println!("archive_check: total declared {} bytes", checked.total_bytes());

    let per_entry_us = |s: f64| s * 1e6 / n as f64;
    println!("archive_check: CheckedArchive::open    {check_s:>8.3} s  ({:.2} us per entry, best of {ROUNDS})", per_entry_us(check_s));
    println!("archive_check: ZipArchive::new + names {zip_s:>8.3} s  ({:.2} us per entry)", per_entry_us(zip_s));
    println!("archive_check: check / floor = {:.2}", check_s / zip_s);
    if short {
        let projected = per_entry_us(check_s) * FULL as f64 / 1e6;
        println!(
            "archive_check: projected for {FULL} entries {projected:.2} s; target {TARGET_S} s: {}",
            if projected < TARGET_S { "met" } else { "MISSED" }
        );
    } else {
        println!("archive_check: {n} entries in {check_s:.2} s; target {TARGET_S} s: {}", if check_s < TARGET_S { "met" } else { "MISSED" });
    }
}
