//! Reading a backup: every entry name, every size and the manifest are
//! checked before anything is handed out, and every entry is read through its
//! CRC check and held to its declared size.
//!
//! The checks cost time in proportion to the number of entries: names and
//! targets are looked up in hash sets, and the manifest is turned into a map
//! once.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use zip::{CompressionMethod, ZipArchive};

use crate::declared::{DeclaredSize, SizeMismatch};
use crate::directory::{declared_entries, repeated_name};
use crate::layout::{entry_target, Manifest, DATABASE, FOLDERS, FORMAT, MANIFEST, VERSION};
use crate::ArchiveError;

/// The most bytes a backup may restore, all entries together.
pub const MAX_TOTAL_BYTES: u64 = 64 << 30;
/// The most entries a backup may hold.
pub const MAX_ENTRIES: u64 = 1_000_000;
/// The largest `manifest.json` read: room for a manifest listing
/// [`MAX_ENTRIES`] files with long names.
pub const MAX_MANIFEST_BYTES: u64 = 256 << 20;

/// What an archive may hold before it is refused as too large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes all entries may declare together.
    pub total_bytes: u64,
    /// The most entries, folders and the manifest included.
    pub entries: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits { total_bytes: MAX_TOTAL_BYTES, entries: MAX_ENTRIES };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// One entry to extract.
#[derive(Debug)]
struct Entry {
    /// Index in the zip's central directory.
    index: usize,
    /// Where it lands, relative to the data folder.
    target: PathBuf,
    /// Its uncompressed size as its header declares, equal to the manifest's.
    bytes: u64,
}

/// An archive whose names, sizes and manifest passed every check.
pub struct CheckedArchive<R: Read + Seek> {
    zip: ZipArchive<R>,
    /// Every entry but the manifest and bare folder entries.
    entries: Vec<Entry>,
    manifest: Manifest,
    total_bytes: u64,
    path: PathBuf,
}

impl<R: Read + Seek> std::fmt::Debug for CheckedArchive<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedArchive")
            .field("path", &self.path)
            .field("entries", &self.entries)
            .field("total_bytes", &self.total_bytes)
            .finish()
    }
}

impl<R: Read + Seek> CheckedArchive<R> {
    /// Checks the archive read from `reader` under [`Limits::DEFAULT`].
    /// `path` names it in messages; `max_schema` is the newest database
    /// version this build can open.
    pub fn open(reader: R, path: &Path, max_schema: i64) -> Result<Self, ArchiveError> {
        Self::open_with_limits(reader, path, max_schema, Limits::DEFAULT)
    }

