//! Spaced repetition: ratings go through the FSRS scheduler (the `rs-fsrs`
//! crate) and set when each question is next due; the Today view lists what
//! is due now.
//!
//! Starling uses FSRS's long-term scheduler: every rating schedules whole days,
//! because rehearsing an interview answer again ten minutes later (the
//! short-term learning steps) teaches little.

use chrono::{DateTime, TimeZone, Utc};
use rs_fsrs::{Card, Parameters, State, FSRS};
use serde::Serialize;
use ts_rs::TS;

use starling_bank::{Area, QuestionKind};
use starling_store::{CardState, Rating, ReviewCard, ReviewSource};

use crate::error::StudioError;
use crate::Studio;

/// One question due for review.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DueItem {
    pub question_id: String,
    pub prompt: String,
    pub area: Area,
    pub kind: QuestionKind,
    #[ts(type = "number")]
    pub due_ms: i64,
    pub state: CardState,
}

/// What the Today view shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TodayView {
    /// Questions due now, grouped by area in the order of [`Area::ALL`] and
    /// most overdue first within an area.
    pub due: Vec<DueItem>,
    /// When the next not-yet-due question comes up, if any.
    #[ts(type = "number | null")]
    pub next_due_ms: Option<i64>,
    /// Questions with a schedule at all.
    pub scheduled: u32,
    /// The time the view was computed for.
    #[ts(type = "number")]
    pub now_ms: i64,
}

fn scheduler() -> FSRS {
    FSRS::new(Parameters { enable_short_term: false, ..Parameters::default() })
}

fn to_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn to_fsrs(card: &ReviewCard) -> Card {
    Card {
        due: to_time(card.due_ms),
        stability: card.stability,
        difficulty: card.difficulty,
        elapsed_days: card.elapsed_days,
        scheduled_days: card.scheduled_days,
        reps: card.reps as i32,
        lapses: card.lapses as i32,
        state: match card.state {
            CardState::New => State::New,
            CardState::Learning => State::Learning,
            CardState::Review => State::Review,
            CardState::Relearning => State::Relearning,
        },
        last_review: to_time(card.last_review_ms),
    }
}

fn from_fsrs(question_id: &str, card: &Card) -> ReviewCard {
    ReviewCard {
        question_id: question_id.to_string(),
        due_ms: card.due.timestamp_millis(),
        stability: card.stability,
        difficulty: card.difficulty,
        elapsed_days: card.elapsed_days,
        scheduled_days: card.scheduled_days,
        reps: card.reps.max(0) as u32,
        lapses: card.lapses.max(0) as u32,
        state: match card.state {
            State::New => CardState::New,
            State::Learning => CardState::Learning,
            State::Review => CardState::Review,
            State::Relearning => CardState::Relearning,
        },
        last_review_ms: card.last_review.timestamp_millis(),
    }
}

/// The card after rating `previous` (or a new card) at `now_ms`.
pub fn schedule(question_id: &str, previous: Option<&ReviewCard>, rating: Rating, now_ms: i64) -> ReviewCard {
    let now = to_time(now_ms);
    let card = previous.map(to_fsrs).unwrap_or_else(|| Card { due: now, last_review: now, ..Card::default() });
    let grade = match rating {
        Rating::Again => rs_fsrs::Rating::Again,
        Rating::Hard => rs_fsrs::Rating::Hard,
        Rating::Good => rs_fsrs::Rating::Good,
        Rating::Easy => rs_fsrs::Rating::Easy,
    };
    from_fsrs(question_id, &scheduler().next(card, now, grade).card)
}

impl Studio {
    /// Rates an answer to a question and schedules its next review.
    pub fn rate(&mut self, question_id: &str, rating: Rating, source: ReviewSource, attempt_id: Option<i64>) -> Result<ReviewCard, StudioError> {
        if self.bank.get(question_id).is_none() {
            return Err(StudioError::UnknownQuestion(question_id.to_string()));
        }
        if let Some(id) = attempt_id {
            let attempt = self.store.attempt(id)?.ok_or(StudioError::UnknownAttempt(id))?;
            if attempt.question_id != question_id {
                return Err(StudioError::UnknownAttempt(id));
            }
        }
        let previous = self.store.review_card(question_id)?;
        let card = schedule(question_id, previous.as_ref(), rating, self.clock.now_ms());
        self.store.record_review(&card, rating, source, attempt_id)?;
        tracing::info!(question = question_id, rating = rating.as_str(), due_ms = card.due_ms, "rated");
        Ok(card)
    }

    /// Grades a quiz answer; on the first try it also schedules the question
    /// (right is Good, wrong is Again).
    pub fn answer_quiz(&mut self, question_id: &str, chosen: &[usize], first_try: bool) -> Result<starling_bank::QuizGrade, StudioError> {
        let grade = self.check_quiz(question_id, chosen)?;
        if first_try {
            let rating = if grade.correct { Rating::Good } else { Rating::Again };
            self.rate(question_id, rating, ReviewSource::Quiz, None)?;
        }
        Ok(grade)
    }

