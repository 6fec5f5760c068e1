//! Runs a hands-free mock interview ([`crate::interview`]) for real: the
//! interviewer's voice (`starling_voice`, kept in the speech cache), the
//! speakers (`starling_capture::player`), and takes through the
//! [`SharedStudio`] like any other, so a take stops and gets its transcript
//! exactly as one recorded by hand.
//!
//! One thread owns the interview. Speech plays on a thread of its own so
//! Space and Stop reach the interview while the interviewer talks; the
//! microphone's levels come from the take's capture events. Nothing here
//! holds the studio's lock longer than starting or stopping a take.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;
use starling_capture::{CaptureEvent, RecordOptions};
use starling_store::Attempt;
use starling_voice::{SpeechCache, Voice};
use ts_rs::TS;

use crate::interview::{AnswerEnd, AnsweredTurn, Command, Input, Interview, InterviewPhase, InterviewSettings, PlannedQuestion, SettingsProblem, Turn};
use crate::recording::LiveRequest;
use crate::shared::SharedStudio;
use crate::{RecordingEvent, StudioError};

/// How often the interview looks at the clock when nothing happens.
const TICK: Duration = Duration::from_millis(50);

/// What the window hears about a running interview.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InterviewEvent {
    /// Where the interview is; sent on every change, and every 100 ms while
    /// a countdown runs (the think time, or the silence that ends an answer).
    Phase {
        phase: InterviewPhase,
        #[ts(type = "number | null")]
        countdown_ms: Option<u64>,
    },
    /// The interviewer starts reading `text`.
    Speaking {
        turn: Turn,
        text: String,
        /// The speech came from the cache.
        cached: bool,
        /// From the command to the first sample going out.
        #[ts(type = "number")]
        ready_ms: u64,
    },
    /// The voice could not speak (the text is shown, the interview goes on).
    VoiceProblem { message: String },
    TakeStarted { turn: Turn, attempt: Attempt },
    /// One of the take's capture or live-transcript events.
    Recording { event: RecordingEvent },
    TakeStopped { turn: Turn, attempt: Attempt, ended_by: AnswerEnd },
    /// The interview is over; what was answered, in order.
    Finished { answered: Vec<AnsweredTurn> },
    /// The interview could not go on (a take could not start).
    Failed { message: String },
}

/// Where interview events go.
pub type InterviewSink = Arc<dyn Fn(InterviewEvent) + Send + Sync>;

/// What a take in the interview records with: the microphone settings and,
/// when wanted, a live transcript. Asked for each take.
pub type TakeSetup = Box<dyn Fn(&Sender<RecordingEvent>) -> Result<(RecordOptions, Option<LiveRequest>), StudioError> + Send>;

impl crate::Studio {
    /// The questions `ids` as an interview plan, in that order.
    pub fn interview_plan(&self, ids: &[String]) -> Result<Vec<PlannedQuestion>, StudioError> {
        ids.iter()
            .map(|id| {
                let q = self.bank().get(id).ok_or_else(|| StudioError::UnknownQuestion(id.clone()))?;
                Ok(PlannedQuestion { question_id: q.id.clone(), prompt: q.prompt.clone(), follow_up: q.follow_up.clone() })
            })
            .collect()
    }
}

/// How the app's takes record: the preferred microphone, at most
/// `max_seconds`, and a live transcript run by `live_program` (the app's
/// own binary) when given.
pub fn app_take_setup(shared: Arc<SharedStudio>, live_program: Option<std::path::PathBuf>, max_seconds: u32) -> TakeSetup {
    Box::new(move |events: &Sender<RecordingEvent>| {
        let live = live_program.clone().map(|program| {
            let events = events.clone();
            crate::app_take::live_request(program, move |e| {
                let _ = events.send(e);
            })
        });
        let opts = shared.with(|s| crate::app_take::record_options(s, max_seconds))?;
        Ok((opts, live))
    })
}

