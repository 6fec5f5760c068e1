//! Spaced-repetition state: one card per question (the scheduler's memory of
//! it) and a log of every rating. The store only keeps these; the scheduling
//! itself (FSRS) lives in the application services.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Store, StoreError};

/// How well an answer went, in the four grades FSRS knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Again,
    Hard,
    Good,
    Easy,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }
}

/// Where a card stands in the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardState {
    New,
    Learning,
    Review,
    Relearning,
}

impl CardState {
    pub fn as_str(self) -> &'static str {
        match self {
            CardState::New => "new",
            CardState::Learning => "learning",
            CardState::Review => "review",
            CardState::Relearning => "relearning",
        }
    }

    fn parse(s: &str) -> CardState {
        match s {
            "learning" => CardState::Learning,
            "review" => CardState::Review,
            "relearning" => CardState::Relearning,
            _ => CardState::New,
        }
    }
}

/// What rated an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReviewSource {
    /// The user rated a spoken attempt.
    Attempt,
    /// A quiz answer: right is Good, wrong is Again.
    Quiz,
    /// The user rated the question from the Today view.
    Manual,
}

impl ReviewSource {
    fn as_str(self) -> &'static str {
        match self {
            ReviewSource::Attempt => "attempt",
            ReviewSource::Quiz => "quiz",
            ReviewSource::Manual => "manual",
        }
    }
}

/// The scheduler's memory of one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReviewCard {
    pub question_id: String,
    /// When the question is next due (ms since the Unix epoch).
    #[ts(type = "number")]
    pub due_ms: i64,
    pub stability: f64,
    pub difficulty: f64,
    #[ts(type = "number")]
    pub elapsed_days: i64,
    #[ts(type = "number")]
    pub scheduled_days: i64,
    pub reps: u32,
    pub lapses: u32,
    pub state: CardState,
    #[ts(type = "number")]
    pub last_review_ms: i64,
}

const COLUMNS: &str =
    "question_id, due_ms, stability, difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review_ms";

fn card_row(r: &Row<'_>) -> rusqlite::Result<ReviewCard> {
    Ok(ReviewCard {
        question_id: r.get(0)?,
        due_ms: r.get(1)?,
        stability: r.get(2)?,
        difficulty: r.get(3)?,
        elapsed_days: r.get(4)?,
        scheduled_days: r.get(5)?,
        reps: r.get(6)?,
        lapses: r.get(7)?,
        state: CardState::parse(&r.get::<_, String>(8)?),
        last_review_ms: r.get(9)?,
    })
}

impl Store {
    pub fn review_card(&self, question_id: &str) -> Result<Option<ReviewCard>, StoreError> {
        Ok(self
            .conn
            .query_row(&format!("SELECT {COLUMNS} FROM review_cards WHERE question_id = ?1"), [question_id], card_row)
            .optional()?)
    }

    /// Every card, soonest due first.
    pub fn review_cards(&self) -> Result<Vec<ReviewCard>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM review_cards ORDER BY due_ms, question_id"))?;
        let rows = stmt.query_map([], card_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Saves a rating and the card it produced, in one transaction.
    pub fn record_review(
        &mut self,
        card: &ReviewCard,
        rating: Rating,
        source: ReviewSource,
        attempt_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            &format!(
                "INSERT INTO review_cards ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (question_id) DO UPDATE SET due_ms = excluded.due_ms, stability = excluded.stability,
                   difficulty = excluded.difficulty, elapsed_days = excluded.elapsed_days,
                   scheduled_days = excluded.scheduled_days, reps = excluded.reps, lapses = excluded.lapses,
                   state = excluded.state, last_review_ms = excluded.last_review_ms"
            ),
            params![
                card.question_id,
                card.due_ms,
                card.stability,
                card.difficulty,
                card.elapsed_days,
                card.scheduled_days,
                card.reps,
                card.lapses,
                card.state.as_str(),
                card.last_review_ms
            ],
        )?;
        tx.execute(
            "INSERT INTO reviews (question_id, rating, source, attempt_id, reviewed_ms, due_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![card.question_id, rating.as_str(), source.as_str(), attempt_id, card.last_review_ms, card.due_ms],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// How many ratings a question has had.
    pub fn review_count(&self, question_id: &str) -> Result<u32, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM reviews WHERE question_id = ?1", [question_id], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_and_its_log_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let mut card = ReviewCard {
            question_id: "q".into(),
            due_ms: 2_000,
            stability: 3.1262,
            difficulty: 5.3,
            elapsed_days: 0,
            scheduled_days: 3,
            reps: 1,
            lapses: 0,
            state: CardState::Review,
            last_review_ms: 1_000,
        };
        store.record_review(&card, Rating::Good, ReviewSource::Quiz, None).unwrap();
        card.due_ms = 1_500;
        card.reps = 2;
        store.record_review(&card, Rating::Again, ReviewSource::Manual, None).unwrap();
        assert_eq!(store.review_card("q").unwrap(), Some(card.clone()));
        assert_eq!(store.review_cards().unwrap(), vec![card]);
        assert_eq!(store.review_count("q").unwrap(), 2);
        assert_eq!(store.review_card("other").unwrap(), None);
    }
}
