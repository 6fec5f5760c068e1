//! The Whisper vocabulary: CTranslate2 stores tokens in GPT-2's byte-level
//! form, where every byte is drawn as a printable character; whisper.cpp wants
//! the raw bytes.

use std::collections::HashMap;

/// GPT-2's byte → character table, inverted: character → byte.
pub fn unicode_to_byte() -> HashMap<char, u8> {
    let mut printable: Vec<u32> = (0x21..=0x7e).chain(0xa1..=0xac).chain(0xae..=0xff).collect();
    let mut chars: Vec<u32> = printable.clone();
    let mut n = 0;
    for b in 0..256u32 {
        if !printable.contains(&b) {
            printable.push(b);
            chars.push(256 + n);
            n += 1;
        }
    }
    printable
        .into_iter()
        .zip(chars)
        .filter_map(|(b, c)| char::from_u32(c).map(|ch| (ch, b as u8)))
        .collect()
}

/// Decodes one token; special tokens such as `<|endoftext|>` are kept as text.
pub fn decode(token: &str, table: &HashMap<char, u8>) -> Vec<u8> {
    if token.starts_with("<|") && token.ends_with("|>") {
        return token.as_bytes().to_vec();
    }
    token.chars().map(|c| table.get(&c).copied().unwrap_or(b'?')).collect()
}

/// Reads `vocabulary.txt` (one token per line) or `vocabulary.json` (an array).
pub fn parse(text: &str, json: bool) -> Result<Vec<String>, serde_json::Error> {
    if json {
        serde_json::from_str::<Vec<String>>(text)
    } else {
        // One token per line; a token may be empty (multilingual id 50256),
        // so only the end of the file is trimmed.
        let body = text.strip_suffix('\n').unwrap_or(text);
        Ok(body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_string()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_byte_level_tokens() {
        let t = unicode_to_byte();
        assert_eq!(t.len(), 256);
        assert_eq!(decode("Ġhello", &t), b" hello");
        assert_eq!(decode("Ċ", &t), b"\n");
        assert_eq!(decode("<|endoftext|>", &t), b"<|endoftext|>");
        // "é" as two UTF-8 bytes 0xC3 0xA9 is drawn "Ã©".
        assert_eq!(decode("Ã©", &t), "é".as_bytes());
    }

    #[test]
    fn parses_both_vocabulary_files() {
        assert_eq!(parse("a\nĠb\r\n", false).unwrap(), vec!["a", "Ġb"]);
        assert_eq!(parse("a\n\nb\n", false).unwrap(), vec!["a", "", "b"]);
        assert_eq!(parse(r#"["a","Ġb"]"#, true).unwrap(), vec!["a", "Ġb"]);
        assert!(parse("{}", true).is_err());
    }
}
