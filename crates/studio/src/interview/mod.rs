//! A hands-free mock interview as a state machine with no I/O: what happens
//! next when the interviewer finishes speaking, time passes, the microphone
//! hears something or the user presses Space. The host (the window's
//! runner, a test) feeds it [`Input`]s with its own clock
//! and carries out the [`Command`]s it returns, in order.
//!
//! The order it guarantees: a take starts only after the interviewer has
//! finished speaking and [`ECHO_GAP_MS`] has passed, and the interviewer
//! speaks only when no take is recording, so the voice is never part of a
//! take. An answer ends on Space, or once speech has been heard and then
//! `silence_ms` of silence follow (shown as a countdown from
//! [`COUNTDOWN_AFTER_MS`] of silence on). A question with a follow-up gets
//! it asked next, and its answer is a take linked to the first.

mod gate;
mod settings;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use gate::SpeechGate;
pub use settings::{InterviewSettings, SettingsProblem};

/// Time after the interviewer's last sample before the microphone may
/// record: the tail of the speakers' output and the room's echo.
pub const ECHO_GAP_MS: u64 = 400;

/// Silence before the countdown to the automatic end is shown.
pub const COUNTDOWN_AFTER_MS: u64 = 1_000;

/// One question of the interview.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedQuestion {
    pub question_id: String,
    pub prompt: String,
    pub follow_up: Option<String>,
}

/// Which part of the interview: a question, or its follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Turn {
    /// The question's place in the interview, from 0.
    pub index: usize,
    pub follow_up: bool,
}

/// Where the interview is. Shared with the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum InterviewPhase {
    /// The interviewer is speaking; nothing records.
    Asking { turn: Turn },
    /// Think time runs until `until_ms` (the host's clock).
    Thinking {
        turn: Turn,
        #[ts(type = "number")]
        until_ms: u64,
    },
    /// The answer is recording.
    Answering {
        turn: Turn,
        /// Speech has been heard, so silence can end the answer.
        heard_speech: bool,
        /// When the current silence began.
        #[ts(type = "number | null")]
        silent_since_ms: Option<u64>,
    },
    Finished,
}

/// What made an answer end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnswerEnd {
    Space,
    Silence,
    /// The take ended by itself (its time limit, or the microphone failed).
    Recorder,
    /// The user stopped the interview.
    Stopped,
}

/// One answered turn, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AnsweredTurn {
    pub turn: Turn,
    pub question_id: String,
    #[ts(type = "number")]
    pub attempt_id: i64,
    /// The first take, for a follow-up's answer.
    #[ts(type = "number | null")]
    pub follow_up_of: Option<i64>,
    pub ended_by: AnswerEnd,
}

/// What the host does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Say `text`, then send [`Input::SpeechEnded`].
    Speak { turn: Turn, text: String },
    /// Stop speaking at once (then send [`Input::SpeechEnded`]).
    StopSpeaking,
    /// Start recording the answer (to the follow-up of take `follow_up_of`
    /// when set), then send [`Input::TakeStarted`].
    StartTake { turn: Turn, question_id: String, follow_up_of: Option<i64> },
    /// Stop the take that is recording (or finish one that stopped by itself).
    StopTake { ended_by: AnswerEnd },
    /// The interview is over.
    Finish,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    /// The interviewer's last sample has played.
    SpeechEnded { now_ms: u64 },
    /// Time passed.
    Tick { now_ms: u64 },
    /// The microphone's level over the last interval.
    Level { rms: f32, now_ms: u64 },
    /// The user pressed Space: skip the question's reading or the think
    /// time, or end the answer.
    Space { now_ms: u64 },
    /// The take for the current turn started as `attempt_id`.
    TakeStarted { attempt_id: i64 },
    /// The take stopped by itself (it is still finished by
    /// [`Command::StopTake`]).
    TakeEnded { now_ms: u64 },
    /// The user ends the interview.
    Stop,
}

