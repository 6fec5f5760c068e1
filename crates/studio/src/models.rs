//! The models installed in the data folder (`models/NAME.bin`, whisper.cpp
//! ggml files) and the default one. Installing always goes through a
//! temporary file and a rename, so a half-written model is never listed,
//! and a model is installed only after whisper.cpp has loaded it in a worker
//! process.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use starling_transcribe::download::{self, CatalogEntry};
use starling_transcribe::{convert, ggml, TranscribeError, WhisperTranscriber};

use crate::error::StudioError;
use crate::studio::Studio;

const DEFAULT_SETTING: &str = "default_model";

/// A model ready to use.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InstalledModel {
    pub name: String,
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub is_default: bool,
    /// Measured on this machine from its transcripts: seconds of work per
    /// second of audio (lower is faster); `null` until it has transcribed.
    pub real_time_factor: Option<f32>,
    /// How many transcripts that figure comes from.
    pub transcripts: u32,
    /// The model measured on the shipped benchmark clip, if it was.
    pub benchmark: Option<ModelMeasurement>,
}

/// One model measured on this machine with the benchmark clip.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize, TS)]
pub struct ModelMeasurement {
    /// Word error rate, 0–1.
    pub wer: f32,
    /// Seconds of work per second of audio.
    pub real_time_factor: f32,
}

fn measure_key(name: &str) -> String {
    format!("benchmark:{name}")
}

/// How far a model download has come, in bytes (the total when the server
/// says).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct DownloadProgress {
    pub done: u64,
    pub total: Option<u64>,
}

/// A catalog entry and whether it is already installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CatalogModel {
    pub entry: CatalogEntry,
    pub installed: bool,
    /// The one to suggest to a new user.
    pub recommended: bool,
}

/// A model name that is safe as a file name.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !name.starts_with('.')
}

/// A default name for a model imported from `src`.
fn name_from(src: &Path) -> String {
    let stem = if src.is_dir() { src.file_name() } else { src.file_stem() };
    let raw = stem.map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "model".into());
    let cleaned: String = raw.trim_start_matches("ggml-").chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' }).collect();
    if valid_name(&cleaned) { cleaned } else { "model".into() }
}

impl Studio {
    pub fn models_dir(&self) -> PathBuf {
        self.paths.root().join("models")
    }

