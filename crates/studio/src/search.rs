//! One search over questions, notes, stories and transcripts, results
//! grouped by kind. The index lives in the store; this module feeds it the
//! bank's questions and names each hit in words the user recognises.

use serde::Serialize;
use ts_rs::TS;

use starling_bank::Question;
use starling_store::{Mark, QuestionDoc, SearchHit, SearchKind};

use crate::error::StudioError;
use crate::Studio;

/// Hits of one kind.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SearchGroup {
    pub kind: SearchKind,
    pub hits: Vec<SearchHit>,
}

/// The answer to one query.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SearchResults {
    pub query: String,
    /// Groups in a fixed order (questions, notes, stories, transcripts),
    /// only those with hits.
    pub groups: Vec<SearchGroup>,
}

/// How many hits of each kind a search returns.
pub const PER_KIND: usize = 20;

/// Everything a question's text offers to search, in one body.
fn question_body(q: &Question) -> String {
    let mut parts: Vec<&str> = [&q.answer, &q.explanation, &q.follow_up, &q.sample_answer, &q.example, &q.approach, &q.topic]
        .into_iter()
        .filter_map(|s| s.as_deref())
        .collect();
    if let Some(quiz) = &q.quiz {
        parts.extend(quiz.options.iter().map(|o| o.text.as_str()));
    }
    parts.join("\n")
}

impl Studio {
    /// Re-indexes the bank's questions (at open and after a deck reload).
    pub(crate) fn index_bank(&mut self) -> Result<(), StudioError> {
        let docs: Vec<QuestionDoc<'_>> = self
            .bank
            .questions()
            .iter()
            .map(|q| QuestionDoc { id: &q.id, title: &q.prompt, body: question_body(q) })
            .collect();
        self.store.index_questions(&docs)?;
        Ok(())
    }

    /// Searches everything. Notes and transcripts are titled with their
    /// question's prompt; hits whose question no deck defines keep their id.
    pub fn search(&self, query: &str) -> Result<SearchResults, StudioError> {
        let hits = self.store.search(query, PER_KIND)?;
        let mut groups: Vec<SearchGroup> = Vec::new();
        for mut hit in hits {
            if hit.title.is_empty() {
                let prompt = hit.question_id.as_deref().and_then(|id| self.bank.get(id)).map(|q| q.prompt.clone());
                let title = prompt.or_else(|| hit.question_id.clone()).unwrap_or_default();
                hit.title = vec![Mark { text: title, hit: false }];
            }
            match groups.last_mut() {
                Some(g) if g.kind == hit.kind => g.hits.push(hit),
                _ => groups.push(SearchGroup { kind: hit.kind, hits: vec![hit] }),
            }
        }
        Ok(SearchResults { query: query.to_string(), groups })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataPaths;
    use starling_store::StarNoteDraft;

    #[test]
    fn bank_questions_and_notes_are_found_and_grouped() {
        let dir = tempfile::tempdir().unwrap();
        let s = Studio::open(DataPaths::new(dir.path())).unwrap();
        s.save_star_note(&StarNoteDraft {
            question_id: "behavior-difficult-bug".into(),
            result: "Normalization of the invoice tables fixed it".into(),
            ..Default::default()
        })
        .unwrap();
        let r = s.search("normaliz").unwrap();
        let kinds: Vec<_> = r.groups.iter().map(|g| g.kind).collect();
        assert_eq!(kinds, vec![SearchKind::Question, SearchKind::Note]);
        assert!(r.groups[0].hits.iter().any(|h| h.ref_id == "sql-normalization"));
        let note = &r.groups[1].hits[0];
        assert_eq!(note.question_id.as_deref(), Some("behavior-difficult-bug"));
        assert!(!note.title[0].text.is_empty(), "a note hit is titled with its question's prompt");
        assert!(note.excerpt.iter().any(|m| m.hit && m.text.to_lowercase().starts_with("normaliz")));
        assert!(s.search("  ").unwrap().groups.is_empty());
    }
}
