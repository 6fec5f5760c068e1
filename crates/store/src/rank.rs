//! Ranking inside SQLite. FTS5's own `bm25()` reads each matching row's
//! length from the `%_docsize` table (one B-tree lookup per row) and builds a
//! merged list of every hit; over a common word in 20,000 rows that is most
//! of a keystroke's time. This module registers two auxiliary functions on a
//! connection:
//!
//! - `starling_rank(table, lengths)`: the same Okapi BM25 score as
//!   `bm25(table, 0, 10, 1)` (k1 = 1.2, b = 0.75, a title hit weighs ten body
//!   hits, negated so that lower is better), counting hits phrase by phrase
//!   and taking the row's length from `lengths`, a [`Lengths`] bound as an
//!   SQLite pointer. A row the array does not know (or no array) is measured
//!   through FTS5, so the score is exact either way.
//! - `starling_doclen(table)`: a row's length in tokens, to fill [`Lengths`].
//!
//! Every index table has the columns (question_id UNINDEXED, title, body).

use std::ffi::{c_int, c_void, CStr};
use std::mem::MaybeUninit;
use std::ptr;

use rusqlite::ffi::{self, Fts5Context, Fts5ExtensionApi};
use rusqlite::types::ToSqlOutput;
use rusqlite::Connection;

/// The SQLite pointer type a [`Lengths`] is bound as.
pub(crate) const LENGTHS_POINTER: &CStr = c"starling_lengths";

/// Weight of a hit in each column: question_id (never matches), title, body.
const COLUMN_WEIGHTS: [f64; 3] = [0.0, 10.0, 1.0];
/// BM25's term-frequency saturation and length normalisation, as FTS5 uses.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Row lengths of each search table (one per kind, in `SearchKind` order),
/// kept between keystrokes and dropped whenever the database may have
/// changed.
#[derive(Debug, Default)]
pub(crate) struct LengthCache {
    /// Each table's FTS5 structure record when its lengths were read. FTS5
    /// rewrites that record (its segment write counter) on every commit that
    /// changes the table, by any connection, so an equal record means
    /// unchanged lengths, and a write to one table leaves the others' kept.
    pub(crate) stamps: [Option<Vec<u8>>; 4],
    pub(crate) tables: [Option<Lengths>; 4],
}

/// Each row's length in tokens, indexed by rowid. Only kept when the rowids
/// are dense enough for an array; see [`Lengths::from_rows`].
#[derive(Debug, Default)]
pub(crate) struct Lengths {
    by_rowid: Vec<u32>,
}

impl Lengths {
    /// Builds the array from (rowid, length) pairs, or `None` when the
    /// rowids are too sparse to index an array by them (the score then reads
    /// lengths from FTS5, exact but slower).
    pub(crate) fn from_rows(rows: &[(i64, u32)]) -> Option<Lengths> {
        let max = rows.iter().map(|r| r.0).max().unwrap_or(0);
        if rows.iter().any(|r| r.0 < 0) || max > 2 * rows.len() as i64 + 4096 {
            return None;
        }
        // u32::MAX marks a rowid with no row.
        let mut by_rowid = vec![u32::MAX; max as usize + 1];
        for &(rowid, len) in rows {
            by_rowid[rowid as usize] = len;
        }
        Some(Lengths { by_rowid })
    }

    fn get(&self, rowid: i64) -> Option<u32> {
        usize::try_from(rowid).ok().and_then(|i| self.by_rowid.get(i)).copied().filter(|l| *l != u32::MAX)
    }
}

/// Registers `starling_rank` and `starling_doclen` on `conn`.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    // SQLite's documented way to reach the FTS5 API: `SELECT fts5(?)` with a
    // pointer to fill, bound under the type name "fts5_api_ptr".
    let out = ToSqlOutput::Pointer((ptr::addr_of_mut!(api).cast::<c_void>().cast_const(), c"fts5_api_ptr", None));
    conn.query_row("SELECT fts5(?1)", [out], |_| Ok(()))?;
    let unavailable = || rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_ERROR), Some("this SQLite has no FTS5".into()));
    if api.is_null() {
        return Err(unavailable());
    }
    // SAFETY: `api` was just filled by SQLite and lives as long as `conn`.
    let create = unsafe { (*api).xCreateFunction }.ok_or_else(unavailable)?;
    for (name, function) in [(c"starling_rank", rank as Aux), (c"starling_doclen", doclen as Aux)] {
        // SAFETY: the function pointers are 'static and take no user data.
        let rc = unsafe { create(api, name.as_ptr(), ptr::null_mut(), Some(function), None) };
        if rc != ffi::SQLITE_OK {
            return Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some(format!("registering {name:?}"))));
        }
    }
    Ok(())
}

