//! Two facts about a zip file that the `zip` crate does not hand out, read
//! from the archive's own records:
//!
//! - [`declared_entries`]: how many entries the end-of-central-directory
//!   records declare, read before the `zip` crate loads (and allocates for)
//!   the central directory, so a crafted count is refused first.
//! - [`repeated_name`]: which name the central directory holds twice. The
//!   `zip` crate keeps entries in a map by name, so it can tell that a name
//!   repeats but not which one.
//!
//! Both only read; neither trusts a record further than its signature and
//! the bytes that are really there.

use std::collections::HashSet;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

const EOCD: [u8; 4] = *b"PK\x05\x06";
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR: [u8; 4] = *b"PK\x06\x07";
const ZIP64_LOCATOR_LEN: u64 = 20;
const ZIP64_EOCD: [u8; 4] = *b"PK\x06\x06";
const ZIP64_EOCD_LEN: usize = 56;
const CENTRAL_HEADER: [u8; 4] = *b"PK\x01\x02";
const CENTRAL_HEADER_LEN: usize = 46;
/// An end-of-central-directory record is followed by at most this much comment.
const MAX_COMMENT: usize = u16::MAX as usize;

fn u16_at(b: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut v = [0u8; 8];
    v.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(v)
}

/// The largest entry count that any end-of-central-directory record in the
/// last 64 KiB of the archive declares (a Zip64 record included), or `None`
/// when there is no such record. Every candidate counts, so whichever one a
/// zip reader settles on, its count is no larger. Leaves `reader` at the start.
pub(crate) fn declared_entries<R: Read + Seek>(reader: &mut R) -> io::Result<Option<u64>> {
    let len = reader.seek(SeekFrom::End(0))?;
    let tail_len = len.min((EOCD_LEN + MAX_COMMENT) as u64);
    let base = len - tail_len;
    reader.seek(SeekFrom::Start(base))?;
    let mut tail = vec![0u8; tail_len as usize];
    reader.read_exact(&mut tail)?;
    let mut most: Option<u64> = None;
    for at in (0..tail.len().saturating_sub(EOCD_LEN - 1)).rev() {
        if tail[at..at + 4] != EOCD {
            continue;
        }
        let (on_disk, total) = (u16_at(&tail, at + 8), u16_at(&tail, at + 10));
        let mut count = on_disk.max(total);
        if on_disk == 0xFFFF || total == 0xFFFF {
            if let Some(n) = zip64_entries(reader, base + at as u64)? {
                count = count.max(n);
            }
        }
        most = Some(most.map_or(count, |m| m.max(count)));
    }
    reader.seek(SeekFrom::Start(0))?;
    Ok(most)
}

/// The entry count of the Zip64 record that the locator just before the
/// record at `eocd` points to. The Zip64 record is looked for where the
/// locator says and right before the locator (where it is when something was
/// prepended to the archive).
fn zip64_entries<R: Read + Seek>(reader: &mut R, eocd: u64) -> io::Result<Option<u64>> {
    let Some(locator_at) = eocd.checked_sub(ZIP64_LOCATOR_LEN) else { return Ok(None) };
    let mut locator = [0u8; ZIP64_LOCATOR_LEN as usize];
    reader.seek(SeekFrom::Start(locator_at))?;
    reader.read_exact(&mut locator)?;
    if locator[..4] != ZIP64_LOCATOR {
        return Ok(None);
    }
    let stated = u64_at(&locator, 8);
    let before = locator_at.checked_sub(ZIP64_EOCD_LEN as u64);
    let mut most = None;
    for at in [Some(stated), before].into_iter().flatten() {
        if at.checked_add(ZIP64_EOCD_LEN as u64).is_none_or(|end| end > locator_at) {
            continue;
        }
        let mut record = [0u8; ZIP64_EOCD_LEN];
        reader.seek(SeekFrom::Start(at))?;
        reader.read_exact(&mut record)?;
        if record[..4] == ZIP64_EOCD {
            let count = u64_at(&record, 24).max(u64_at(&record, 32));
            most = Some(most.map_or(count, |m: u64| m.max(count)));
        }
    }
    Ok(most)
}

/// The first name that appears a second time among the central directory
/// headers starting at byte `start`, reading at most `limit` headers. `None`
/// when no name repeats before the headers end or stop making sense.
pub(crate) fn repeated_name<R: Read + Seek>(reader: &mut R, start: u64, limit: usize) -> io::Result<Option<String>> {
    reader.seek(SeekFrom::Start(start))?;
    let mut r = BufReader::new(reader);
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    for _ in 0..limit {
        let mut head = [0u8; CENTRAL_HEADER_LEN];
        if r.read_exact(&mut head).is_err() || head[..4] != CENTRAL_HEADER {
            return Ok(None);
        }
        let name_len = u16_at(&head, 28) as usize;
        let skip = u16_at(&head, 30) + u16_at(&head, 32);
        let mut name = vec![0u8; name_len];
        if r.read_exact(&mut name).is_err() {
            return Ok(None);
        }
        r.seek_relative(skip as i64)?;
        if seen.contains(&name) {
            return Ok(Some(String::from_utf8_lossy(&name).into_owned()));
        }
        seen.insert(name);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;

    fn zip_of(names: &[&str], comment: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for name in names {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(name.as_bytes()).unwrap();
        }
        zip.set_comment(comment).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn the_declared_count_is_read_from_the_end_record() {
        let mut c = Cursor::new(zip_of(&["a", "b", "c"], "a comment"));
        assert_eq!(declared_entries(&mut c).unwrap(), Some(3));
        assert_eq!(c.position(), 0);
        assert_eq!(declared_entries(&mut Cursor::new(b"not a zip".to_vec())).unwrap(), None);
    }

    #[test]
    fn a_huge_zip64_count_is_seen_before_any_entry_is_loaded() {
        // An end record that defers to a Zip64 record declaring 2^40 entries.
        let mut bytes = Vec::new();
        let zip64_at = bytes.len() as u64;
        bytes.extend_from_slice(&ZIP64_EOCD);
        bytes.extend_from_slice(&44u64.to_le_bytes()); // size of the rest
        bytes.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // versions, disks
        bytes.extend_from_slice(&(1u64 << 40).to_le_bytes()); // entries on this disk
        bytes.extend_from_slice(&(1u64 << 40).to_le_bytes()); // entries in all
        bytes.extend_from_slice(&[0u8; 16]); // directory size and offset
        bytes.extend_from_slice(&ZIP64_LOCATOR);
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&zip64_at.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&EOCD);
        bytes.extend_from_slice(&[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0]);
        assert_eq!(declared_entries(&mut Cursor::new(bytes)).unwrap(), Some(1 << 40));
    }

    #[test]
    fn the_repeated_name_is_found() {
        // Two entries with names of equal length; the second is renamed in
        // the central directory so the name repeats.
        let mut bytes = zip_of(&["recordings/a.wav", "recordings/b.wav", "decks/c.toml"], "");
        let start = bytes.windows(4).position(|w| w == CENTRAL_HEADER).unwrap();
        let central = &mut bytes[start..];
        let second = central.windows(16).position(|w| w == b"recordings/b.wav").unwrap();
        central[second..second + 16].copy_from_slice(b"recordings/a.wav");
        let found = repeated_name(&mut Cursor::new(bytes.clone()), start as u64, 10).unwrap();
        assert_eq!(found.as_deref(), Some("recordings/a.wav"));
        assert_eq!(repeated_name(&mut Cursor::new(zip_of(&["x", "y"], "")), 0, 10).unwrap(), None, "no header at 0");
    }
}