/// A mock interview's state.
#[derive(Debug, Clone)]
pub struct Interview {
    plan: Vec<PlannedQuestion>,
    settings: InterviewSettings,
    phase: InterviewPhase,
    gate: SpeechGate,
    /// The take recording now, once started.
    take: Option<i64>,
    /// The earliest a take may start (the end of the echo gap).
    earliest_ms: u64,
    answered: Vec<AnsweredTurn>,
}

impl Interview {
    /// An interview over `plan`; nothing happens until [`Interview::start`].
    pub fn new(plan: Vec<PlannedQuestion>, settings: InterviewSettings) -> Interview {
        Interview { plan, settings, phase: InterviewPhase::Finished, gate: SpeechGate::default(), take: None, earliest_ms: 0, answered: Vec::new() }
    }

    pub fn phase(&self) -> &InterviewPhase {
        &self.phase
    }

    /// The turns answered so far, in order.
    pub fn answered(&self) -> &[AnsweredTurn] {
        &self.answered
    }

    /// The text asked at `turn`.
    pub fn text(&self, turn: Turn) -> Option<&str> {
        let q = self.plan.get(turn.index)?;
        if turn.follow_up {
            q.follow_up.as_deref()
        } else {
            Some(&q.prompt)
        }
    }

    /// The milliseconds left before silence ends the answer, once the
    /// silence has lasted [`COUNTDOWN_AFTER_MS`]; or the think time left.
    pub fn countdown_ms(&self, now_ms: u64) -> Option<u64> {
        match self.phase {
            InterviewPhase::Thinking { until_ms, .. } => Some(until_ms.saturating_sub(now_ms)),
            InterviewPhase::Answering { heard_speech: true, silent_since_ms: Some(since), .. } if self.settings.silence_ms > 0 => {
                let silent = now_ms.saturating_sub(since);
                (silent >= COUNTDOWN_AFTER_MS).then(|| self.settings.silence_ms.saturating_sub(silent))
            }
            _ => None,
        }
    }

    /// Begins with the first question.
    pub fn start(&mut self, now_ms: u64) -> Vec<Command> {
        self.answered.clear();
        self.ask(Turn { index: 0, follow_up: false }, now_ms)
    }

    /// Takes in what happened; returns what to do, in order.
    pub fn handle(&mut self, input: Input) -> Vec<Command> {
        match (self.phase.clone(), input) {
            (InterviewPhase::Finished, _) => Vec::new(),
            (_, Input::Stop) => {
                let mut out = Vec::new();
                match self.phase {
                    InterviewPhase::Asking { .. } => out.push(Command::StopSpeaking),
                    InterviewPhase::Answering { turn, .. } => {
                        self.note_answer(turn, AnswerEnd::Stopped);
                        out.push(Command::StopTake { ended_by: AnswerEnd::Stopped });
                    }
                    _ => {}
                }
                self.phase = InterviewPhase::Finished;
                out.push(Command::Finish);
                out
            }
            (InterviewPhase::Asking { turn }, Input::SpeechEnded { now_ms }) => self.think(turn, now_ms),
            (InterviewPhase::Asking { .. }, Input::Space { .. }) => vec![Command::StopSpeaking],
            (InterviewPhase::Thinking { turn, until_ms }, Input::Tick { now_ms }) if now_ms >= until_ms => self.record(turn),
            (InterviewPhase::Thinking { turn, .. }, Input::Space { now_ms }) => {
                // Skipping the think time never skips the echo gap.
                if now_ms >= self.earliest_ms {
                    self.record(turn)
                } else {
                    self.phase = InterviewPhase::Thinking { turn, until_ms: self.earliest_ms };
                    Vec::new()
                }
            }
            (InterviewPhase::Answering { .. }, Input::TakeStarted { attempt_id }) => {
                self.take = Some(attempt_id);
                Vec::new()
            }
            (InterviewPhase::Answering { turn, heard_speech, silent_since_ms }, Input::Level { rms, now_ms }) => {
                let speaking = self.gate.hear(rms);
                let heard = heard_speech || speaking;
                let since = if speaking { None } else { silent_since_ms.or(Some(now_ms)) };
                self.phase = InterviewPhase::Answering { turn, heard_speech: heard, silent_since_ms: since };
                self.check_silence(now_ms)
            }
            (InterviewPhase::Answering { .. }, Input::Tick { now_ms }) => self.check_silence(now_ms),
            (InterviewPhase::Answering { turn, .. }, Input::Space { now_ms }) => self.end_answer(turn, AnswerEnd::Space, now_ms),
            (InterviewPhase::Answering { turn, .. }, Input::TakeEnded { now_ms }) => self.end_answer(turn, AnswerEnd::Recorder, now_ms),
            _ => Vec::new(),
        }
    }

