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

use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, SizedSample};

use starling_audio::StreamResampler;

use crate::convert::downmix;
use crate::devices;
use crate::error::CaptureError;
pub use crate::recording::{CaptureEvent, RecordOptions, RecordingSummary, StopReason};
use crate::recording::StreamInfo;
use crate::tap::AudioTap;
use crate::wav::WavSink;
use crate::writer::Writer;
use crate::TARGET_RATE;

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
        Self::start_with_tap(opts, path, None, on_event)
    }

    /// As [`Recorder::start`], also offering every sample written to the
    /// file to `tap` (see [`crate::tap`]). The tap is let go when the file is
    /// complete.
    pub fn start_with_tap(
        opts: RecordOptions,
        path: &Path,
        tap: Option<AudioTap>,
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
            .spawn(
                move || match open_stream(device_name.as_deref(), d2, c2, err_tx) {
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                    Ok((stream, consumer, info)) => {
                        let _ = ready_tx.send(Ok((consumer, info)));
                        // Keep the stream alive until told to stop (or the writer is gone).
                        let _ = quit_rx.recv();
                        drop(stream);
                    }
                },
            )
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
            max_samples: opts
                .max_duration
                .map(|d| (d.as_secs_f64() * TARGET_RATE as f64) as u64),
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
            tap,
        };
        let handle = std::thread::Builder::new()
            .name("starling-wav".into())
            .spawn(move || writer.run(on_event))
            .map_err(|e| CaptureError::OpenFailed(e.to_string()))?;
        Ok(Recorder {
            stop,
            writer: Some(handle),
            path: path.to_path_buf(),
        })
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
    let supported = device
        .default_input_config()
        .map_err(|e| CaptureError::OpenFailed(e.to_string()))?;
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
        F::I8 => build::<i8>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        F::I16 => build::<i16>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        F::I24 => build::<cpal::I24>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        F::I32 => build::<i32>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        F::U8 => build::<u8>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        F::U16 => build::<u16>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        F::U32 => build::<u32>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        F::F32 => build::<f32>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        F::F64 => build::<f64>(
            &device, config, channels, producer, dropped, captured, errors,
        ),
        other => return Err(CaptureError::UnsupportedFormat(other.to_string())),
    }?;
    stream
        .play()
        .map_err(|e| CaptureError::OpenFailed(e.to_string()))?;
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
