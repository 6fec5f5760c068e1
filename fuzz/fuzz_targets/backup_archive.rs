//! The backup-archive reader on arbitrary bytes: it never panics, whatever it
//! accepts only lands inside the data folder's layout, and reading every
//! entry either succeeds or reports damage.
#![no_main]

use std::io::{Cursor, Read};
use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;
use starling_archive::{copy_entry, CheckedArchive};

fuzz_target!(|data: &[u8]| {
    let name = Path::new("fuzz.zip");
    let Ok(mut archive) = CheckedArchive::open(Cursor::new(data), name, 10) else { return };
    for t in archive.targets() {
        assert!(t.components().all(|c| matches!(c, Component::Normal(_))), "{t:?} escapes");
        assert!(t.components().count() <= 2, "{t:?} is nested");
    }
    let _ = archive.for_each_entry(|target, reader| {
        // At most 64 MiB per entry, so a zip bomb costs time, not memory.
        let mut limited = reader.take(64 << 20);
        copy_entry(name, target, &mut limited, &mut std::io::sink(), Path::new("sink"))
    });
});
