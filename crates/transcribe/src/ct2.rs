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

/// Why a `model.bin` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Ct2Error {
    #[error("the file ends early ({0})")]
    EndsEarly(std::io::Error),
    #[error("unsupported model.bin format version {0} (expected 5 or 6)")]
    Version(u32),
    #[error("a name is not valid UTF-8")]
    BadName,
    #[error("variable {name} has an unknown data type {code}")]
    DType { name: String, code: u8 },
    #[error("variable {name} holds {bytes} bytes, expected {expected}")]
    Size { name: String, bytes: usize, expected: usize },
}

struct Reader<R: Read> {
    r: R,
}

impl<R: Read> Reader<R> {
    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, Ct2Error> {
        let mut b = vec![0u8; n];
        self.r.read_exact(&mut b).map_err(Ct2Error::EndsEarly)?;
        Ok(b)
    }
    fn u8(&mut self) -> Result<u8, Ct2Error> {
        Ok(self.bytes(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Ct2Error> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, Ct2Error> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn string(&mut self) -> Result<String, Ct2Error> {
        let n = self.u16()? as usize;
        let mut b = self.bytes(n)?;
        if b.last() == Some(&0) {
            b.pop();
        }
        String::from_utf8(b).map_err(|_| Ct2Error::BadName)
    }
}

/// Reads `model.bin`.
pub fn read(path: &Path) -> Result<Ct2Model, TranscribeError> {
    let file = std::fs::File::open(path).map_err(|source| TranscribeError::Read { path: path.to_path_buf(), source })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    parse(std::io::BufReader::new(file), size)
        .map_err(|e| TranscribeError::BadCt2Model { path: path.to_path_buf(), reason: e.to_string() })
}

fn parse(r: impl Read, size: u64) -> Result<Ct2Model, Ct2Error> {
    let mut r = Reader { r };
    let version = r.u32()?;
    if !(5..=6).contains(&version) {
        return Err(Ct2Error::Version(version));
    }
    let spec = r.string()?;
    let _revision = r.u32()?;
    let count = r.u32()? as usize;
    let mut variables = HashMap::with_capacity(count);
    for _ in 0..count {
        let name = r.string()?;
        let rank = r.u8()? as usize;
        let dims = (0..rank).map(|_| r.u32().map(|d| d as usize)).collect::<Result<Vec<_>, _>>()?;
        let code = r.u8()?;
        let dtype = DType::from_code(code).ok_or_else(|| Ct2Error::DType { name: name.clone(), code })?;
        let bytes = r.u32()? as usize;
        let expected = dims.iter().product::<usize>().max(1) * dtype.size();
        if bytes != expected || bytes as u64 > size {
            return Err(Ct2Error::Size { name, bytes, expected });
        }
        let data = r.bytes(bytes)?;
        variables.insert(name, Variable { dims, dtype, data });
    }
    let mut aliases = HashMap::new();
    if let Ok(n) = r.u32() {
        for _ in 0..n {
            let alias = r.string()?;
            let target = r.string()?;
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

    #[test]
    fn truncated_and_foreign_files_are_refused() {
        assert!(parse(&b"\x06\0\0\0"[..], 4).unwrap_err().to_string().contains("ends early"));
        assert!(parse(&b"GGML\0\0\0\0"[..], 8).unwrap_err().to_string().contains("format version"));
    }
}
