//! Backup and restore: everything the user has (the database, recordings and
//! own decks) in one zip archive, and back.
//!
//! Invariants:
//! - An export is written to `<name>.partial` and renamed into place, so a
//!   half-written archive never carries the final name. The database inside
//!   is a `VACUUM INTO` snapshot, consistent even while the app runs.
//! - A restore checks every entry name before extracting anything: an archive
//!   with a path that is absolute, climbs out with `..`, uses backslashes or
//!   links, or lies outside the known layout is refused whole.
//! - A restore never overwrites: what was there is first moved into
//!   `backups/before-restore-<time>/` inside the data folder, and the restored
//!   files come from a staging folder only after their database opened.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use starling_store::{DataCounts, Store, StoreError};

use crate::DataPaths;

/// The `format` field of every Starling backup's manifest.
pub const FORMAT: &str = "starling-backup";
const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "starling.db";
/// Folders of the data folder that a backup carries.
const FOLDERS: [&str; 2] = ["recordings", "decks"];

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("Could not {action} {path}: {source}. Check the folder's permissions and free disk space.")]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },

    #[error("{path} is not a Starling backup: {detail}.")]
    NotABackup { path: PathBuf, detail: String },

    #[error("{path} contains the entry `{entry}`, which would be written outside Starling's data folder or is not part of a backup. Nothing was restored.")]
    UnsafeEntry { path: PathBuf, entry: String },

    #[error("{path} was made by a newer Starling (backup version {found}, database version {schema}); update Starling to restore it. Nothing was restored.")]
    TooNew { path: PathBuf, found: u32, schema: i64 },

    #[error("{path} is damaged: {detail}. Nothing was restored.")]
    Damaged { path: PathBuf, detail: String },

    #[error("The database in the backup could not be opened: {0} Nothing was restored.")]
    BadDatabase(StoreError),

    #[error(transparent)]
    Store(#[from] StoreError),
}

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

/// What an export or a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupSummary {
    /// The archive written or read.
    pub archive: String,
    pub files: u32,
    #[ts(type = "number")]
    pub bytes: u64,
    pub counts: DataCounts,
    /// On restore: where the data that was replaced now lives.
    pub previous: Option<String>,
}

/// Where the app suggests writing exports, before the user edits the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportDefaults {
    pub backup: String,
    pub notes: String,
    /// The data folder, shown so the user knows what a restore replaces.
    pub data_dir: String,
}

/// Dated file names in the user's documents folder (or home, or the data
/// folder when neither is known).
pub fn export_defaults(paths: &DataPaths, now_ms: i64) -> ExportDefaults {
    let dirs = directories::UserDirs::new();
    let folder = dirs
        .as_ref()
        .and_then(|d| d.document_dir().map(Path::to_path_buf))
        .or_else(|| dirs.as_ref().map(|d| d.home_dir().to_path_buf()))
        .unwrap_or_else(|| paths.root().to_path_buf());
    let day = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default().format("%Y-%m-%d");
    ExportDefaults {
        backup: folder.join(format!("starling-backup-{day}.zip")).display().to_string(),
        notes: folder.join(format!("starling-notes-{day}.md")).display().to_string(),
        data_dir: paths.root().display().to_string(),
    }
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BackupError + 'a {
    move |source| BackupError::Io { action, path: path.to_path_buf(), source }
}

fn zip_err(path: &Path) -> impl Fn(zip::result::ZipError) -> BackupError + '_ {
    move |e| match e {
        zip::result::ZipError::Io(source) => BackupError::Io { action: "read or write", path: path.to_path_buf(), source },
        other => BackupError::Damaged { path: path.to_path_buf(), detail: other.to_string() },
    }
}

