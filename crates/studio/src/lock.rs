//! One Starling at a time per data folder, across processes.
//!
//! The app and every command that writes hold an exclusive OS file lock on
//! `starling.lock` in the data folder for as long as they work on it. The
//! lock file holds the holder's process id, so a second writer is told who
//! has the folder instead of writing into data that is about to move (a
//! restore) or change underneath it. The kernel drops the lock when the
//! holder exits, however it exits, so a killed Starling never leaves the
//! folder locked.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};

use crate::paths::DataPaths;

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "starling.lock";

/// Why the data folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("Starling is already using this data folder (pid {}): {}. Close the other Starling or wait for that command to finish, then try again.", pid.map_or_else(|| "unknown".to_string(), |p| p.to_string()), dir.display())]
    Busy { dir: std::path::PathBuf, pid: Option<u32> },

    #[error("Could not write {path}: {source}. Check that the folder exists, is writable and the disk has space.")]
    Write { path: std::path::PathBuf, source: std::io::Error },
}

/// Proof that this process holds the data folder; released on drop.
#[derive(Debug)]
pub struct DataLock {
    paths: DataPaths,
    // Holding the open file holds the lock (none on a read-only folder).
    _file: Option<File>,
}

impl DataLock {
    /// Takes the lock on `paths`' folder (creating the folder if needed), or
    /// says which process holds it.
    pub fn acquire(paths: &DataPaths) -> Result<DataLock, LockError> {
        let root = paths.root();
        if let Err(source) = std::fs::create_dir_all(root) {
            if !root.is_dir() {
                return Err(LockError::Write { path: root.to_path_buf(), source });
            }
        }
        let path = root.join(LOCK_FILE);
        let opened = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path);
        let mut file = match opened {
            Ok(f) => f,
            // Nothing can write to a read-only folder, so there is nothing to
            // guard; the store then says why Starling cannot work there.
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied) => {
                tracing::warn!(error = %e, path = %path.display(), "the data folder is not writable, so it is not locked");
                return Ok(DataLock { paths: paths.clone(), _file: None });
            }
            Err(source) => return Err(LockError::Write { path, source }),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                return Err(LockError::Busy { dir: root.to_path_buf(), pid: text.trim().parse().ok() });
            }
            Err(std::fs::TryLockError::Error(e)) => {
                // A file system without locks (some network shares): go on,
                // as before locks existed, but say so.
                tracing::warn!(error = %e, path = %path.display(), "the data folder cannot be locked; another Starling could use it at the same time");
            }
        }
        let pid = std::process::id().to_string();
        let written = file.set_len(0).and_then(|_| file.seek(SeekFrom::Start(0))).and_then(|_| file.write_all(pid.as_bytes()));
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not write the process id into the lock file");
        }
        Ok(DataLock { paths: paths.clone(), _file: Some(file) })
    }

    /// The folder this lock holds.
    pub fn paths(&self) -> &DataPaths {
        &self.paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let paths = DataPaths::new(dir.path().join("data"));
        let first = DataLock::acquire(&paths).unwrap();
        let e = DataLock::acquire(&paths).unwrap_err();
        assert!(matches!(e, LockError::Busy { pid: Some(p), .. } if p == std::process::id()), "{e}");
        assert!(e.to_string().contains(&format!("Starling is already using this data folder (pid {})", std::process::id())), "{e}");
        drop(first);
        DataLock::acquire(&paths).unwrap();
    }
}