    pub fn review_card(&self, question_id: &str) -> Result<Option<ReviewCard>, StudioError> {
        Ok(self.store.review_card(question_id)?)
    }

    /// What is due now. Cards of questions no deck defines any more are
    /// skipped, not deleted, so they come back with their deck.
    pub fn today(&self) -> Result<TodayView, StudioError> {
        let now = self.clock.now_ms();
        let cards = self.store.review_cards()?;
        let mut due: Vec<DueItem> = Vec::new();
        let mut next_due_ms = None;
        let mut scheduled = 0;
        for card in &cards {
            let Some(q) = self.bank.get(&card.question_id) else { continue };
            scheduled += 1;
            if card.due_ms <= now {
                due.push(DueItem {
                    question_id: q.id.clone(),
                    prompt: q.prompt.clone(),
                    area: q.area,
                    kind: q.kind,
                    due_ms: card.due_ms,
                    state: card.state,
                });
            } else if next_due_ms.is_none() {
                next_due_ms = Some(card.due_ms);
            }
        }
        let area_rank = |a: Area| Area::ALL.iter().position(|x| *x == a).unwrap_or(usize::MAX);
        due.sort_by_key(|d| (area_rank(d.area), d.due_ms));
        Ok(TodayView { due, next_due_ms, scheduled, now_ms: now })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, DAY_MS};
    use crate::DataPaths;

    const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    fn days(card: &ReviewCard) -> f64 {
        (card.due_ms - card.last_review_ms) as f64 / DAY_MS as f64
    }

    #[test]
    fn a_first_rating_schedules_as_fsrs_default_weights_say() {
        // FSRS-5 default initial stabilities are 0.41, 1.18, 3.13 and 15.47
        // days; at 90 % retention the interval is the stability rounded, at
        // least a day, and each grade at least a day beyond the one below.
        let due: Vec<f64> = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy]
            .into_iter()
            .map(|r| days(&schedule("q", None, r, T0)))
            .collect();
        assert_eq!(due, vec![1.0, 2.0, 3.0, 15.0]);
        let good = schedule("q", None, Rating::Good, T0);
        assert_eq!((good.state, good.reps, good.lapses, good.last_review_ms), (CardState::Review, 1, 0, T0));
        assert!((good.stability - 3.1262).abs() < 1e-9, "{}", good.stability);
    }

    #[test]
    fn later_ratings_grow_or_shrink_the_interval() {
        let first = schedule("q", None, Rating::Good, T0);
        let on_time = first.due_ms;
        let good = schedule("q", Some(&first), Rating::Good, on_time);
        assert!(days(&good) > 3.0 * 2.0, "a second Good on time more than doubles the interval: {}", days(&good));
        let easy = schedule("q", Some(&first), Rating::Easy, on_time);
        assert!(days(&easy) > days(&good));
        let hard = schedule("q", Some(&first), Rating::Hard, on_time);
        assert!(days(&hard) < days(&good) && days(&hard) >= 3.0, "{}", days(&hard));
        let again = schedule("q", Some(&first), Rating::Again, on_time);
        assert_eq!(again.lapses, 1);
        assert!(days(&again) < days(&hard), "a lapse comes back sooner: {}", days(&again));
        assert!(again.stability < first.stability);
    }

    #[test]
    fn a_rated_question_shows_in_today_once_due() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Studio::open(DataPaths::new(dir.path())).unwrap();
        let card = s.rate("behavior-difficult-bug", Rating::Good, ReviewSource::Manual, None).unwrap();
        assert!(s.today().unwrap().due.is_empty());
        assert_eq!(s.today().unwrap().next_due_ms, Some(card.due_ms));
        assert!(!s.answer_quiz("quiz-http-403-forbidden", &[0], true).unwrap().correct);
        assert!(s.answer_quiz("quiz-http-403-forbidden", &[2], false).unwrap().correct);
        let quiz = s.review_card("quiz-http-403-forbidden").unwrap().unwrap();
        assert_eq!((quiz.reps, quiz.lapses), (1, 0), "only the first try is scheduled");
        assert_eq!(quiz.due_ms - quiz.last_review_ms, DAY_MS, "a wrong first answer (Again) comes back in a day");

        s.clock = Clock::offset_days(4.0);
        let today = s.today().unwrap();
        let ids: Vec<_> = today.due.iter().map(|d| d.question_id.as_str()).collect();
        assert_eq!(today.scheduled, 2);
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&"behavior-difficult-bug") && ids.contains(&"quiz-http-403-forbidden"));
        assert!(s.today().unwrap().due.iter().any(|d| d.question_id == "quiz-http-403-forbidden"));
        assert!(s.rate("nope", Rating::Good, ReviewSource::Manual, None).is_err());
        assert!(s.rate("behavior-difficult-bug", Rating::Good, ReviewSource::Attempt, Some(42)).is_err());
    }
}