type Aux = unsafe extern "C" fn(*const Fts5ExtensionApi, *mut Fts5Context, *mut ffi::sqlite3_context, c_int, *mut *mut ffi::sqlite3_value);

/// Turns an SQLite result code into a `Result`.
fn check(rc: c_int) -> Result<(), c_int> {
    if rc == ffi::SQLITE_OK { Ok(()) } else { Err(rc) }
}

/// Per-query figures, computed on the first row and kept as FTS5 auxdata.
struct QueryStats {
    /// Inverse document frequency of each phrase, as FTS5's bm25 computes it.
    idf: Vec<f64>,
    /// Mean row length in tokens.
    mean_len: f64,
}

unsafe extern "C" fn drop_stats(p: *mut c_void) {
    // SAFETY: only ever set from `Box::into_raw` in `query_stats`.
    drop(unsafe { Box::from_raw(p.cast::<QueryStats>()) });
}

unsafe extern "C" fn count_row(_: *const Fts5ExtensionApi, _: *mut Fts5Context, user: *mut c_void) -> c_int {
    // SAFETY: `user` is the `i64` counter passed to xQueryPhrase below.
    unsafe { *user.cast::<i64>() += 1 };
    ffi::SQLITE_OK
}

/// The FTS5 API's entry points this module calls, checked once.
struct Api<'a> {
    raw: &'a Fts5ExtensionApi,
}

macro_rules! entry {
    ($api:expr, $name:ident) => {
        $api.raw.$name.ok_or(ffi::SQLITE_MISUSE)?
    };
}

impl Api<'_> {
    /// This query's statistics, computed once per statement.
    unsafe fn query_stats(&self, fts: *mut Fts5Context) -> Result<&QueryStats, c_int> {
        let existing = unsafe { entry!(self, xGetAuxdata)(fts, 0) }.cast::<QueryStats>();
        if !existing.is_null() {
            // SAFETY: set below from a Box that FTS5 keeps until the query ends.
            return Ok(unsafe { &*existing });
        }
        let (mut rows, mut tokens) = (0i64, 0i64);
        check(unsafe { entry!(self, xRowCount)(fts, &mut rows) })?;
        check(unsafe { entry!(self, xColumnTotalSize)(fts, -1, &mut tokens) })?;
        let phrases = unsafe { entry!(self, xPhraseCount)(fts) }.max(0);
        let mut idf = Vec::with_capacity(phrases as usize);
        for phrase in 0..phrases {
            let mut hits = 0i64;
            check(unsafe { entry!(self, xQueryPhrase)(fts, phrase, (&raw mut hits).cast(), Some(count_row)) })?;
            let value = (((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5)).ln();
            // FTS5 keeps a phrase found in over half the rows from scoring
            // zero or less.
            idf.push(if value <= 0.0 { 1e-6 } else { value });
        }
        let mean_len = if rows > 0 && tokens > 0 { tokens as f64 / rows as f64 } else { 1.0 };
        let stats = Box::into_raw(Box::new(QueryStats { idf, mean_len }));
        // On failure FTS5 frees the data through `drop_stats` itself.
        check(unsafe { entry!(self, xSetAuxdata)(fts, stats.cast(), Some(drop_stats)) })?;
        Ok(unsafe { &*stats })
    }

    /// The current row's length in tokens, measured by FTS5.
    unsafe fn row_len(&self, fts: *mut Fts5Context) -> Result<f64, c_int> {
        let mut len: c_int = 0;
        check(unsafe { entry!(self, xColumnSize)(fts, -1, &mut len) })?;
        Ok(f64::from(len))
    }

    /// Weighted hits of one phrase in the current row.
    unsafe fn weighted_hits(&self, fts: *mut Fts5Context, phrase: c_int) -> Result<f64, c_int> {
        let next = entry!(self, xPhraseNext);
        let mut iter = MaybeUninit::<ffi::Fts5PhraseIter>::uninit();
        let (mut column, mut offset): (c_int, c_int) = (-1, 0);
        check(unsafe { entry!(self, xPhraseFirst)(fts, phrase, iter.as_mut_ptr(), &mut column, &mut offset) })?;
        let mut hits = 0.0;
        while column >= 0 {
            hits += usize::try_from(column).ok().and_then(|c| COLUMN_WEIGHTS.get(c)).copied().unwrap_or(1.0);
            // SAFETY: xPhraseFirst initialised the iterator.
            unsafe { next(fts, iter.as_mut_ptr(), &mut column, &mut offset) };
        }
        Ok(hits)
    }

    unsafe fn score(&self, fts: *mut Fts5Context, lengths: Option<&Lengths>) -> Result<f64, c_int> {
        let stats = unsafe { self.query_stats(fts)? };
        let rowid = unsafe { entry!(self, xRowid)(fts) };
        let len = match lengths.and_then(|l| l.get(rowid)) {
            Some(len) => f64::from(len),
            None => unsafe { self.row_len(fts)? },
        };
        let norm = K1 * (1.0 - B + B * len / stats.mean_len);
        let mut score = 0.0;
        for (phrase, idf) in stats.idf.iter().enumerate() {
            let f = unsafe { self.weighted_hits(fts, phrase as c_int)? };
            score += idf * f * (K1 + 1.0) / (f + norm);
        }
        Ok(-score)
    }
}

