//! The layout of a backup: fixed names, the manifest, and which entry names
//! may be extracted where.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The `format` field of every Starling backup's manifest.
pub const FORMAT: &str = "starling-backup";
/// The newest archive version this build writes and reads.
pub const VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const DATABASE: &str = "starling.db";
/// Folders of the data folder that a backup carries.
pub const FOLDERS: [&str; 2] = ["recordings", "decks"];

/// What a backup's `manifest.json` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub schema_version: i64,
    pub created_ms: i64,
    pub app_version: String,
    /// Every other entry with its size, to check the archive is complete.
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub bytes: u64,
}

/// Where an archive entry may be extracted to, relative to the data folder:
/// the manifest, the database, or a plain file directly inside one of the
/// carried folders. Anything else is refused.
pub fn entry_target(name: &str) -> Option<PathBuf> {
    if name.contains('\\') || name.contains('\0') || name.contains(':') {
        return None;
    }
    let path = Path::new(name);
    let parts: Vec<&str> = path
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    match parts.as_slice() {
        [file] if *file == MANIFEST || *file == DATABASE => Some(PathBuf::from(file)),
        [folder, file] if FOLDERS.contains(folder) && !file.starts_with('.') => Some(Path::new(folder).join(file)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_layout_entries_have_a_target() {
        assert_eq!(entry_target("starling.db"), Some(PathBuf::from("starling.db")));
        assert_eq!(entry_target("recordings/1-q.wav"), Some(PathBuf::from("recordings/1-q.wav")));
        assert_eq!(entry_target("decks/mine.toml"), Some(PathBuf::from("decks/mine.toml")));
        for bad in [
            "../starling.db",
            "recordings/../../etc/passwd",
            "/etc/passwd",
            "recordings/a/b.wav",
            "recordings\\..\\x",
            "C:/x",
            "other/file",
            "decks/.hidden",
            "recordings/",
            "",
            "./starling.db",
        ] {
            assert_eq!(entry_target(bad), None, "{bad:?} must be refused");
        }
    }
}
