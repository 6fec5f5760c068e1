//! A hands-free mock interview without a window, through real parts: the
//! Piper test voice asks two bank questions through the speakers, which are
//! the virtual microphone's sink (so the microphone hears the interviewer, the
//! worst case), answers are played into the same microphone, the first ends
//! by silence and the second by Space, and the second question's follow-up
//! is asked and answered as its own take linked to the first. The sink is
//! recorded throughout to show the questions were heard; every take is
//! transcribed by the app's own pipeline and must hold its answer and none
//! of the interviewer's words.
//!
//! Needs the virtual microphone, the Whisper model, the test voice and ONNX
//! Runtime that `cargo xtask test` provides.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use starling_capture::RecordOptions;
use starling_studio::clock::Clock;
use starling_studio::interview::{AnswerEnd, InterviewPhase, InterviewSettings, PlannedQuestion};
use starling_studio::interview_run::{self, InterviewEvent, InterviewRequest, TakeSetup};
use starling_studio::shared::{EventSink, SharedStudio};
use starling_studio::transcription::TranscriptionEvent;
use common::worker;
use starling_studio::{DataPaths, Studio};
use starling_transcribe::wer;

/// (question id, answer, follow-up answer): answers share no word of five
/// letters or more with what the interviewer asks.
const FIRST: (&str, &str) = (
    "behavior-difficult-bug",
    "Our checkout page crashed every night. I traced it to a memory leak in the image resizer, rewrote that module, and the crashes stopped.",
);
const SECOND: (&str, &str, &str) = (
    "sql-transactions",
    "It keeps each change whole: either every step happens or nothing happens, like moving money from one account to another.",
    "It stops concurrent readers from seeing half finished changes, like dirty reads or lost updates.",
);

/// The sound set-up is shared: interviews take turns.
static SOUND: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn sound() -> std::sync::MutexGuard<'static, ()> {
    SOUND.lock().unwrap_or_else(|p| p.into_inner())
}


fn env_path(var: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(var).unwrap_or_else(|| panic!("set {var} (cargo xtask test does)")))
}

fn espeak(text: &str, path: &Path) -> PathBuf {
    assert!(Command::new("espeak-ng").args(["-v", "en-us", "-w"]).arg(path).arg(text).status().unwrap().success());
    path.to_path_buf()
}

fn paplay(wav: &Path) -> Child {
    Command::new("paplay").args(["-d", "virtmic"]).arg(wav).spawn().expect("paplay runs")
}

/// Words of five letters or more in `text` as the interviewer says it
/// ("authn" is said "authentication"), normalised as WER does.
fn long_words(text: &str) -> Vec<String> {
    wer::normalize(&starling_voice::spoken_form(text)).into_iter().filter(|w| w.chars().count() >= 5).collect()
}

/// The parts of 16 kHz `samples` between silences of a second or more.
fn sounding_stretches(samples: &[f32]) -> Vec<&[f32]> {
    const WINDOW: usize = 320;
    let loud: Vec<bool> = samples.chunks(WINDOW).map(|w| (w.iter().map(|x| x * x).sum::<f32>() / w.len() as f32).sqrt() > 0.01).collect();
    let mut out = Vec::new();
    let (mut start, mut quiet) = (None, 0usize);
    for (i, &l) in loud.iter().enumerate() {
        if l {
            start.get_or_insert(i);
            quiet = 0;
        } else if let Some(s) = start {
            quiet += 1;
            if quiet >= 50 {
                out.push(&samples[s * WINDOW..(i + 1 - quiet) * WINDOW]);
                start = None;
            }
        }
    }
    if let Some(s) = start {
        out.push(&samples[s * WINDOW..]);
    }
    out.retain(|s| s.len() >= 8_000);
    out
}

