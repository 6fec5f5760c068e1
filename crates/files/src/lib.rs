//! `starling-files`: the one place that decides whether a path the user (or
//! a backup, or a deck folder) handed Starling may be read or written.
//!
//! - [`open_regular`] opens a file for reading only if it is a regular file.
//!   The open itself never blocks: a named pipe (FIFO) or a device is opened
//!   non-blocking, seen for what it is and refused, instead of hanging the
//!   process in `open()` until someone writes to it.
//! - [`read_limited`] reads a whole regular file that must stay below a size.
//! - [`check_output`] refuses an output path that resolves (through symbolic
//!   links too) into a protected folder — Starling's data folder — or onto
//!   something that is not a regular file, such as a device node.
//! - [`available_space`] says how much a restore may extract.
//! - [`temp_beside`] stages a file beside its destination, to be renamed
//!   into place (module `temp`).
//!
//! Errors are phrased as the end of a sentence about the path, so each caller
//! can wrap them in its own error type with what it was trying to do.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

mod temp;

pub use temp::{folder_of, temp_beside};

/// Why a path could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path} does not exist")]
    Missing { path: PathBuf },

    #[error("{path} is {kind}, not a regular file")]
    NotRegular { path: PathBuf, kind: &'static str },

    #[error("{path} is {bytes} bytes; the most Starling accepts here is {limit} bytes")]
    TooLarge { path: PathBuf, bytes: u64, limit: u64 },

    #[error("{path} is inside Starling's data folder ({data}); choose a file outside it so nothing of yours is overwritten")]
    InsideDataFolder { path: PathBuf, data: PathBuf },

    #[error("{path} could not be read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

impl FileError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FileError::Missing { path }
            | FileError::NotRegular { path, .. }
            | FileError::TooLarge { path, .. }
            | FileError::InsideDataFolder { path, .. }
            | FileError::Io { path, .. } => path,
        }
    }
}

/// Words for what a non-regular file is.
pub fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_file() {
        "a regular file"
    } else {
        "something other than a file"
    }
}

/// Explains a failed open or stat: a dangling link and a link loop are named
/// as such rather than reported as a bare OS error.
fn explain(path: &Path, source: std::io::Error) -> FileError {
    if source.kind() == std::io::ErrorKind::NotFound {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return FileError::NotRegular { path: path.to_path_buf(), kind: "a symbolic link to a file that does not exist" };
        }
        return FileError::Missing { path: path.to_path_buf() };
    }
    #[cfg(unix)]
    if source.raw_os_error() == Some(libc::ELOOP) {
        return FileError::NotRegular { path: path.to_path_buf(), kind: "a loop of symbolic links" };
    }
    FileError::Io { path: path.to_path_buf(), source }
}

/// What `path` is, following links, with dangling links and loops explained.
pub fn metadata(path: &Path) -> Result<Metadata, FileError> {
    std::fs::metadata(path).map_err(|e| explain(path, e))
}

/// Opens `path` for reading if, and only if, it is a regular file (links are
/// followed). Never blocks, whatever `path` is.
pub fn open_regular(path: &Path) -> Result<File, FileError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK makes opening a FIFO with no writer return at once; it
        // has no effect on reads from a regular file.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| explain(path, e))?;
    let meta = file.metadata().map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
    if !meta.is_file() {
        return Err(FileError::NotRegular { path: path.to_path_buf(), kind: kind_of(&meta) });
    }
    Ok(file)
}

/// Opens a regular file and returns it with its length, refusing one longer
/// than `limit` bytes.
pub fn open_limited(path: &Path, limit: u64) -> Result<(File, u64), FileError> {
    let file = open_regular(path)?;
    let bytes = file.metadata().map_err(|source| FileError::Io { path: path.to_path_buf(), source })?.len();
    if bytes > limit {
        return Err(FileError::TooLarge { path: path.to_path_buf(), bytes, limit });
    }
    Ok((file, bytes))
}

/// Reads a whole regular file of at most `limit` bytes. A file that grows
/// past the limit while it is read is refused too.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let (file, bytes) = open_limited(path, limit)?;
    let mut out = Vec::with_capacity(bytes as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|source| FileError::Io { path: path.to_path_buf(), source })?;
    if out.len() as u64 > limit {
        return Err(FileError::TooLarge { path: path.to_path_buf(), bytes: out.len() as u64, limit });
    }
    Ok(out)
}

/// Reads a whole regular file of at most `limit` bytes as UTF-8 text.
pub fn read_text_limited(path: &Path, limit: u64) -> Result<String, FileError> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|_| FileError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"),
    })
}

