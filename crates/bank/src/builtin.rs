//! The decks compiled into the app from the repository's `questions/` folder.

include!(concat!(env!("OUT_DIR"), "/builtin_decks.rs"));

/// The built-in deck files as `(deck id, bytes)`, sorted by file name.
pub fn builtin_decks() -> &'static [(&'static str, &'static [u8])] {
    BUILTIN_DECKS
}