    fn check_silence(&mut self, now_ms: u64) -> Vec<Command> {
        match self.phase {
            InterviewPhase::Answering { turn, heard_speech: true, silent_since_ms: Some(since) }
                if self.settings.silence_ms > 0 && now_ms.saturating_sub(since) >= self.settings.silence_ms =>
            {
                self.end_answer(turn, AnswerEnd::Silence, now_ms)
            }
            _ => Vec::new(),
        }
    }

    fn ask(&mut self, turn: Turn, now_ms: u64) -> Vec<Command> {
        let Some(text) = self.text(turn).map(str::to_string) else {
            self.phase = InterviewPhase::Finished;
            return vec![Command::Finish];
        };
        if self.settings.speak {
            self.phase = InterviewPhase::Asking { turn };
            vec![Command::Speak { turn, text }]
        } else {
            // Shown, not spoken: the think time starts now (no echo to wait for).
            self.earliest_ms = now_ms;
            self.phase = InterviewPhase::Thinking { turn, until_ms: now_ms + self.settings.think_ms };
            Vec::new()
        }
    }

    fn think(&mut self, turn: Turn, now_ms: u64) -> Vec<Command> {
        self.earliest_ms = now_ms + ECHO_GAP_MS;
        self.phase = InterviewPhase::Thinking { turn, until_ms: now_ms + self.settings.think_ms.max(ECHO_GAP_MS) };
        Vec::new()
    }

    fn record(&mut self, turn: Turn) -> Vec<Command> {
        let question_id = self.plan[turn.index].question_id.clone();
        let follow_up_of = if turn.follow_up { self.first_take(turn.index) } else { None };
        self.gate = SpeechGate::default();
        self.take = None;
        self.phase = InterviewPhase::Answering { turn, heard_speech: false, silent_since_ms: None };
        vec![Command::StartTake { turn, question_id, follow_up_of }]
    }

    /// The take that answered question `index` itself.
    fn first_take(&self, index: usize) -> Option<i64> {
        self.answered.iter().find(|a| a.turn.index == index && !a.turn.follow_up).map(|a| a.attempt_id)
    }

    fn note_answer(&mut self, turn: Turn, ended_by: AnswerEnd) {
        if let Some(attempt_id) = self.take.take() {
            let follow_up_of = if turn.follow_up { self.first_take(turn.index) } else { None };
            self.answered.push(AnsweredTurn { turn, question_id: self.plan[turn.index].question_id.clone(), attempt_id, follow_up_of, ended_by });
        }
    }

