//! `starling-archive`: the format of a Starling backup, apart from what goes
//! into it. A backup is a zip file holding `manifest.json`, the database
//! `starling.db`, and plain files directly inside `recordings/` and `decks/`.
//!
//! This crate knows nothing of SQLite or the data folder's meaning, so it
//! builds in seconds and can be fuzzed on its own (`fuzz/`, target
//! `backup_archive`). The studio's `backup` module decides what to put in an
//! archive and where a restore lands.
//!
//! Invariants:
//! - [`write`] produces the manifest first, then each entry; the caller writes
//!   to a temporary name and renames.
//! - [`CheckedArchive::open`] refuses the whole archive before a byte is
//!   extracted when any entry name is absolute, climbs out with `..`, uses
//!   backslashes or drive letters, is a link, or lies outside the layout; when
//!   the manifest is missing, malformed, of another format or too new; and
//!   when a file the manifest lists is absent.
//! - Reading an entry to its end checks its CRC-32; a mismatch is an error.

mod error;
mod layout;
mod read;
mod write;

pub use error::ArchiveError;
pub use layout::{entry_target, Manifest, ManifestFile, DATABASE, FOLDERS, FORMAT, MANIFEST, VERSION};
pub use read::{copy_entry, CheckedArchive};
pub use write::write;
