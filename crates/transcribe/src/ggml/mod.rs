//! whisper.cpp ggml model files: writing them (magic, hyper-parameters,
//! mel filters, vocabulary, then named tensors) and checking one before
//! whisper.cpp sees it, against everything its loader asserts on or trusts.
//! [`crate::testmodel::tiny_test_model`] builds a small valid model for
//! tests and fuzzing.
//!
//! - `write.rs`: [`GgmlWriter`] and the q8_0 / q4_0 quantisers.
//! - `expect.rs`: what whisper.cpp's loader expects of a file: the
//!   hyper-parameters it accepts and the tensors it creates for them.
//! - `check.rs`: [`check_reader`] and [`check_file`], which walk a file and
//!   hold it against those expectations ([`GgmlError`] says what is wrong).

mod check;
mod expect;
mod write;

pub use check::{check_file, check_reader, GgmlError};
pub use write::{quantize_q4_0, quantize_q8_0, GgmlWriter};

pub const MAGIC: u32 = 0x6767_6d6c;

/// The hyper-parameters in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HParams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    /// How the 2-D weights are stored: 0 f32, 1 f16, 2 q4_0, 7 q8_0 …
    /// (whisper.cpp's `ggml_ftype`, plus 1000 × the quantisation version).
    pub ftype: i32,
}

/// Element type of a tensor in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorType {
    F32 = 0,
    F16 = 1,
    /// Blocks of 32 values: an f16 scale, then 16 bytes of 4-bit values
    /// (ggml's `block_q4_0`). Rows must be a multiple of 32 long.
    Q4_0 = 2,
    /// Blocks of 32 values: an f16 scale, then 32 signed bytes (ggml's
    /// `block_q8_0`). Rows must be a multiple of 32 long.
    Q8_0 = 8,
}

impl TensorType {
    /// The file type (`ggml_ftype`) whose 2-D weights have this type.
    pub fn ftype(self) -> i32 {
        match self {
            TensorType::F32 => 0,
            TensorType::F16 => 1,
            TensorType::Q4_0 => 2,
            TensorType::Q8_0 => 7,
        }
    }
}

/// The file types whose 2-D weights have a tensor type the checker knows,
/// with that type, as ggml's `ggml_ftype_to_ggml_type` maps them. Any other
/// value makes whisper.cpp abort (GGML_ASSERT) when the model is loaded.
pub const KNOWN_FTYPES: [(i32, i32); 7] = [(0, 0), (1, 1), (2, 2), (3, 3), (7, 8), (8, 6), (9, 7)];

/// whisper.cpp's special tokens of English models end at id 50363
/// (`token_beg`), followed by 1501 timestamp tokens: a smaller vocabulary
/// makes it index past the end of its logits.
pub const MIN_VOCAB: i32 = 51_864;
/// whisper.cpp's audio window is 30 s: 3000 mel frames, 1500 encoder positions.
pub const AUDIO_CTX: i32 = 1_500;
/// FFT bins whisper.cpp computes (a 400-point FFT); its mel code assumes
/// the filter bank has exactly this many columns.
pub const N_FFT_BINS: i32 = 201;
