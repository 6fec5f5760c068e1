//! Reading a CTranslate2 `model.bin`: a version, a spec name, then named
//! variables (rank, dims, dtype, raw little-endian data) and aliases.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::TranscribeError;

/// Element types CTranslate2 stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl DType {
    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::BF16,
            _ => return None,
        })
    }

    pub fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }
}

/// One stored variable.
#[derive(Debug, Clone)]
pub struct Variable {
    pub dims: Vec<usize>,
    pub dtype: DType,
    pub data: Vec<u8>,
}

impl Variable {
    /// The values as f32 (for float types).
    pub fn to_f32(&self) -> Option<Vec<f32>> {
        Some(match self.dtype {
            DType::F32 => self.data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
            DType::F16 => self.data.chunks_exact(2).map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
            DType::BF16 => self.data.chunks_exact(2).map(|b| half::bf16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
            _ => return None,
        })
    }

    /// A scalar integer (rank 0).
    pub fn as_int(&self) -> Option<i64> {
        match (self.dtype, self.data.len()) {
            (DType::I8, 1) => Some(self.data[0] as i8 as i64),
            (DType::I16, 2) => Some(i16::from_le_bytes([self.data[0], self.data[1]]) as i64),
            (DType::I32, 4) => Some(i32::from_le_bytes([self.data[0], self.data[1], self.data[2], self.data[3]]) as i64),
            _ => None,
        }
    }
}

/// A parsed model file.
#[derive(Debug)]
pub struct Ct2Model {
    pub spec: String,
    pub variables: HashMap<String, Variable>,
    pub aliases: HashMap<String, String>,
}

impl Ct2Model {
    /// A variable by name, following aliases.
    pub fn get(&self, name: &str) -> Option<&Variable> {
        self.variables.get(name).or_else(|| self.aliases.get(name).and_then(|t| self.variables.get(t)))
    }
}

/// The most dimensions a variable may have (CTranslate2 stores at most 4).
pub const MAX_RANK: usize = 8;

/// The fewest bytes one variable takes in the file: a 2-byte name length,
/// the rank, the type code, a 4-byte data length and at least one byte of
/// data. Bounds the variable count by what the file can really hold.
const MIN_VARIABLE_BYTES: u64 = 2 + 1 + 1 + 4 + 1;
/// The fewest bytes one alias takes: two 2-byte string lengths.
const MIN_ALIAS_BYTES: u64 = 4;

/// Why a `model.bin` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Ct2Error {
    #[error("the file ends early ({0})")]
    EndsEarly(std::io::Error),
    #[error("the file ends early: {what} needs {needed} bytes but only {remaining} remain")]
    Short { what: &'static str, needed: u64, remaining: u64 },
    #[error("unsupported model.bin format version {0} (expected 5 or 6)")]
    Version(u32),
    #[error("a name is not valid UTF-8")]
    BadName,
    #[error("it says it holds {count} {what} but the {remaining} bytes left in the file can hold at most {most}")]
    TooMany { what: &'static str, count: u32, remaining: u64, most: u64 },
    #[error("variable {name} has {rank} dimensions; at most {MAX_RANK} are expected")]
    Rank { name: String, rank: usize },
    #[error("variable {name} has an unknown data type {code}")]
    DType { name: String, code: u8 },
    #[error("variable {name} has dimensions {dims:?} whose size in bytes is too large to represent")]
    Overflow { name: String, dims: Vec<usize> },
    #[error("variable {name} says it holds {bytes} bytes but its dimensions {dims:?} of {dtype:?} need {expected}")]
    Size { name: String, dims: Vec<usize>, dtype: DType, bytes: usize, expected: usize },
    #[error("variable {name} claims {bytes} bytes but only {remaining} remain in the file")]
    PastEnd { name: String, bytes: u64, remaining: u64 },
}

/// Reads little-endian fields, never past the `remaining` bytes the file
/// really holds, so no length read from it can allocate more than that.
struct Reader<R: Read> {
    r: R,
    remaining: u64,
}

impl<R: Read> Reader<R> {
    fn bytes(&mut self, n: usize, what: &'static str) -> Result<Vec<u8>, Ct2Error> {
        let needed = n as u64;
        if needed > self.remaining {
            return Err(Ct2Error::Short { what, needed, remaining: self.remaining });
        }
        let mut b = vec![0u8; n];
        self.r.read_exact(&mut b).map_err(Ct2Error::EndsEarly)?;
        self.remaining -= needed;
        Ok(b)
    }
    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], Ct2Error> {
        let mut b = [0u8; N];
        if N as u64 > self.remaining {
            return Err(Ct2Error::Short { what, needed: N as u64, remaining: self.remaining });
        }
        self.r.read_exact(&mut b).map_err(Ct2Error::EndsEarly)?;
        self.remaining -= N as u64;
        Ok(b)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, Ct2Error> {
        Ok(self.array::<1>(what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, Ct2Error> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, Ct2Error> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    fn string(&mut self, what: &'static str) -> Result<String, Ct2Error> {
        let n = self.u16(what)? as usize;
        let mut b = self.bytes(n, what)?;
        if b.last() == Some(&0) {
            b.pop();
        }
        String::from_utf8(b).map_err(|_| Ct2Error::BadName)
    }
    /// Checks a count read from the file against what the rest can hold.
    fn count(&mut self, what: &'static str, each: u64) -> Result<u32, Ct2Error> {
        let count = self.u32(what)?;
        let most = self.remaining / each;
        if u64::from(count) > most {
            return Err(Ct2Error::TooMany { what, count, remaining: self.remaining, most });
        }
        Ok(count)
    }
}

/// Reads `model.bin`. A FIFO or device is refused without blocking.
pub fn read(path: &Path) -> Result<Ct2Model, TranscribeError> {
    let file = starling_files::open_regular(path).map_err(|e| match e {
        starling_files::FileError::Io { path, source } => TranscribeError::Read { path, source },
        other => TranscribeError::BadCt2Model { path: path.to_path_buf(), reason: other.to_string() },
    })?;
    let size = file.metadata().map_err(|source| TranscribeError::Read { path: path.to_path_buf(), source })?.len();
    parse(std::io::BufReader::new(file), size)
        .map_err(|e| TranscribeError::BadCt2Model { path: path.to_path_buf(), reason: e.to_string() })
}

/// Parses a `model.bin` of `size` bytes read from `r`. Nothing is allocated
/// beyond what the file really holds.
pub fn parse(r: impl Read, size: u64) -> Result<Ct2Model, Ct2Error> {
    let mut r = Reader { r, remaining: size };
    let version = r.u32("the format version")?;
    if !(5..=6).contains(&version) {
        return Err(Ct2Error::Version(version));
    }
    let spec = r.string("the model spec name")?;
    let _revision = r.u32("the spec revision")?;
    let count = r.count("variables", MIN_VARIABLE_BYTES)?;
    let mut variables = HashMap::new();
    for _ in 0..count {
        let name = r.string("a variable name")?;
        let rank = r.u8("a variable rank")? as usize;
        if rank > MAX_RANK {
            return Err(Ct2Error::Rank { name, rank });
        }
        let mut dims = Vec::with_capacity(rank);
        for _ in 0..rank {
            dims.push(r.u32("a variable dimension")? as usize);
        }
        let code = r.u8("a variable type")?;
        let dtype = DType::from_code(code).ok_or_else(|| Ct2Error::DType { name: name.clone(), code })?;
        let bytes = r.u32("a variable size")? as usize;
        let expected = dims
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .and_then(|n| n.max(1).checked_mul(dtype.size()));
        let Some(expected) = expected else {
            return Err(Ct2Error::Overflow { name, dims });
        };
        if bytes != expected {
            return Err(Ct2Error::Size { name, dims, dtype, bytes, expected });
        }
        if bytes as u64 > r.remaining {
            return Err(Ct2Error::PastEnd { name, bytes: bytes as u64, remaining: r.remaining });
        }
        let data = r.bytes(bytes, "variable data")?;
        variables.insert(name, Variable { dims, dtype, data });
    }
    let mut aliases = HashMap::new();
    if r.remaining >= 4 {
        let n = r.count("aliases", MIN_ALIAS_BYTES)?;
        for _ in 0..n {
            let alias = r.string("an alias")?;
            let target = r.string("an alias target")?;
            aliases.insert(alias, target);
        }
    }
    Ok(Ct2Model { spec, variables, aliases })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(s: &str) -> Vec<u8> {
        let mut v = ((s.len() + 1) as u16).to_le_bytes().to_vec();
        v.extend_from_slice(s.as_bytes());
        v.push(0);
        v
    }

    #[test]
    fn parses_variables_scalars_and_aliases() {
        let mut b = 6u32.to_le_bytes().to_vec();
        b.extend(string("WhisperSpec"));
        b.extend(3u32.to_le_bytes());
        b.extend(2u32.to_le_bytes());
        b.extend(string("w"));
        b.push(2);
        b.extend(1u32.to_le_bytes());
        b.extend(2u32.to_le_bytes());
        b.push(4); // f16
        b.extend(4u32.to_le_bytes());
        b.extend(half::f16::from_f32(1.5).to_le_bytes());
        b.extend(half::f16::from_f32(-2.0).to_le_bytes());
        b.extend(string("encoder/num_heads"));
        b.push(0);
        b.push(2); // i16
        b.extend(2u32.to_le_bytes());
        b.extend(6i16.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(string("alias"));
        b.extend(string("w"));
        let size = b.len() as u64;
        let m = parse(&b[..], size).unwrap();
        assert_eq!(m.spec, "WhisperSpec");
        assert_eq!(m.get("alias").unwrap().to_f32().unwrap(), vec![1.5, -2.0]);
        assert_eq!(m.get("encoder/num_heads").unwrap().as_int(), Some(6));
    }

    /// The start of a model.bin: version 6, the spec, a revision and the
    /// variable count.
    fn head(count: u32) -> Vec<u8> {
        let mut b = 6u32.to_le_bytes().to_vec();
        b.extend(string("WhisperSpec"));
        b.extend(3u32.to_le_bytes());
        b.extend(count.to_le_bytes());
        b
    }

    #[test]
    fn a_huge_variable_count_is_refused_without_allocating_for_it() {
        let mut b = head(0xFFFF_FFFF);
        b.extend([0u8; 64]);
        let e = parse(&b[..], b.len() as u64).unwrap_err();
        assert!(matches!(e, Ct2Error::TooMany { count: 0xFFFF_FFFF, remaining: 64, most: 7, .. }), "{e}");
        assert_eq!(e.to_string(), "it says it holds 4294967295 variables but the 64 bytes left in the file can hold at most 7");
    }

    #[test]
    fn dimensions_whose_size_overflows_are_refused() {
        let mut b = head(1);
        b.extend(string("w"));
        b.push(4);
        for _ in 0..4 {
            b.extend(0xFFFF_FFFFu32.to_le_bytes());
        }
        b.push(0); // f32
        b.extend(16u32.to_le_bytes());
        b.extend([0u8; 16]);
        let e = parse(&b[..], b.len() as u64).unwrap_err();
        assert!(matches!(&e, Ct2Error::Overflow { name, .. } if name == "w"), "{e}");
        assert!(e.to_string().contains("too large to represent"), "{e}");
        let mut b = head(1);
        b.extend(string("w"));
        b.push(200);
        b.extend([0u8; 64]);
        let e = parse(&b[..], b.len() as u64).unwrap_err();
        assert!(matches!(e, Ct2Error::Rank { rank: 200, .. }), "{e}");
    }

    #[test]
    fn size_errors_say_what_is_really_wrong() {
        // The size agrees with the dimensions but the file is shorter.
        let mut b = head(1);
        b.extend(string("w"));
        b.push(1);
        b.extend(1000u32.to_le_bytes());
        b.push(0); // f32
        b.extend(4000u32.to_le_bytes());
        b.extend([0u8; 10]);
        let e = parse(&b[..], b.len() as u64).unwrap_err();
        assert_eq!(e.to_string(), "variable w claims 4000 bytes but only 10 remain in the file");
        // The size disagrees with the dimensions.
        let mut b = head(1);
        b.extend(string("w"));
        b.push(1);
        b.extend(2u32.to_le_bytes());
        b.push(0);
        b.extend(12u32.to_le_bytes());
        b.extend([0u8; 12]);
        let e = parse(&b[..], b.len() as u64).unwrap_err();
        assert_eq!(e.to_string(), "variable w says it holds 12 bytes but its dimensions [2] of F32 need 8");
    }

    #[test]
    fn truncated_and_foreign_files_are_refused() {
        assert!(parse(&b"\x06\0\0\0"[..], 4).unwrap_err().to_string().contains("ends early"));
        // A size that lies about the stream is caught by the reader too.
        assert!(parse(&b"\x06\0\0\0"[..], 100).unwrap_err().to_string().contains("ends early"));
        assert!(parse(&b"GGML\0\0\0\0"[..], 8).unwrap_err().to_string().contains("format version"));
    }
}
