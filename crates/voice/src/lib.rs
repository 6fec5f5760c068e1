//! The interviewer's voice: questions read aloud on the user's machine.
//!
//! - [`text`]: a question as a person would say it ("e.g." → "for example").
//! - [`lexicon`]: software jargon as people say it ("authn" → "authentication").
//! - [`config`]: a Piper voice's `.onnx.json`, checked before use.
//! - [`phonemes`]: text → clauses → espeak-ng IPA → the ids a voice is fed.
//! - [`piper`]: a Piper (VITS) voice run by the ONNX runtime.
//! - [`espeak`]: the fallback voice when no neural voice is installed.
//! - [`cache`]: speech kept per voice, speed and text.
//! - [`install`]: voices imported into and removed from the voices folder.
//! - [`catalog`]: voices offered for download, fetched and checked, then installed.
//! - [`wav`]: speech as 16-bit WAV.
//!
//! [`Voice`] is what callers hold: whichever of the two speaks.

pub mod cache;
pub mod catalog;
pub mod config;
pub mod espeak;
pub mod install;
pub mod lexicon;
pub mod phonemes;
pub mod piper;
pub mod text;
pub mod wav;

use std::path::PathBuf;

pub use cache::SpeechCache;
pub use piper::PiperVoice;
pub use text::spoken_form;

/// Mono speech and its sample rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Speech {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
}

impl Speech {
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate.max(1))
    }
}

/// Why speech could not be made.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    #[error(transparent)]
    File(#[from] starling_files::FileError),

    #[error("The voice settings in {path} are not usable: {why}.")]
    Config { path: PathBuf, why: String },

    #[error("The voice model {path} could not be loaded: {why}. Import the voice again, or pick another one.")]
    Model { path: PathBuf, why: String },

    #[error("No voice named \"{name}\" is installed (installed: {installed}; \"espeak\" is always there).")]
    NotInstalled { name: String, installed: String },

    #[error("No voice named \"{name}\" is offered for download (offered: {offered}); a voice from elsewhere can be imported from its files.")]
    NotOffered { name: String, offered: String },

    #[error("The voice could not speak this text: {0}.")]
    Synthesis(String),

    #[error("Neural voices cannot run: {0}. The interviewer speaks with espeak-ng instead.")]
    Runtime(piper::RuntimeProblem),

    #[error("espeak-ng is not installed or could not start ({0}); install the espeak-ng package (the README's set-up command does).")]
    EspeakMissing(std::io::Error),

    #[error("espeak-ng failed: {0}.")]
    Espeak(String),

    #[error("The text is {chars} characters; the most read aloud at once is {limit}.")]
    TooLong { chars: usize, limit: usize },

    #[error("Speech could not be kept in {path}: {why}. Check that the data folder is writable and the disk has space.")]
    Cache { path: PathBuf, why: String },

    #[error("{path} is not a Piper voice: pick its NAME.onnx file (with NAME.onnx.json beside it).")]
    NotAVoice { path: PathBuf },

    #[error("The voice could not be downloaded: {0}. Check the connection and try again; the download resumes where it stopped.")]
    Download(starling_fetch::FetchError),

    #[error("The downloaded voice package {path} is not usable: {why}. It was deleted; try again later.")]
    Package { path: PathBuf, why: String },

    #[error("Cancelled.")]
    Cancelled,

    #[error("`{0}` cannot be a voice's name: use letters, digits, dots, hyphens and underscores (and not \"espeak\").")]
    BadName(String),

    #[error("The voice could not be installed at {path}: {why}. Check that the data folder is writable and the disk has space.")]
    Install { path: PathBuf, why: String },
}

/// Whichever voice speaks: a Piper voice, or espeak-ng's.
pub enum Voice {
    Piper(Box<PiperVoice>),
    Espeak { voice: String },
}

impl Voice {
    /// The voices installed in `dir` (each `NAME.onnx` with its
    /// `NAME.onnx.json`), by name.
    pub fn installed(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "onnx") && PathBuf::from(format!("{}.json", p.display())).is_file())
            .collect();
        found.sort();
        found
    }

    /// The voice to speak with: `wanted` ("espeak", an installed voice's
    /// name in `dir`, or a path to an `.onnx`), else the first installed
    /// voice, else espeak-ng. A voice asked for by name must open; when the
    /// one chosen by default cannot (no ONNX Runtime, a broken file), espeak-ng
    /// speaks and the second value says why.
    pub fn choose(dir: &std::path::Path, wanted: Option<&str>, threads: usize) -> Result<(Voice, Option<VoiceError>), VoiceError> {
        Voice::choose_reusing(dir, wanted, threads, None)
    }

    /// [`Voice::choose`], using `kept` (a voice opened earlier, by the last
    /// mock interview) again when it is the voice that would be opened,
    /// with the same threads and its files unchanged; otherwise `kept` is
    /// dropped and the voice opened anew.
    pub fn choose_reusing(
        dir: &std::path::Path,
        wanted: Option<&str>,
        threads: usize,
        kept: Option<Voice>,
    ) -> Result<(Voice, Option<VoiceError>), VoiceError> {
        let open = |model: &std::path::Path| -> Result<Voice, VoiceError> {
            match kept {
                Some(Voice::Piper(v)) if v.is_current(model, threads) => Ok(Voice::Piper(v)),
                _ => Ok(Voice::Piper(Box::new(PiperVoice::open(model, threads)?))),
            }
        };
        match wanted {
            Some("espeak") => Ok((Voice::fallback(), None)),
            Some(w) => {
                let as_path = PathBuf::from(w);
                let model = if w.ends_with(".onnx") && as_path.is_file() { as_path } else { dir.join(format!("{w}.onnx")) };
                if !model.is_file() {
                    let names: Vec<String> = Voice::installed(dir).iter().filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned())).collect();
                    return Err(VoiceError::NotInstalled { name: w.to_string(), installed: if names.is_empty() { "none".into() } else { names.join(", ") } });
                }
                Ok((open(&model)?, None))
            }
            None => match Voice::installed(dir).first() {
                None => Ok((Voice::fallback(), None)),
                Some(model) => match open(model) {
                    Ok(v) => Ok((v, None)),
                    Err(e) => {
                        tracing::warn!(error = %e, "the installed voice could not be opened; espeak-ng speaks");
                        Ok((Voice::fallback(), Some(e)))
                    }
                },
            },
        }
    }

    /// espeak-ng's American English voice, the fallback.
    pub fn fallback() -> Voice {
        Voice::Espeak { voice: "en-us".into() }
    }

    /// A name for the cache and the settings ("espeak:en-us", or the Piper
    /// voice's file name).
    pub fn id(&self) -> String {
        match self {
            Voice::Piper(v) => v.name().to_string(),
            Voice::Espeak { voice } => format!("espeak:{voice}"),
        }
    }

    /// Speaks `text` (in its [`spoken_form`]) at `speed` × the voice's own
    /// pace (0.5 to 2).
    pub fn speak(&mut self, text: &str, speed: f32) -> Result<Speech, VoiceError> {
        let speed = if speed.is_finite() { speed.clamp(0.5, 2.0) } else { 1.0 };
        let chars = text.chars().count();
        if chars > phonemes::MAX_TEXT_CHARS {
            return Err(VoiceError::TooLong { chars, limit: phonemes::MAX_TEXT_CHARS });
        }
        match self {
            Voice::Piper(v) => v.speak(text, speed),
            Voice::Espeak { voice } => espeak::speak(&text::for_voice(text), voice, speed),
        }
    }
}
