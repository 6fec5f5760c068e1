//! Speech or silence, told from the microphone's level alone: what lets a
//! silence end an answer without a fan or a click deciding it.

/// Below this RMS a level never counts as speech (about −44 dBFS).
const MIN_SPEECH_RMS: f32 = 0.006;

/// A level counts as speech this many times louder than the noise floor
/// (about 12 dB).
const OVER_FLOOR: f32 = 4.0;

/// Consecutive speech levels (50 ms each) that make speech: a click is not.
const SPEECH_RUN: u32 = 3;

/// Tells speech from silence by level, against a noise floor that follows
/// the room.
#[derive(Debug, Clone, Default)]
pub(super) struct SpeechGate {
    floor: Option<f32>,
    run: u32,
}

impl SpeechGate {
    /// Whether speech is going on after this level.
    pub(super) fn hear(&mut self, rms: f32) -> bool {
        let floor = self.floor.unwrap_or(rms);
        let voiced = rms >= MIN_SPEECH_RMS.max(floor * OVER_FLOOR);
        // The floor drops at once to a quieter level, follows a louder
        // steady noise within a second or two, and barely moves during
        // speech (its pauses pull it back down anyway).
        let rise = if voiced { 0.000_2 } else { 0.05 };
        self.floor = Some(if rms < floor { rms } else { floor + (rms - floor) * rise });
        self.run = if voiced { self.run + 1 } else { 0 };
        self.run >= SPEECH_RUN
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_noise_is_not_speech_and_a_voice_over_it_is() {
        let mut gate = SpeechGate::default();
        // A fan at about −40 dBFS, for two seconds.
        assert!((0..40).all(|_| !gate.hear(0.01)));
        // A click: two loud levels, then the fan again.
        assert!(!gate.hear(0.3) && !gate.hear(0.3) && !gate.hear(0.01));
        // A voice 12 dB and more over the fan, held: speech from the third level.
        let heard: Vec<bool> = (0..5).map(|_| gate.hear(0.08)).collect();
        assert_eq!(heard, [false, false, true, true, true]);
        // Quiet again: silence at once.
        assert!(!gate.hear(0.01));
    }

    #[test]
    fn a_quiet_room_needs_a_voice_above_the_absolute_minimum() {
        let mut gate = SpeechGate::default();
        assert!((0..20).all(|_| !gate.hear(0.0005)));
        // Far over a near-silent floor, but under −44 dBFS: still not speech.
        assert!((0..10).all(|_| !gate.hear(0.004)));
    }
}
