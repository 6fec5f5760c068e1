//! Writing a backup archive from files on disk.
//!
//! The manifest, written first, lists each file's size; each file is then
//! copied with exactly that many bytes, and one that changed size in between
//! stops the backup, so every archive written passes the reader's size
//! checks. Only regular files are read: a named pipe never blocks a backup.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::layout::{Manifest, ManifestFile, FORMAT, MANIFEST, VERSION};
use crate::ArchiveError;

/// Writes `sources` (entry name, file on disk) to a new archive at `dest`
/// with a manifest listing each, and syncs it to disk. Returns the manifest.
pub fn write(dest: &Path, sources: &[(String, PathBuf)], schema_version: i64, created_ms: i64, app_version: &str) -> Result<Manifest, ArchiveError> {
    let mut manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        schema_version,
        created_ms,
        app_version: app_version.into(),
        files: Vec::new(),
    };
    for (name, path) in sources {
        let meta = starling_files::metadata(path).map_err(|source| ArchiveError::Source { source })?;
        if !meta.is_file() {
            let kind = starling_files::kind_of(&meta);
            return Err(ArchiveError::Source { source: starling_files::FileError::NotRegular { path: path.clone(), kind } });
        }
        let bytes = meta.len();
        manifest.files.push(ManifestFile { path: name.clone(), bytes });
    }
    let file = File::create(dest).map_err(ArchiveError::io("create", dest))?;
    let mut zip = ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(true);
    let manifest_json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    zip.start_file(MANIFEST, options).map_err(ArchiveError::zip(dest))?;
    zip.write_all(&manifest_json).map_err(ArchiveError::io("write", dest))?;
    for ((name, path), listed) in sources.iter().zip(&manifest.files) {
        zip.start_file(name.as_str(), options).map_err(ArchiveError::zip(dest))?;
        let mut src = starling_files::open_regular(path).map_err(|source| ArchiveError::Source { source })?;
        copy_exactly(&mut src, path, listed.bytes, &mut zip, dest)?;
    }
    let file = zip.finish().map_err(ArchiveError::zip(dest))?;
    file.sync_all().map_err(ArchiveError::io("write", dest))?;
    Ok(manifest)
}

/// Copies exactly `bytes` bytes of `src` (the file `path`) to `out` (the
/// archive `dest`), failing if the file holds fewer or more.
fn copy_exactly(src: &mut File, path: &Path, bytes: u64, out: &mut dyn Write, dest: &Path) -> Result<(), ArchiveError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut copied = 0u64;
    // One byte past the listed size is read, to see whether the file grew.
    while copied <= bytes {
        let want = usize::try_from(bytes + 1 - copied).unwrap_or(usize::MAX).min(buf.len());
        let n = match src.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ArchiveError::io("read", path)(e)),
        };
        if copied + n as u64 > bytes {
            copied += n as u64;
            break;
        }
        out.write_all(&buf[..n]).map_err(ArchiveError::io("write", dest))?;
        copied += n as u64;
    }
    if copied != bytes {
        let found = src.metadata().map(|m| m.len()).unwrap_or(copied);
        return Err(ArchiveError::SourceChanged { path: path.to_path_buf(), expected: bytes, found });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CheckedArchive;

    #[test]
    fn a_written_backup_passes_every_check_of_the_reader() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("starling.db");
        let wav = dir.path().join("a.wav");
        std::fs::write(&db, b"database").unwrap();
        std::fs::write(&wav, vec![7u8; 100_000]).unwrap();
        let dest = dir.path().join("b.zip");
        let sources = vec![("starling.db".to_string(), db), ("recordings/a.wav".to_string(), wav)];
        let manifest = write(&dest, &sources, 1, 0, "0").unwrap();
        assert_eq!(manifest.files.iter().map(|f| f.bytes).collect::<Vec<_>>(), vec![8, 100_000]);
        let a = CheckedArchive::open(File::open(&dest).unwrap(), &dest, 1).unwrap();
        assert_eq!(a.total_bytes(), 100_008);
    }

    #[test]
    fn a_file_that_changed_size_stops_the_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.wav");
        std::fs::write(&path, b"0123456789").unwrap();
        for listed in [5, 20] {
            let mut out = Vec::new();
            let e = copy_exactly(&mut File::open(&path).unwrap(), &path, listed, &mut out, Path::new("b.zip")).unwrap_err();
            assert!(matches!(e, ArchiveError::SourceChanged { expected, found: 10, .. } if expected == listed), "{e}");
            assert!(out.len() as u64 <= listed);
        }
        let mut out = Vec::new();
        copy_exactly(&mut File::open(&path).unwrap(), &path, 10, &mut out, Path::new("b.zip")).unwrap();
        assert_eq!(out, b"0123456789");
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p.wav");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let sources = vec![("recordings/p.wav".to_string(), fifo)];
        let e = write(&dir.path().join("b.zip"), &sources, 1, 0, "0").unwrap_err();
        assert!(e.to_string().contains("p.wav is a named pipe (FIFO), not a regular file, so it cannot be backed up"), "{e}");
    }
}