    /// Checks the archive read from `reader`, refusing it as a whole when
    /// anything is wrong; see the crate's invariants for the list.
    pub fn open_with_limits(mut reader: R, path: &Path, max_schema: i64, limits: Limits) -> Result<Self, ArchiveError> {
        let damaged = |detail: String| ArchiveError::Damaged { path: path.to_path_buf(), detail };
        let too_large = |detail: String| ArchiveError::TooLarge { path: path.to_path_buf(), detail };
        let too_many = |n: u64| too_large(format!("it holds {n} entries; a backup may hold at most {}", limits.entries));

        // The count is checked before the zip reader allocates for it.
        let declared = declared_entries(&mut reader).map_err(ArchiveError::io("read", path))?;
        if let Some(n) = declared.filter(|n| *n > limits.entries) {
            return Err(too_many(n));
        }
        let zip = ZipArchive::new(reader)
            .map_err(|e| ArchiveError::NotABackup { path: path.to_path_buf(), detail: format!("it is not a zip archive ({e})") })?;
        if zip.len() as u64 > limits.entries {
            return Err(too_many(zip.len() as u64));
        }
        // The zip reader keeps one entry per name, so a repeated name would
        // silently hide all but one of its entries.
        if zip.has_duplicate_names() {
            let start = zip.central_directory_start();
            let limit = usize::try_from(limits.entries).unwrap_or(usize::MAX);
            let name = repeated_name(&mut zip.into_inner(), start, limit).map_err(ArchiveError::io("read", path))?;
            return Err(damaged(match name {
                Some(name) => format!("`{name}` appears twice"),
                None => "two of its entries have the same name".into(),
            }));
        }
        let mut zip = zip;

        let mut entries = Vec::with_capacity(zip.len());
        let mut seen: HashSet<PathBuf> = HashSet::with_capacity(zip.len());
        for index in 0..zip.len() {
            let entry = zip.by_index_data(index).map_err(ArchiveError::zip(path))?;
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| String::from("(unreadable name)"));
            if entry.is_dir() && FOLDERS.iter().any(|f| name.trim_end_matches('/') == *f) {
                continue;
            }
            let target = entry.enclosed_name().and(entry_target(&name)).filter(|_| !entry.is_symlink() && !entry.is_dir());
            let Some(target) = target else {
                return Err(ArchiveError::UnsafeEntry { path: path.to_path_buf(), entry: name });
            };
            // Two names that differ only in spelling (`a//b`, `a/./b`) land
            // on the same target.
            if !seen.insert(target.clone()) {
                return Err(damaged(format!("`{name}` appears twice")));
            }
            if entry.encrypted() {
                return Err(damaged(format!("`{name}` is encrypted, which a Starling backup never is")));
            }
            let method = entry.compression();
            if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
                return Err(damaged(format!("`{name}` is compressed with {method}, which Starling cannot read")));
            }
            if target != Path::new(MANIFEST) {
                entries.push(Entry { index, target, bytes: entry.size() });
            }
        }
        if !seen.contains(Path::new(MANIFEST)) {
            return Err(ArchiveError::NotABackup { path: path.to_path_buf(), detail: "it has no manifest.json".into() });
        }
        let manifest = read_manifest(&mut zip, path, max_schema)?;

        // The manifest, as a map from target to size.
        let mut listed: HashMap<PathBuf, u64> = HashMap::with_capacity(manifest.files.len());
        for f in &manifest.files {
            let target = entry_target(&f.path)
                .filter(|t| t != Path::new(MANIFEST))
                .ok_or_else(|| damaged(format!("its manifest lists `{}`, which is not a file a backup holds", f.path)))?;
            if listed.insert(target, f.bytes).is_some() {
                return Err(damaged(format!("its manifest lists `{}` twice", f.path)));
            }
        }
        let mut total_bytes = 0u64;
        for e in &entries {
            let name = e.target.display();
            match listed.remove(&e.target) {
                None => return Err(damaged(format!("`{name}` is not listed in its manifest"))),
                Some(bytes) if bytes != e.bytes => {
                    return Err(damaged(format!("`{name}` holds {} bytes, but its manifest lists {bytes}", e.bytes)));
                }
                Some(_) => total_bytes = total_bytes.saturating_add(e.bytes),
            }
        }
        if let Some(missing) = manifest.files.iter().find(|f| entry_target(&f.path).is_some_and(|t| listed.contains_key(&t))) {
            return Err(damaged(format!("`{}` is listed but missing", missing.path)));
        }
        if !seen.contains(Path::new(DATABASE)) {
            return Err(ArchiveError::NotABackup { path: path.to_path_buf(), detail: format!("it holds no database ({DATABASE})") });
        }
        if total_bytes > limits.total_bytes {
            return Err(too_large(format!(
                "its files add up to {total_bytes} bytes; Starling restores at most {} bytes",
                limits.total_bytes
            )));
        }
        Ok(CheckedArchive { zip, entries, manifest, total_bytes, path: path.to_path_buf() })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Where each entry lands, relative to the data folder.
    pub fn targets(&self) -> impl Iterator<Item = &Path> {
        self.entries.iter().map(|e| e.target.as_path())
    }

    /// The bytes extracting every entry writes, as declared by the entries'
    /// headers and the manifest alike; extraction never writes more. Check
    /// free space against it before extracting.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Hands every entry (but the manifest) to `each` with its target. The
    /// reader yields exactly the entry's declared size: reading past it, or
    /// an entry that ends short of it, fails with an error that
    /// [`copy_entry`] turns into [`ArchiveError::Damaged`]. The CRC-32 is
    /// checked at the end. Whatever `each` leaves unread is read and checked
    /// after it returns. Returns the sum of what `each` returned.
    pub fn for_each_entry(
        &mut self,
        mut each: impl FnMut(&Path, &mut dyn Read) -> Result<u64, ArchiveError>,
    ) -> Result<u64, ArchiveError> {
        let mut total = 0u64;
        for e in &self.entries {
            let entry = self.zip.by_index(e.index).map_err(ArchiveError::zip(&self.path))?;
            let mut reader = DeclaredSize::new(entry, e.bytes);
            total += each(&e.target, &mut reader)?;
            reader.finish().map_err(|err| unreadable(&self.path, &e.target, &err))?;
        }
        Ok(total)
    }
}

