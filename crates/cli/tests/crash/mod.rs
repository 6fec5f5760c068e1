//! The suite's driver: the kill loop, the phases and the tally (see
//! `crash_suite.rs` for what it checks).

mod checks;
mod workload;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use starling_store::{AttemptState, Store};
use starling_studio::{DataPaths, Studio};

const ROLE_ENV: &str = "STARLING_CRASH_ROLE";
const RECORDED_QUESTION: &str = "behavior-helped-teammate";
const SPEECH: &str = "The situation was a release that kept slipping because our tests were slow and flaky. \
    My task was to get the suite under ten minutes without losing coverage. \
    I measured every test, moved the slowest ones to a nightly run, and fixed three races in our fixtures. \
    As a result the suite ran in seven minutes and we shipped every week after that. \
    Looking back, I would have started with the measurements much earlier.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Recording,
    Transcription,
    NoteEditing,
    Backup,
}

#[derive(Default)]
struct PhaseTally {
    kills: u32,
    lost_notes: u32,
    unrecovered: u32,
    integrity_failures: u32,
    /// Recording only: the largest stretch lost before the kill, in ms.
    worst_loss_ms: i64,
    /// Backup only: restores killed after their journal, finished at restart.
    resumed_restores: u32,
    /// Acknowledged steps (saved notes, exports, transcripts) before kills.
    acknowledged: u32,
}

struct Suite {
    _dir: tempfile::TempDir,
    paths: DataPaths,
    exports: std::path::PathBuf,
    speech: std::path::PathBuf,
    rng: fastrand::Rng,
    acked: BTreeMap<String, u64>,
    next_rev: u64,
    attempts: usize,
    /// Time per take of the last uninterrupted transcription run, in ms.
    per_job_ms: u64,
    tally: BTreeMap<Phase, PhaseTally>,
    problems: Vec<String>,
}

pub fn main() {
    if let Ok(role) = std::env::var(ROLE_ENV) {
        return workload::run(&role);
    }
    if !crate::common::should_run("crash_suite") {
        return;
    }
    let kills: u32 = std::env::var("STARLING_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let seed: u64 = std::env::var("STARLING_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(1)
    });
    let mut suite = Suite::new(seed);
    let phases = [Phase::Recording, Phase::Transcription, Phase::NoteEditing, Phase::Backup];
    let started = Instant::now();
    for i in 0..kills {
        let phase = phases[i as usize % phases.len()];
        if let Err(e) = suite.kill_once(phase) {
            suite.problems.push(format!("kill {} ({phase:?}): {e}", i + 1));
        }
    }
    suite.print(kills, seed, started.elapsed());
    if !suite.problems.is_empty() {
        eprintln!("\ncrash suite FAILED:");
        for p in &suite.problems {
            eprintln!("  - {p}");
        }
        eprintln!("repeat with STARLING_CRASH_SEED={seed}");
        drop(suite); // removes its temporary data folder
        std::process::exit(1);
    }
}

/// Starts `cmd` with its stdout read line by line, each line with the moment
/// it arrived.
fn watched(cmd: &mut Command) -> Result<(Child, Receiver<(Instant, String)>), String> {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| format!("cannot start: {e}"))?;
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().ok_or("no stdout")?;
    let err = child.stderr.take().ok_or("no stderr")?;
    for stream in [Box::new(out) as Box<dyn std::io::Read + Send>, Box::new(err)] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send((Instant::now(), line));
            }
        });
    }
    Ok((child, rx))
}

/// Waits for a line starting with `prefix`; returns when it arrived.
fn wait_for(rx: &Receiver<(Instant, String)>, prefix: &str, within: Duration) -> Result<Instant, String> {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((at, line)) if line.starts_with(prefix) => return Ok(at),
            Ok(_) => {}
            Err(_) => return Err(format!("no `{prefix}` line within {within:?}")),
        }
    }
}

/// Kills `child`; a process that had already ended is a failure, reported
/// with the last lines it printed (a panic's message among them).
fn kill(child: &mut Child, printed: &Receiver<(Instant, String)>) -> Result<(), String> {
    child.kill().map_err(|e| format!("kill failed: {e}"))?;
    let status = child.wait().map_err(|e| e.to_string())?;
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(9) => Ok(()),
        _ => {
            // The reader threads end with the process's pipes.
            std::thread::sleep(Duration::from_millis(100));
            let lines: Vec<String> = printed.try_iter().map(|(_, l)| l).collect();
            let tail = lines[lines.len().saturating_sub(8)..].join("\n    | ");
            Err(format!("the process had already ended ({status}) before the kill; it printed last:\n    | {tail}"))
        }
    }
}

