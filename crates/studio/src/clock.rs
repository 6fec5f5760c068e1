//! The studio's clock. Scheduling reads the time through it so that tests,
//! and the `--clock-offset-days` flag the end-to-end tests pass to the app,
//! can move "now" without touching the system clock.

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    offset_ms: i64,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// The system clock moved by `days` (may be fractional or negative).
    pub fn offset_days(days: f64) -> Clock {
        Clock { offset_ms: (days * DAY_MS as f64) as i64 }
    }

    /// Now, in ms since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        starling_store::now_ms() + self.offset_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_clock_runs_ahead_by_the_offset() {
        let ahead = Clock::offset_days(4.0).now_ms() - Clock::system().now_ms();
        assert!((4 * DAY_MS..4 * DAY_MS + 1_000).contains(&ahead), "{ahead}");
    }
}
