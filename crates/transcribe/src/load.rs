//! How busy the processor is with other programs when a worker starts, and
//! how the worker's threads should wait for each other because of it.
//!
//! whisper.cpp's threads meet at a barrier after every step of the model.
//! Starling builds it with OpenMP (whisper-rs's `openmp` feature), whose
//! threads spin at a barrier for a while and then sleep. Spinning is the
//! fastest way to wait on an idle machine; when another program keeps a core
//! busy, a spinning thread burns the time slice its partner needs to reach
//! the barrier. So a worker started while other programs keep at least half
//! a core busy gets `OMP_WAIT_POLICY=PASSIVE` (sleep at once). libgomp reads
//! it when the process starts, which is why the parent decides, just before
//! it starts the worker. Measured in BENCHMARKS.md ("Steady under load").

use std::time::{Duration, Instant};

/// The environment variable libgomp reads for how threads wait.
pub const WAIT_POLICY: &str = "OMP_WAIT_POLICY";

/// Busy cores (summed over all cores) from which waiting threads sleep.
pub const BUSY_CPUS_THRESHOLD: f64 = 0.5;

/// How long the processor is watched before a worker starts.
pub const SAMPLE: Duration = Duration::from_millis(120);

/// Time counters summed over all cores, from `/proc/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    busy: u64,
    total: u64,
    cpus: u32,
}

/// Reads the counters from the text of `/proc/stat`; `None` when it does
/// not have the expected first line.
pub fn parse_stat(text: &str) -> Option<CpuTimes> {
    let first = text.lines().next()?;
    let mut fields = first.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    // user nice system idle iowait irq softirq steal (guest time is
    // already counted in user and nice).
    let values: Vec<u64> = fields.take(8).map(|f| f.parse().ok()).collect::<Option<_>>()?;
    if values.len() < 5 {
        return None;
    }
    let idle = values[3] + values[4];
    let total: u64 = values.iter().sum();
    let cpus = text.lines().filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit)).count() as u32;
    Some(CpuTimes { busy: total - idle, total, cpus: cpus.max(1) })
}

/// Busy cores between two readings (0 to the number of cores).
pub fn busy_cpus(before: CpuTimes, after: CpuTimes) -> Option<f64> {
    let total = after.total.checked_sub(before.total).filter(|t| *t > 0)?;
    let busy = after.busy.saturating_sub(before.busy);
    Some(busy as f64 / total as f64 * f64::from(after.cpus))
}

fn read() -> Option<CpuTimes> {
    parse_stat(&std::fs::read_to_string("/proc/stat").ok()?)
}

/// How long a reading of the load serves later workers: a queue of
/// re-transcriptions starts one worker after another, and each would
/// otherwise watch the processor again. (A new reading could not be taken
/// while a worker runs: it would count Starling's own worker as load.)
pub const READING_KEPT: Duration = Duration::from_secs(5);

/// The last reading: when it was taken and the busy cores it found.
static LAST: std::sync::Mutex<Option<(Instant, f64)>> = std::sync::Mutex::new(None);

/// What to set in a worker's environment for the load measured over
/// [`SAMPLE`], or the one measured less than [`READING_KEPT`] ago (nothing
/// where the load cannot be read).
pub fn worker_env() -> Vec<(&'static str, &'static str)> {
    let kept = LAST.lock().ok().and_then(|last| *last).and_then(|(at, busy)| fresh(at, Instant::now()).then_some(busy));
    match kept {
        Some(busy) => {
            let env = env_for(busy);
            tracing::debug!(busy_cpus = busy, kept = true, ?env, "worker thread waiting");
            env
        }
        None => worker_env_measured(),
    }
}

/// [`worker_env`] from a reading taken now, whatever was kept (for a
/// benchmark that has just changed the load itself).
pub fn worker_env_measured() -> Vec<(&'static str, &'static str)> {
    let Some(busy) = measure() else { return Vec::new() };
    if let Ok(mut last) = LAST.lock() {
        *last = Some((Instant::now(), busy));
    }
    let env = env_for(busy);
    tracing::debug!(busy_cpus = busy, kept = false, ?env, "worker thread waiting");
    env
}

/// Busy cores over [`SAMPLE`], from now.
fn measure() -> Option<f64> {
    let before = read()?;
    std::thread::sleep(SAMPLE);
    busy_cpus(before, read()?)
}

/// Whether a reading taken `at` still serves at `now`.
fn fresh(at: Instant, now: Instant) -> bool {
    now.checked_duration_since(at).is_some_and(|age| age < READING_KEPT)
}

/// Another program keeping one core busy (a shell's endless loop), for the
/// benchmarks that measure transcription under load; stopped on drop.
pub struct BusyLoop(std::process::Child);

impl BusyLoop {
    pub fn start() -> std::io::Result<BusyLoop> {
        let child = std::process::Command::new("sh").args(["-c", "while :; do :; done"]).spawn()?;
        // Let the scheduler see it as a running task before anything is measured.
        std::thread::sleep(Duration::from_millis(300));
        Ok(BusyLoop(child))
    }
}

impl Drop for BusyLoop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The environment for a worker when `busy` cores are taken by others.
pub fn env_for(busy: f64) -> Vec<(&'static str, &'static str)> {
    if busy >= BUSY_CPUS_THRESHOLD {
        vec![(WAIT_POLICY, "PASSIVE")]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\ncpu1 50 0 25 400 25 0 0 0 0 0\nintr 1\n";
    const AFTER: &str = "cpu  180 0 70 900 50 0 0 0 0 0\ncpu0 130 0 45 400 25 0 0 0 0 0\ncpu1 50 0 25 500 25 0 0 0 0 0\nintr 1\n";

    #[test]
    fn one_core_of_two_kept_busy_reads_as_one_busy_core_and_makes_threads_sleep() {
        let (a, b) = (parse_stat(BEFORE).unwrap(), parse_stat(AFTER).unwrap());
        assert_eq!(a.cpus, 2);
        let busy = busy_cpus(a, b).unwrap();
        assert!((busy - 1.0).abs() < 1e-9, "{busy}");
        assert_eq!(env_for(busy), vec![(WAIT_POLICY, "PASSIVE")]);
        assert!(env_for(0.2).is_empty(), "an idle machine keeps the fast spinning wait");
    }

    #[test]
    fn a_reading_serves_for_a_few_seconds_then_the_processor_is_watched_again() {
        let at = Instant::now();
        assert!(fresh(at, at + Duration::from_secs(1)));
        assert!(!fresh(at, at + READING_KEPT));
        let first = Instant::now();
        let env = worker_env();
        let measured = first.elapsed();
        let second = Instant::now();
        assert_eq!(worker_env(), env, "the kept reading gives the same answer");
        assert!(second.elapsed() < SAMPLE, "the second worker did not wait: {:?} (the first {measured:?})", second.elapsed());
    }

    #[test]
    fn unreadable_counters_change_nothing() {
        assert_eq!(parse_stat(""), None);
        assert_eq!(parse_stat("intr 1 2 3\n"), None);
        assert_eq!(parse_stat("cpu  1 2 x 4 5\n"), None);
        let a = parse_stat(BEFORE).unwrap();
        assert_eq!(busy_cpus(a, a), None, "no time passed");
    }
}