impl Suite {
    fn new(seed: u64) -> Suite {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let paths = DataPaths::new(dir.path().join("data"));
        let exports = dir.path().join("exports");
        std::fs::create_dir_all(&exports).expect("the export folder");
        let speech = dir.path().join("speech.wav");
        let ok = Command::new("espeak-ng").arg("-w").arg(&speech).arg(SPEECH).status().is_ok_and(|s| s.success());
        assert!(ok, "espeak-ng makes the answer the virtual microphone plays");
        let studio = Studio::open(paths.clone()).expect("the studio opens");
        let model = std::env::var("STARLING_CT2_TINY_EN").expect("STARLING_CT2_TINY_EN names the test model (cargo xtask test sets it)");
        studio.import_model(std::path::Path::new(&model), Some("tiny.en"), &starling_studio::transcription::WorkerCommand { program: env!("CARGO_BIN_EXE_starling-cli").into(), prefix: vec!["__transcribe-worker".into()] }).expect("the test model imports");
        let mut suite = Suite {
            _dir: dir,
            paths,
            exports,
            speech,
            rng: fastrand::Rng::with_seed(seed),
            acked: BTreeMap::new(),
            next_rev: 1,
            attempts: 0,
            per_job_ms: 1_500,
            tally: BTreeMap::new(),
            problems: Vec::new(),
        };
        // Notes written before any kill must survive all of them.
        for q in workload::NOTE_QUESTIONS {
            studio.save_star_note(&workload::note(q, suite.next_rev)).expect("a first note saves");
            suite.acked.insert(q.to_string(), suite.next_rev);
            suite.next_rev += 1;
        }
        suite
    }

    fn workload(&self, role: &str) -> Command {
        let mut c = Command::new(std::env::current_exe().expect("the test binary's path"));
        c.env(ROLE_ENV, role).env("STARLING_DATA_DIR", self.paths.root()).env("STARLING_CRASH_EXPORTS", &self.exports);
        c.env("STARLING_CRASH_REV", self.next_rev.to_string());
        c
    }

    fn kill_once(&mut self, phase: Phase) -> Result<(), String> {
        self.tally.entry(phase).or_default().kills += 1;
        let acknowledged = match phase {
            Phase::Recording => self.record_and_kill()?,
            Phase::Transcription => self.transcribe_and_kill()?,
            Phase::NoteEditing => self.edit_and_kill()?,
            Phase::Backup => self.backup_and_kill()?,
        };
        self.tally.entry(phase).or_default().acknowledged += acknowledged;
        self.after_restart(phase)
    }

    /// The checks every restart must pass; the restart is `Studio::open`.
    fn after_restart(&mut self, phase: Phase) -> Result<(), String> {
        if self.paths.root().join(".restore-journal").exists() {
            self.tally.entry(phase).or_default().resumed_restores += 1;
        }
        drop(Studio::open(self.paths.clone()).map_err(|e| format!("the app does not start again: {e}"))?);
        let mut problems = Vec::new();
        let t = self.tally.entry(phase).or_default();
        if let Err(e) = checks::integrity(&self.paths) {
            t.integrity_failures += 1;
            problems.push(e);
        }
        let store = Store::open(&self.paths.database()).map_err(|e| e.to_string())?;
        t.lost_notes += checks::notes(&store, &self.acked, &mut problems);
        self.attempts = checks::nothing_half_done(&self.paths, &store, self.attempts, &mut problems);
        checks::archives(&self.exports, &mut problems);
        self.problems.extend(problems.into_iter().map(|p| format!("after a kill while {phase:?}: {p}")));
        Ok(())
    }