#[test]
#[ignore = "needs the virtual microphone, the models, the test voice and ONNX Runtime that `cargo xtask test` provides"]
fn a_two_question_mock_interview_runs_hands_free_and_no_take_holds_the_interviewer() {
    let _turn = sound();
    let dir = tempfile::tempdir().unwrap();
    let studio = Studio::open(DataPaths::new(dir.path().join("data"))).unwrap();
    studio.import_model(&env_path("STARLING_CT2_TINY_EN"), Some("tiny.en"), &worker()).unwrap();
    let bank = starling_bank::Bank::builtin();
    let question = |id: &str| bank.get(id).unwrap_or_else(|| panic!("{id} is in the bank")).clone();
    let (q1, q2) = (question(FIRST.0), question(SECOND.0));
    let follow_up = q2.follow_up.clone().expect("the second question has a follow-up");
    assert!(q1.follow_up.is_none(), "the first question has no follow-up");
    // The answers must not share words with the questions, or the check
    // below could not tell them apart.
    for (asked, answer) in [(&q1.prompt, FIRST.1), (&q2.prompt, SECOND.1), (&follow_up, SECOND.2)] {
        let theirs = long_words(answer);
        assert!(long_words(asked).iter().all(|w| !theirs.contains(w)), "{asked} / {answer}");
    }

    let (tx_t, transcribed) = mpsc::channel();
    let sink: EventSink = Arc::new(move |e| {
        let _ = tx_t.send(e);
    });
    let shared = SharedStudio::new(studio, Clock::system(), Some(worker()), sink);
    let answers = [espeak(FIRST.1, &dir.path().join("a1.wav")), espeak(SECOND.1, &dir.path().join("a2.wav")), espeak(SECOND.2, &dir.path().join("a3.wav"))];

    // Everything the sink plays (questions and answers), as the room hears it.
    let heard = dir.path().join("room.wav");
    let mut room = Command::new("parec")
        .args(["-d", "virtmic.monitor", "--file-format=wav", "--rate=16000", "--channels=1", "--format=s16le"])
        .arg(&heard)
        .spawn()
        .expect("parec runs");

    let (tx, events) = mpsc::channel();
    let setup: TakeSetup = Box::new(|_| Ok((RecordOptions { max_duration: Some(Duration::from_secs(90)), ..RecordOptions::default() }, None)));
    let plan = [&q1, &q2].iter().map(|q| PlannedQuestion { question_id: q.id.clone(), prompt: q.prompt.clone(), follow_up: q.follow_up.clone() }).collect();
    let request = InterviewRequest {
        plan,
        // The default silence (4 s) ends the first answer.
        settings: InterviewSettings { think_ms: 1_000, ..InterviewSettings::default() },
        voice: Some(env_path("STARLING_PIPER_VOICE").display().to_string()),
        threads: 2,
    };
    let run = interview_run::start(
        shared.clone(),
        request,
        setup,
        Arc::new(move |e| {
            let _ = tx.send(e);
        }),
    )
    .unwrap();

    let started = Instant::now();
    let mut takes = Vec::new();
    let mut stopped = Vec::new();
    let mut spoken = Vec::new();
    let mut countdown_seen = false;
    let mut answered = None;
    let mut player: Option<Child> = None;
    while answered.is_none() {
        assert!(started.elapsed() < Duration::from_secs(240), "the interview took over 4 minutes");
        let event = events.recv_timeout(Duration::from_secs(60)).expect("an interview event within 60 s");
        match event {
            InterviewEvent::Speaking { text, cached, ready_ms, .. } => {
                eprintln!("asked ({} ms to speech, cached {cached}): {text}", ready_ms);
                spoken.push(text);
            }
            InterviewEvent::VoiceProblem { message } => panic!("the voice failed: {message}"),
            InterviewEvent::Failed { message } => panic!("the interview failed: {message}"),
            InterviewEvent::TakeStarted { attempt, .. } => {
                let n = takes.len();
                takes.push(attempt);
                // Answer after a short pause, as a person would.
                std::thread::sleep(Duration::from_millis(700));
                player = Some(paplay(&answers[n]));
                if n > 0 {
                    // The second and third answers end with Space once said.
                    let status = player.take().unwrap().wait().unwrap();
                    assert!(status.success());
                    std::thread::sleep(Duration::from_millis(600));
                    run.space();
                }
            }
            InterviewEvent::Phase { phase: InterviewPhase::Answering { .. }, countdown_ms: Some(ms) } => {
                assert!(ms <= 4_000);
                countdown_seen = true;
            }
            InterviewEvent::TakeStopped { attempt, ended_by, .. } => stopped.push((attempt, ended_by)),
            InterviewEvent::Finished { answered: a } => answered = Some(a),
            _ => {}
        }
    }
    run.join();
    if let Some(mut p) = player {
        let _ = p.wait();
    }
    std::thread::sleep(Duration::from_millis(500));
    let _ = Command::new("kill").args(["-INT", &room.id().to_string()]).status();
    let _ = room.wait();

    // The interview: three takes, the follow-up linked to the second.
    assert_eq!(spoken, vec![q1.prompt.clone(), q2.prompt.clone(), follow_up.clone()]);
    let answered = answered.unwrap();
    let summary: Vec<_> = answered.iter().map(|a| (a.question_id.as_str(), a.turn.follow_up, a.ended_by)).collect();
    assert_eq!(summary, vec![(FIRST.0, false, AnswerEnd::Silence), (SECOND.0, false, AnswerEnd::Space), (SECOND.0, true, AnswerEnd::Space)]);
    assert_eq!(answered[2].follow_up_of, Some(takes[1].id));
    assert!(countdown_seen, "the silence countdown was shown");
    let stored = shared.with(|s| s.attempt(takes[2].id)).unwrap();
    assert_eq!(stored.follow_up_of, Some(takes[1].id));
    assert_eq!(stopped.len(), 3);

    // Each take holds its answer and none of the interviewer's words.
    let mut done = 0;
    let deadline = Instant::now() + Duration::from_secs(300);
    while done < 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        match transcribed.recv_timeout(left).expect("the takes are transcribed within 5 minutes") {
            TranscriptionEvent::Done { .. } => done += 1,
            TranscriptionEvent::Failed { message, .. } => panic!("a take failed to transcribe: {message}"),
            _ => {}
        }
    }
    for ((take, answer), asked) in takes.iter().zip([FIRST.1, SECOND.1, SECOND.2]).zip([&q1.prompt, &q2.prompt, &follow_up]) {
        let text = shared.with(|s| s.transcript(take.id)).unwrap().expect("a transcript").text;
        let rate = wer::wer(answer, &text);
        eprintln!("take {} ({} ms): WER {:.1} % against its answer: {text}", take.id, stopped.iter().find(|(a, _)| a.id == take.id).and_then(|(a, _)| a.duration_ms).unwrap_or(0), rate * 100.0);
        assert!(rate <= 0.5, "take {} reads {text:?}", take.id);
        let words = wer::normalize(&text);
        let leaked: Vec<_> = long_words(asked).into_iter().filter(|w| words.contains(w)).collect();
        assert!(leaked.is_empty(), "take {} holds the interviewer's words {leaked:?}: {text}", take.id);
    }

    // The room heard the questions.
    let samples = starling_transcribe::audio::load_wav(&heard).expect("the room recording reads");
    let model = dir.path().join("tiny.bin");
    starling_transcribe::convert::convert_folder(&env_path("STARLING_CT2_TINY_EN"), &model).unwrap();
    let mut engine = starling_transcribe::WhisperTranscriber::load(&model).unwrap();
    use starling_transcribe::Transcriber;
    // Transcribed a stretch at a time (cut at a second of silence): one
    // pass over a minute of mostly silence skips whole sentences.
    let mut room_text = String::new();
    for stretch in sounding_stretches(&samples) {
        let text = engine
            .transcribe(stretch, &starling_transcribe::TranscribeOptions::default(), &mut |_| {}, &std::sync::atomic::AtomicBool::new(false))
            .unwrap()
            .text;
        room_text.push_str(&text);
        room_text.push_str(" | ");
    }
    eprintln!("the room heard: {room_text}");
    // Each question was played (a question never heard scores near 0; tiny.en
    // mishearing a phrase of a short one, "bug you fixed" → "buggy fix",
    // costs it three words of eight), and nearly all their words in all.
    let room_words = wer::normalize(&room_text);
    let (mut found_all, mut all) = (0, 0);
    for asked in [&q1.prompt, &q2.prompt, &follow_up] {
        let words = wer::normalize(&starling_voice::spoken_form(asked));
        let found = words.iter().filter(|w| room_words.contains(w)).count();
        assert!(found * 2 >= words.len(), "the room heard {found} of the {} words of {asked:?}", words.len());
        (found_all, all) = (found_all + found, all + words.len());
    }
    assert!(found_all * 4 >= all * 3, "the room heard {found_all} of the {all} words asked");
}

