//! Full-text search over everything the user can look for: questions, STAR
//! notes, stories and transcripts, in one SQLite FTS5 index (`search_index`).
//! Triggers keep notes, stories and transcripts indexed; questions live in the
//! bank's files, so the application re-indexes them with
//! [`index_questions`](Store::index_questions) when it opens.
//!
//! Queries are built from the words the user typed, never passed to FTS5 raw,
//! so quotes and operators in the box cannot cause a syntax error. The last
//! word matches as a prefix, which makes search-as-you-type work.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

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

    fn as_str(self) -> &'static str {
        match self {
            SearchKind::Question => "question",
            SearchKind::Note => "note",
            SearchKind::Story => "story",
            SearchKind::Transcript => "transcript",
        }
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

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Turns what the user typed into a safe FTS5 query: every word quoted, the
/// last one a prefix unless the input ends in a space. A last word of one
/// letter is left out until the next keystroke (as a prefix it matches nearly
/// everything and says nothing). `None` when there is no word to look for.
pub fn fts_query(input: &str) -> Option<String> {
    let prefix = !input.ends_with(char::is_whitespace);
    let mut words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.to_lowercase()))
        .collect();
    if prefix && words.last().is_some_and(|w| w.chars().count() == 3) {
        words.pop();
        return (!words.is_empty()).then(|| words.join(" "));
    }
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == last && prefix { format!("{w}*") } else { w.clone() })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Splits text with FTS5 highlight markers into marks.
fn marks(text: &str) -> Vec<Mark> {
    let mut out: Vec<Mark> = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for c in text.chars() {
        if c == OPEN || c == CLOSE {
            if !current.is_empty() {
                out.push(Mark { text: std::mem::take(&mut current), hit });
            }
            hit = c == OPEN;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(Mark { text: current, hit });
    }
    out
}

impl Store {
    /// Replaces the indexed questions with `docs`.
    pub fn index_questions(&mut self, docs: &[QuestionDoc<'_>]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM search_index WHERE kind = 'question'", [])?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO search_index (kind, ref, question_id, title, body) VALUES ('question', ?1, ?1, ?2, ?3)",
            )?;
            for d in docs {
                stmt.execute(params![d.id, d.title, d.body])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Searches every kind, best matches first, at most `per_kind` of each.
    /// A title match weighs ten times a body match. One ranked pass finds the
    /// best rows of every kind; highlight() and snippet(), the costly part,
    /// then run only for the rows returned.
    pub fn search(&self, input: &str, per_kind: usize) -> Result<Vec<SearchHit>, StoreError> {
        let Some(query) = fts_query(input) else { return Ok(Vec::new()) };
        let mut ranked = self.conn.prepare_cached(
            "SELECT rowid, kind, bm25(search_index, 0, 0, 0, 10.0, 1.0) AS score
             FROM search_index WHERE search_index MATCH ?1 ORDER BY score",
        )?;
        let mut chosen: Vec<(i64, SearchKind, f64)> = Vec::new();
        let mut counts = [0usize; 4];
        let mut rows = ranked.query([&query])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(1)?;
            let Some(k) = SearchKind::ALL.iter().position(|x| x.as_str() == kind) else { continue };
            if counts[k] < per_kind {
                counts[k] += 1;
                chosen.push((r.get(0)?, SearchKind::ALL[k], r.get(2)?));
            }
            if counts.iter().all(|c| *c >= per_kind) {
                break;
            }
        }
        drop(rows);
        let sql = format!(
            "SELECT ref, question_id, highlight(search_index, 3, '{OPEN}', '{CLOSE}'),
                    snippet(search_index, 4, '{OPEN}', '{CLOSE}', '…', 16)
             FROM search_index WHERE search_index MATCH ?1 AND rowid = ?2"
        );
        let mut detail = self.conn.prepare_cached(&sql)?;
        let mut hits = Vec::with_capacity(chosen.len());
        for kind in SearchKind::ALL {
            for (rowid, _, rank) in chosen.iter().filter(|c| c.1 == kind) {
                let hit = detail.query_row(params![query, rowid], |r| {
                    Ok(SearchHit {
                        kind,
                        ref_id: match r.get::<_, rusqlite::types::Value>(0)? {
                            rusqlite::types::Value::Integer(i) => i.to_string(),
                            rusqlite::types::Value::Text(t) => t,
                            _ => String::new(),
                        },
                        question_id: r.get(1)?,
                        title: marks(&r.get::<_, String>(2)?),
                        excerpt: marks(&r.get::<_, String>(3)?),
                        rank: *rank,
                    })
                })?;
                hits.push(hit);
            }
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StarNoteDraft, StoredTranscript, StoryDraft};

    #[test]
    fn queries_are_quoted_words_with_a_prefix_last() {
        assert_eq!(fts_query("cache inval").as_deref(), Some("\"cache\" \"inval\"*"));
        assert_eq!(fts_query("Cache ").as_deref(), Some("\"cache\""));
        assert_eq!(fts_query("\"AND\" OR (NEAR* -"), Some("\"and\" \"or\" \"near\"*".into()));
        assert_eq!(fts_query("  ()\" "), None);
        assert_eq!(fts_query("c"), None, "one letter waits for the next");
        assert_eq!(fts_query("cache l").as_deref(), Some("\"cache\""));
        assert_eq!(fts_query("cache l ").as_deref(), Some("\"cache\" \"l\""));
    }

    #[test]
    fn marks_split_on_highlight_markers() {
        let m = marks("a \u{E000}b\u{E001} c");
        assert_eq!(m, vec![
            Mark { text: "a ".into(), hit: false },
            Mark { text: "b".into(), hit: true },
            Mark { text: " c".into(), hit: false }
        ]);
    }

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
}
