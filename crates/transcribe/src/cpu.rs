//! Which build of whisper.cpp runs on this processor.
//!
//! ggml compiles its kernels for one instruction set, chosen at build time,
//! and has no run-time dispatch when it is linked statically (as whisper-rs
//! links it). So Starling's own build of ggml is plain x86-64 and runs
//! anywhere, and `cargo xtask` builds the transcription worker again for each
//! faster level listed in `cpu/levels.txt`, installed beside the app as
//! `starling-worker-<level>`. Whoever starts a worker asks
//! [`worker_program`], which picks the fastest installed build whose features
//! this processor (and its operating system) supports, and falls back to the
//! app's own binary.
//!
//! `STARLING_CPU_LEVEL` caps the choice (`x86-64` for the portable build,
//! `x86-64-v3`, …): for comparing builds, and as a way out should a faster
//! build ever misbehave on some machine.

use std::path::{Path, PathBuf};

/// The level table shared with xtask.
const LEVELS: &str = include_str!("../cpu/levels.txt");

/// The name of the portable build: the app's own binary.
pub const PORTABLE: &str = "x86-64";

/// File name prefix of the worker builds.
pub const WORKER_PREFIX: &str = "starling-worker-";

/// The environment variable that caps the level.
pub const LEVEL_VAR: &str = "STARLING_CPU_LEVEL";

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    pub name: String,
    /// Processor features, in `is_x86_feature_detected!` spelling.
    pub features: Vec<String>,
    /// ggml options the build turns on.
    pub ggml_options: Vec<String>,
}

/// The faster levels, slowest first.
pub fn levels() -> Vec<Level> {
    LEVELS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split('|').map(str::trim);
            let name = parts.next()?.to_string();
            let words = |s: Option<&str>| s.unwrap_or("").split_whitespace().map(str::to_string).collect::<Vec<_>>();
            Some(Level { name, features: words(parts.next()), ggml_options: words(parts.next()) })
        })
        .collect()
}

/// Whether this processor has `feature` (with the OS support it needs, such
/// as saved AVX registers). Unknown names are `None`.
pub fn has_feature(feature: &str) -> Option<bool> {
    #[cfg(target_arch = "x86_64")]
    {
        Some(match feature {
            "sse4.2" => std::arch::is_x86_feature_detected!("sse4.2"),
            "avx" => std::arch::is_x86_feature_detected!("avx"),
            "avx2" => std::arch::is_x86_feature_detected!("avx2"),
            "fma" => std::arch::is_x86_feature_detected!("fma"),
            "f16c" => std::arch::is_x86_feature_detected!("f16c"),
            "bmi2" => std::arch::is_x86_feature_detected!("bmi2"),
            "avx512f" => std::arch::is_x86_feature_detected!("avx512f"),
            "avx512cd" => std::arch::is_x86_feature_detected!("avx512cd"),
            "avx512vl" => std::arch::is_x86_feature_detected!("avx512vl"),
            "avx512dq" => std::arch::is_x86_feature_detected!("avx512dq"),
            "avx512bw" => std::arch::is_x86_feature_detected!("avx512bw"),
            _ => return None,
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = feature;
        None
    }
}

/// The fastest level this processor supports, capped by `cap` (a level
/// name); [`PORTABLE`] when none of the faster ones fits.
pub fn supported_level(cap: Option<&str>) -> String {
    let all = levels();
    let limit = match cap {
        Some(PORTABLE) => return PORTABLE.to_string(),
        Some(name) => match all.iter().position(|l| l.name == name) {
            Some(i) => i + 1,
            None => {
                tracing::warn!(level = name, "{LEVEL_VAR} names no known level; ignoring it");
                all.len()
            }
        },
        None => all.len(),
    };
    all[..limit]
        .iter()
        .rev()
        .find(|l| l.features.iter().all(|f| has_feature(f) == Some(true)))
        .map(|l| l.name.clone())
        .unwrap_or_else(|| PORTABLE.to_string())
}

/// Folders searched for worker builds: beside `exe`, then `../lib/starling`
/// from it (where the Debian package installs them).
fn search_dirs(exe: &Path) -> Vec<PathBuf> {
    let Some(dir) = exe.parent() else { return Vec::new() };
    let mut dirs = vec![dir.to_path_buf()];
    if let Some(prefix) = dir.parent() {
        dirs.push(prefix.join("lib/starling"));
    }
    dirs
}

/// The program to start as a transcription worker instead of `exe` (the
/// app's own binary): the fastest installed build this processor runs, or
/// `exe` itself. Returns the program and the level it was built for.
pub fn worker_program(exe: &Path) -> (PathBuf, String) {
    let cap = std::env::var(LEVEL_VAR).ok();
    choose(exe, &supported_level(cap.as_deref()))
}

fn choose(exe: &Path, best: &str) -> (PathBuf, String) {
    choose_from(&levels(), exe, best)
}

fn choose_from(all: &[Level], exe: &Path, best: &str) -> (PathBuf, String) {
    let usable = all.iter().position(|l| l.name == best).map_or(0, |i| i + 1);
    for level in all[..usable].iter().rev() {
        for dir in search_dirs(exe) {
            let candidate = dir.join(format!("{WORKER_PREFIX}{}", level.name));
            if candidate.is_file() {
                return (candidate, level.name.clone());
            }
        }
    }
    (exe.to_path_buf(), PORTABLE.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_only_features_this_module_can_check() {
        let all = levels();
        assert!(!all.is_empty(), "{all:?}");
        for level in &all {
            assert!(!level.ggml_options.is_empty(), "{} turns nothing on", level.name);
            for f in &level.features {
                assert!(has_feature(f).is_some(), "{}: unknown feature {f}", level.name);
            }
        }
        // Each level needs everything the one below it needs.
        for pair in all.windows(2) {
            for f in &pair[0].features {
                assert!(pair[1].features.contains(f), "{} lacks {f} of {}", pair[1].name, pair[0].name);
            }
        }
    }

    #[test]
    fn a_cap_is_never_exceeded() {
        assert_eq!(supported_level(Some(PORTABLE)), PORTABLE);
        let first = &levels()[0].name;
        let capped = supported_level(Some(first));
        assert!(capped == *first || capped == PORTABLE, "{capped}");
    }

    #[test]
    fn the_fastest_installed_build_the_cpu_allows_is_chosen() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        let lib = dir.path().join("lib/starling");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&lib).unwrap();
        let exe = bin.join("starling");
        std::fs::write(&exe, b"").unwrap();
        let level = |name: &str| Level { name: name.into(), features: Vec::new(), ggml_options: vec!["GGML_X".into()] };
        let all = vec![level("low"), level("high")];

        // Nothing installed: the app's own binary.
        assert_eq!(choose_from(&all, &exe, "high"), (exe.clone(), PORTABLE.to_string()));
        // Installed under ../lib/starling, as the package does.
        let low_path = lib.join(format!("{WORKER_PREFIX}low"));
        std::fs::write(&low_path, b"").unwrap();
        assert_eq!(choose_from(&all, &exe, "high"), (low_path.clone(), "low".to_string()));
        // A faster build beside the binary wins when the processor allows it…
        let high_path = bin.join(format!("{WORKER_PREFIX}high"));
        std::fs::write(&high_path, b"").unwrap();
        assert_eq!(choose_from(&all, &exe, "high"), (high_path, "high".to_string()));
        // …and is passed over when it does not.
        assert_eq!(choose_from(&all, &exe, "low"), (low_path, "low".to_string()));
        assert_eq!(choose_from(&all, &exe, PORTABLE), (exe.clone(), PORTABLE.to_string()));
    }
}
