//! Writing a backup archive from files on disk.

use std::fs::File;
use std::io::Write;
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
        let bytes = std::fs::metadata(path).map_err(ArchiveError::io("read", path))?.len();
        manifest.files.push(ManifestFile { path: name.clone(), bytes });
    }
    let file = File::create(dest).map_err(ArchiveError::io("create", dest))?;
    let mut zip = ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(true);
    let manifest_json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    zip.start_file(MANIFEST, options).map_err(ArchiveError::zip(dest))?;
    zip.write_all(&manifest_json).map_err(ArchiveError::io("write", dest))?;
    for (name, path) in sources {
        zip.start_file(name.as_str(), options).map_err(ArchiveError::zip(dest))?;
        let mut src = File::open(path).map_err(ArchiveError::io("read", path))?;
        std::io::copy(&mut src, &mut zip).map_err(ArchiveError::io("write", dest))?;
    }
    let file = zip.finish().map_err(ArchiveError::zip(dest))?;
    file.sync_all().map_err(ArchiveError::io("write", dest))?;
    Ok(manifest)
}