#[test]
#[ignore = "needs the virtual microphone that `cargo xtask test` provides"]
fn with_no_neural_voice_installed_espeak_asks_and_the_interview_runs() {
    let _turn = sound();
    let dir = tempfile::tempdir().unwrap();
    let studio = Studio::open(DataPaths::new(dir.path().join("data"))).unwrap();
    let shared = SharedStudio::new(studio, Clock::system(), None, Arc::new(|_| {}));
    let bank = starling_bank::Bank::builtin();
    let q = bank.get(FIRST.0).unwrap();
    let answer = espeak(FIRST.1, &dir.path().join("a1.wav"));
    let (tx, events) = mpsc::channel();
    let setup: TakeSetup = Box::new(|_| Ok((RecordOptions { max_duration: Some(Duration::from_secs(60)), ..RecordOptions::default() }, None)));
    let request = InterviewRequest {
        plan: vec![PlannedQuestion { question_id: q.id.clone(), prompt: q.prompt.clone(), follow_up: None }],
        settings: InterviewSettings { think_ms: 500, silence_ms: 2_000, ..InterviewSettings::default() },
        voice: None,
        threads: 2,
    };
    let run = interview_run::start(shared.clone(), request, setup, Arc::new(move |e| {
        let _ = tx.send(e);
    }))
    .unwrap();
    let mut spoken = None;
    let answered = loop {
        match events.recv_timeout(Duration::from_secs(60)).expect("an interview event within 60 s") {
            InterviewEvent::Speaking { text, .. } => spoken = Some(text),
            InterviewEvent::VoiceProblem { message } => panic!("the fallback voice failed: {message}"),
            InterviewEvent::Failed { message } => panic!("the interview failed: {message}"),
            InterviewEvent::TakeStarted { .. } => assert!(paplay(&answer).wait().unwrap().success()),
            InterviewEvent::Finished { answered } => break answered,
            _ => {}
        }
    };
    run.join();
    assert_eq!(spoken.as_deref(), Some(q.prompt.as_str()), "espeak-ng asked the question");
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].ended_by, AnswerEnd::Silence);
    let take = shared.with(|s| s.attempt(answered[0].attempt_id)).unwrap();
    assert!(take.duration_ms.unwrap_or(0) > 5_000, "{take:?}");
    // The fallback's speech is cached like any other.
    assert!(std::fs::read_dir(dir.path().join("data/speech")).unwrap().count() >= 1);
}