/// What the interview asks and how.
pub struct InterviewRequest {
    pub plan: Vec<PlannedQuestion>,
    pub settings: InterviewSettings,
    /// The voice to ask for ("espeak", an installed voice); `None`: the
    /// first installed voice, else espeak-ng.
    pub voice: Option<String>,
    /// Threads for the neural voice.
    pub threads: usize,
}

enum Message {
    Space,
    Stop,
    SpeechEnded,
    Level(f32),
    TakeEnded,
}

/// A running interview; dropping it stops the interview.
pub struct InterviewRun {
    tx: Sender<Message>,
    thread: Option<JoinHandle<()>>,
}

impl InterviewRun {
    /// Space: skips the reading or the think time, or ends the answer.
    pub fn space(&self) {
        let _ = self.tx.send(Message::Space);
    }

    /// Ends the interview (a take recording is kept).
    pub fn stop(&self) {
        let _ = self.tx.send(Message::Stop);
    }

    /// Whether the interview has finished.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits for the interview to finish.
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for InterviewRun {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = self.tx.send(Message::Stop);
            let _ = t.join();
        }
    }
}

/// The last voice an interview spoke with, kept open for the next one.
type VoiceShelf = Arc<std::sync::Mutex<Option<Voice>>>;

/// The app's one mock interview: a second cannot start while one runs. The
/// voice the last interview opened is kept, so the next one with the same
/// voice asks its first question without waiting the second or two a
/// neural voice takes to open.
#[derive(Default)]
pub struct InterviewSlot {
    run: std::sync::Mutex<Option<InterviewRun>>,
    voice: VoiceShelf,
}

impl InterviewSlot {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<InterviewRun>> {
        crate::shared::relock(&self.run)
    }

    /// Starts an interview (see [`start`]) unless one is running.
    pub fn start(&self, shared: Arc<SharedStudio>, request: InterviewRequest, setup: TakeSetup, sink: InterviewSink) -> Result<(), StudioError> {
        let mut slot = self.slot();
        if slot.as_ref().is_some_and(|run| !run.is_finished()) {
            return Err(StudioError::InterviewRunning);
        }
        *slot = Some(start_with_shelf(shared, request, setup, sink, self.voice.clone())?);
        Ok(())
    }

    /// Space in the running interview; false when none runs.
    pub fn space(&self) -> bool {
        self.slot().as_ref().filter(|r| !r.is_finished()).map(InterviewRun::space).is_some()
    }

    /// Ends the running interview (it reports `Finished`); false when none runs.
    pub fn stop(&self) -> bool {
        self.slot().as_ref().filter(|r| !r.is_finished()).map(InterviewRun::stop).is_some()
    }
}

/// Starts a mock interview on its own thread. The voice is opened there
/// (a neural voice takes a second or two), so this returns at once.
pub fn start(shared: Arc<SharedStudio>, request: InterviewRequest, setup: TakeSetup, sink: InterviewSink) -> Result<InterviewRun, StudioError> {
    start_with_shelf(shared, request, setup, sink, VoiceShelf::default())
}

/// [`start`], speaking with the voice on `shelf` when it is the one asked
/// for, and leaving the voice it spoke with there when it ends.
fn start_with_shelf(shared: Arc<SharedStudio>, request: InterviewRequest, setup: TakeSetup, sink: InterviewSink, shelf: VoiceShelf) -> Result<InterviewRun, StudioError> {
    request.settings.check()?;
    if request.plan.is_empty() {
        return Err(SettingsProblem::NoQuestions.into());
    }
    let (tx, rx) = mpsc::channel();
    let own_tx = tx.clone();
    let thread = std::thread::Builder::new()
        .name("starling-interview".into())
        .spawn(move || {
            let mut run = Runner { shared, setup, sink, tx: own_tx, voice: None, shelf, speaking: None, started: Instant::now(), take_turn: None };
            run.run(request, rx);
        })
        .map_err(StudioError::InterviewThread)?;
    Ok(InterviewRun { tx, thread: Some(thread) })
}

