//! A Piper voice's `.onnx.json`: its sample rate, the espeak-ng voice its
//! phonemes come from, the synthesis scales and the phoneme → id table.
//! Everything the model is fed is checked here, before any inference.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::VoiceError;

/// The largest `.onnx.json` read (the real ones are about 5 KB).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Deserialize)]
pub struct VoiceConfig {
    pub audio: AudioConfig,
    pub espeak: EspeakConfig,
    #[serde(default)]
    pub inference: InferenceConfig,
    pub phoneme_id_map: HashMap<String, Vec<i64>>,
    #[serde(default)]
    pub num_symbols: Option<i64>,
    #[serde(default = "one")]
    pub num_speakers: u32,
    #[serde(default)]
    pub phoneme_type: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
pub struct AudioConfig {
    pub sample_rate: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EspeakConfig {
    pub voice: String,
}

/// Piper's three scales: noise in the audio, phoneme length (1 = the
/// voice's own pace; larger is slower) and noise in the durations.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct InferenceConfig {
    #[serde(default = "noise_scale")]
    pub noise_scale: f32,
    #[serde(default = "length_scale")]
    pub length_scale: f32,
    #[serde(default = "noise_w")]
    pub noise_w: f32,
}

fn noise_scale() -> f32 {
    0.667
}
fn length_scale() -> f32 {
    1.0
}
fn noise_w() -> f32 {
    0.8
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig { noise_scale: noise_scale(), length_scale: length_scale(), noise_w: noise_w() }
    }
}

/// What makes a voice's settings unusable (each a clause of
/// [`VoiceError::Config`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigProblem {
    #[error("audio.sample_rate is {0}; expected 8000 to 48000")]
    SampleRate(u32),
    #[error("phoneme_type is \"{0}\"; Starling reads voices whose phonemes come from espeak-ng")]
    PhonemeType(String),
    #[error("espeak.voice \"{0}\" is not an espeak-ng voice name")]
    EspeakVoice(String),
    #[error("phoneme_id_map has no \"{0}\" (start, end and pad are required)")]
    MissingSymbol(&'static str),
    #[error("phoneme_id_map gives \"{phoneme}\" the id {id}; expected 0 to {most}")]
    IdOutOfRange { phoneme: String, id: i64, most: i64 },
    #[error("inference.{name} is {value}; expected 0 to 10")]
    Inference { name: &'static str, value: f32 },
    #[error("inference.length_scale is 0; expected more than 0")]
    ZeroLengthScale,
}

impl VoiceConfig {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<VoiceConfig, VoiceError> {
        let text = starling_files::read_text_limited(path, MAX_CONFIG_BYTES)?;
        let config: VoiceConfig =
            serde_json::from_str(&text).map_err(|e| VoiceError::Config { path: path.to_path_buf(), why: e.to_string() })?;
        config.check().map_err(|problem| VoiceError::Config { path: path.to_path_buf(), why: problem.to_string() })?;
        Ok(config)
    }

    /// What a voice needs to be usable; the first thing missing when it is not.
    pub fn check(&self) -> Result<(), ConfigProblem> {
        if !(8_000..=48_000).contains(&self.audio.sample_rate) {
            return Err(ConfigProblem::SampleRate(self.audio.sample_rate));
        }
        if let Some(kind) = &self.phoneme_type {
            if kind != "espeak" {
                return Err(ConfigProblem::PhonemeType(kind.clone()));
            }
        }
        if self.espeak.voice.is_empty() || !self.espeak.voice.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+')) {
            return Err(ConfigProblem::EspeakVoice(self.espeak.voice.clone()));
        }
        for symbol in ["^", "$", "_"] {
            if !self.phoneme_id_map.contains_key(symbol) {
                return Err(ConfigProblem::MissingSymbol(symbol));
            }
        }
        let most = self.num_symbols.unwrap_or(i64::from(u16::MAX));
        if let Some((p, id)) = self.phoneme_id_map.iter().flat_map(|(p, ids)| ids.iter().map(move |id| (p, *id))).find(|(_, id)| *id < 0 || *id >= most) {
            return Err(ConfigProblem::IdOutOfRange { phoneme: p.clone(), id, most: most - 1 });
        }
        let i = self.inference;
        for (name, value) in [("noise_scale", i.noise_scale), ("length_scale", i.length_scale), ("noise_w", i.noise_w)] {
            if !value.is_finite() || !(0.0..=10.0).contains(&value) {
                return Err(ConfigProblem::Inference { name, value });
            }
        }
        if i.length_scale == 0.0 {
            return Err(ConfigProblem::ZeroLengthScale);
        }
        Ok(())
    }

    /// The ids of one phoneme (a single character), if the voice knows it.
    pub fn ids(&self, phoneme: char) -> Option<&[i64]> {
        let mut buf = [0u8; 4];
        self.phoneme_id_map.get(phoneme.encode_utf8(&mut buf) as &str).map(Vec::as_slice)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> VoiceConfig {
        serde_json::from_str(
            r#"{"audio":{"sample_rate":22050},"espeak":{"voice":"en-us"},
                "inference":{"noise_scale":0.667,"length_scale":1,"noise_w":0.8},
                "phoneme_id_map":{"_":[0],"^":[1],"$":[2]," ":[3],".":[10],",":[8],"?":[13],"h":[20],"ə":[59],"l":[24],"ˈ":[120],"o":[27],"ʊ":[100]},
                "num_symbols":256,"num_speakers":1,"phoneme_type":"espeak"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_real_shaped_config_passes_and_bad_values_are_named() {
        let good = sample();
        assert_eq!(good.check(), Ok(()));
        assert_eq!(good.ids('ə'), Some(&[59][..]));
        let mut bad = good.clone();
        bad.audio.sample_rate = 0;
        assert_eq!(bad.check(), Err(ConfigProblem::SampleRate(0)));
        assert!(bad.check().unwrap_err().to_string().contains("sample_rate is 0"));
        let mut bad = good.clone();
        bad.phoneme_id_map.insert("x".into(), vec![300]);
        assert!(bad.check().unwrap_err().to_string().contains("\"x\" the id 300; expected 0 to 255"));
        let mut bad = good.clone();
        bad.phoneme_id_map.remove("^");
        assert_eq!(bad.check(), Err(ConfigProblem::MissingSymbol("^")));
        let mut bad = good.clone();
        bad.espeak.voice = "en; rm -rf".into();
        assert!(matches!(bad.check(), Err(ConfigProblem::EspeakVoice(_))));
        let mut bad = good;
        bad.inference.length_scale = f32::NAN;
        assert!(matches!(bad.check(), Err(ConfigProblem::Inference { name: "length_scale", .. })));
    }
}
