//! Turning byte offsets in a deck file into 1-based line numbers for error
//! reports.
//!
//! A [`LineIndex`] is built once per file in one pass over its text. After
//! that, each look-up is a binary search, so locating every field of a deck
//! costs time in proportion to the file's size, not to its size times the
//! number of fields.

/// Where each line of a text starts, and which lines open a TOML
/// array-of-tables entry (`[[...]]`).
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    /// Byte offset of the start of each line; `starts[0]` is 0.
    starts: Vec<usize>,
    /// 1-based numbers, ascending, of the lines whose first non-blank
    /// characters are `[[`.
    headers: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        let mut headers = Vec::new();
        let mut line_start = 0;
        for (line_no, line) in text.split('\n').enumerate() {
            if line.trim_start().starts_with("[[") {
                headers.push(line_no + 1);
            }
            line_start += line.len() + 1;
            if line_start <= text.len() {
                starts.push(line_start);
            }
        }
        LineIndex { starts, headers }
    }

    /// The 1-based line that holds byte `offset`. An offset past the end
    /// belongs to the last line.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        // `starts[0]` is 0, so at least one start is <= any offset.
        self.starts.partition_point(|s| *s <= offset)
    }

    /// The nearest line at or before `line` that opens an array-of-tables
    /// entry, if there is one.
    pub(crate) fn header_at_or_before(&self, line: usize) -> Option<usize> {
        let after = self.headers.partition_point(|h| *h <= line);
        after.checked_sub(1).map(|i| self.headers[i])
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    /// The definition the index must agree with: count the newlines before
    /// the offset.
    fn counted(text: &str, offset: usize) -> usize {
        text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
    }

    #[test]
    fn counts_lines_from_one() {
        let t = LineIndex::new("a\nb\nc");
        assert_eq!(t.line_of(0), 1);
        assert_eq!(t.line_of(1), 1, "the newline belongs to the line it ends");
        assert_eq!(t.line_of(2), 2);
        assert_eq!(t.line_of(4), 3);
        assert_eq!(t.line_of(999), 3);
    }

    #[test]
    fn agrees_with_counting_newlines_at_every_offset() {
        for text in ["", "\n", "\n\n", "x", "ab\n", "ab\r\ncd\n\nef", "é\nü\n[[q]]\n  [[q.o]]\n", "a\n\n\nb\n"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(index.line_of(offset), counted(text, offset), "{text:?} at {offset}");
            }
        }
    }

    #[test]
    fn finds_the_table_header_at_or_before_a_line() {
        let text = "[deck]\nname = \"x\"\n\n[[question]]\nid = \"a\"\n  [[question.option]]\ntext = \"t\"\n[[question]]\n";
        let index = LineIndex::new(text);
        assert_eq!(index.header_at_or_before(1), None);
        assert_eq!(index.header_at_or_before(3), None);
        assert_eq!(index.header_at_or_before(4), Some(4));
        assert_eq!(index.header_at_or_before(5), Some(4));
        assert_eq!(index.header_at_or_before(6), Some(6), "indented headers count");
        assert_eq!(index.header_at_or_before(7), Some(6));
        assert_eq!(index.header_at_or_before(8), Some(8));
        assert_eq!(index.header_at_or_before(100), Some(8));
    }
}