/// [`ArchiveError::Damaged`] for an entry that could not be read to its end.
fn unreadable(archive: &Path, target: &Path, e: &std::io::Error) -> ArchiveError {
    let detail = match SizeMismatch::of(e) {
        Some(mismatch) => format!("`{}` {mismatch}", target.display()),
        None => format!("`{}` could not be read back ({e})", target.display()),
    };
    ArchiveError::Damaged { path: archive.to_path_buf(), detail }
}

/// Copies an entry's `reader` to `out` (the file `out_path`), turning a read
/// failure (a bad CRC, a cut stream, more or fewer bytes than the entry
/// declares) into [`ArchiveError::Damaged`] naming `target` in `archive`, and
/// a write failure into [`ArchiveError::Io`]. With a reader from
/// [`CheckedArchive::for_each_entry`] it never writes more than the entry's
/// declared size.
pub fn copy_entry(archive: &Path, target: &Path, reader: &mut dyn Read, out: &mut dyn std::io::Write, out_path: &Path) -> Result<u64, ArchiveError> {
    let mut buf = [0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(unreadable(archive, target, &e)),
        };
        out.write_all(&buf[..n]).map_err(ArchiveError::io("write", out_path))?;
        total += n as u64;
    }
}

fn read_manifest<R: Read + Seek>(zip: &mut ZipArchive<R>, archive: &Path, max_schema: i64) -> Result<Manifest, ArchiveError> {
    let not_ours = |detail: &str| ArchiveError::NotABackup { path: archive.to_path_buf(), detail: detail.to_string() };
    let mut text = String::new();
    let entry = zip.by_name(MANIFEST).map_err(|_| not_ours("its manifest.json cannot be found"))?;
    let declared = entry.size();
    if declared > MAX_MANIFEST_BYTES {
        return Err(not_ours(&format!("its manifest.json is {declared} bytes, more than the {MAX_MANIFEST_BYTES} a manifest may be")));
    }
    // Held to its declared size, so a lying header cannot make it larger.
    DeclaredSize::new(entry, declared)
        .read_to_string(&mut text)
        .map_err(|e| not_ours(&format!("its manifest.json cannot be read ({e})")))?;
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

    fn zip_with(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            zip.start_file(*name, SimpleFileOptions::default().compression_method(method)).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        zip_with(entries, CompressionMethod::Stored)
    }

    fn manifest(files: &[(&str, u64)]) -> Vec<u8> {
        let files: Vec<String> = files.iter().map(|(p, b)| format!(r#"{{"path":"{p}","bytes":{b}}}"#)).collect();
        format!(r#"{{"format":"starling-backup","version":1,"schema_version":1,"created_ms":0,"app_version":"0","files":[{}]}}"#, files.join(","))
            .into_bytes()
    }

    /// A well-formed backup of `files` (the database included by the caller),
    /// each listed with its real size.
    fn backup(files: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
        let listed: Vec<(&str, u64)> = files.iter().map(|(n, d)| (*n, d.len() as u64)).collect();
        let m = manifest(&listed);
        let mut all: Vec<(&str, &[u8])> = vec![("manifest.json", &m)];
        all.extend_from_slice(files);
        zip_with(&all, method)
    }

    const OK: &[u8] = br#"{"format":"starling-backup","version":1,"schema_version":1,"created_ms":0,"app_version":"0","files":[{"path":"recordings/a.wav","bytes":3}]}"#;

    fn open(bytes: Vec<u8>) -> Result<CheckedArchive<Cursor<Vec<u8>>>, ArchiveError> {
        CheckedArchive::open(Cursor::new(bytes), Path::new("x.zip"), 5)
    }

    fn open_with(bytes: Vec<u8>, limits: Limits) -> Result<CheckedArchive<Cursor<Vec<u8>>>, ArchiveError> {
        CheckedArchive::open_with_limits(Cursor::new(bytes), Path::new("x.zip"), 5, limits)
    }

    /// Each entry's target and the bytes extracted for it.
    type Extracted = Vec<(PathBuf, Vec<u8>)>;

    /// Extracts every entry into memory with [`copy_entry`].
    fn extract(a: &mut CheckedArchive<Cursor<Vec<u8>>>) -> (Extracted, Result<u64, ArchiveError>) {
        let mut out = Vec::new();
        let result = a.for_each_entry(|t, r| {
            let mut sink = Vec::new();
            let n = copy_entry(Path::new("x.zip"), t, r, &mut sink, Path::new("sink"));
            out.push((t.to_path_buf(), sink));
            n
        });
        (out, result)
    }

    /// Sets the uncompressed size of the entry `name` in its local header and
    /// its central directory header.
    fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
        let mut patched = 0;
        // (signature, offset of the uncompressed size, of the name length, of the name)
        for (sig, size_at, len_at, name_at) in [(b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)] {
            let mut at = 0;
            while let Some(found) = bytes[at..].windows(4).position(|w| w == sig) {
                let h = at + found;
                let len = u16::from_le_bytes([bytes[h + len_at], bytes[h + len_at + 1]]) as usize;
                if bytes.get(h + name_at..h + name_at + len) == Some(name.as_bytes()) {
                    bytes[h + size_at..h + size_at + 4].copy_from_slice(&size.to_le_bytes());
                    patched += 1;
                }
                at = h + 4;
            }
        }
        assert_eq!(patched, 2, "{name} has a local and a central header");
    }

    #[test]
    fn a_good_archive_hands_out_its_entries() {
        let mut a = open(backup(&[("starling.db", b"db"), ("recordings/a.wav", b"abc")], CompressionMethod::Deflated)).unwrap();
        assert_eq!(a.total_bytes(), 5);
        let (seen, bytes) = extract(&mut a);
        assert_eq!(bytes.unwrap(), 5);
        assert_eq!(
            seen,
            vec![(PathBuf::from("starling.db"), b"db".to_vec()), (PathBuf::from("recordings/a.wav"), b"abc".to_vec())]
        );
    }

    #[test]
    fn missing_and_unsafe_entries_are_refused() {
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
    fn a_name_repeated_in_the_central_directory_is_refused() {
        // The zip reader keeps one entry per name: before this check, the
        // second `recordings/a.wav` silently replaced the first.
        let m = manifest(&[("starling.db", 2), ("recordings/a.wav", 3)]);
        let mut bytes = zip_of(&[("manifest.json", &m), ("starling.db", b"db"), ("recordings/a.wav", b"abc"), ("recordings/b.wav", b"xyz")]);
        let mut at = 0;
        while let Some(found) = bytes[at..].windows(16).position(|w| w == b"recordings/b.wav") {
            bytes[at + found..at + found + 16].copy_from_slice(b"recordings/a.wav");
            at += found + 16;
        }
        let e = open(bytes).unwrap_err();
        assert!(matches!(e, ArchiveError::Damaged { .. }), "{e}");
        assert!(e.to_string().contains("`recordings/a.wav` appears twice"), "{e}");

        // Two spellings of one file.
        let m = manifest(&[("starling.db", 2), ("recordings/a.wav", 3)]);
        let e = open(zip_of(&[("manifest.json", &m), ("starling.db", b"db"), ("recordings/a.wav", b"abc"), ("recordings//a.wav", b"abc")]))
            .unwrap_err();
        assert!(e.to_string().contains("`recordings//a.wav` appears twice"), "{e}");
    }

    #[test]
    fn sizes_and_entries_must_match_the_manifest() {
        let m = manifest(&[("starling.db", 2), ("recordings/a.wav", 3)]);
        let e = open(zip_of(&[("manifest.json", &m), ("starling.db", b"db"), ("recordings/a.wav", b"abcde")])).unwrap_err();
        assert!(e.to_string().contains("`recordings/a.wav` holds 5 bytes, but its manifest lists 3"), "{e}");
        let e = open(zip_of(&[("manifest.json", &m), ("starling.db", b"db"), ("recordings/a.wav", b"abc"), ("decks/extra.toml", b"x")]))
            .unwrap_err();
        assert!(e.to_string().contains("`decks/extra.toml` is not listed in its manifest"), "{e}");
        let twice = manifest(&[("starling.db", 2), ("recordings/a.wav", 3), ("recordings/a.wav", 3)]);
        let e = open(zip_of(&[("manifest.json", &twice), ("starling.db", b"db"), ("recordings/a.wav", b"abc")])).unwrap_err();
        assert!(e.to_string().contains("lists `recordings/a.wav` twice"), "{e}");
    }

    #[test]
    fn a_deflate_bomb_whose_header_lies_yields_no_more_than_declared() {
        let bomb = vec![0u8; 1 << 20];
        let m = manifest(&[("starling.db", 2), ("recordings/a.wav", 10)]);
        let mut bytes = zip_with(&[("manifest.json", &m), ("starling.db", b"db"), ("recordings/a.wav", &bomb)], CompressionMethod::Deflated);
        declare_size(&mut bytes, "recordings/a.wav", 10);
        let mut a = open(bytes).unwrap();
        assert_eq!(a.total_bytes(), 12);
        let (out, result) = extract(&mut a);
        let e = result.unwrap_err();
        assert!(matches!(e, ArchiveError::Damaged { .. }), "{e}");
        assert!(e.to_string().contains("`recordings/a.wav`"), "{e}");
        assert!(out[1].1.len() <= 10, "{} bytes written", out[1].1.len());
    }

    #[test]
    fn an_entry_shorter_than_declared_is_damaged() {
        let m = manifest(&[("starling.db", 2), ("recordings/a.wav", 5)]);
        let mut bytes = zip_of(&[("manifest.json", &m), ("starling.db", b"db"), ("recordings/a.wav", b"abc")]);
        declare_size(&mut bytes, "recordings/a.wav", 5);
        let mut a = open(bytes).unwrap();
        let (_, result) = extract(&mut a);
        let e = result.unwrap_err();
        assert!(e.to_string().contains("`recordings/a.wav` ends after 3 of the 5 bytes its header declares"), "{e}");
    }

    #[test]
    fn unread_bytes_are_still_checked() {
        let mut bytes = backup(&[("starling.db", b"db"), ("recordings/a.wav", b"abc")], CompressionMethod::Stored);
        let m_at = bytes.windows(3).position(|w| w == b"abc").unwrap();
        bytes[m_at] = b'X';
        let mut a = open(bytes).unwrap();
        // `each` reads nothing; the CRC is checked all the same.
        let e = a.for_each_entry(|_, _| Ok(0)).unwrap_err();
        assert!(e.to_string().contains("`recordings/a.wav` could not be read back"), "{e}");
    }

    #[test]
    fn an_archive_without_a_database_is_not_a_backup() {
        let e = open(backup(&[("recordings/a.wav", b"abc")], CompressionMethod::Stored)).unwrap_err();
        assert!(matches!(e, ArchiveError::NotABackup { .. }), "{e}");
        assert!(e.to_string().contains("it holds no database (starling.db)"), "{e}");
    }

    #[test]
    fn the_total_size_and_the_entry_count_are_limited() {
        let bytes = backup(&[("starling.db", b"db"), ("recordings/a.wav", b"abcd")], CompressionMethod::Stored);
        let limits = Limits { total_bytes: 5, ..Limits::DEFAULT };
        let e = open_with(bytes.clone(), limits).unwrap_err();
        assert!(matches!(e, ArchiveError::TooLarge { .. }), "{e}");
        assert!(e.to_string().contains("its files add up to 6 bytes; Starling restores at most 5 bytes"), "{e}");
        assert_eq!(open_with(bytes.clone(), Limits { total_bytes: 6, ..Limits::DEFAULT }).unwrap().total_bytes(), 6);

        let e = open_with(bytes.clone(), Limits { entries: 2, ..Limits::DEFAULT }).unwrap_err();
        assert!(e.to_string().contains("it holds 3 entries; a backup may hold at most 2"), "{e}");
        assert!(open_with(bytes, Limits { entries: 3, ..Limits::DEFAULT }).is_ok());
    }

    #[test]
    fn a_flipped_byte_in_an_entry_is_reported_as_damage() {
        let mut bytes = backup(&[("starling.db", b"db"), ("recordings/a.wav", b"abcdefgh-abcdefgh")], CompressionMethod::Stored);
        let at = bytes.windows(8).position(|w| w == b"abcdefgh").unwrap();
        bytes[at] = b'X';
        let mut a = open(bytes).unwrap();
        let (_, result) = extract(&mut a);
        assert!(matches!(result, Err(ArchiveError::Damaged { .. })), "{result:?}");
    }
}