/// Where writing to `path` would really land: links (of the file and of its
/// folders) resolved, even when the final link points at a file that does
/// not exist yet.
pub fn resolve_output(path: &Path) -> Result<PathBuf, FileError> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|source| FileError::Io { path: path.to_path_buf(), source })?.join(path)
    };
    let mut current = absolute;
    // Follows at most 40 links, as the kernel does.
    for _ in 0..40 {
        let name = match current.file_name() {
            Some(n) => n.to_os_string(),
            None => return Err(FileError::NotRegular { path: path.to_path_buf(), kind: "a folder" }),
        };
        let parent = current.parent().unwrap_or(Path::new("/"));
        let parent = std::fs::canonicalize(parent).map_err(|e| explain(parent, e))?;
        let joined = parent.join(&name);
        match std::fs::symlink_metadata(&joined) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&joined).map_err(|source| FileError::Io { path: joined.clone(), source })?;
                current = if target.is_absolute() { target } else { parent.join(target) };
            }
            _ => return Ok(joined),
        }
    }
    Err(FileError::NotRegular { path: path.to_path_buf(), kind: "a loop of symbolic links" })
}

/// Checks that writing `path` cannot touch the folder `protected` (the data
/// folder) and would not write onto a device, pipe or folder. Returns the
/// resolved path.
pub fn check_output(path: &Path, protected: &Path) -> Result<PathBuf, FileError> {
    let resolved = resolve_output(path)?;
    if let Ok(meta) = std::fs::metadata(&resolved) {
        if !meta.is_file() {
            return Err(FileError::NotRegular { path: path.to_path_buf(), kind: kind_of(&meta) });
        }
    }
    let data = std::fs::canonicalize(protected).unwrap_or_else(|_| protected.to_path_buf());
    if resolved.starts_with(&data) {
        return Err(FileError::InsideDataFolder { path: path.to_path_buf(), data });
    }
    Ok(resolved)
}

/// Bytes free for an unprivileged user on the file system holding `dir`.
#[cfg(unix)]
pub fn available_space(dir: &Path) -> Result<u64, FileError> {
    let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes())
        .map_err(|_| FileError::Io { path: dir.to_path_buf(), source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path holds a NUL byte") })?;
    // SAFETY: `c` is a valid NUL-terminated path and `stat` a writable
    // statvfs that lives for the duration of the call.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut stat) } != 0 {
        return Err(FileError::Io { path: dir.to_path_buf(), source: std::io::Error::last_os_error() });
    }
    Ok((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
}

/// Bytes free on the file system holding `dir` (unknown here: unlimited).
#[cfg(not(unix))]
pub fn available_space(_dir: &Path) -> Result<u64, FileError> {
    Ok(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    #[test]
    fn regular_files_open_and_everything_else_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "hello").unwrap();
        assert_eq!(read_limited(&f, 5).unwrap(), b"hello");
        assert!(matches!(read_limited(&f, 4), Err(FileError::TooLarge { bytes: 5, limit: 4, .. })));
        let e = open_regular(dir.path()).unwrap_err();
        assert!(e.to_string().contains("is a folder, not a regular file"), "{e}");
        assert!(matches!(open_regular(&dir.path().join("none")), Err(FileError::Missing { .. })));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once_and_links_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.wav");
        mkfifo(&fifo);
        let started = std::time::Instant::now();
        let e = open_regular(&fifo).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(e.to_string().contains("named pipe (FIFO)"), "{e}");
        let e = open_regular(Path::new("/dev/null")).unwrap_err();
        assert!(e.to_string().contains("a device"), "{e}");

        let dangling = dir.path().join("dangling.toml");
        std::os::unix::fs::symlink(dir.path().join("gone"), &dangling).unwrap();
        assert!(open_regular(&dangling).unwrap_err().to_string().contains("symbolic link to a file that does not exist"));
        let a = dir.path().join("a.toml");
        let b = dir.path().join("b.toml");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        assert!(open_regular(&a).unwrap_err().to_string().contains("loop of symbolic links"));
    }

    #[cfg(unix)]
    #[test]
    fn free_space_is_measured() {
        let dir = tempfile::tempdir().unwrap();
        assert!(available_space(dir.path()).unwrap() > 0);
        assert!(available_space(&dir.path().join("missing")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn outputs_into_the_data_folder_or_onto_devices_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("starling.db"), "live").unwrap();
        let e = check_output(&data.join("starling.db"), &data).unwrap_err();
        assert!(matches!(e, FileError::InsideDataFolder { .. }), "{e}");
        // Through a link to the folder, and through a dangling link into it.
        let via = dir.path().join("via");
        std::os::unix::fs::symlink(&data, &via).unwrap();
        assert!(matches!(check_output(&via.join("starling.db"), &data), Err(FileError::InsideDataFolder { .. })));
        let link = dir.path().join("notes.md");
        std::os::unix::fs::symlink(data.join("new.md"), &link).unwrap();
        assert!(matches!(check_output(&link, &data), Err(FileError::InsideDataFolder { .. })));
        assert!(matches!(check_output(Path::new("/dev/null"), &data), Err(FileError::NotRegular { kind: "a device", .. })));
        let ok = dir.path().join("out.zip");
        assert_eq!(check_output(&ok, &data).unwrap(), std::fs::canonicalize(dir.path()).unwrap().join("out.zip"));
    }
}