    /// Installed models, by name.
    pub fn list_models(&self) -> Result<Vec<InstalledModel>, StudioError> {
        let default = self.store.setting(DEFAULT_SETTING)?;
        let speed = self.store.model_speed()?;
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(self.models_dir()) {
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().is_some_and(|x| x == "bin") && path.is_file() {
                    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    let bytes = e.metadata().map(|m| m.len()).unwrap_or(0);
                    let measured = speed.iter().find(|(m, ..)| *m == name);
                    let benchmark = self.store.setting(&measure_key(&name))?.and_then(|j| serde_json::from_str(&j).ok());
                    out.push(InstalledModel {
                        benchmark,
                        is_default: default.as_deref() == Some(name.as_str()),
                        real_time_factor: measured.map(|(_, _, audio, work)| *work as f32 / (*audio).max(1) as f32),
                        transcripts: measured.map(|(_, n, ..)| *n as u32).unwrap_or(0),
                        name,
                        path: path.display().to_string(),
                        bytes,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        // With no explicit choice, a single installed model is the default.
        if default.is_none() && out.len() == 1 {
            out[0].is_default = true;
        }
        Ok(out)
    }

    /// The default model's path, if any model is installed.
    pub fn default_model(&self) -> Result<Option<InstalledModel>, StudioError> {
        Ok(self.list_models()?.into_iter().find(|m| m.is_default))
    }

    pub fn set_default_model(&self, name: &str) -> Result<(), StudioError> {
        if !self.list_models()?.iter().any(|m| m.name == name) {
            return Err(StudioError::UnknownModel(name.to_string()));
        }
        Ok(self.store.set_setting(DEFAULT_SETTING, Some(name))?)
    }

    /// A model by name, or a path to a ggml file.
    pub fn resolve_model(&self, name_or_path: &str) -> Result<PathBuf, StudioError> {
        if valid_name(name_or_path) {
            let p = self.models_dir().join(format!("{name_or_path}.bin"));
            if p.is_file() {
                return Ok(p);
            }
        }
        let p = PathBuf::from(name_or_path);
        if p.is_file() {
            return Ok(p);
        }
        Err(StudioError::UnknownModel(name_or_path.to_string()))
    }

    /// The downloadable models, with whether each is installed.
    pub fn catalog(&self) -> Result<Vec<CatalogModel>, StudioError> {
        let installed = self.list_models()?;
        Ok(download::CATALOG
            .iter()
            .map(|e| CatalogModel {
                entry: *e,
                installed: installed.iter().any(|m| m.name == e.name),
                recommended: e.name == starling_transcribe::download::RECOMMENDED,
            })
            .collect())
    }

    /// Downloads a catalog model into the models folder: resumable, verified
    /// against its published checksum, then checked by loading it. Needs no
    /// lock on the studio, so the UI stays responsive meanwhile.
    pub fn download_model(
        models_dir: &Path,
        name: &str,
        progress: &mut dyn FnMut(u64, Option<u64>),
        cancel: &std::sync::atomic::AtomicBool,
    ) -> Result<PathBuf, StudioError> {
        let entry = download::find(name).ok_or_else(|| StudioError::UnknownModel(name.to_string()))?;
        let dest = models_dir.join(format!("{}.bin", entry.name));
        let url = format!("{}/{}", download::base_url().trim_end_matches('/'), entry.file);
        download::download(&url, entry.sha1, &dest, progress, cancel)?;
        if let Err(e) = WhisperTranscriber::load(&dest) {
            let _ = std::fs::remove_file(&dest);
            return Err(e.into());
        }
        Ok(dest)
    }

    /// Measures `name` on the shipped clip in a worker process (never in
    /// this process) and remembers the figures.
    pub fn measure_model(&self, name: &str, worker: &crate::transcription::WorkerCommand) -> Result<ModelMeasurement, StudioError> {
        let model = self.resolve_model(name)?;
        let m = Studio::run_benchmark(&self.models_dir(), &model, worker)?;
        self.save_measurement(name, &m)?;
        Ok(m)
    }

    /// The measurement itself; needs no lock on the studio, so the window
    /// stays responsive while it runs.
    pub fn run_benchmark(models_dir: &Path, model: &Path, worker: &crate::transcription::WorkerCommand) -> Result<ModelMeasurement, StudioError> {
        use starling_transcribe::benchmark::{CLIP_TEXT, CLIP_WAV};
        std::fs::create_dir_all(models_dir).map_err(|source| TranscribeError::Write { path: models_dir.to_path_buf(), source })?;
        // The clip is written for this measurement alone, so two at once
        // never read each other's half-written file.
        let clip = tempfile::Builder::new()
            .prefix(".benchmark-")
            .suffix(".wav")
            .tempfile_in(models_dir)
            .map_err(|source| TranscribeError::Write { path: models_dir.to_path_buf(), source })?
            .into_temp_path();
        std::fs::write(&clip, CLIP_WAV).map_err(|source| TranscribeError::Write { path: clip.to_path_buf(), source })?;
        let current = std::sync::Mutex::new(None);
        let t = crate::transcription::run_worker(worker, model, &clip, None, -1, &current, &mut |_| {})
            .map_err(StudioError::Job)?;
        Ok(ModelMeasurement {
            wer: starling_transcribe::wer::wer(CLIP_TEXT, &t.text) as f32,
            real_time_factor: t.elapsed_ms as f32 / t.audio_ms.max(1) as f32,
        })
    }

    /// Remembers a model's measurement for the models list.
    pub fn save_measurement(&self, name: &str, m: &ModelMeasurement) -> Result<(), StudioError> {
        let json = serde_json::to_string(m).map_err(|source| StudioError::Encode { what: "the model's measurement", source })?;
        Ok(self.store.set_setting(&measure_key(name), Some(&json))?)
    }

    /// Makes a freshly installed model (downloaded or imported) the default
    /// when none is chosen yet, and returns its entry.
    pub fn adopt_model(&self, name: &str) -> Result<InstalledModel, StudioError> {
        if self.store.setting(DEFAULT_SETTING)?.is_none() {
            self.store.set_setting(DEFAULT_SETTING, Some(name))?;
        }
        self.list_models()?.into_iter().find(|m| m.name == name).ok_or_else(|| StudioError::UnknownModel(name.to_string()))
    }

    /// Imports a model: [`Studio::install_model`] then [`Studio::adopt_model`].
    pub fn import_model(&self, src: &Path, name: Option<&str>, worker: &crate::transcription::WorkerCommand) -> Result<InstalledModel, StudioError> {
        let name = Studio::install_model(&self.models_dir(), src, name, worker)?;
        self.adopt_model(&name)
    }

    /// Installs a ggml `.bin` file (checked first) or a CTranslate2 model
    /// folder (converted to ggml) into `models_dir` under `name` (or a name
    /// taken from `src`), and returns the name. It needs no studio, so it runs
    /// with none locked: converting and loading take seconds.
    ///
    /// The new file is staged beside the installed models under a name
    /// unique to this import, loaded by whisper.cpp in a worker process
    /// (`worker`), and only then renamed over `models/NAME.bin`: a model
    /// already installed under that name stays until its replacement has
    /// loaded, and a model whisper.cpp cannot load is never installed.
    /// Errors name `src`, the file the user chose.
    pub fn install_model(models_dir: &Path, src: &Path, name: Option<&str>, worker: &crate::transcription::WorkerCommand) -> Result<String, StudioError> {
        let name = name.map(str::to_string).unwrap_or_else(|| name_from(src));
        if !valid_name(&name) {
            return Err(StudioError::BadModelName(name));
        }
        let dir = models_dir.to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|source| TranscribeError::Write { path: dir.clone(), source })?;
        let dest = dir.join(format!("{name}.bin"));
        // Staged as `.NAME.*.partial`, never listed as a model.
        let staged = starling_files::temp_beside(&dir.join(&name), ".partial").map_err(|source| TranscribeError::Write { path: dir.clone(), source })?;
        if starling_files::metadata(src)?.is_dir() {
            if !convert::is_ct2_folder(src) {
                return Err(TranscribeError::BadCt2Model {
                    path: src.to_path_buf(),
                    reason: "a model folder needs model.bin and vocabulary.txt (or vocabulary.json)".into(),
                }
                .into());
            }
            convert::convert_folder(src, &staged)?;
        } else {
            ggml::check_file(src)?;
            let mut from = starling_files::open_regular(src)?;
            let mut to = std::fs::File::create(&staged).map_err(|source| TranscribeError::Write { path: dir.clone(), source })?;
            std::io::copy(&mut from, &mut to).map_err(|source| TranscribeError::Write { path: dir.clone(), source })?;
            to.sync_all().map_err(|source| TranscribeError::Write { path: dir.clone(), source })?;
        }
        // Loaded where an abort inside whisper.cpp cannot take Starling down.
        crate::transcription::check_model_loads(worker, &staged).map_err(|e| match e {
            crate::transcription::JobError::Worker(reason) => StudioError::from(TranscribeError::BadModel { path: src.to_path_buf(), reason }),
            crate::transcription::JobError::Crashed(how) => {
                StudioError::from(TranscribeError::BadModel { path: src.to_path_buf(), reason: format!("whisper.cpp stopped while loading it: {how}") })
            }
            other => StudioError::Job(other),
        })?;
        staged.persist(&dest).map_err(|e| TranscribeError::Write { path: dest.clone(), source: e.error })?;
        tracing::info!(model = %name, from = %src.display(), "model imported");
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_derived_from_files() {
        assert!(valid_name("tiny.en"));
        assert!(valid_name("base-q5_1"));
        assert!(!valid_name("../evil"));
        assert!(!valid_name(".hidden"));
        assert_eq!(name_from(Path::new("/x/ggml-tiny.en.bin")), "tiny.en");
        assert_eq!(name_from(Path::new("/x/my model.bin")), "my-model");
    }

    #[test]
    fn garbage_is_not_imported() {
        let dir = tempfile::tempdir().unwrap();
        let studio = Studio::open(crate::DataPaths::new(dir.path())).unwrap();
        let junk = dir.path().join("junk.bin");
        std::fs::write(&junk, b"hello").unwrap();
        // Refused before a worker is needed.
        let worker = crate::transcription::WorkerCommand { program: "/nonexistent".into(), prefix: vec![] };
        let e = studio.import_model(&junk, None, &worker).unwrap_err().to_string();
        assert!(e.contains("not a ggml Whisper model"), "{e}");
        assert!(studio.list_models().unwrap().is_empty());
        let e = studio.import_model(dir.path(), Some("x"), &worker).unwrap_err().to_string();
        assert!(e.contains("needs model.bin"), "{e}");
    }
}
