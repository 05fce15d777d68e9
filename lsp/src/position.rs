//! Byte offsets (the compiler's) to and from LSP positions (lines and UTF-16 code units).

use tower_lsp_server::ls_types::{Position, Range};

/// Line starts of a text, for conversions.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The LSP position of a byte offset (clamped to the text, and to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let col: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position {
            line: line as u32,
            character: col as u32,
        }
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range {
            start: self.position(start),
            end: self.position(end),
        }
    }

    /// The byte offset of an LSP position; positions past the end of a line or of the text
    /// are clamped, as the protocol asks.
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= pos.character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_emoji_count_in_utf16_units() {
        let text = "règle é = 1\n# 🌾 blé\nx";
        let idx = LineIndex::new(text);
        // « é » after « règle » : r è g l e space = 6 UTF-16 units.
        let e = text.find("é =").unwrap();
        assert_eq!(
            idx.position(e),
            Position {
                line: 0,
                character: 6
            }
        );
        // The wheat emoji is two UTF-16 units.
        let ble = text.find("blé").unwrap();
        assert_eq!(
            idx.position(ble),
            Position {
                line: 1,
                character: 5
            }
        );
        assert_eq!(
            idx.offset(Position {
                line: 1,
                character: 5
            }),
            ble
        );
        assert_eq!(
            idx.offset(Position {
                line: 0,
                character: 6
            }),
            e
        );
        assert_eq!(
            idx.offset(Position {
                line: 9,
                character: 0
            }),
            text.len()
        );
        assert_eq!(
            idx.offset(Position {
                line: 0,
                character: 999
            }),
            text.find('\n').unwrap()
        );
    }
}
