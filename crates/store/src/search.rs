//! Full-text search over everything the user can look for: questions, STAR
//! notes, stories and transcripts, one SQLite FTS5 table for each
//! (`search_question`, `search_note`, `search_story`, `search_transcript`).
//! Triggers keep notes, stories and transcripts indexed; questions live in the
//! bank's files, so the application re-indexes them with
//! [`index_questions`](Store::index_questions) when it opens.
//!
//! A keystroke runs one ranked query per table, each `LIMIT`ed to the rows
//! shown ([`rank`] scores them), then reads the text of those rows by rowid
//! and marks the hits in Rust ([`marks`]). [`query`] turns the typed text into
//! words; the last word matches as a prefix, which makes search-as-you-type
//! work.

mod marks;
mod query;

use rusqlite::{params, OptionalExtension};
use rusqlite::types::ToSqlOutput;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};
use query::Query;
use crate::rank::{Lengths, LENGTHS_POINTER};

/// What a search hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Question,
    Note,
    Story,
    Transcript,
}

impl SearchKind {
    pub const ALL: [SearchKind; 4] = [SearchKind::Question, SearchKind::Note, SearchKind::Story, SearchKind::Transcript];

    /// The FTS5 table that indexes this kind.
    fn table(self) -> &'static str {
        match self {
            SearchKind::Question => "search_question",
            SearchKind::Note => "search_note",
            SearchKind::Story => "search_story",
            SearchKind::Transcript => "search_transcript",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A piece of text, marked when it matched the query. The UI renders these
/// as text nodes, so nothing in a note can become markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Mark {
    pub text: String,
    pub hit: bool,
}

/// One match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// The question id (questions, notes), story id or attempt id.
    pub ref_id: String,
    /// The question the hit belongs to, when there is one.
    pub question_id: Option<String>,
    /// The title with matches marked (empty for notes and transcripts).
    pub title: Vec<Mark>,
    /// A short excerpt of the body around the matches.
    pub excerpt: Vec<Mark>,
    /// BM25 score; lower is better.
    pub rank: f64,
}

/// A question as the index sees it.
pub struct QuestionDoc<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub body: String,
}

/// Turns what the user typed into the FTS5 query Starling runs: every word
/// quoted, the last one a prefix unless the input ends in a space, a last
/// word of one letter left out. `None` when there is no word to look for.
pub fn fts_query(input: &str) -> Option<String> {
    Query::parse(input).map(|q| q.fts())
}