/// The regular files directly inside `dir`, sorted (missing folder: none).
fn files_in(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io("read the folder", dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io("read the folder", dir))?;
        let kind = entry.file_type().map_err(io("read the folder", dir))?;
        if kind.is_file() && !entry.file_name().to_string_lossy().ends_with(".partial") {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Writes everything in `paths` to the archive `out`.
pub fn export(paths: &DataPaths, store: &Store, out: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let result = write_archive(paths, store, &partial, now_ms);
    match result {
        Ok(summary) => {
            fs::rename(&partial, out).map_err(io("move the finished backup to", out))?;
            tracing::info!(archive = %out.display(), files = summary.files, bytes = summary.bytes, "backup written");
            Ok(BackupSummary { archive: out.display().to_string(), ..summary })
        }
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn write_archive(paths: &DataPaths, store: &Store, dest: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    let staging = tempfile_dir(paths, "export")?;
    let db_copy = staging.join(DATABASE);
    store.snapshot_to(&db_copy)?;

    let mut sources: Vec<(String, PathBuf)> = vec![(DATABASE.to_string(), db_copy)];
    for folder in FOLDERS {
        for file in files_in(&paths.root().join(folder))? {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            sources.push((format!("{folder}/{name}"), file));
        }
    }
    let mut manifest = Manifest {
        format: FORMAT.into(),
        version: 1,
        schema_version: store.schema_version()?,
        created_ms: now_ms,
        app_version: env!("CARGO_PKG_VERSION").into(),
        files: Vec::new(),
    };
    for (name, path) in &sources {
        let bytes = fs::metadata(path).map_err(io("read", path))?.len();
        manifest.files.push(ManifestFile { path: name.clone(), bytes });
    }

    let file = File::create(dest).map_err(io("create", dest))?;
    let mut zip = ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(true);
    let manifest_json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    zip.start_file(MANIFEST, options).map_err(zip_err(dest))?;
    zip.write_all(&manifest_json).map_err(io("write", dest))?;
    for (name, path) in &sources {
        zip.start_file(name.as_str(), options).map_err(zip_err(dest))?;
        let mut src = File::open(path).map_err(io("read", path))?;
        std::io::copy(&mut src, &mut zip).map_err(io("write", dest))?;
    }
    let file = zip.finish().map_err(zip_err(dest))?;
    file.sync_all().map_err(io("write", dest))?;
    let _ = fs::remove_dir_all(&staging);
    Ok(BackupSummary {
        archive: dest.display().to_string(),
        files: sources.len() as u32,
        bytes: manifest.files.iter().map(|f| f.bytes).sum(),
        counts: store.counts()?,
        previous: None,
    })
}

/// A fresh, empty working folder inside the data folder (same disk, so the
/// final moves are renames).
fn tempfile_dir(paths: &DataPaths, what: &str) -> Result<PathBuf, BackupError> {
    let dir = paths.root().join(format!(".{what}-staging"));
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(io("clear", &dir))?;
    }
    fs::create_dir_all(&dir).map_err(io("create", &dir))?;
    Ok(dir)
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

/// Restores the archive into `paths`. The studio must be closed: the live
/// database file is moved aside.
pub fn restore(paths: &DataPaths, archive: &Path, now_ms: i64) -> Result<BackupSummary, BackupError> {
    let file = File::open(archive).map_err(io("open", archive))?;
    let mut zip = ZipArchive::new(file)
        .map_err(|e| BackupError::NotABackup { path: archive.to_path_buf(), detail: format!("it is not a zip archive ({e})") })?;

    // Check every name first, so a bad archive changes nothing.
    let mut entries: Vec<(usize, PathBuf)> = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(zip_err(archive))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| String::from("(unreadable name)"));
        if entry.is_dir() && FOLDERS.iter().any(|f| name.trim_end_matches('/') == *f) {
            continue;
        }
        let target = entry.enclosed_name().and(entry_target(&name)).filter(|_| !entry.is_symlink() && !entry.is_dir());
        match target {
            Some(t) => entries.push((i, t)),
            None => return Err(BackupError::UnsafeEntry { path: archive.to_path_buf(), entry: name }),
        }
    }
    let manifest = read_manifest(&mut zip, archive)?;
    for f in &manifest.files {
        if !entries.iter().any(|(_, t)| Path::new(&f.path) == t) {
            return Err(BackupError::Damaged { path: archive.to_path_buf(), detail: format!("`{}` is listed but missing", f.path) });
        }
    }

    let staging = tempfile_dir(paths, "restore")?;
    let mut bytes = 0;
    for (i, target) in &entries {
        if target == Path::new(MANIFEST) {
            continue;
        }
        let mut entry = zip.by_index(*i).map_err(zip_err(archive))?;
        let dest = staging.join(target);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(io("create", parent))?;
        }
        let mut out = File::create(&dest).map_err(io("create", &dest))?;
        // Reading to the end checks the entry's CRC-32.
        bytes += std::io::copy(&mut entry, &mut out).map_err(|e| BackupError::Damaged {
            path: archive.to_path_buf(),
            detail: format!("`{}` could not be read back ({e})", target.display()),
        })?;
        out.sync_all().map_err(io("write", &dest))?;
    }
    let staged = DataPaths::new(&staging);
    let counts = match Store::open(&staged.database()) {
        Ok(store) => store.counts()?,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(BackupError::BadDatabase(e));
        }
    };

    let previous = move_aside(paths, now_ms)?;
    for item in std::iter::once(DATABASE).chain(FOLDERS) {
        let from = staging.join(item);
        if from.exists() {
            let to = paths.root().join(item);
            fs::rename(&from, &to).map_err(io("move the restored data to", &to))?;
        }
    }
    let _ = fs::remove_dir_all(&staging);
    tracing::info!(archive = %archive.display(), previous = ?previous, "backup restored");
    Ok(BackupSummary {
        archive: archive.display().to_string(),
        files: entries.len().saturating_sub(1) as u32,
        bytes,
        counts,
        previous: previous.map(|p| p.display().to_string()),
    })
}

