//! Byte offsets (the compiler's) to and from LSP positions (lines and UTF-16 code units).
//!
//! The compiler holds a file's text in NFC; an editor may hold it otherwise (accents typed as
//! a letter and a combining mark, NFD). Positions are then counted in the editor's text and
//! offsets in the compiler's, line by line (normalisation never crosses a line end).

use tower_lsp_server::ls_types::{Position, Range};
use unicode_normalization::UnicodeNormalization;

/// Line starts of a text, for conversions.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    /// The editor's text and its line starts, when it differs from `text`.
    editor: Option<(&'t str, Vec<usize>)>,
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    starts
}

/// Line `l` of a text, without its line end.
fn line_of<'a>(text: &'a str, starts: &[usize], l: usize) -> &'a str {
    let start = starts[l];
    let end = starts.get(l + 1).map(|e| e - 1).unwrap_or(text.len());
    &text[start..end]
}

/// The pieces of a line that normalise independently: each starts at an ASCII character (a
/// starter that never composes with what precedes it), so that NFC of the line is the
/// concatenation of NFC of its pieces.
fn pieces(line: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut cuts: Vec<usize> = line
        .char_indices()
        .filter(|(i, c)| *i > 0 && c.is_ascii())
        .map(|(i, _)| i)
        .collect();
    cuts.push(line.len());
    let mut start = 0;
    cuts.into_iter().map(move |end| {
        let piece = (start, end);
        start = end;
        piece
    })
}

fn nfc_len(s: &str) -> usize {
    s.nfc().map(char::len_utf8).sum()
}

/// The byte column in the normalised line of byte column `col` of the editor's line.
fn editor_to_normal(line: &str, col: usize) -> usize {
    let mut acc = 0;
    for (a, b) in pieces(line) {
        if col >= b {
            acc += nfc_len(&line[a..b]);
            continue;
        }
        let mut cut = col.max(a);
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        return acc + nfc_len(&line[a..cut]).min(nfc_len(&line[a..b]));
    }
    acc
}

/// The byte column in the editor's line of byte column `col` of the normalised line: the
/// first character boundary that reaches it.
fn normal_to_editor(line: &str, col: usize) -> usize {
    let mut acc = 0;
    for (a, b) in pieces(line) {
        let len = nfc_len(&line[a..b]);
        if col >= acc + len {
            acc += len;
            continue;
        }
        let want = col - acc;
        return line[a..b]
            .char_indices()
            .map(|(i, _)| a + i)
            .chain([b])
            .find(|&i| nfc_len(&line[a..i]) >= want)
            .unwrap_or(b);
    }
    line.len()
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        LineIndex {
            text,
            starts: line_starts(text),
            editor: None,
        }
    }

    /// Offsets in `text` (the compiler's, normalised), positions in `editor` (the editor's
    /// text of the same document).
    pub fn mapped(text: &'t str, editor: Option<&'t str>) -> Self {
        let mut idx = LineIndex::new(text);
        if let Some(editor) = editor.filter(|e| *e != text) {
            let starts = line_starts(editor);
            if starts.len() == idx.starts.len() {
                idx.editor = Some((editor, starts));
            }
        }
        idx
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
        let col: usize = match &self.editor {
            None => self.text[start..offset].chars().map(char::len_utf16).sum(),
            Some((editor, starts)) => {
                let here = line_of(editor, starts, line);
                let col = if line_of(self.text, &self.starts, line) == here {
                    offset - start
                } else {
                    normal_to_editor(here, offset - start)
                };
                here[..col].chars().map(char::len_utf16).sum()
            }
        };
        Position {
            line: line as u32,
            character: col as u32,
        }
    }

    /// Positions of offsets taken in increasing order (semantic tokens): each one counts only
    /// from the previous, so that a long line costs its length once, not once per token.
    pub fn walker(&self) -> Walker<'_, 't> {
        Walker {
            idx: self,
            line: 0,
            offset: 0,
            character: 0,
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
        if let Some((editor, starts)) = &self.editor {
            let line = pos.line as usize;
            let here = line_of(editor, starts, line);
            let normal = line_of(self.text, &self.starts, line);
            let col = utf16_to_byte(here, pos.character);
            if here == normal {
                return start + col;
            }
            let mut col = editor_to_normal(here, col).min(normal.len());
            while !normal.is_char_boundary(col) {
                col -= 1;
            }
            return start + col;
        }
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

/// Applies one of the editor's incremental changes to its text: what lies between two
/// positions (line, UTF-16 character; in either order, clamped as the protocol asks)
/// replaced by `new`.
pub fn apply_edit(text: &mut String, start: (u32, u32), end: (u32, u32), new: &str) {
    let (a, b) = {
        let idx = LineIndex::new(text.as_str());
        let at = |(line, character)| idx.offset(Position { line, character });
        (at(start), at(end))
    };
    text.replace_range(a.min(b)..a.max(b), new);
}

/// See [`LineIndex::walker`].
pub struct Walker<'i, 't> {
    idx: &'i LineIndex<'t>,
    line: usize,
    offset: usize,
    character: u32,
}

impl Walker<'_, '_> {
    pub fn position(&mut self, offset: usize) -> Position {
        let text = self.idx.text;
        if self.idx.editor.is_some() || offset < self.offset {
            return self.idx.position(offset);
        }
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .idx
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        if line != self.line {
            self.line = line;
            self.offset = self.idx.starts[line];
            self.character = 0;
        }
        self.character += text[self.offset..offset]
            .chars()
            .map(|c| c.len_utf16() as u32)
            .sum::<u32>();
        self.offset = offset;
        Position {
            line: line as u32,
            character: self.character,
        }
    }
}

/// The byte column of a UTF-16 column in a line (clamped to its end).
fn utf16_to_byte(line: &str, character: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= character {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    line.len()
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

    #[test]
    fn decomposed_accents_in_the_editor_map_to_the_normalised_text() {
        let nfc = "règle dépenses = plafon\nx";
        let nfd: String = nfc.nfd().collect();
        let idx = LineIndex::mapped(nfc, Some(&nfd));
        let line: &str = nfd.lines().next().unwrap();
        let col = line[..line.find("plafon").unwrap()].encode_utf16().count() as u32;
        let at = nfc.find("plafon").unwrap();
        assert_eq!(
            idx.position(at),
            Position {
                line: 0,
                character: col
            }
        );
        assert_eq!(
            idx.offset(Position {
                line: 0,
                character: col
            }),
            at
        );
        // Between a letter and its combining accent: the start of the composed character.
        let e = line.find("e\u{301}").unwrap() + 1;
        let mid = line[..e].encode_utf16().count() as u32;
        assert_eq!(
            idx.offset(Position {
                line: 0,
                character: mid
            }),
            nfc.find("ép").unwrap()
        );
        assert_eq!(
            idx.position(nfc.len()),
            Position {
                line: 1,
                character: 1
            }
        );
    }

    #[test]
    fn the_walker_agrees_with_positions() {
        let text = "règle é = 1 🌾 + 2\n\n# blé 🌾🌾 x\nfin";
        let idx = LineIndex::new(text);
        let mut w = idx.walker();
        for (i, _) in text.char_indices() {
            assert_eq!(w.position(i), idx.position(i), "{i}");
        }
        assert_eq!(w.position(text.len()), idx.position(text.len()));
    }
}