unsafe extern "C" fn rank(
    api: *const Fts5ExtensionApi,
    fts: *mut Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    args: c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes a valid API table and `args` values.
    let api = Api { raw: unsafe { &*api } };
    let lengths = if args >= 1 {
        unsafe { ffi::sqlite3_value_pointer(*values, LENGTHS_POINTER.as_ptr()) }.cast::<Lengths>()
    } else {
        ptr::null()
    };
    // SAFETY: a pointer of this type is only ever bound from a live
    // `&Lengths` held for the statement's run (see `search.rs`).
    match unsafe { api.score(fts, lengths.as_ref()) } {
        Ok(score) => unsafe { ffi::sqlite3_result_double(ctx, score) },
        Err(rc) => unsafe { ffi::sqlite3_result_error_code(ctx, rc) },
    }
}

unsafe extern "C" fn doclen(
    api: *const Fts5ExtensionApi,
    fts: *mut Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    _: c_int,
    _: *mut *mut ffi::sqlite3_value,
) {
    let api = Api { raw: unsafe { &*api } };
    match unsafe { api.row_len(fts) } {
        Ok(len) => unsafe { ffi::sqlite3_result_int64(ctx, len as i64) },
        Err(rc) => unsafe { ffi::sqlite3_result_error_code(ctx, rc) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, &str)]) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5 (question_id UNINDEXED, title, body)").unwrap();
        for (title, body) in rows {
            conn.execute("INSERT INTO t (question_id, title, body) VALUES ('q', ?1, ?2)", [title, body]).unwrap();
        }
        conn
    }

    fn scores(conn: &Connection, rank: &str, query: &str) -> Vec<(i64, f64)> {
        let sql = format!("SELECT rowid, {rank} AS s FROM t WHERE t MATCH ?1 ORDER BY s, rowid");
        conn.prepare(&sql).unwrap().query_map([query], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn the_score_is_fts5s_bm25_with_or_without_lengths() {
        let conn = table(&[
            ("cache design", "what a cache is for and where the cache lives"),
            ("", "cache"),
            ("queues", "cache eviction under memory pressure is a long sentence about caches and latency"),
            ("latency", "tail latency budgets"),
            ("nothing", "about this"),
        ]);
        for query in ["\"cache\"", "\"cache\" \"la\"*", "\"latency\"", "\"ca\"*"] {
            let expected = scores(&conn, "bm25(t, 0, 10.0, 1.0)", query);
            assert!(!expected.is_empty(), "{query} matches");
            let measured = scores(&conn, "starling_rank(t)", query);
            let rows: Vec<(i64, u32)> = conn
                .prepare("SELECT rowid, starling_doclen(t) FROM t")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let lengths = Lengths::from_rows(&rows).unwrap();
            let bound: Vec<(i64, f64)> = conn
                .prepare("SELECT rowid, starling_rank(t, ?2) AS s FROM t WHERE t MATCH ?1 ORDER BY s, rowid")
                .unwrap()
                .query_map(
                    rusqlite::params![query, ToSqlOutput::Pointer((ptr::from_ref(&lengths).cast(), LENGTHS_POINTER, None))],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for got in [measured, bound] {
                assert_eq!(got.len(), expected.len(), "{query}");
                for (g, e) in got.iter().zip(&expected) {
                    assert_eq!(g.0, e.0, "{query}: same order");
                    assert!((g.1 - e.1).abs() < 1e-9, "{query}: {} against bm25's {}", g.1, e.1);
                }
            }
        }
    }

    #[test]
    fn lengths_refuse_sparse_rowids_and_know_missing_rows() {
        assert!(Lengths::from_rows(&[(1, 3), (1_000_000, 2)]).is_none());
        let l = Lengths::from_rows(&[(1, 3), (3, 5)]).unwrap();
        assert_eq!((l.get(1), l.get(2), l.get(3), l.get(4), l.get(-1)), (Some(3), None, Some(5), None, None));
    }
}
