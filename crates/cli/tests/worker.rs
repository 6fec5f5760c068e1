//! Transcription in a worker process: a worker killed mid-job fails only that
//! attempt (with the reason shown), the recording stays playable, and a retry
//! succeeds. Uses the model `cargo xtask test` fetches.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use starling_capture::wav;
use starling_store::{AttemptState, Store, TranscriptionState};
use starling_studio::transcription::{TranscriptionEvent, TranscriptionRunner};
use common::worker;
use starling_studio::{DataPaths, Studio};
use starling_transcribe::wer;

const ANSWER: &str = "I owned the migration of our billing service. I wrote a plan, moved one customer group per week, \
    and kept a rollback ready. We finished two weeks early without a single outage.";

/// A longer answer (about 40 s), so the worker is still busy when it is killed.
const LONG_ANSWER: &str = "The situation was a slow reporting page that customers complained about every week. \
    My task was to make it fast before the next release, without changing what it showed. \
    I started by measuring each query and found one that scanned the whole orders table. \
    I added an index on the customer and date columns, and cached the monthly totals for an hour. \
    I also wrote a small load test so that we would notice if it became slow again. \
    As a result the page loaded in one second instead of twelve, and the complaints stopped.";


/// An attempt whose recording is `text`, spoken.
fn spoken_attempt(paths: &DataPaths, text: &str, name: &str) -> i64 {
    std::fs::create_dir_all(paths.recordings()).unwrap();
    let file = format!("{name}.wav");
    assert!(Command::new("espeak-ng").arg("-w").arg(paths.recordings().join(&file)).arg(text).status().unwrap().success());
    let store = Store::open(&paths.database()).unwrap();
    let a = store.begin_attempt("behavior-ownership", &file, 1).unwrap();
    store.finish_attempt(a.id, AttemptState::Done, Some(1), None).unwrap();
    a.id
}

fn next(rx: &mpsc::Receiver<TranscriptionEvent>, want: impl Fn(&TranscriptionEvent) -> bool) -> TranscriptionEvent {
    loop {
        let e = rx.recv_timeout(Duration::from_secs(120)).expect("the runner reports within two minutes");
        if want(&e) {
            return e;
        }
    }
}

#[test]
#[ignore = "needs the cached model that `cargo xtask test` fetches"]
fn a_killed_worker_fails_the_attempt_and_a_retry_works() {
    let data = tempfile::tempdir().unwrap();
    let paths = DataPaths::new(data.path());
    let studio = Studio::open(paths.clone()).unwrap();
    studio.import_model(Path::new(&std::env::var("STARLING_CT2_TINY_EN").unwrap()), Some("tiny.en"), &worker()).unwrap();
    let id = spoken_attempt(&paths, LONG_ANSWER, "long");

    let (tx, rx) = mpsc::channel();
    let runner = TranscriptionRunner::start(&paths, worker(), move |e| {
        let _ = tx.send(e);
    })
    .unwrap();
    runner.enqueue(studio.transcription_job(id, None).unwrap());
    // Wait until the worker is transcribing, then kill it like a crash would.
    let mut pid = None;
    for _ in 0..200 {
        if let Some((job, p)) = runner.running() {
            assert_eq!(job, id);
            pid = Some(p);
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let pid = pid.expect("the worker started");
    next(&rx, |e| matches!(e, TranscriptionEvent::Progress { .. }));
    assert!(Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap().success());
    let TranscriptionEvent::Failed { attempt_id, message } = next(&rx, |e| !matches!(e, TranscriptionEvent::Progress { .. })) else {
        panic!("expected a failure")
    };
    assert_eq!(attempt_id as i64, id);
    assert!(message.contains("stopped unexpectedly (it was killed)"), "{message}");

    let detail = studio.open_question("behavior-ownership").unwrap();
    let a = &detail.attempts[0];
    assert_eq!(a.transcription, TranscriptionState::Failed);
    assert_eq!(a.transcription_error.as_deref(), Some(message.as_str()));
    assert!(wav::inspect(&studio.attempt_audio(id).unwrap()).unwrap().frames > 0, "the recording is still playable");

    // Retry.
    runner.enqueue(studio.transcription_job(id, None).unwrap());
    let done = next(&rx, |e| !matches!(e, TranscriptionEvent::Progress { .. }));
    let t = studio.transcript(id).unwrap().expect("a transcript after the retry");
    assert_eq!(done, TranscriptionEvent::Done { attempt_id: id as i32, transcript: t.clone() }, "done carries the stored transcript");
    let rate = wer::wer(LONG_ANSWER, &t.text);
    assert!(rate < 0.3, "WER {rate:.3}: {}", t.text);
    assert!(!t.segments.is_empty() && t.segments.iter().all(|s| !s.words.is_empty()));
    assert_eq!(studio.open_question("behavior-ownership").unwrap().attempts[0].transcription, TranscriptionState::Done);
}

#[test]
#[ignore = "needs the cached model that `cargo xtask test` fetches"]
fn takes_recorded_before_a_model_existed_are_queued_once_one_is_installed() {
    let data = tempfile::tempdir().unwrap();
    let paths = DataPaths::new(data.path());
    let id = spoken_attempt(&paths, ANSWER, "early");
    let studio = Studio::open(paths.clone()).unwrap();
    assert!(studio.pending_transcriptions().unwrap().is_empty(), "no model yet: nothing to run");
    studio.import_model(Path::new(&std::env::var("STARLING_CT2_TINY_EN").unwrap()), Some("tiny.en"), &worker()).unwrap();
    let jobs = studio.pending_transcriptions().unwrap();
    assert_eq!(jobs.iter().map(|j| j.attempt_id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(jobs[0].model_name, "tiny.en");
    let (tx, rx) = mpsc::channel();
    let runner = TranscriptionRunner::start(&paths, worker(), move |e| {
        let _ = tx.send(e);
    })
    .unwrap();
    for j in jobs {
        runner.enqueue(j);
    }
    let done = next(&rx, |e| !matches!(e, TranscriptionEvent::Progress { .. }));
    assert!(matches!(done, TranscriptionEvent::Done { attempt_id, .. } if attempt_id == id as i32), "{done:?}");
    assert!(studio.pending_transcriptions().unwrap().is_empty());
}
