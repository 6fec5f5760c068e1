//! The writer thread of a recording: drains the callback's ring buffer,
//! resamples to 16 kHz, writes the WAV file (and the live tap), meters the
//! level, and decides when the take ends by itself (maximum length, a
//! device that fails or stops delivering, a write error such as a full disk).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::CaptureError;
use crate::level::{LevelMeter, SILENCE_RMS};
use crate::recording::{CaptureEvent, RecordOptions, RecordingSummary, StopReason, StreamInfo};
use starling_audio::StreamResampler;
use crate::tap::AudioTap;
use crate::wav::{self, WavSink};
use crate::TARGET_RATE;

pub(crate) struct Writer {
    pub(crate) opts: RecordOptions,
    /// The maximum duration in 16 kHz samples; the file never grows past it.
    pub(crate) max_samples: Option<u64>,
    pub(crate) sink: WavSink<std::io::BufWriter<std::fs::File>>,
    pub(crate) consumer: rtrb::Consumer<f32>,
    pub(crate) resampler: StreamResampler,
    pub(crate) stop: Arc<AtomicBool>,
    pub(crate) quit: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
    pub(crate) errors: mpsc::Receiver<String>,
    pub(crate) dropped: Arc<AtomicU64>,
    pub(crate) captured: Arc<AtomicU64>,
    pub(crate) info: StreamInfo,
    pub(crate) tap: Option<AudioTap>,
}

impl Writer {
    pub(crate) fn run(
        mut self,
        mut on_event: impl FnMut(CaptureEvent),
    ) -> Result<RecordingSummary, CaptureError> {
        on_event(CaptureEvent::Started {
            device: self.info.device.clone(),
            sample_rate: self.info.sample_rate,
            channels: self.info.channels,
            sample_format: self.info.sample_format.clone(),
        });
        let mut meter = LevelMeter::default();
        let mut silence = LevelMeter::default();
        let mut last_level = Instant::now();
        let mut silent_since: Option<Instant> = Some(Instant::now());
        let mut warned = false;
        let mut last_data = Instant::now();
        let mut last_captured = 0u64;

        let reason = loop {
            if let Err(e) = self.drain(&mut meter, &mut silence) {
                break StopReason::WriteFailed {
                    message: e.to_string(),
                };
            }
            if let Ok(message) = self.errors.try_recv() {
                break StopReason::DeviceLost { message: format!("The microphone stopped working ({message}). The recording was kept up to that point.") };
            }
            let captured = self.captured.load(Ordering::Relaxed);
            if captured != last_captured {
                last_captured = captured;
                last_data = Instant::now();
            } else if last_data.elapsed() >= self.opts.stall_timeout {
                break StopReason::DeviceLost {
                    message: "The microphone stopped delivering audio (was it unplugged?). The recording was kept up to that point.".into(),
                };
            }
            if self
                .max_samples
                .is_some_and(|m| self.resampler.expected_output() >= m)
            {
                break StopReason::MaxDuration;
            }
            if self.stop.load(Ordering::SeqCst) {
                break StopReason::Requested;
            }
            if last_level.elapsed() >= self.opts.level_interval {
                last_level = Instant::now();
                if let Some(l) = meter.take() {
                    on_event(CaptureEvent::Level {
                        peak: l.peak,
                        rms: l.rms,
                        elapsed_ms: self.sink.samples() * 1000 / TARGET_RATE as u64,
                    });
                }
                if let Some(l) = silence.take() {
                    if l.rms >= SILENCE_RMS {
                        silent_since = None;
                        if warned {
                            warned = false;
                            on_event(CaptureEvent::SoundResumed);
                        }
                    } else {
                        let since = *silent_since.get_or_insert_with(Instant::now);
                        if !warned && since.elapsed() >= self.opts.silence_warning {
                            warned = true;
                            on_event(CaptureEvent::Silence {
                                silent_ms: since.elapsed().as_millis() as u64,
                            });
                        }
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(10));
        };

        // Stop the stream, then take what it delivered before stopping. A
        // failed device may hang while its stream is torn down, so after a
        // device fault the stream thread is left to finish on its own and the
        // file is completed at once.
        if let Some((quit, thread)) = self.quit.take() {
            let _ = quit.send(());
            if !matches!(reason, StopReason::DeviceLost { .. }) {
                let _ = thread.join();
            }
        }
        let mut reason = reason;
        if !matches!(reason, StopReason::WriteFailed { .. }) {
            let mut finish = || -> Result<(), CaptureError> {
                self.drain(&mut meter, &mut silence)?;
                let (sink, max, tap) = (&mut self.sink, self.max_samples, &mut self.tap);
                self.resampler
                    .finish(&mut |piece| write_capped(sink, max, tap, piece))
            };
            if let Err(e) = finish() {
                reason = StopReason::WriteFailed {
                    message: e.to_string(),
                };
            }
        }
        let path = self.sink.path().to_path_buf();
        let samples = match &reason {
            StopReason::WriteFailed { .. } => {
                self.sink.abandon();
                wav::repair(&path)?.frames
            }
            _ => self.sink.finish()?,
        };
        // The file is complete: the tap's reader can take what is left.
        self.tap.take();
        if !matches!(reason, StopReason::Requested) {
            on_event(CaptureEvent::Ended {
                reason: reason.clone(),
            });
        }
        let summary = RecordingSummary {
            path,
            samples,
            duration_ms: samples * 1000 / TARGET_RATE as u64,
            reason,
            device: self.info.device.clone(),
            native_rate: self.info.sample_rate,
            native_channels: self.info.channels,
            dropped: self.dropped.load(Ordering::Relaxed),
            captured_frames: self.captured.load(Ordering::Relaxed),
        };
        tracing::info!(?summary, "recording finished");
        Ok(summary)
    }

    /// Moves everything in the ring buffer through the resampler into the file.
    fn drain(
        &mut self,
        meter: &mut LevelMeter,
        silence: &mut LevelMeter,
    ) -> Result<(), CaptureError> {
        let n = self.consumer.slots();
        if n == 0 {
            return Ok(());
        }
        let Ok(chunk) = self.consumer.read_chunk(n) else {
            return Ok(());
        };
        let (a, b) = chunk.as_slices();
        let (sink, max, tap) = (&mut self.sink, self.max_samples, &mut self.tap);
        let mut write = |piece: &[f32]| {
            meter.add(piece);
            silence.add(piece);
            write_capped(sink, max, tap, piece)
        };
        let result = self
            .resampler
            .push(a, &mut write)
            .and_then(|_| self.resampler.push(b, &mut write));
        chunk.commit_all();
        result
    }
}

/// Writes `piece`, or as much of it as fits under `max` samples, and offers
/// what was written to the tap.
fn write_capped(
    sink: &mut WavSink<std::io::BufWriter<std::fs::File>>,
    max: Option<u64>,
    tap: &mut Option<AudioTap>,
    piece: &[f32],
) -> Result<(), CaptureError> {
    let room = max
        .map(|m| m.saturating_sub(sink.samples()) as usize)
        .unwrap_or(piece.len());
    let kept = &piece[..piece.len().min(room)];
    sink.write(kept)?;
    if let Some(tap) = tap {
        tap.offer(kept);
    }
    Ok(())
}
