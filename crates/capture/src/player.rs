//! Plays speech on the default output device and says when it has been
//! heard: [`play`] returns once the last sample has left the speakers (the
//! device's reported latency included), or soon after `stop` is set. The
//! mock interview starts recording only after that, so the interviewer's
//! voice never reaches a take.
//!
//! The speech is resampled to the device's rate beforehand
//! (`starling_audio`), and the data callback only copies from it: no
//! allocation, no lock.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SizedSample};

/// Why speech could not be played.
#[derive(Debug, thiserror::Error)]
pub enum PlaybackError {
    #[error("No speakers or headphones were found, so the question cannot be read aloud. Connect some, or turn the interviewer's voice off.")]
    NoOutputDevice,

    #[error("The speakers could not be opened: {0}. Close other programs that hold them, or turn the interviewer's voice off.")]
    OpenFailed(String),

    #[error("The speakers use a sample format Starling cannot write ({0}).")]
    UnsupportedFormat(String),

    #[error("The speech could not be converted for the speakers: {0}.")]
    Resampler(#[from] starling_audio::ResampleError),

    #[error("The speakers stopped taking audio ({0}).")]
    Stalled(String),
}

/// What was played.
#[derive(Debug, Clone, PartialEq)]
pub struct Played {
    /// The output device's name.
    pub device: String,
    /// Seconds of speech that reached the device.
    pub seconds: f64,
    /// Whether `stop` cut it short.
    pub stopped: bool,
}

/// The speech and how far the device has taken it.
struct Feed {
    samples: Vec<f32>,
    next: AtomicUsize,
    /// The latest output latency the device reported, in microseconds.
    latency_us: AtomicU64,
}

/// Plays mono `samples` at `rate` Hz on the default output device; blocks
/// until they have been heard or `stop` is set. A device that fails before
/// the first half second has played is opened once more (ALSA's PulseAudio
/// plugin sometimes fails a stream as it starts).
pub fn play(samples: &[f32], rate: u32, stop: &AtomicBool) -> Result<Played, PlaybackError> {
    match play_once(samples, rate, stop) {
        Err((e, heard)) if heard < 0.5 && !stop.load(Ordering::Relaxed) => {
            tracing::warn!(error = %e, "the speakers failed as the speech started; trying once more");
            std::thread::sleep(Duration::from_millis(100));
            play_once(samples, rate, stop).map_err(|(e, _)| e)
        }
        other => other.map_err(|(e, _)| e),
    }
}

/// One attempt; a failure comes with the seconds that had played.
fn play_once(samples: &[f32], rate: u32, stop: &AtomicBool) -> Result<Played, (PlaybackError, f64)> {
    let nothing = |e: PlaybackError| (e, 0.0);
    let host = cpal::default_host();
    let device = host.default_output_device().ok_or(nothing(PlaybackError::NoOutputDevice))?;
    let supported = device.default_output_config().map_err(|e| nothing(PlaybackError::OpenFailed(e.to_string())))?;
    let config = supported.config();
    let device_rate = config.sample_rate;
    let feed = Arc::new(Feed {
        samples: starling_audio::StreamResampler::convert(rate, device_rate, samples).map_err(|e| nothing(e.into()))?,
        next: AtomicUsize::new(0),
        latency_us: AtomicU64::new(0),
    });
    let (errors_tx, errors) = std::sync::mpsc::channel::<String>();
    use cpal::SampleFormat as F;
    let stream = match supported.sample_format() {
        F::I16 => build::<i16>(&device, &config, feed.clone(), errors_tx),
        F::I32 => build::<i32>(&device, &config, feed.clone(), errors_tx),
        F::U16 => build::<u16>(&device, &config, feed.clone(), errors_tx),
        F::F32 => build::<f32>(&device, &config, feed.clone(), errors_tx),
        F::F64 => build::<f64>(&device, &config, feed.clone(), errors_tx),
        other => return Err(nothing(PlaybackError::UnsupportedFormat(other.to_string()))),
    }
    .map_err(nothing)?;
    stream.play().map_err(|e| nothing(PlaybackError::OpenFailed(e.to_string())))?;
    let total = feed.samples.len();
    let expected = Duration::from_secs_f64(total as f64 / f64::from(device_rate.max(1)));
    let started = Instant::now();
    let mut stopped = false;
    let seconds = |n: usize| n as f64 / f64::from(device_rate.max(1));
    // A reported error fails the playback only when the device then stops
    // taking samples (some ALSA errors are recovered by the stream itself).
    let mut failing: Option<(String, Instant, usize)> = None;
    // The device takes the last sample, then plays what it buffered.
    loop {
        let next = feed.next.load(Ordering::Acquire);
        if stop.load(Ordering::Relaxed) {
            stopped = true;
            break;
        }
        if let Ok(e) = errors.try_recv() {
            tracing::warn!(error = %e, "the speakers reported an error");
            failing.get_or_insert((e, Instant::now(), next));
        }
        if let Some((e, since, at)) = &failing {
            if next > *at {
                failing = None;
            } else if since.elapsed() > Duration::from_millis(500) {
                return Err((PlaybackError::Stalled(e.clone()), seconds(next)));
            }
        }
        if next >= total {
            std::thread::sleep(Duration::from_micros(feed.latency_us.load(Ordering::Relaxed)).min(Duration::from_secs(1)));
            break;
        }
        if started.elapsed() > expected + Duration::from_secs(5) {
            let why = format!("{:.1} s of speech still playing after {:.1} s", expected.as_secs_f64(), started.elapsed().as_secs_f64());
            return Err((PlaybackError::Stalled(why), seconds(next)));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(stream);
    let played = feed.next.load(Ordering::Acquire).min(total);
    Ok(Played { device: device.to_string(), seconds: seconds(played), stopped })
}

fn build<T>(device: &cpal::Device, config: &cpal::StreamConfig, feed: Arc<Feed>, errors: std::sync::mpsc::Sender<String>) -> Result<cpal::Stream, PlaybackError>
where
    T: SizedSample + FromSample<f32> + Send + 'static,
{
    let channels = usize::from(config.channels.max(1));
    device
        .build_output_stream::<T, _, _>(
            *config,
            move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
                let ts = info.timestamp();
                let latency = ts.playback.duration_since(ts.callback);
                feed.latency_us.store(latency.as_micros().min(u128::from(u64::MAX)) as u64, Ordering::Relaxed);
                let start = feed.next.load(Ordering::Relaxed);
                let frames = data.len() / channels;
                for (i, frame) in data.chunks_exact_mut(channels).enumerate() {
                    let x = feed.samples.get(start + i).copied().unwrap_or(0.0);
                    let s = T::from_sample(x);
                    frame.fill(s);
                }
                feed.next.store((start + frames).min(feed.samples.len()), Ordering::Release);
            },
            move |err| {
                let _ = errors.send(err.to_string());
            },
            None,
        )
        .map_err(|e| PlaybackError::OpenFailed(e.to_string()))
}
