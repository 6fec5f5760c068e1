//! Holding an entry to the size its central directory header declares.
//!
//! The manifest and the free-space check trust the declared sizes, so
//! extraction must never produce more bytes than declared (a deflate bomb
//! whose header lies) nor fewer (a cut or doctored entry). [`DeclaredSize`]
//! wraps an entry's reader and fails with a [`SizeMismatch`] as soon as
//! either shows, without ever passing on a byte past the declared size.

use std::io::{self, Read};

/// How an entry's content disagreed with its declared size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SizeMismatch {
    #[error("holds more than the {declared} bytes its header declares")]
    More { declared: u64 },
    #[error("ends after {got} of the {declared} bytes its header declares")]
    Fewer { got: u64, declared: u64 },
}

impl SizeMismatch {
    /// The mismatch carried by an I/O error from a [`DeclaredSize`], if any.
    pub(crate) fn of(e: &io::Error) -> Option<&SizeMismatch> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<SizeMismatch>())
    }

    fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}

/// A reader that yields exactly `declared` bytes of `inner` and then checks
/// that `inner` has ended.
pub(crate) struct DeclaredSize<R> {
    inner: R,
    declared: u64,
    got: u64,
    /// Set once `inner` was seen to end exactly at the declared size.
    ended: bool,
}

impl<R: Read> DeclaredSize<R> {
    pub(crate) fn new(inner: R, declared: u64) -> Self {
        DeclaredSize { inner, declared, got: 0, ended: false }
    }

    /// Reads whatever the consumer left unread, so the size (and the CRC-32
    /// the inner reader checks at its end) is checked in every case.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        if !self.ended {
            io::copy(self, &mut io::sink())?;
        }
        Ok(())
    }
}

impl<R: Read> Read for DeclaredSize<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended || buf.is_empty() {
            return Ok(0);
        }
        let remaining = self.declared - self.got;
        if remaining == 0 {
            // All declared bytes are out: the entry must end here. A one-byte
            // read also lets the inner reader check its CRC-32.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => {
                    self.ended = true;
                    Ok(0)
                }
                _ => Err(SizeMismatch::More { declared: self.declared }.into_io()),
            };
        }
        let want = usize::try_from(remaining).unwrap_or(usize::MAX).min(buf.len());
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(SizeMismatch::Fewer { got: self.got, declared: self.declared }.into_io());
        }
        self.got += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8], declared: u64) -> (Vec<u8>, io::Result<usize>) {
        let mut r = DeclaredSize::new(data, declared);
        let mut out = Vec::new();
        let result = r.read_to_end(&mut out);
        (out, result)
    }

    #[test]
    fn exactly_the_declared_size_reads_whole() {
        let (out, result) = read_all(b"abcdef", 6);
        assert_eq!(result.unwrap(), 6);
        assert_eq!(out, b"abcdef");
        let (out, result) = read_all(b"", 0);
        assert_eq!(result.unwrap(), 0);
        assert!(out.is_empty());
    }

    #[test]
    fn more_than_declared_fails_without_passing_the_excess_on() {
        let (out, result) = read_all(&[7u8; 100_000], 10);
        let e = result.unwrap_err();
        assert_eq!(SizeMismatch::of(&e), Some(&SizeMismatch::More { declared: 10 }));
        assert_eq!(out.len(), 10, "nothing past the declared size comes out");
    }

    #[test]
    fn fewer_than_declared_fails() {
        let (_, result) = read_all(b"abc", 5);
        let e = result.unwrap_err();
        assert_eq!(SizeMismatch::of(&e), Some(&SizeMismatch::Fewer { got: 3, declared: 5 }));
        assert_eq!(e.to_string(), "ends after 3 of the 5 bytes its header declares");
    }

    #[test]
    fn finish_checks_what_the_consumer_left_unread() {
        let mut r = DeclaredSize::new(&b"abcdefgh"[..], 4);
        let mut two = [0u8; 2];
        r.read_exact(&mut two).unwrap();
        let e = r.finish().unwrap_err();
        assert_eq!(SizeMismatch::of(&e), Some(&SizeMismatch::More { declared: 4 }));
        let mut r = DeclaredSize::new(&b"abcd"[..], 4);
        r.read_exact(&mut two).unwrap();
        r.finish().unwrap();
    }
}