impl Store {
    /// Replaces the indexed questions with `docs`.
    pub fn index_questions(&mut self, docs: &[QuestionDoc<'_>]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM search_question", [])?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO search_question (question_id, title, body) VALUES (?1, ?2, ?3)",
            )?;
            for d in docs {
                stmt.execute(params![d.id, d.title, d.body])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Searches every kind, best matches first, at most `per_kind` of each.
    /// A title match weighs ten times a body match.
    pub fn search(&self, input: &str, per_kind: usize) -> Result<Vec<SearchHit>, StoreError> {
        let Some(query) = Query::parse(input) else { return Ok(Vec::new()) };
        let fts = query.fts();
        self.refresh_lengths()?;
        let cache = self.search_lengths.borrow();
        let mut hits = Vec::new();
        for kind in SearchKind::ALL {
            let table = kind.table();
            let lengths = cache.tables[kind.index()].as_ref();
            let pointer = match lengths {
                Some(l) => ToSqlOutput::Pointer((std::ptr::from_ref(l).cast(), LENGTHS_POINTER, None)),
                None => ToSqlOutput::from(rusqlite::types::Null),
            };
            let mut ranked = self.conn.prepare_cached(&format!(
                "SELECT rowid, starling_rank({table}, ?2) AS score FROM {table} WHERE {table} MATCH ?1 ORDER BY score, rowid LIMIT ?3"
            ))?;
            let chosen: Vec<(i64, f64)> =
                ranked.query_map(params![fts, pointer, per_kind as i64], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            let mut text = self.conn.prepare_cached(&format!("SELECT question_id, title, body FROM {table} WHERE rowid = ?1"))?;
            for (rowid, rank) in chosen {
                let (question_id, title, body): (Option<String>, String, String) =
                    text.query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                let ref_id = match kind {
                    SearchKind::Question | SearchKind::Note => question_id.clone().unwrap_or_default(),
                    SearchKind::Story | SearchKind::Transcript => rowid.to_string(),
                };
                hits.push(SearchHit {
                    kind,
                    ref_id,
                    question_id,
                    title: marks::highlight(&title, &query),
                    excerpt: marks::excerpt(&body, &query),
                    rank,
                });
            }
        }
        Ok(hits)
    }

    /// Reads a table's row lengths again when the table changed since they
    /// were read (one pass over its length records); unchanged tables cost
    /// one small read each.
    fn refresh_lengths(&self) -> Result<(), StoreError> {
        let mut cache = self.search_lengths.borrow_mut();
        for kind in SearchKind::ALL {
            let table = kind.table();
            // FTS5's structure record lives at id 10 of the table's data.
            let stamp: Option<Vec<u8>> = self
                .conn
                .prepare_cached(&format!("SELECT block FROM {table}_data WHERE id = 10"))?
                .query_row([], |r| r.get(0))
                .optional()?;
            if stamp.is_some() && cache.stamps[kind.index()] == stamp {
                continue;
            }
            let mut stmt = self.conn.prepare_cached(&format!("SELECT rowid, starling_doclen({table}) FROM {table}"))?;
            let rows: Vec<(i64, u32)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            cache.tables[kind.index()] = Lengths::from_rows(&rows);
            cache.stamps[kind.index()] = stamp;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StarNoteDraft, StoredTranscript, StoryDraft};

    fn store(dir: &tempfile::TempDir) -> Store {
        Store::open(&dir.path().join("s.db")).unwrap()
    }

    #[test]
    fn a_title_match_outranks_a_body_match_and_prefixes_match() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        s.index_questions(&[
            QuestionDoc { id: "body", title: "Design a feed", body: "Mention caching once.".into() },
            QuestionDoc { id: "title", title: "What is caching?", body: "Keep copies near the reader.".into() },
            QuestionDoc { id: "none", title: "Tell me about a conflict", body: "Disagreement.".into() },
        ])
        .unwrap();
        let hits = s.search("cach", 10).unwrap();
        let ids: Vec<_> = hits.iter().map(|h| h.ref_id.as_str()).collect();
        assert_eq!(ids, vec!["title", "body"], "the prefix finds 'caching'; the title hit ranks first");
        assert!(s.search("cach ", 10).unwrap().is_empty(), "a finished word is matched whole");
        assert!(hits[0].title.iter().any(|m| m.hit && m.text == "caching"));
        // Re-indexing replaces, not duplicates.
        s.index_questions(&[QuestionDoc { id: "title", title: "What is caching?", body: String::new() }]).unwrap();
        assert_eq!(s.search("cach", 10).unwrap().len(), 1);
    }

    #[test]
    fn more_occurrences_rank_higher_in_the_same_column() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        s.index_questions(&[
            QuestionDoc { id: "once", title: "A", body: "latency matters and other things happen here too".into() },
            QuestionDoc { id: "thrice", title: "B", body: "latency, latency and latency matters here".into() },
        ])
        .unwrap();
        let ids: Vec<_> = s.search("latency", 10).unwrap().into_iter().map(|h| h.ref_id).collect();
        assert_eq!(ids, vec!["thrice", "once"]);
    }

    #[test]
    fn notes_stories_and_transcripts_follow_their_tables() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        s.save_star_note(&StarNoteDraft { question_id: "q1".into(), action: "Bisected the flaky deploy".into(), ..Default::default() })
            .unwrap();
        let story = s.save_story(&StoryDraft { title: "Kubernetes migration".into(), ..Default::default() }).unwrap();
        let attempt = s.begin_attempt("q2", "a.wav", 1).unwrap();
        s.save_transcript(&StoredTranscript {
            attempt_id: attempt.id,
            model: "tiny.en".into(),
            text: "I measured the zeppelin throughput".into(),
            segments_json: "[]".into(),
            audio_ms: 1,
            elapsed_ms: 1,
            created_ms: 1,
            source: "one_pass".into(),
        })
        .unwrap();

        let kinds = |q: &str| s.search(q, 5).unwrap().into_iter().map(|h| (h.kind, h.question_id)).collect::<Vec<_>>();
        assert_eq!(kinds("bisected"), vec![(SearchKind::Note, Some("q1".into()))]);
        assert_eq!(kinds("kubernetes"), vec![(SearchKind::Story, None)]);
        assert_eq!(kinds("zeppelin"), vec![(SearchKind::Transcript, Some("q2".into()))]);

        // Edits re-index; deletes (including the cascade from an attempt) un-index.
        s.save_star_note(&StarNoteDraft { question_id: "q1".into(), action: "Rolled back".into(), ..Default::default() }).unwrap();
        assert!(kinds("bisected").is_empty());
        assert_eq!(kinds("rolled").len(), 1);
        s.delete_story(story.id).unwrap();
        assert!(kinds("kubernetes").is_empty());
        s.delete_attempt(attempt.id).unwrap();
        assert!(kinds("zeppelin").is_empty());
    }

    /// Every note's score as FTS5's own bm25 gives it, best first.
    fn bm25_notes(s: &Store, word: &str) -> Vec<(String, f64)> {
        let mut stmt = s
            .conn
            .prepare("SELECT question_id, bm25(search_note, 0, 10, 1) AS b FROM search_note WHERE search_note MATCH ?1 ORDER BY b, rowid")
            .unwrap();
        stmt.query_map([word], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn kept_lengths_follow_writes_from_this_and_other_connections_table_by_table() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir);
        let note = |q: &str, action: &str| StarNoteDraft { question_id: q.into(), action: action.into(), ..Default::default() };
        s.save_star_note(&note("q1", "rollback plan")).unwrap();
        s.save_star_note(&note("q2", "rollback then a long list of other careful steps")).unwrap();
        let ours = |s: &Store| s.search("rollback", 5).unwrap().into_iter().map(|h| (h.ref_id, h.rank)).collect::<Vec<_>>();
        let same = |a: Vec<(String, f64)>, b: Vec<(String, f64)>| {
            assert_eq!(a.len(), b.len(), "{a:?} / {b:?}");
            for (x, y) in a.iter().zip(&b) {
                assert!(x.0 == y.0 && (x.1 - y.1).abs() < 1e-9, "{a:?} against bm25's {b:?}");
            }
        };
        same(ours(&s), bm25_notes(&s, "rollback"));
        let stamps = s.search_lengths.borrow().stamps.clone();

        // The same number of rows, one row's length changed, from another connection.
        let other = store(&dir);
        other.save_star_note(&note("q1", "rollback plan written down with every owner named")).unwrap();
        same(ours(&s), bm25_notes(&s, "rollback"));
        let after = s.search_lengths.borrow().stamps.clone();
        assert_ne!(after[SearchKind::Note.index()], stamps[SearchKind::Note.index()], "the note table was read again");
        assert_eq!(after[SearchKind::Question.index()], stamps[SearchKind::Question.index()], "the untouched tables were kept");
        assert_eq!(after[SearchKind::Transcript.index()], stamps[SearchKind::Transcript.index()]);

        // And from this connection.
        s.save_star_note(&note("q2", "rollback")).unwrap();
        same(ours(&s), bm25_notes(&s, "rollback"));
    }
}
