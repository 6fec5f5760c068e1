//! A Piper voice (VITS, exported to ONNX) run by ONNX Runtime. The runtime
//! is a shared library Starling ships beside itself and loads when the first
//! voice is opened ([`runtime_library`]), so nothing is downloaded at build
//! time and the app starts without it. Each sentence is one run of the model;
//! the sentences are joined with a short pause.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;

use crate::config::VoiceConfig;
use crate::{Speech, VoiceError};

/// Where the runtime library is looked for, in order: this variable, then
/// beside the executable, then `/usr/lib/starling` (the .deb's place).
pub const RUNTIME_ENV: &str = "STARLING_ONNXRUNTIME";

/// The largest voice model read (the "high" Piper voices are about 110 MB).
pub const MAX_MODEL_BYTES: u64 = 400 << 20;

/// Silence between sentences, in seconds.
const SENTENCE_GAP: f64 = 0.25;

/// The ONNX Runtime library to load, if one is installed.
pub fn runtime_library() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(RUNTIME_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        dirs.push(dir);
    }
    dirs.push(PathBuf::from("/usr/lib/starling"));
    dirs.into_iter().find_map(|dir| {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("libonnxruntime.so")))
            .collect();
        found.sort();
        found.pop()
    })
}

/// Why neural voices cannot run in this process.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuntimeProblem {
    #[error("the ONNX Runtime library is not installed (set {RUNTIME_ENV}, or reinstall Starling)")]
    NotInstalled,
    #[error("{library} could not be loaded ({why})")]
    Unloadable { library: PathBuf, why: String },
    #[error("ONNX Runtime could not start ({0})")]
    Start(String),
}

/// The process's one ONNX Runtime environment. Only a success is kept: a
/// library installed after a failed attempt is picked up by the next voice.
fn environment() -> Result<&'static ort::environment::Environment, RuntimeProblem> {
    static ENV: OnceLock<ort::environment::Environment> = OnceLock::new();
    static STARTING: Mutex<()> = Mutex::new(());
    if let Some(env) = ENV.get() {
        return Ok(env);
    }
    let _one_at_a_time = STARTING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(env) = ENV.get() {
        return Ok(env);
    }
    let library = runtime_library().ok_or(RuntimeProblem::NotInstalled)?;
    let builder = ort::init_from(&library).map_err(|e| RuntimeProblem::Unloadable { library: library.clone(), why: e.to_string() })?;
    let env = builder.with_name("starling-voice").build().map_err(|e| RuntimeProblem::Start(e.to_string()))?;
    Ok(ENV.get_or_init(|| env))
}

pub struct PiperVoice {
    name: String,
    config: VoiceConfig,
    session: Session,
    /// What was opened, to tell whether it is still what is installed.
    opened: Opened,
}

/// A voice's files and settings as they were when it was opened.
#[derive(Debug, Clone, PartialEq)]
struct Opened {
    model: PathBuf,
    threads: usize,
    /// Length and modification time of the model and of its settings.
    stamps: [(u64, Option<std::time::SystemTime>); 2],
    at: std::time::Instant,
}

/// The length and modification time of `path`, if it can be read.
fn stamp(path: &Path) -> Option<(u64, Option<std::time::SystemTime>)> {
    std::fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()))
}

impl PiperVoice {
    /// Opens the voice `model` (`NAME.onnx`, with `NAME.onnx.json` beside
    /// it), using `threads` threads.
    pub fn open(model: &Path, threads: usize) -> Result<PiperVoice, VoiceError> {
        let config_path = PathBuf::from(format!("{}.json", model.display()));
        let config = VoiceConfig::load(&config_path)?;
        let meta = starling_files::metadata(model)?;
        if !meta.is_file() {
            return Err(starling_files::FileError::NotRegular { path: model.to_path_buf(), kind: starling_files::kind_of(&meta) }.into());
        }
        if meta.len() > MAX_MODEL_BYTES {
            return Err(starling_files::FileError::TooLarge { path: model.to_path_buf(), bytes: meta.len(), limit: MAX_MODEL_BYTES }.into());
        }
        let env = environment().map_err(VoiceError::Runtime)?;
        let bad = |why: String| VoiceError::Model { path: model.to_path_buf(), why };
        let session = Session::builder(env)
            .map_err(|e| bad(e.to_string()))?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(|e| bad(e.to_string()))?
            .with_intra_threads(threads.max(1))
            .map_err(|e| bad(e.to_string()))?
            .commit_from_file(model)
            .map_err(|e| bad(e.to_string()))?;
        let names: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        for needed in ["input", "input_lengths", "scales"] {
            if !names.contains(&needed) {
                return Err(VoiceError::Model {
                    path: model.to_path_buf(),
                    why: format!("it has no input \"{needed}\" (inputs: {}), so it is not a Piper voice", names.join(", ")),
                });
            }
        }
        if config.num_speakers > 1 {
            tracing::info!(speakers = config.num_speakers, "a voice with several speakers; the first speaks");
        }
        let name = model.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let stamps = [(meta.len(), meta.modified().ok()), stamp(&config_path).unwrap_or((0, None))];
        let opened = Opened { model: model.to_path_buf(), threads: threads.max(1), stamps, at: std::time::Instant::now() };
        Ok(PiperVoice { name, config, session, opened })
    }

