//! Installing and removing voices in the voices folder. A voice is two
//! files, `NAME.onnx` and `NAME.onnx.json`; an import checks both (the
//! settings fully, the model's size and kind, and, when ONNX Runtime is
//! there, that it opens as a Piper voice) before anything is written, then
//! copies each beside its final name and renames it into place, the model
//! last, so a voice is listed only once both files are whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::VoiceConfig;
use crate::piper::{PiperVoice, MAX_MODEL_BYTES};
use crate::VoiceError;

/// Whether `name` can name a voice (and so a file in the voices folder).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name != "espeak"
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The model of a voice given as its `.onnx` or its `.onnx.json`.
fn model_of(src: &Path) -> PathBuf {
    let s = src.to_string_lossy();
    match s.strip_suffix(".json") {
        Some(model) if s.ends_with(".onnx.json") => PathBuf::from(model),
        _ => src.to_path_buf(),
    }
}

/// Copies the voice at `src` (its `.onnx`, with the `.onnx.json` beside it,
/// or the `.onnx.json` itself) into `dir`; returns its name.
pub fn import(dir: &Path, src: &Path) -> Result<String, VoiceError> {
    install(dir, src, false)
}

/// As [`import`], but moves the files (Starling's own staged copies, on the
/// same disk as `dir`) instead of copying them: a downloaded voice needs no
/// third copy.
pub(crate) fn adopt(dir: &Path, staged: &Path) -> Result<String, VoiceError> {
    install(dir, staged, true)
}

fn install(dir: &Path, src: &Path, by_rename: bool) -> Result<String, VoiceError> {
    let model = model_of(src);
    let name = model
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".onnx"))
        .ok_or_else(|| VoiceError::NotAVoice { path: src.to_path_buf() })?
        .to_string();
    if !valid_name(&name) {
        return Err(VoiceError::BadName(name));
    }
    let config_path = PathBuf::from(format!("{}.json", model.display()));
    VoiceConfig::load(&config_path)?;
    let meta = starling_files::metadata(&model)?;
    if !meta.is_file() {
        return Err(starling_files::FileError::NotRegular { path: model.clone(), kind: starling_files::kind_of(&meta) }.into());
    }
    if meta.len() > MAX_MODEL_BYTES {
        return Err(starling_files::FileError::TooLarge { path: model.clone(), bytes: meta.len(), limit: MAX_MODEL_BYTES }.into());
    }
    if crate::piper::runtime_library().is_some() {
        PiperVoice::open(&model, 1)?;
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| VoiceError::Install { path: path.clone(), why: e.to_string() }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let config_dest = dir.join(format!("{name}.onnx.json"));
    let model_dest = dir.join(format!("{name}.onnx"));
    for (from, to) in [(&config_path, &config_dest), (&model, &model_dest)] {
        if by_rename {
            std::fs::rename(from, to).map_err(io(to))?;
            continue;
        }
        let temp = starling_files::temp_beside(to, ".partial").map_err(io(to))?;
        let mut reader = starling_files::open_regular(from)?;
        let mut out = std::fs::File::create(&temp).map_err(io(to))?;
        std::io::copy(&mut reader, &mut out).map_err(io(to))?;
        out.flush().and_then(|()| out.sync_all()).map_err(io(to))?;
        temp.persist(to).map_err(|e| io(to)(e.error))?;
    }
    Ok(name)
}

/// Removes the voice `name` from `dir` (its speech stays cached until the
/// cache is cleared); false when it was not installed.
pub fn remove(dir: &Path, name: &str) -> Result<bool, VoiceError> {
    if !valid_name(name) {
        return Err(VoiceError::BadName(name.to_string()));
    }
    let model = dir.join(format!("{name}.onnx"));
    let config = dir.join(format!("{name}.onnx.json"));
    let mut removed = false;
    // The model first: without it the voice is no longer listed.
    for path in [&model, &config] {
        match std::fs::remove_file(path) {
            Ok(()) => removed = true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(VoiceError::Install { path: path.clone(), why: e.to_string() }),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_text() -> &'static str {
        r#"{"audio":{"sample_rate":22050},"espeak":{"voice":"en-us"},
            "inference":{"noise_scale":0.667,"length_scale":1,"noise_w":0.8},
            "phoneme_id_map":{"_":[0],"^":[1],"$":[2]},"num_symbols":256,"num_speakers":1,"phoneme_type":"espeak"}"#
    }

    #[test]
    fn names_are_plain_and_espeak_is_taken() {
        assert!(valid_name("en_US-joe-medium"));
        for bad in ["", "espeak", ".hidden", "a/b", "../x", "a b", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad:?}");
        }
        assert_eq!(model_of(Path::new("/v/joe.onnx.json")), PathBuf::from("/v/joe.onnx"));
        assert_eq!(model_of(Path::new("/v/joe.onnx")), PathBuf::from("/v/joe.onnx"));
    }

    #[test]
    fn a_voice_without_its_settings_or_with_bad_ones_is_refused_and_nothing_is_written() {
        let src = tempfile::tempdir().unwrap();
        let voices = src.path().join("voices");
        let model = src.path().join("joe.onnx");
        std::fs::write(&model, b"not a model").unwrap();
        assert!(matches!(import(&voices, &model), Err(VoiceError::File(_))), "no .onnx.json beside it");
        std::fs::write(src.path().join("joe.onnx.json"), r#"{"audio":{"sample_rate":1}}"#).unwrap();
        assert!(matches!(import(&voices, &model), Err(VoiceError::Config { .. })));
        assert!(matches!(import(&voices, Path::new("/tmp/joe.wav")), Err(VoiceError::NotAVoice { .. })));
        std::fs::write(src.path().join("espeak.onnx"), b"x").unwrap();
        assert!(matches!(import(&voices, &src.path().join("espeak.onnx")), Err(VoiceError::BadName(_))));
        assert!(!voices.exists() || std::fs::read_dir(&voices).unwrap().next().is_none());
    }

    #[test]
    fn removing_takes_both_files_and_a_second_time_reports_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("joe.onnx"), b"m").unwrap();
        std::fs::write(dir.path().join("joe.onnx.json"), config_text()).unwrap();
        assert_eq!(crate::Voice::installed(dir.path()).len(), 1);
        assert!(remove(dir.path(), "joe").unwrap());
        assert!(crate::Voice::installed(dir.path()).is_empty());
        assert!(!remove(dir.path(), "joe").unwrap());
        assert!(matches!(remove(dir.path(), "../joe"), Err(VoiceError::BadName(_))));
    }
}