    fn record_and_kill(&mut self) -> Result<u32, String> {
        let before = Store::open(&self.paths.database()).map_err(|e| e.to_string())?.recent_attempts(1).map_err(|e| e.to_string())?;
        let last_id = before.first().map_or(0, |a| a.id);
        let mut player = Command::new("paplay").args(["-d", "virtmic"]).arg(&self.speech).spawn().map_err(|e| format!("paplay: {e}"))?;
        let (mut child, rx) = watched(
            Command::new(env!("CARGO_BIN_EXE_starling-cli"))
                .args(["record", "--question", RECORDED_QUESTION, "--seconds", "60"])
                .env("STARLING_DATA_DIR", self.paths.root()),
        )?;
        let started = wait_for(&rx, "recording from", Duration::from_secs(20))?;
        let delay = Duration::from_millis(self.rng.u64(500..6_000));
        std::thread::sleep((started + delay).saturating_duration_since(Instant::now()));
        let killed_at = Instant::now();
        kill(&mut child, &rx)?;
        let _ = player.kill();
        let _ = player.wait();
        let recorded_ms = killed_at.duration_since(started).as_millis() as i64;

        let studio = Studio::open(self.paths.clone()).map_err(|e| format!("the app does not start again: {e}"))?;
        let newest = studio.open_question(RECORDED_QUESTION).map_err(|e| e.to_string())?.attempts.into_iter().max_by_key(|a| a.id);
        let t = self.tally.entry(Phase::Recording).or_default();
        let Some(attempt) = newest.clone().filter(|a| a.id > last_id && a.state == AttemptState::Recovered) else {
            t.unrecovered += 1;
            return Err(format!("the take killed after {recorded_ms} ms was not recovered ({newest:?})"));
        };
        let kept = attempt.duration_ms.unwrap_or(0);
        let loss = recorded_ms - kept;
        t.worst_loss_ms = t.worst_loss_ms.max(loss);
        let path = studio.attempt_audio(attempt.id).map_err(|e| e.to_string())?;
        let rms = checks::rms(&path);
        if loss > 1_000 || kept > recorded_ms + 100 || (kept > 1_500 && rms < 0.01) {
            t.unrecovered += 1;
            return Err(format!("killed after {recorded_ms} ms of recording, {kept} ms recovered (RMS {rms:.3})"));
        }
        Ok(0)
    }