    /// Whether this voice is `model` opened with `threads` threads, with
    /// its files unchanged since, so it can be used again instead of being
    /// opened anew (which takes a second or two).
    pub fn is_current(&self, model: &Path, threads: usize) -> bool {
        let config = PathBuf::from(format!("{}.json", model.display()));
        self.opened.model == model
            && self.opened.threads == threads.max(1)
            && stamp(model) == Some(self.opened.stamps[0])
            && stamp(&config) == Some(self.opened.stamps[1])
    }

    /// When the voice was opened.
    pub fn opened_at(&self) -> std::time::Instant {
        self.opened.at
    }

    /// The voice's name (its file name without `.onnx`).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn config(&self) -> &VoiceConfig {
        &self.config
    }

    /// Speaks `text` (as [`crate::text::for_voice`] makes it) at `speed` ×
    /// the voice's pace.
    pub fn speak(&mut self, text: &str, speed: f32) -> Result<Speech, VoiceError> {
        let sentences = crate::phonemes::sentences(&self.config, &crate::text::for_voice(text))?;
        let rate = self.config.audio.sample_rate;
        let gap = vec![0.0f32; (SENTENCE_GAP * f64::from(rate)) as usize];
        let i = self.config.inference;
        let scales = vec![i.noise_scale, i.length_scale / speed, i.noise_w];
        let mut samples = Vec::new();
        for ids in sentences {
            if !samples.is_empty() {
                samples.extend(&gap);
            }
            samples.extend(self.run(ids, &scales)?);
        }
        normalise(&mut samples);
        Ok(Speech { samples, sample_rate: rate })
    }

    fn run(&mut self, ids: Vec<i64>, scales: &[f32]) -> Result<Vec<f32>, VoiceError> {
        let fail = |e: ort::Error| VoiceError::Synthesis(e.to_string());
        let n = ids.len();
        let mut inputs = ort::inputs![
            "input" => Tensor::from_array(([1usize, n], ids)).map_err(fail)?,
            "input_lengths" => Tensor::from_array(([1usize], vec![n as i64])).map_err(fail)?,
            "scales" => Tensor::from_array(([3usize], scales.to_vec())).map_err(fail)?,
        ];
        if self.config.num_speakers > 1 {
            inputs.push(("sid".into(), Tensor::from_array(([1usize], vec![0i64])).map_err(fail)?.into()));
        }
        let outputs = self.session.run(inputs).map_err(fail)?;
        let (_, data) = outputs[0].try_extract_tensor::<f32>().map_err(fail)?;
        Ok(data.to_vec())
    }
}

/// Scales speech so its loudest sample is at 95 % of full scale, as Piper
/// does (VITS output has no fixed level).
fn normalise(samples: &mut [f32]) {
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if peak > 1e-6 {
        let k = 0.95 / peak;
        samples.iter_mut().for_each(|s| *s *= k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_is_brought_to_a_steady_level() {
        let mut s = vec![0.0, 2.0, -4.0];
        normalise(&mut s);
        assert_eq!(s, vec![0.0, 0.475, -0.95]);
        let mut quiet = vec![0.0; 4];
        normalise(&mut quiet);
        assert_eq!(quiet, vec![0.0; 4]);
    }

    #[test]
    fn the_runtime_variable_wins() {
        // Only this test sets it; the library need not exist to be named.
        std::env::set_var(RUNTIME_ENV, "/nowhere/libonnxruntime.so.1.31.1");
        assert_eq!(runtime_library(), Some(PathBuf::from("/nowhere/libonnxruntime.so.1.31.1")));
        std::env::remove_var(RUNTIME_ENV);
    }
}
