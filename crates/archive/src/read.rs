//! Reading a backup: every entry name and the manifest are checked before
//! anything is handed out, and every entry is read through its CRC check.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use crate::layout::{entry_target, Manifest, FOLDERS, FORMAT, MANIFEST, VERSION};
use crate::ArchiveError;

/// An archive whose names and manifest passed every check.
pub struct CheckedArchive<R: Read + Seek> {
    zip: ZipArchive<R>,
    /// Entry index and where it lands, relative to the data folder (the
    /// manifest excluded).
    entries: Vec<(usize, PathBuf)>,
    manifest: Manifest,
    path: PathBuf,
}

impl<R: Read + Seek> std::fmt::Debug for CheckedArchive<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedArchive").field("path", &self.path).field("entries", &self.entries).finish()
    }
}

impl<R: Read + Seek> CheckedArchive<R> {
    /// Checks the archive read from `reader`. `path` names it in messages;
    /// `max_schema` is the newest database version this build can open.
    pub fn open(reader: R, path: &Path, max_schema: i64) -> Result<Self, ArchiveError> {
        let mut zip = ZipArchive::new(reader)
            .map_err(|e| ArchiveError::NotABackup { path: path.to_path_buf(), detail: format!("it is not a zip archive ({e})") })?;
        let mut entries = Vec::new();
        let mut has_manifest = false;
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(ArchiveError::zip(path))?;
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| String::from("(unreadable name)"));
            if entry.is_dir() && FOLDERS.iter().any(|f| name.trim_end_matches('/') == *f) {
                continue;
            }
            let target = entry.enclosed_name().and(entry_target(&name)).filter(|_| !entry.is_symlink() && !entry.is_dir());
            match target {
                Some(t) if t == Path::new(MANIFEST) => has_manifest = true,
                Some(t) if entries.iter().any(|(_, seen)| *seen == t) => {
                    return Err(ArchiveError::Damaged { path: path.to_path_buf(), detail: format!("`{name}` appears twice") });
                }
                Some(t) => entries.push((i, t)),
                None => return Err(ArchiveError::UnsafeEntry { path: path.to_path_buf(), entry: name }),
            }
        }
        if !has_manifest {
            return Err(ArchiveError::NotABackup { path: path.to_path_buf(), detail: "it has no manifest.json".into() });
        }
        let manifest = read_manifest(&mut zip, path, max_schema)?;
        for f in &manifest.files {
            if !entries.iter().any(|(_, t)| Path::new(&f.path) == t) {
                return Err(ArchiveError::Damaged { path: path.to_path_buf(), detail: format!("`{}` is listed but missing", f.path) });
            }
        }
        Ok(CheckedArchive { zip, entries, manifest, path: path.to_path_buf() })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Where each entry lands, relative to the data folder.
    pub fn targets(&self) -> impl Iterator<Item = &Path> {
        self.entries.iter().map(|(_, t)| t.as_path())
    }

    /// Hands every entry (but the manifest) to `each` with its target. The
    /// reader checks the entry's CRC-32 as it reaches the end; `each` must
    /// read to the end. Returns the bytes read.
    pub fn for_each_entry(
        &mut self,
        mut each: impl FnMut(&Path, &mut dyn Read) -> Result<u64, ArchiveError>,
    ) -> Result<u64, ArchiveError> {
        let mut total = 0u64;
        for (i, target) in &self.entries {
            let mut entry = self.zip.by_index(*i).map_err(ArchiveError::zip(&self.path))?;
            total += each(target, &mut entry)?;
        }
        Ok(total)
    }
}

/// Copies an entry's `reader` to `out` (the file `out_path`), turning a read
/// failure (a bad CRC, a cut stream) into [`ArchiveError::Damaged`] naming
/// `target` in `archive`, and a write failure into [`ArchiveError::Io`].
pub fn copy_entry(archive: &Path, target: &Path, reader: &mut dyn Read, out: &mut dyn std::io::Write, out_path: &Path) -> Result<u64, ArchiveError> {
    let mut buf = [0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(ArchiveError::Damaged {
                    path: archive.to_path_buf(),
                    detail: format!("`{}` could not be read back ({e})", target.display()),
                })
            }
        };
        out.write_all(&buf[..n]).map_err(ArchiveError::io("write", out_path))?;
        total += n as u64;
    }
}

