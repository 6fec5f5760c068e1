//! The recording engine: a stream thread that owns the `cpal` input stream and
//! a writer thread that turns what it captures into a 16 kHz WAV file.
//!
//! The data callback only down-mixes and pushes into an `rtrb` ring buffer
//! (wait-free, pre-allocated). Everything else — resampling, level metering,
//! file writing, stopping on faults — happens on the writer thread, which
//! reports through the `on_event` callback.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, SizedSample};
use serde::Serialize;
use ts_rs::TS;

use crate::convert::downmix;
use crate::devices;
use crate::error::CaptureError;
use crate::level::{LevelMeter, SILENCE_RMS};
use crate::resample::StreamResampler;
use crate::wav::{self, WavSink};
use crate::TARGET_RATE;

/// How a recording should run.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// Input device name; `None` for the system default.
    pub device: Option<String>,
    /// Stop by itself after this long.
    pub max_duration: Option<Duration>,
    /// Warn when the input has been silent this long (a muted microphone).
    pub silence_warning: Duration,
    /// How often level events are sent (50 ms = 20 per second).
    pub level_interval: Duration,
    /// Treat the device as lost when it delivers nothing for this long.
    pub stall_timeout: Duration,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions {
            device: None,
            max_duration: None,
            silence_warning: Duration::from_secs(3),
            level_interval: Duration::from_millis(50),
            stall_timeout: Duration::from_secs(3),
        }
    }
}

/// Why a recording ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StopReason {
    /// The user (or caller) stopped it.
    Requested,
    /// It reached the maximum duration.
    MaxDuration,
    /// The microphone failed or disappeared; what came before is kept.
    DeviceLost { message: String },
    /// The file could not be written (for example, the disk is full); what
    /// reached the disk is kept and playable.
    WriteFailed { message: String },
}

/// What the engine reports while recording.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureEvent {
    /// Audio is flowing from `device`.
    Started { device: String, sample_rate: u32, channels: u16, sample_format: String },
    /// The level of the last interval, and the recorded time so far.
    Level { peak: f32, rms: f32, elapsed_ms: u64 },
    /// The input has been silent this long (sent once per silent stretch).
    Silence { silent_ms: u64 },
    /// Sound came back after a silence warning.
    SoundResumed,
    /// The recording ended by itself (not by `stop`): maximum duration or a fault.
    Ended { reason: StopReason },
}

/// The outcome of a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingSummary {
    pub path: PathBuf,
    /// 16 kHz samples in the file.
    pub samples: u64,
    pub duration_ms: u64,
    pub reason: StopReason,
    pub device: String,
    pub native_rate: u32,
    pub native_channels: u16,
    /// Samples the ring buffer had to drop because the writer fell behind.
    pub dropped: u64,
    /// Device samples (mono frames) the callback received.
    pub captured_frames: u64,
}

struct StreamInfo {
    device: String,
    sample_rate: u32,
    channels: u16,
    sample_format: String,
}

/// A recording in progress. Dropping it stops the recording.
pub struct Recorder {
    stop: Arc<AtomicBool>,
    writer: Option<JoinHandle<Result<RecordingSummary, CaptureError>>>,
    path: PathBuf,
}

impl Recorder {
    /// Opens the microphone and starts writing `path`. Returns once audio is
    /// flowing (or with the reason it cannot).
    pub fn start(
        opts: RecordOptions,
        path: &Path,
        on_event: impl FnMut(CaptureEvent) + Send + 'static,
    ) -> Result<Recorder, CaptureError> {
        let sink = WavSink::create(path)?;
        let dropped = Arc::new(AtomicU64::new(0));
        let captured = Arc::new(AtomicU64::new(0));
        let (ready_tx, ready_rx) = mpsc::sync_channel(1);
        let (quit_tx, quit_rx) = mpsc::channel::<()>();
        let (err_tx, err_rx) = mpsc::channel::<String>();

        let device_name = opts.device.clone();
        let (d2, c2) = (dropped.clone(), captured.clone());
        let stream_thread = std::thread::Builder::new()
            .name("starling-mic".into())
            .spawn(move || match open_stream(device_name.as_deref(), d2, c2, err_tx) {
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
                Ok((stream, consumer, info)) => {
                    let _ = ready_tx.send(Ok((consumer, info)));
                    // Keep the stream alive until told to stop (or the writer is gone).
                    let _ = quit_rx.recv();
                    drop(stream);
                }
            })
            .map_err(|e| CaptureError::OpenFailed(e.to_string()))?;

        let (consumer, info) = match ready_rx.recv() {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                let _ = stream_thread.join();
                let _ = std::fs::remove_file(path);
                return Err(e);
            }
            Err(_) => {
                let _ = std::fs::remove_file(path);
                return Err(CaptureError::ThreadPanicked);
            }
        };
        tracing::info!(device = %info.device, rate = info.sample_rate, channels = info.channels, format = %info.sample_format, "recording started");

