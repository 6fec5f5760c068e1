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
//! - [`write`] produces the manifest first, then each entry with exactly the
//!   size the manifest lists (a file that changed size meanwhile stops the
//!   backup); the caller writes to a temporary name and renames. Only regular
//!   files are read.
//! - [`CheckedArchive::open`] refuses the whole archive before a byte is
//!   extracted when:
//!   - it declares more than [`MAX_ENTRIES`] entries (checked on the
//!     end-of-central-directory records, before the entries are loaded);
//!   - any entry name is absolute, climbs out with `..`, uses backslashes or
//!     drive letters, is a link, or lies outside the layout;
//!   - a name appears twice in the central directory, or two names land on
//!     the same file;
//!   - an entry is encrypted or compressed other than stored or deflated;
//!   - the manifest is missing, malformed, of another format or too new;
//!   - an entry is not in the manifest, a file the manifest lists is absent
//!     or listed twice, or an entry's declared size differs from the
//!     manifest's;
//!   - there is no database ([`DATABASE`]): it is not a backup;
//!   - the declared sizes add up to more than [`MAX_TOTAL_BYTES`].
//!
//!   [`CheckedArchive::open_with_limits`] takes other [`Limits`];
//!   [`CheckedArchive::total_bytes`] is what extraction writes, for a free
//!   space check.
//! - Reading an entry yields exactly its declared size: more (a deflate bomb
//!   whose header lies) or fewer is an error, and no byte past the declared
//!   size is handed out. Reading to the end checks its CRC-32; a mismatch is
//!   an error. [`copy_entry`] turns each into [`ArchiveError::Damaged`].
//! - Checking costs time in proportion to the number of entries.

mod declared;
mod directory;
mod error;
mod layout;
mod read;
mod write;

pub use error::ArchiveError;
pub use layout::{entry_target, Manifest, ManifestFile, DATABASE, FOLDERS, FORMAT, MANIFEST, VERSION};
pub use read::{copy_entry, CheckedArchive, Limits, MAX_ENTRIES, MAX_MANIFEST_BYTES, MAX_TOTAL_BYTES};
pub use write::write;