    fn end_answer(&mut self, turn: Turn, ended_by: AnswerEnd, now_ms: u64) -> Vec<Command> {
        let had_take = self.take.is_some();
        self.note_answer(turn, ended_by);
        let mut out = vec![Command::StopTake { ended_by }];
        let has_follow_up = self.plan[turn.index].follow_up.is_some();
        // A follow-up needs the first take to link to.
        let next = if !turn.follow_up && has_follow_up && self.settings.follow_ups && had_take {
            Turn { index: turn.index, follow_up: true }
        } else {
            Turn { index: turn.index + 1, follow_up: false }
        };
        out.extend(self.ask(next, now_ms));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Vec<PlannedQuestion> {
        vec![
            PlannedQuestion { question_id: "a".into(), prompt: "Tell me about a conflict.".into(), follow_up: None },
            PlannedQuestion { question_id: "b".into(), prompt: "Design a cache.".into(), follow_up: Some("How would you shard it?".into()) },
        ]
    }

    fn speech(iv: &mut Interview, from: u64, to: u64) -> Vec<Command> {
        let mut out = Vec::new();
        for t in (from..to).step_by(50) {
            out.extend(iv.handle(Input::Level { rms: 0.05, now_ms: t }));
        }
        out
    }

    fn silence(iv: &mut Interview, from: u64, to: u64) -> Vec<Command> {
        let mut out = Vec::new();
        for t in (from..to).step_by(50) {
            out.extend(iv.handle(Input::Level { rms: 0.0005, now_ms: t }));
        }
        out
    }

    #[test]
    fn a_two_question_interview_with_a_follow_up_runs_hands_free() {
        let mut iv = Interview::new(plan(), InterviewSettings { think_ms: 2_000, ..InterviewSettings::default() });
        let t1 = Turn { index: 0, follow_up: false };
        assert_eq!(iv.start(0), vec![Command::Speak { turn: t1, text: "Tell me about a conflict.".into() }]);
        // Nothing records while the interviewer speaks.
        assert!(iv.handle(Input::Tick { now_ms: 10_000 }).is_empty());
        assert!(iv.handle(Input::SpeechEnded { now_ms: 3_000 }).is_empty());
        assert_eq!(iv.countdown_ms(3_500), Some(1_500));
        assert!(iv.handle(Input::Tick { now_ms: 4_999 }).is_empty());
        assert_eq!(iv.handle(Input::Tick { now_ms: 5_000 }), vec![Command::StartTake { turn: t1, question_id: "a".into(), follow_up_of: None }]);
        iv.handle(Input::TakeStarted { attempt_id: 7 });
        // Silence before any speech does not end the answer.
        assert!(silence(&mut iv, 5_000, 12_000).is_empty());
        assert!(speech(&mut iv, 12_000, 20_000).is_empty());
        // A pause shorter than the setting does not either, and the
        // countdown shows only after a second of silence.
        assert!(silence(&mut iv, 20_000, 22_000).is_empty());
        assert_eq!(iv.countdown_ms(20_500), None);
        assert_eq!(iv.countdown_ms(21_500), Some(2_500));
        assert!(speech(&mut iv, 22_000, 25_000).is_empty());
        let out = silence(&mut iv, 25_000, 29_100);
        let t2 = Turn { index: 1, follow_up: false };
        assert_eq!(
            out,
            vec![Command::StopTake { ended_by: AnswerEnd::Silence }, Command::Speak { turn: t2, text: "Design a cache.".into() }]
        );
        // Second question, ended by Space; its follow-up is asked and linked.
        iv.handle(Input::SpeechEnded { now_ms: 31_000 });
        assert_eq!(iv.handle(Input::Tick { now_ms: 33_000 }), vec![Command::StartTake { turn: t2, question_id: "b".into(), follow_up_of: None }]);
        iv.handle(Input::TakeStarted { attempt_id: 8 });
        speech(&mut iv, 33_000, 36_000);
        let t3 = Turn { index: 1, follow_up: true };
        assert_eq!(
            iv.handle(Input::Space { now_ms: 36_000 }),
            vec![Command::StopTake { ended_by: AnswerEnd::Space }, Command::Speak { turn: t3, text: "How would you shard it?".into() }]
        );
        iv.handle(Input::SpeechEnded { now_ms: 38_000 });
        assert_eq!(iv.handle(Input::Tick { now_ms: 40_000 }), vec![Command::StartTake { turn: t3, question_id: "b".into(), follow_up_of: Some(8) }]);
        iv.handle(Input::TakeStarted { attempt_id: 9 });
        speech(&mut iv, 40_000, 42_000);
        assert_eq!(iv.handle(Input::Space { now_ms: 42_000 }), vec![Command::StopTake { ended_by: AnswerEnd::Space }, Command::Finish]);
        assert_eq!(*iv.phase(), InterviewPhase::Finished);
        let summary: Vec<_> = iv.answered().iter().map(|a| (a.attempt_id, a.follow_up_of, a.ended_by)).collect();
        assert_eq!(summary, vec![(7, None, AnswerEnd::Silence), (8, None, AnswerEnd::Space), (9, Some(8), AnswerEnd::Space)]);
    }

    #[test]
    fn space_skips_the_think_time_but_never_the_echo_gap() {
        let mut iv = Interview::new(plan(), InterviewSettings { think_ms: 5_000, ..InterviewSettings::default() });
        iv.start(0);
        // Space while speaking stops the voice; recording waits for its end.
        assert_eq!(iv.handle(Input::Space { now_ms: 500 }), vec![Command::StopSpeaking]);
        iv.handle(Input::SpeechEnded { now_ms: 600 });
        assert!(iv.handle(Input::Space { now_ms: 700 }).is_empty());
        assert!(iv.handle(Input::Tick { now_ms: 600 + ECHO_GAP_MS - 1 }).is_empty());
        assert!(matches!(iv.handle(Input::Tick { now_ms: 600 + ECHO_GAP_MS })[..], [Command::StartTake { .. }]));
    }

    #[test]
    fn a_steady_room_noise_is_not_speech_and_a_click_is_not_either() {
        let mut iv = Interview::new(plan(), InterviewSettings { speak: false, think_ms: 0, ..InterviewSettings::default() });
        iv.start(0);
        iv.handle(Input::Tick { now_ms: 0 });
        iv.handle(Input::TakeStarted { attempt_id: 1 });
        // A fan at −40 dBFS for 20 s, one 50 ms click: no speech heard, so
        // no silence countdown ends the answer.
        let mut out = Vec::new();
        for (i, t) in (0..20_000).step_by(50).enumerate() {
            let rms = if i == 100 { 0.3 } else { 0.01 };
            out.extend(iv.handle(Input::Level { rms, now_ms: t }));
        }
        assert!(out.is_empty(), "{out:?}");
        assert!(matches!(iv.phase(), InterviewPhase::Answering { heard_speech: false, .. }));
        // Speech over the fan is heard.
        for t in (20_000..21_000).step_by(50) {
            iv.handle(Input::Level { rms: 0.08, now_ms: t });
        }
        assert!(matches!(iv.phase(), InterviewPhase::Answering { heard_speech: true, .. }));
    }

    #[test]
    fn silence_off_waits_for_space_and_a_take_that_ends_itself_moves_on() {
        let mut iv = Interview::new(plan(), InterviewSettings { speak: false, think_ms: 1_000, silence_ms: 0, follow_ups: false, ..InterviewSettings::default() });
        assert!(iv.start(0).is_empty());
        assert!(matches!(iv.handle(Input::Tick { now_ms: 1_000 })[..], [Command::StartTake { .. }]));
        iv.handle(Input::TakeStarted { attempt_id: 1 });
        speech(&mut iv, 1_000, 3_000);
        assert!(silence(&mut iv, 3_000, 60_000).is_empty());
        assert_eq!(iv.countdown_ms(59_000), None);
        // The take hit its limit: it is finished, and the next question is
        // shown (not spoken), with no follow-up since they are off.
        assert_eq!(iv.handle(Input::TakeEnded { now_ms: 60_000 }), vec![Command::StopTake { ended_by: AnswerEnd::Recorder }]);
        assert!(matches!(iv.phase(), InterviewPhase::Thinking { turn: Turn { index: 1, follow_up: false }, .. }));
        assert_eq!(iv.answered()[0].ended_by, AnswerEnd::Recorder);
    }

    #[test]
    fn stopping_mid_answer_keeps_the_take_and_finishes() {
        let mut iv = Interview::new(plan(), InterviewSettings::default());
        iv.start(0);
        iv.handle(Input::SpeechEnded { now_ms: 100 });
        iv.handle(Input::Tick { now_ms: 10_000 });
        iv.handle(Input::TakeStarted { attempt_id: 4 });
        assert_eq!(iv.handle(Input::Stop), vec![Command::StopTake { ended_by: AnswerEnd::Stopped }, Command::Finish]);
        assert_eq!(iv.answered().len(), 1);
        assert!(iv.handle(Input::Space { now_ms: 11_000 }).is_empty());
    }
}
