//! The backup-archive reader on arbitrary bytes: it never panics, whatever it
//! accepts only lands inside the data folder's layout, and reading every
//! entry either succeeds or reports damage, never yielding more than the
//! archive declared.
#![no_main]

use std::io::{Cursor, Read};
use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;
use starling_archive::{copy_entry, CheckedArchive, Limits};

fuzz_target!(|data: &[u8]| {
    let name = Path::new("fuzz.zip");
    // A 64 MiB total keeps a decompression bomb to a bounded amount of work
    // per input; the checks are the same as with the real limit.
    let limits = Limits { total_bytes: 64 << 20, ..Limits::DEFAULT };
    let Ok(mut archive) = CheckedArchive::open_with_limits(Cursor::new(data), name, 10, limits) else { return };
    let declared = archive.total_bytes();
    for t in archive.targets() {
        assert!(t.components().all(|c| matches!(c, Component::Normal(_))), "{t:?} escapes");
        assert!(t.components().count() <= 2, "{t:?} is nested");
    }
    let mut handed = 0u64;
    let read = archive.for_each_entry(|target, reader| {
        let n = copy_entry(name, target, &mut reader.take(64 << 20), &mut std::io::sink(), Path::new("sink"))?;
        handed += n;
        Ok(n)
    });
    if let Ok(total) = read {
        assert_eq!(total, declared, "an accepted archive yields exactly its declared bytes");
        assert_eq!(handed, declared);
    }
});
