//! Files the user names (an export's destination, a deck or backup to
//! import): reads take only regular files, within a size limit; writes go to
//! a temporary file beside the destination and are renamed into place, and
//! are refused when the destination resolves into the data folder (through
//! links too) or is not a regular file, so no export can overwrite the live
//! database or write to a device.

use std::io::Write;
use std::path::{Path, PathBuf};

use starling_files::FileError;

use crate::error::StudioError;

impl From<FileError> for StudioError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::InsideDataFolder { .. } => StudioError::BadOutput(e),
            other => StudioError::BadInput(other),
        }
    }
}

/// Reads a user-named regular file of at most `limit` bytes.
pub(crate) fn read_user_file(path: &Path, limit: u64) -> Result<Vec<u8>, StudioError> {
    Ok(starling_files::read_limited(path, limit)?)
}

/// Checks that `out` may be written by an export: outside `data_root`, and
/// not a device, pipe or folder. Returns where it really lands.
pub(crate) fn check_export_target(out: &Path, data_root: &Path) -> Result<PathBuf, StudioError> {
    starling_files::check_output(out, data_root).map_err(StudioError::BadOutput)
}

/// Writes `bytes` to `dest` through a synced temporary file
/// (`.NAME.*.partial`, unique to this write) and a rename.
pub(crate) fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<(), StudioError> {
    let werr = |source| StudioError::WriteFile { path: dest.to_path_buf(), source };
    let tmp = starling_files::temp_beside(dest, ".partial").map_err(werr)?;
    let mut f = std::fs::OpenOptions::new().write(true).truncate(true).open(&tmp).map_err(werr)?;
    f.write_all(bytes).map_err(werr)?;
    f.sync_all().map_err(werr)?;
    drop(f);
    tmp.persist(dest).map_err(|e| StudioError::WriteFile { path: dest.to_path_buf(), source: e.error })
}

/// Writes an export the user asked for: refused inside the data folder or
/// onto anything but a regular file, written atomically otherwise.
pub(crate) fn write_export(out: &Path, data_root: &Path, bytes: &[u8]) -> Result<(), StudioError> {
    let target = check_export_target(out, data_root)?;
    write_atomically(&target, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_never_land_in_the_data_folder_or_on_a_device() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("starling.db"), b"live").unwrap();
        let e = write_export(&data.join("starling.db"), &data, b"notes").unwrap_err();
        assert!(matches!(e, StudioError::BadOutput(_)), "{e}");
        assert!(e.to_string().contains("inside Starling's data folder"), "{e}");
        assert_eq!(std::fs::read(data.join("starling.db")).unwrap(), b"live");
        let e = write_export(Path::new("/dev/null"), &data, b"notes").unwrap_err();
        assert!(e.to_string().contains("a device, not a regular file"), "{e}");
        let out = dir.path().join("notes.md");
        write_export(&out, &data, b"notes").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"notes");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");
    }
}