fn read_manifest<R: Read + Seek>(zip: &mut ZipArchive<R>, archive: &Path, max_schema: i64) -> Result<Manifest, ArchiveError> {
    let not_ours = |detail: &str| ArchiveError::NotABackup { path: archive.to_path_buf(), detail: detail.to_string() };
    let mut text = String::new();
    let entry = zip.by_name(MANIFEST).map_err(|_| not_ours("its manifest.json cannot be found"))?;
    // A manifest is a few kilobytes; a huge one is not ours.
    entry.take(16 << 20).read_to_string(&mut text).map_err(|_| not_ours("its manifest.json cannot be read"))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| not_ours(&format!("its manifest.json is not valid ({e})")))?;
    if manifest.format != FORMAT {
        return Err(not_ours(&format!("its manifest says format `{}`", manifest.format)));
    }
    if manifest.version > VERSION || manifest.schema_version > max_schema {
        return Err(ArchiveError::TooNew { path: archive.to_path_buf(), found: manifest.version, schema: manifest.schema_version });
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            zip.start_file(*name, SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const OK: &[u8] = br#"{"format":"starling-backup","version":1,"schema_version":1,"created_ms":0,"app_version":"0","files":[{"path":"recordings/a.wav","bytes":3}]}"#;

    fn open(bytes: Vec<u8>) -> Result<CheckedArchive<Cursor<Vec<u8>>>, ArchiveError> {
        CheckedArchive::open(Cursor::new(bytes), Path::new("x.zip"), 5)
    }

    #[test]
    fn a_good_archive_hands_out_its_entries() {
        let mut a = open(zip_of(&[("manifest.json", OK), ("recordings/a.wav", b"abc")])).unwrap();
        let mut seen = Vec::new();
        let bytes = a
            .for_each_entry(|t, r| {
                let mut v = Vec::new();
                r.read_to_end(&mut v).unwrap();
                seen.push((t.to_path_buf(), v));
                Ok(3)
            })
            .unwrap();
        assert_eq!(bytes, 3);
        assert_eq!(seen, vec![(PathBuf::from("recordings/a.wav"), b"abc".to_vec())]);
    }

    #[test]
    fn missing_duplicate_and_unsafe_entries_are_refused() {
        let e = open(zip_of(&[("manifest.json", OK)])).unwrap_err();
        assert!(e.to_string().contains("`recordings/a.wav` is listed but missing"), "{e}");
        let e = open(zip_of(&[("manifest.json", OK), ("recordings/../x", b"abc")])).unwrap_err();
        assert!(matches!(e, ArchiveError::UnsafeEntry { .. }), "{e}");
        let e = open(zip_of(&[("recordings/a.wav", b"abc")])).unwrap_err();
        assert!(e.to_string().contains("no manifest.json"), "{e}");
        let newer = br#"{"format":"starling-backup","version":1,"schema_version":6,"created_ms":0,"app_version":"9","files":[]}"#;
        assert!(matches!(open(zip_of(&[("manifest.json", newer)])), Err(ArchiveError::TooNew { schema: 6, .. })));
        assert!(matches!(open(b"not a zip".to_vec()), Err(ArchiveError::NotABackup { .. })));
    }

    #[test]
    fn a_flipped_byte_in_an_entry_is_reported_as_damage() {
        let mut bytes = zip_of(&[("manifest.json", OK), ("recordings/a.wav", b"abcdefgh-abcdefgh")]);
        let at = bytes.windows(8).position(|w| w == b"abcdefgh").unwrap();
        bytes[at] = b'X';
        let mut a = open(bytes).unwrap();
        let e = a
            .for_each_entry(|t, r| {
                let mut sink = Vec::new();
                copy_entry(Path::new("x.zip"), t, r, &mut sink, Path::new("sink"))
            })
            .unwrap_err();
        assert!(matches!(e, ArchiveError::Damaged { .. }), "{e}");
    }
}