fn read_manifest(zip: &mut ZipArchive<File>, archive: &Path) -> Result<Manifest, BackupError> {
    let not_ours = |detail: &str| BackupError::NotABackup { path: archive.to_path_buf(), detail: detail.to_string() };
    let mut text = String::new();
    zip.by_name(MANIFEST)
        .map_err(|_| not_ours("it has no manifest.json"))?
        .read_to_string(&mut text)
        .map_err(|_| not_ours("its manifest.json cannot be read"))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| not_ours(&format!("its manifest.json is not valid ({e})")))?;
    if manifest.format != FORMAT {
        return Err(not_ours(&format!("its manifest says format `{}`", manifest.format)));
    }
    if manifest.version > 1 || manifest.schema_version > starling_store::schema::latest_version() {
        return Err(BackupError::TooNew { path: archive.to_path_buf(), found: manifest.version, schema: manifest.schema_version });
    }
    Ok(manifest)
}

/// Moves the current database and carried folders into
/// `backups/before-restore-<now>/`; `None` when there was nothing to keep.
fn move_aside(paths: &DataPaths, now_ms: i64) -> Result<Option<PathBuf>, BackupError> {
    let db = paths.database();
    let items: Vec<PathBuf> = [
        db.clone(),
        PathBuf::from(format!("{}-wal", db.display())),
        PathBuf::from(format!("{}-shm", db.display())),
    ]
    .into_iter()
    .chain(FOLDERS.iter().map(|f| paths.root().join(f)))
    .filter(|p| p.exists())
    .collect();
    if items.is_empty() {
        return Ok(None);
    }
    let aside = paths.root().join("backups").join(format!("before-restore-{now_ms}"));
    fs::create_dir_all(&aside).map_err(io("create", &aside))?;
    for item in items {
        let to = aside.join(item.file_name().unwrap_or_default());
        fs::rename(&item, &to).map_err(io("move aside", &item))?;
    }
    Ok(Some(aside))
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

    fn archive_with(dir: &Path, entries: &[(&str, &[u8])]) -> PathBuf {
        let path = dir.join("crafted.zip");
        let mut zip = ZipWriter::new(File::create(&path).unwrap());
        for (name, data) in entries {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    #[test]
    fn an_archive_escaping_the_data_folder_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        fs::create_dir_all(data.recordings()).unwrap();
        fs::write(data.recordings().join("keep.wav"), b"mine").unwrap();
        let manifest = br#"{"format":"starling-backup","version":1,"schema_version":1,"created_ms":0,"app_version":"0","files":[]}"#;
        let evil = archive_with(dir.path(), &[("manifest.json", manifest), ("recordings/../../escaped.txt", b"x")]);
        let err = restore(&data, &evil, 1).unwrap_err();
        assert!(matches!(&err, BackupError::UnsafeEntry { entry, .. } if entry == "recordings/../../escaped.txt"), "{err}");
        assert!(err.to_string().contains("Nothing was restored"));
        assert!(!dir.path().join("escaped.txt").exists());
        assert_eq!(fs::read(data.recordings().join("keep.wav")).unwrap(), b"mine");
        assert!(!data.root().join("backups").exists());
    }

    #[test]
    fn archives_that_are_not_backups_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataPaths::new(dir.path().join("data"));
        let junk = dir.path().join("junk.zip");
        fs::write(&junk, b"not a zip at all").unwrap();
        assert!(matches!(restore(&data, &junk, 1), Err(BackupError::NotABackup { .. })));
        let no_manifest = archive_with(dir.path(), &[("starling.db", b"x")]);
        let e = restore(&data, &no_manifest, 1).unwrap_err();
        assert!(e.to_string().contains("no manifest.json"), "{e}");
        let newer = br#"{"format":"starling-backup","version":1,"schema_version":999,"created_ms":0,"app_version":"9","files":[]}"#;
        let e = restore(&data, &archive_with(dir.path(), &[("manifest.json", newer)]), 1).unwrap_err();
        assert!(matches!(e, BackupError::TooNew { schema: 999, .. }), "{e}");
        let bad_db = br#"{"format":"starling-backup","version":1,"schema_version":1,"created_ms":0,"app_version":"0","files":[{"path":"starling.db","bytes":9}]}"#;
        let e = restore(&data, &archive_with(dir.path(), &[("manifest.json", bad_db), ("starling.db", b"not a db!")]), 1).unwrap_err();
        assert!(matches!(e, BackupError::BadDatabase(_)), "{e}");
        assert!(!data.database().exists(), "nothing was put in place");
    }
}
