//! Faults of the transcription model and engine: damaged model files, and
//! whisper.cpp aborting inside a transcription.

use std::sync::mpsc;
use std::time::Duration;

use starling_store::{AttemptState, Store, TranscriptionState};
use crate::common::worker;
use starling_studio::transcription::{TranscriptionEvent, TranscriptionRunner};
use starling_studio::{DataPaths, Studio};

use super::{says, Env};

const QUESTION: &str = "behavior-legacy-codebase";

/// Imports `bytes` as a model: it must be refused, and the installed models
/// (one good one) stay as they were.
fn refused_import(env: &Env, name: &str, bytes: &[u8]) -> Result<String, String> {
    let paths = env.data(&format!("import-{name}"));
    let studio = Studio::open(paths.clone()).map_err(|e| e.to_string())?;
    studio.import_model(&env.model, Some("tiny.en"), &worker()).map_err(|e| format!("the good model does not import: {e}"))?;
    let file = env.dir.path().join(format!("{name}.bin"));
    std::fs::write(&file, bytes).map_err(|e| e.to_string())?;
    let message = match studio.import_model(&file, Some(name), &worker()) {
        Ok(_) => return Err("the bad model was installed".into()),
        Err(e) => e.to_string(),
    };
    let names: Vec<String> = studio.list_models().map_err(|e| e.to_string())?.into_iter().map(|m| m.name).collect();
    if names != ["tiny.en"] {
        return Err(format!("the installed models are now {names:?}"));
    }
    Ok(message)
}

pub fn truncated(env: &Env) -> Result<String, String> {
    let bytes = std::fs::read(&env.model).map_err(|e| e.to_string())?;
    let message = refused_import(env, "cut", &bytes[..bytes.len() * 2 / 3])?;
    says(&message, &["truncated"])
}

pub fn zero_bytes(env: &Env) -> Result<String, String> {
    let message = refused_import(env, "empty", &[])?;
    says(&message, &["empty.bin", "could not be loaded"])
}

pub fn other_format(env: &Env) -> Result<String, String> {
    let wav = std::fs::read(&env.speech).map_err(|e| e.to_string())?;
    let message = refused_import(env, "speech", &wav)?;
    says(&message, &["speech.bin", "not a ggml Whisper model"])
}


/// A studio with the model installed and one spoken take.
fn with_take(env: &Env, name: &str) -> Result<(DataPaths, Studio, i64), String> {
    let paths = env.data(name);
    let studio = Studio::open(paths.clone()).map_err(|e| e.to_string())?;
    studio.import_model(&env.model, Some("tiny.en"), &worker()).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(paths.recordings()).map_err(|e| e.to_string())?;
    std::fs::copy(&env.speech, paths.recordings().join("take.wav")).map_err(|e| e.to_string())?;
    let store = Store::open(&paths.database()).map_err(|e| e.to_string())?;
    let a = store.begin_attempt(QUESTION, "take.wav", 1).map_err(|e| e.to_string())?;
    store.finish_attempt(a.id, AttemptState::Done, Some(1), None).map_err(|e| e.to_string())?;
    Ok((paths, studio, a.id))
}

fn next_outcome(rx: &mpsc::Receiver<TranscriptionEvent>) -> Result<TranscriptionEvent, String> {
    loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(TranscriptionEvent::Progress { .. }) => {}
            Ok(e) => return Ok(e),
            Err(_) => return Err("the transcription did not end within 2 minutes".into()),
        }
    }
}

/// The installed model file is cut short on disk after it was installed:
/// the transcription fails with the reason, and the recording is untouched.
pub fn installed_truncated(env: &Env) -> Result<String, String> {
    let (paths, studio, id) = with_take(env, "installed-cut")?;
    let installed = paths.root().join("models/tiny.en.bin");
    let bytes = std::fs::read(&installed).map_err(|e| format!("the model is not where expected: {e}"))?;
    std::fs::write(&installed, &bytes[..bytes.len() / 2]).map_err(|e| e.to_string())?;
    let audio_before = std::fs::read(paths.recordings().join("take.wav")).map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel();
    let runner = TranscriptionRunner::start(&paths, worker(), move |e| {
        let _ = tx.send(e);
    })
    .map_err(|e| e.to_string())?;
    runner.enqueue(studio.transcription_job(id, None).map_err(|e| e.to_string())?);
    let TranscriptionEvent::Failed { message, .. } = next_outcome(&rx)? else {
        return Err("a half model file transcribed".into());
    };
    if std::fs::read(paths.recordings().join("take.wav")).map_err(|e| e.to_string())? != audio_before {
        return Err("the recording changed".into());
    }
    let state = studio.attempt(id).map_err(|e| e.to_string())?.transcription;
    if state != TranscriptionState::Failed {
        return Err(format!("the attempt's transcription is {state:?}, not failed (retryable)"));
    }
    says(&message, &["tiny.en.bin", "truncated"])
}

/// The worker aborts (SIGABRT, as whisper.cpp's assertions do) in the middle
/// of a transcription: that one attempt fails with the reason, the app and
/// its runner carry on, and a retry of the same take succeeds.
pub fn whisper_aborts(env: &Env) -> Result<String, String> {
    let (paths, studio, id) = with_take(env, "whisper-aborts")?;
    let (tx, rx) = mpsc::channel();
    let runner = TranscriptionRunner::start(&paths, worker(), move |e| {
        let _ = tx.send(e);
    })
    .map_err(|e| e.to_string())?;
    runner.enqueue(studio.transcription_job(id, None).map_err(|e| e.to_string())?);
    let pid = loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(TranscriptionEvent::Progress { .. }) => {
                if let Some((_, pid)) = runner.running() {
                    break pid;
                }
            }
            Ok(other) => return Err(format!("the transcription ended before it could be disturbed: {other:?}")),
            Err(_) => return Err("no progress within a minute".into()),
        }
    };
    let aborted = std::process::Command::new("kill").args(["-ABRT", &pid.to_string()]).status().is_ok_and(|s| s.success());
    if !aborted {
        return Err("cannot signal the worker".into());
    }
    let TranscriptionEvent::Failed { message, .. } = next_outcome(&rx)? else {
        return Err("the aborted transcription was reported as done".into());
    };
    runner.enqueue(studio.transcription_job(id, None).map_err(|e| e.to_string())?);
    match next_outcome(&rx)? {
        TranscriptionEvent::Done { .. } => {}
        other => return Err(format!("the retry after the abort did not succeed: {other:?}")),
    }
    let text = studio.transcript(id).map_err(|e| e.to_string())?.map(|t| t.text).unwrap_or_default();
    if !text.to_lowercase().contains("outage") {
        return Err(format!("the retried transcript reads {text:?}"));
    }
    says(&message, &["SIGABRT", "recording is kept", "retry"])
}
