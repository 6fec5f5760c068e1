//! Temporary files beside a destination: the one way Starling stages a file
//! it will rename into place, so a half-written file never carries the final
//! name and two writers of the same destination never share a temporary file.

use std::io;
use std::path::Path;

/// The folder a file at `dest` lives in (`.` for a bare file name).
pub fn folder_of(dest: &Path) -> &Path {
    match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Creates a hidden temporary file in `dest`'s folder, named
/// `.<dest's file name>.<random><suffix>` (for example
/// `.notes.md.a1B2c3.partial`), unique to this call. It is removed when
/// dropped unless it is persisted, typically renamed onto `dest`.
pub fn temp_beside(dest: &Path, suffix: &str) -> io::Result<tempfile::TempPath> {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(suffix).tempfile_in(folder_of(dest)).map(|f| f.into_temp_path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_are_hidden_unique_and_beside_the_destination() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("notes.md");
        let a = temp_beside(&dest, ".partial").unwrap();
        let b = temp_beside(&dest, ".partial").unwrap();
        assert_ne!(a.to_path_buf(), b.to_path_buf());
        for t in [&a, &b] {
            assert_eq!(t.parent(), Some(dir.path()));
            let name = t.file_name().unwrap().to_string_lossy().into_owned();
            assert!(name.starts_with(".notes.md.") && name.ends_with(".partial"), "{name}");
        }
        std::fs::write(&a, b"done").unwrap();
        a.persist(&dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"done");
        drop(b);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("notes.md")], "a dropped temporary file is removed");
        assert_eq!(folder_of(Path::new("bare.zip")), Path::new("."));
        assert!(temp_beside(&dir.path().join("missing/x.zip"), ".partial").is_err());
    }
}
