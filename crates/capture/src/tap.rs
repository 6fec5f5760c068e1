//! A read-only tap on a recording: the 16 kHz samples exactly as they are
//! written to the WAV file, for a reader on another thread (the live
//! transcript). The writer pushes into a wait-free ring buffer and never
//! waits for the reader; when the reader falls so far behind that the buffer
//! is full, the samples it missed are counted and the tap is marked
//! incomplete, while the recording itself goes on untouched.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The writer's end, handed to [`crate::Recorder::start_with_tap`].
pub struct AudioTap {
    producer: rtrb::Producer<f32>,
    missed: Arc<AtomicU64>,
}

/// The reader's end.
pub struct TapReader {
    consumer: rtrb::Consumer<f32>,
    missed: Arc<AtomicU64>,
}

/// A tap holding up to `seconds` of 16 kHz audio between reads.
pub fn audio_tap(seconds: u32) -> (AudioTap, TapReader) {
    let (producer, consumer) =
        rtrb::RingBuffer::new((crate::TARGET_RATE * seconds.max(1)) as usize);
    let missed = Arc::new(AtomicU64::new(0));
    (
        AudioTap {
            producer,
            missed: missed.clone(),
        },
        TapReader { consumer, missed },
    )
}

impl AudioTap {
    /// Offers `samples` to the reader without ever waiting.
    pub fn offer(&mut self, samples: &[f32]) {
        let room = self.producer.slots().min(samples.len());
        if room > 0 {
            if let Ok(mut chunk) = self.producer.write_chunk_uninit(room) {
                let (a, b) = chunk.as_mut_slices();
                let (first, rest) = samples[..room].split_at(a.len());
                for (slot, x) in a.iter_mut().zip(first) {
                    slot.write(*x);
                }
                for (slot, x) in b.iter_mut().zip(rest) {
                    slot.write(*x);
                }
                // SAFETY: every slot of both slices was written just above.
                unsafe { chunk.commit_all() };
            }
        }
        let lost = (samples.len() - room) as u64;
        if lost > 0 {
            self.missed.fetch_add(lost, Ordering::Relaxed);
        }
    }

    /// Offers `samples` at the pace a recorder delivers them (50 ms of audio
    /// every 50 ms, counted from `start`), then lets go of the tap. For tests
    /// and benchmarks that stand in for a microphone.
    pub fn play_in_real_time(mut self, samples: &[f32], start: std::time::Instant) {
        const PIECE: usize = crate::TARGET_RATE as usize / 20;
        for (i, piece) in samples.chunks(PIECE).enumerate() {
            let due = start + std::time::Duration::from_millis(50 * (i as u64 + 1));
            if let Some(wait) = due.checked_duration_since(std::time::Instant::now()) {
                std::thread::sleep(wait);
            }
            self.offer(piece);
        }
    }
}

impl TapReader {
    /// Appends every sample available now to `out`; returns how many.
    pub fn read_into(&mut self, out: &mut Vec<f32>) -> usize {
        let n = self.consumer.slots();
        if n == 0 {
            return 0;
        }
        let Ok(chunk) = self.consumer.read_chunk(n) else {
            return 0;
        };
        let (a, b) = chunk.as_slices();
        out.extend_from_slice(a);
        out.extend_from_slice(b);
        chunk.commit_all();
        n
    }

    /// Whether the recording has ended (its writer let go of the tap). What
    /// it wrote before may still be waiting to be read.
    pub fn is_closed(&self) -> bool {
        self.consumer.is_abandoned()
    }

    /// Samples the reader missed because it fell behind; 0 means it has
    /// seen (or can still read) every sample of the file.
    pub fn missed(&self) -> u64 {
        self.missed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playing_in_real_time_takes_as_long_as_the_audio_and_delivers_all_of_it() {
        let (tap, mut reader) = audio_tap(2);
        let samples: Vec<f32> = (0..4_000).map(|i| i as f32).collect(); // 250 ms
        let start = std::time::Instant::now();
        tap.play_in_real_time(&samples, start);
        let took = start.elapsed();
        assert!(took >= std::time::Duration::from_millis(250), "{took:?}");
        let mut out = Vec::new();
        reader.read_into(&mut out);
        assert_eq!(out, samples);
        assert!(reader.is_closed());
    }

    #[test]
    fn a_reader_sees_every_sample_in_order_across_the_ring_boundary() {
        let (mut tap, mut reader) = audio_tap(1);
        let mut seen = Vec::new();
        let mut next = 0.0f32;
        for _ in 0..10 {
            let piece: Vec<f32> = (0..7_000)
                .map(|_| {
                    next += 1.0;
                    next
                })
                .collect();
            tap.offer(&piece);
            reader.read_into(&mut seen);
        }
        assert_eq!(seen.len(), 70_000);
        assert!(seen.windows(2).all(|w| w[1] == w[0] + 1.0));
        assert_eq!(reader.missed(), 0);
        assert!(!reader.is_closed());
        drop(tap);
        assert!(reader.is_closed());
    }

    #[test]
    fn a_reader_that_falls_behind_misses_samples_but_never_blocks_the_writer() {
        let (mut tap, mut reader) = audio_tap(1);
        tap.offer(&vec![0.5; 20_000]);
        assert_eq!(reader.missed(), 4_000);
        let mut seen = Vec::new();
        assert_eq!(reader.read_into(&mut seen), 16_000);
    }
}
