//! How the app records a take, the same for one recorded from the answer
//! panel and one in a mock interview: the preferred microphone, a time limit
//! of 10 s to an hour, and a live transcript run by the app's own binary
//! whose updates reach the window as [`RecordingEvent`]s.

use std::path::PathBuf;
use std::time::Duration;

use starling_capture::RecordOptions;

use crate::recording::LiveRequest;
use crate::{RecordingEvent, Studio, StudioError};

/// The shortest and longest time limit a take may have, in seconds.
pub const LIMIT_SECONDS: (u32, u32) = (10, 3_600);

/// The options a take records with: the preferred microphone and at most
/// `max_seconds` (held to [`LIMIT_SECONDS`]).
pub fn record_options(studio: &Studio, max_seconds: u32) -> Result<RecordOptions, StudioError> {
    Ok(RecordOptions {
        device: studio.preferred_microphone()?,
        max_duration: Some(Duration::from_secs(u64::from(max_seconds.clamp(LIMIT_SECONDS.0, LIMIT_SECONDS.1)))),
        ..RecordOptions::default()
    })
}

/// A live transcript run by `program` (`__live-worker`), each update sent
/// to `send`. Build it before taking the studio's lock (it reads the
/// processor's load).
pub fn live_request(program: PathBuf, send: impl Fn(RecordingEvent) + Send + 'static) -> LiveRequest {
    LiveRequest::new(program, Box::new(move |update| send(RecordingEvent::from(update))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limit_is_held_between_ten_seconds_and_an_hour() {
        let dir = tempfile::tempdir().unwrap();
        let studio = Studio::open(crate::DataPaths::new(dir.path())).unwrap();
        let limit = |s| record_options(&studio, s).unwrap().max_duration;
        assert_eq!(limit(3), Some(Duration::from_secs(10)));
        assert_eq!(limit(120), Some(Duration::from_secs(120)));
        assert_eq!(limit(u32::MAX), Some(Duration::from_secs(3_600)));
        assert_eq!(record_options(&studio, 60).unwrap().device, None, "no microphone chosen: the system default");
    }
}