        let stop = Arc::new(AtomicBool::new(false));
        let writer = Writer {
            max_samples: opts.max_duration.map(|d| (d.as_secs_f64() * TARGET_RATE as f64) as u64),
            opts,
            sink,
            consumer,
            resampler: StreamResampler::new(info.sample_rate)?,
            stop: stop.clone(),
            quit: Some((quit_tx, stream_thread)),
            errors: err_rx,
            dropped,
            captured,
            info,
        };
        let handle = std::thread::Builder::new()
            .name("starling-wav".into())
            .spawn(move || writer.run(on_event))
            .map_err(|e| CaptureError::OpenFailed(e.to_string()))?;
        Ok(Recorder { stop, writer: Some(handle), path: path.to_path_buf() })
    }

    /// Whether the recording already ended by itself.
    pub fn is_finished(&self) -> bool {
        self.writer.as_ref().is_none_or(|h| h.is_finished())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stops (if still running), finishes the file and reports.
    pub fn stop(mut self) -> Result<RecordingSummary, CaptureError> {
        self.stop.store(true, Ordering::SeqCst);
        match self.writer.take() {
            Some(h) => h.join().map_err(|_| CaptureError::ThreadPanicked)?,
            None => Err(CaptureError::ThreadPanicked),
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.writer.take() {
            let _ = h.join();
        }
    }
}

type Opened = (cpal::Stream, rtrb::Consumer<f32>, StreamInfo);

fn open_stream(
    name: Option<&str>,
    dropped: Arc<AtomicU64>,
    captured: Arc<AtomicU64>,
    errors: mpsc::Sender<String>,
) -> Result<Opened, CaptureError> {
    let device = devices::find(name)?;
    let supported = device.default_input_config().map_err(|e| CaptureError::OpenFailed(e.to_string()))?;
    let info = StreamInfo {
        device: device.to_string(),
        sample_rate: supported.sample_rate(),
        channels: supported.channels(),
        sample_format: supported.sample_format().to_string(),
    };
    // Four seconds of mono audio: the writer drains every 10 ms, so this only
    // fills if the disk stalls for seconds.
    let (producer, consumer) = rtrb::RingBuffer::new((info.sample_rate as usize * 4).max(16_384));
    let config = supported.config();
    let channels = config.channels as usize;
    use cpal::SampleFormat as F;
    let stream = match supported.sample_format() {
        F::I8 => build::<i8>(&device, config, channels, producer, dropped, captured, errors),
        F::I16 => build::<i16>(&device, config, channels, producer, dropped, captured, errors),
        F::I24 => build::<cpal::I24>(&device, config, channels, producer, dropped, captured, errors),
        F::I32 => build::<i32>(&device, config, channels, producer, dropped, captured, errors),
        F::U8 => build::<u8>(&device, config, channels, producer, dropped, captured, errors),
        F::U16 => build::<u16>(&device, config, channels, producer, dropped, captured, errors),
        F::U32 => build::<u32>(&device, config, channels, producer, dropped, captured, errors),
        F::F32 => build::<f32>(&device, config, channels, producer, dropped, captured, errors),
        F::F64 => build::<f64>(&device, config, channels, producer, dropped, captured, errors),
        other => return Err(CaptureError::UnsupportedFormat(other.to_string())),
    }?;
    stream.play().map_err(|e| CaptureError::OpenFailed(e.to_string()))?;
    Ok((stream, consumer, info))
}

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    channels: usize,
    mut producer: rtrb::Producer<f32>,
    dropped: Arc<AtomicU64>,
    captured: Arc<AtomicU64>,
    errors: mpsc::Sender<String>,
) -> Result<cpal::Stream, CaptureError>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    device
        .build_input_stream::<T, _, _>(
            config,
            move |data: &[T], _| {
                // Real-time path: no allocation, no lock, no blocking.
                let mut lost = 0u64;
                downmix(data, channels, |x| {
                    if producer.push(x).is_err() {
                        lost += 1;
                    }
                });
                captured.fetch_add((data.len() / channels.max(1)) as u64, Ordering::Relaxed);
                if lost > 0 {
                    dropped.fetch_add(lost, Ordering::Relaxed);
                }
            },
            move |err| {
                let _ = errors.send(err.to_string());
            },
            None,
        )
        .map_err(|e| CaptureError::OpenFailed(e.to_string()))
}