    fn transcribe_and_kill(&mut self) -> Result<u32, String> {
        // The kill must land while the worker is busy. The moment is drawn
        // within the expected length of this run (jobs × the last measured
        // time per job); a run that still ends first is not a kill, so the
        // window halves and the phase tries again with new takes.
        let mut finished_before = 0;
        let mut landed = false;
        for attempt in 0..5 {
            self.add_spoken_attempt()?;
            self.add_spoken_attempt()?;
            let (mut child, rx) = watched(&mut self.workload("transcribe"))?;
            let started = wait_for(&rx, "transcribing", Duration::from_secs(30))?;
            let jobs = self.pending_jobs()?.max(1);
            let window = (self.per_job_ms * jobs * 9 / 10) >> attempt;
            let delay = Duration::from_millis(self.rng.u64(100..window.max(200)));
            std::thread::sleep((started + delay).saturating_duration_since(Instant::now()));
            finished_before += rx.try_iter().filter(|(_, l)| l.starts_with("done")).count() as u32;
            if child.try_wait().map_err(|e| e.to_string())?.is_none() {
                kill(&mut child, &rx)?;
                landed = true;
                break;
            }
        }
        if !landed {
            return Err("five transcription runs in a row ended before the kill".into());
        }
        // Started again, the app takes up what was interrupted and finishes it.
        let (mut again, rx) = watched(&mut self.workload("transcribe"))?;
        let restarted = wait_for(&rx, "transcribing", Duration::from_secs(30))?;
        let deadline = Instant::now() + Duration::from_secs(300);
        while again.try_wait().map_err(|e| e.to_string())?.is_none() {
            if Instant::now() > deadline {
                let _ = again.kill();
                return Err("the restarted transcription did not finish within 5 minutes".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let lines: Vec<String> = rx.try_iter().map(|(_, l)| l).collect();
        let done = lines.iter().filter(|l| l.starts_with("done")).count() as u64;
        if let Some(ms) = (restarted.elapsed().as_millis() as u64).checked_div(done) {
            self.per_job_ms = ms;
        }
        let failures: Vec<&String> = lines.iter().filter(|l| l.starts_with("failed")).collect();
        if !failures.is_empty() {
            return Err(format!("transcriptions failed after the restart: {failures:?}"));
        }
        let waiting = self.pending_jobs()?;
        if waiting > 0 {
            self.tally.entry(Phase::Transcription).or_default().unrecovered += waiting as u32;
            return Err(format!("{waiting} takes still have no transcript after the restart"));
        }
        Ok(finished_before)
    }

    /// Takes waiting for a transcript (queued or interrupted included).
    fn pending_jobs(&self) -> Result<u64, String> {
        let store = Store::open(&self.paths.database()).map_err(|e| e.to_string())?;
        Ok(store.attempts_awaiting_transcription().map_err(|e| e.to_string())?.len() as u64)
    }

    fn add_spoken_attempt(&mut self) -> Result<(), String> {
        std::fs::create_dir_all(self.paths.recordings()).map_err(|e| e.to_string())?;
        let store = Store::open(&self.paths.database()).map_err(|e| e.to_string())?;
        let file = format!("spoken-{}.wav", self.rng.u64(..));
        std::fs::copy(&self.speech, self.paths.recordings().join(&file)).map_err(|e| e.to_string())?;
        let a = store.begin_attempt(RECORDED_QUESTION, &file, 1).map_err(|e| e.to_string())?;
        store.finish_attempt(a.id, AttemptState::Done, Some(1), None).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Runs the workload `role` and kills it at a random moment within
    /// `window_ms` after it is ready; returns the lines it printed, each one
    /// a step acknowledged before the kill.
    fn run_until_killed(&mut self, role: &str, window_ms: std::ops::Range<u64>) -> Result<Vec<String>, String> {
        let (mut child, rx) = watched(&mut self.workload(role))?;
        let started = wait_for(&rx, "ready", Duration::from_secs(20))?;
        let delay = Duration::from_millis(self.rng.u64(window_ms));
        std::thread::sleep((started + delay).saturating_duration_since(Instant::now()));
        kill(&mut child, &rx)?;
        // Let the reader threads take what was printed before the kill.
        std::thread::sleep(Duration::from_millis(100));
        Ok(rx.try_iter().map(|(_, line)| line).collect())
    }

    fn edit_and_kill(&mut self) -> Result<u32, String> {
        let mut saved = 0;
        for line in self.run_until_killed("notes", 50..1_500)? {
            let mut words = line.split_whitespace();
            if let (Some("saved"), Some(q), Some(rev)) = (words.next(), words.next(), words.next().and_then(|r| r.parse::<u64>().ok())) {
                self.acked.insert(q.to_string(), rev);
                // The killed process may have committed one more unprinted.
                self.next_rev = self.next_rev.max(rev + 2);
                saved += 1;
            }
        }
        if saved == 0 {
            return Err("no note was saved before the kill".into());
        }
        Ok(saved)
    }

    fn backup_and_kill(&mut self) -> Result<u32, String> {
        let lines = self.run_until_killed("backup", 100..3_000)?;
        Ok(lines.iter().filter(|l| l.starts_with("exported") || l.starts_with("restored")).count() as u32)
    }

    fn print(&self, kills: u32, seed: u64, took: Duration) {
        println!("\ncrash suite: {kills} kills (SIGKILL) in {:.0} s, seed {seed}", took.as_secs_f64());
        println!("{:<14} {:>6} {:>13} {:>11} {:>12} {:>10} {:>12}", "phase", "kills", "acknowledged", "lost notes", "unrecovered", "integrity", "worst loss");
        for (phase, t) in &self.tally {
            let loss = if *phase == Phase::Recording { format!("{:.2} s", t.worst_loss_ms as f64 / 1000.0) } else { "-".into() };
            let integrity = if t.integrity_failures == 0 { "ok".to_string() } else { format!("{} bad", t.integrity_failures) };
            println!(
                "{:<14} {:>6} {:>13} {:>11} {:>12} {:>10} {:>12}",
                format!("{phase:?}"),
                t.kills,
                t.acknowledged,
                t.lost_notes,
                t.unrecovered,
                integrity,
                loss
            );
        }
        let lost: u32 = self.tally.values().map(|t| t.lost_notes).sum();
        let unrecovered: u32 = self.tally.values().map(|t| t.unrecovered).sum();
        let resumed: u32 = self.tally.values().map(|t| t.resumed_restores).sum();
        println!("restores killed after they committed and finished at the restart: {resumed}");
        println!("total: {lost} lost notes, {unrecovered} unrecovered recordings or transcripts, {} problems", self.problems.len());
    }
}