struct Runner {
    shared: Arc<SharedStudio>,
    setup: TakeSetup,
    sink: InterviewSink,
    tx: Sender<Message>,
    voice: Option<(Voice, SpeechCache)>,
    /// Where the voice is kept between interviews.
    shelf: VoiceShelf,
    /// The stop flag of the speech playing now.
    speaking: Option<Arc<AtomicBool>>,
    started: Instant,
    take_turn: Option<Turn>,
}

impl Runner {
    fn now(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn run(&mut self, request: InterviewRequest, rx: mpsc::Receiver<Message>) {
        if request.settings.speak {
            self.open_voice(&request);
        }
        let speed = request.settings.speed;
        let mut interview = Interview::new(request.plan, request.settings);
        let mut commands = interview.start(self.now());
        let mut shown: Option<(InterviewPhase, Option<u64>)> = None;
        loop {
            for command in std::mem::take(&mut commands) {
                if let Some(input) = self.carry_out(command, speed) {
                    commands.extend(interview.handle(input));
                }
            }
            let now = self.now();
            // The countdown is shown in tenths of a second.
            let view = (interview.phase().clone(), interview.countdown_ms(now).map(|ms| ms.div_ceil(100) * 100));
            if shown.as_ref() != Some(&view) {
                (self.sink)(InterviewEvent::Phase { phase: view.0.clone(), countdown_ms: view.1 });
                shown = Some(view);
            }
            if *interview.phase() == InterviewPhase::Finished {
                break;
            }
            let input = match rx.recv_timeout(TICK) {
                Ok(Message::Space) => Input::Space { now_ms: self.now() },
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => Input::Stop,
                Ok(Message::SpeechEnded) => Input::SpeechEnded { now_ms: self.now() },
                Ok(Message::Level(rms)) => Input::Level { rms, now_ms: self.now() },
                Ok(Message::TakeEnded) => Input::TakeEnded { now_ms: self.now() },
                Err(RecvTimeoutError::Timeout) => Input::Tick { now_ms: self.now() },
            };
            commands = interview.handle(input);
        }
        if let Some(flag) = self.speaking.take() {
            flag.store(true, Ordering::Relaxed);
        }
        if let Some((voice, _)) = self.voice.take() {
            *crate::shared::relock(&self.shelf) = Some(voice);
        }
        (self.sink)(InterviewEvent::Finished { answered: interview.answered().to_vec() });
    }

    fn open_voice(&mut self, request: &InterviewRequest) {
        let (voices, speech) = match self.shared.with(|s| Ok::<_, StudioError>((s.paths().voices(), s.paths().speech()))) {
            Ok(dirs) => dirs,
            Err(e) => {
                (self.sink)(InterviewEvent::VoiceProblem { message: e.to_string() });
                return;
            }
        };
        let kept = crate::shared::relock(&self.shelf).take();
        match Voice::choose_reusing(&voices, request.voice.as_deref(), request.threads, kept) {
            Ok((voice, why)) => {
                if let Some(e) = why {
                    (self.sink)(InterviewEvent::VoiceProblem { message: e.to_string() });
                }
                self.voice = Some((voice, SpeechCache::new(speech)));
            }
            Err(e) => (self.sink)(InterviewEvent::VoiceProblem { message: e.to_string() }),
        }
    }

    /// Does `command`; returns what it led to at once, if anything.
    fn carry_out(&mut self, command: Command, speed: f32) -> Option<Input> {
        match command {
            Command::Speak { turn, text } => self.speak(turn, text, speed),
            Command::StopSpeaking => {
                if let Some(flag) = &self.speaking {
                    flag.store(true, Ordering::Relaxed);
                }
                None
            }
            Command::StartTake { turn, question_id, follow_up_of } => self.start_take(turn, &question_id, follow_up_of),
            Command::StopTake { ended_by } => {
                self.stop_take(ended_by);
                None
            }
            Command::Finish => None,
        }
    }

    /// Makes (or finds) the speech and plays it on its own thread, which
    /// says when it has been heard. Without a voice, or when it fails, the
    /// speech "ends" at once: the question is on screen.
    fn speak(&mut self, turn: Turn, text: String, speed: f32) -> Option<Input> {
        let asked = Instant::now();
        let Some((voice, cache)) = self.voice.as_mut() else {
            return Some(Input::SpeechEnded { now_ms: self.now() });
        };
        let id = voice.id();
        let speech = cache.speech(&id, speed, &text, || voice.speak(&text, speed));
        let (speech, cached) = match speech {
            Ok(s) => s,
            Err(e) => {
                (self.sink)(InterviewEvent::VoiceProblem { message: e.to_string() });
                return Some(Input::SpeechEnded { now_ms: self.now() });
            }
        };
        let stop = Arc::new(AtomicBool::new(false));
        self.speaking = Some(stop.clone());
        let tx = self.tx.clone();
        let sink = self.sink.clone();
        (self.sink)(InterviewEvent::Speaking { turn, text, cached, ready_ms: asked.elapsed().as_millis() as u64 });
        let spawned = std::thread::Builder::new().name("starling-interviewer".into()).spawn(move || {
            if let Err(e) = starling_capture::player::play(&speech.samples, speech.sample_rate, &stop) {
                tracing::warn!(error = %e, "the question could not be played");
                sink(InterviewEvent::VoiceProblem { message: e.to_string() });
            }
            let _ = tx.send(Message::SpeechEnded);
        });
        match spawned {
            Ok(_) => None,
            Err(e) => {
                (self.sink)(InterviewEvent::VoiceProblem { message: format!("the question could not be played: {e}") });
                Some(Input::SpeechEnded { now_ms: self.now() })
            }
        }
    }

    fn start_take(&mut self, turn: Turn, question_id: &str, follow_up_of: Option<i64>) -> Option<Input> {
        // The take's events reach the window and, as levels, the interview.
        let (events_tx, events_rx) = mpsc::channel::<RecordingEvent>();
        let sink = self.sink.clone();
        std::thread::Builder::new()
            .name("starling-interview-events".into())
            .spawn(move || {
                for event in events_rx {
                    sink(InterviewEvent::Recording { event });
                }
            })
            .ok();
        let setup = match (self.setup)(&events_tx) {
            Ok(s) => s,
            Err(e) => return Some(self.fail(e)),
        };
        let (opts, live) = setup;
        let tx = self.tx.clone();
        let on_event = move |e: CaptureEvent| {
            match &e {
                CaptureEvent::Level { rms, .. } => {
                    let _ = tx.send(Message::Level(*rms));
                }
                CaptureEvent::Ended { .. } => {
                    let _ = tx.send(Message::TakeEnded);
                }
                _ => {}
            }
            let _ = events_tx.send(RecordingEvent::from(e));
        };
        let started = self.shared.with(|s| match follow_up_of {
            Some(first) => s.start_follow_up_live(first, opts, live, on_event),
            None => s.start_recording_live(question_id, opts, live, on_event),
        });
        match started {
            Ok(attempt) => {
                self.take_turn = Some(turn);
                let id = attempt.id;
                (self.sink)(InterviewEvent::TakeStarted { turn, attempt });
                Some(Input::TakeStarted { attempt_id: id })
            }
            Err(e) => Some(self.fail(e)),
        }
    }

    fn stop_take(&mut self, ended_by: AnswerEnd) {
        let turn = self.take_turn.take();
        match self.shared.stop_take() {
            Ok(stopped) => {
                if let Some(turn) = turn {
                    (self.sink)(InterviewEvent::TakeStopped { turn, attempt: stopped.attempt, ended_by });
                }
            }
            // Not recording: the take already failed and was reported.
            Err(StudioError::NotRecording) => {}
            Err(e) => (self.sink)(InterviewEvent::Failed { message: e.to_string() }),
        }
    }

    /// Reports `e` and ends the interview.
    fn fail(&mut self, e: StudioError) -> Input {
        tracing::warn!(error = %e, "the mock interview stops");
        (self.sink)(InterviewEvent::Failed { message: e.to_string() });
        Input::Stop
    }
}