struct Writer {
    opts: RecordOptions,
    /// The maximum duration in 16 kHz samples; the file never grows past it.
    max_samples: Option<u64>,
    sink: WavSink<std::io::BufWriter<std::fs::File>>,
    consumer: rtrb::Consumer<f32>,
    resampler: StreamResampler,
    stop: Arc<AtomicBool>,
    quit: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
    errors: mpsc::Receiver<String>,
    dropped: Arc<AtomicU64>,
    captured: Arc<AtomicU64>,
    info: StreamInfo,
}

impl Writer {
    fn run(mut self, mut on_event: impl FnMut(CaptureEvent)) -> Result<RecordingSummary, CaptureError> {
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
                break StopReason::WriteFailed { message: e.to_string() };
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
            if self.max_samples.is_some_and(|m| self.resampler.expected_output() >= m) {
                break StopReason::MaxDuration;
            }
            if self.stop.load(Ordering::SeqCst) {
                break StopReason::Requested;
            }
            if last_level.elapsed() >= self.opts.level_interval {
                last_level = Instant::now();
                if let Some(l) = meter.take() {
                    on_event(CaptureEvent::Level { peak: l.peak, rms: l.rms, elapsed_ms: self.sink.samples() * 1000 / TARGET_RATE as u64 });
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
                            on_event(CaptureEvent::Silence { silent_ms: since.elapsed().as_millis() as u64 });
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
                let (sink, max) = (&mut self.sink, self.max_samples);
                self.resampler.finish(&mut |piece| write_capped(sink, max, piece))
            };
            if let Err(e) = finish() {
                reason = StopReason::WriteFailed { message: e.to_string() };
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
        if !matches!(reason, StopReason::Requested) {
            on_event(CaptureEvent::Ended { reason: reason.clone() });
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
    fn drain(&mut self, meter: &mut LevelMeter, silence: &mut LevelMeter) -> Result<(), CaptureError> {
        let n = self.consumer.slots();
        if n == 0 {
            return Ok(());
        }
        let Ok(chunk) = self.consumer.read_chunk(n) else { return Ok(()) };
        let (a, b) = chunk.as_slices();
        let (sink, max) = (&mut self.sink, self.max_samples);
        let mut write = |piece: &[f32]| {
            meter.add(piece);
            silence.add(piece);
            write_capped(sink, max, piece)
        };
        let result = self.resampler.push(a, &mut write).and_then(|_| self.resampler.push(b, &mut write));
        chunk.commit_all();
        result
    }
}

/// Writes `piece`, or as much of it as fits under `max` samples.
fn write_capped(sink: &mut WavSink<std::io::BufWriter<std::fs::File>>, max: Option<u64>, piece: &[f32]) -> Result<(), CaptureError> {
    let room = max.map(|m| m.saturating_sub(sink.samples()) as usize).unwrap_or(piece.len());
    sink.write(&piece[..piece.len().min(room)])
}
