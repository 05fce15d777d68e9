//! Lines read a chunk at a time into one reused buffer: no allocation per line.

use std::io::{self, BufRead};
use std::ops::Range;

use pol_compiler::programme::batch::strip_ending;

/// A run of dossier lines: their text in one buffer, and each line's number (from 1) and
/// place in it. Every line is kept, blank ones too (each gets its result line); a line ending
/// is not part of its line, and a final line ending does not start another line.
#[derive(Default)]
pub struct Chunk {
    pub text: Vec<u8>,
    pub lines: Vec<(usize, Range<usize>)>,
}

impl Chunk {
    pub fn line(&self, i: usize) -> (usize, &[u8]) {
        let (n, r) = &self.lines[i];
        (*n, &self.text[r.clone()])
    }
}

/// Reads up to `max` lines into `chunk`, emptied first. `next` is the number of the
/// next line of the input, kept from one chunk to the next. Returns the bytes read.
pub fn read_chunk(
    reader: &mut impl BufRead,
    max: usize,
    next: &mut usize,
    chunk: &mut Chunk,
) -> io::Result<usize> {
    chunk.text.clear();
    chunk.lines.clear();
    let mut bytes = 0;
    while chunk.lines.len() < max {
        let start = chunk.text.len();
        let read = reader.read_until(b'\n', &mut chunk.text)?;
        if read == 0 {
            break;
        }
        bytes += read;
        let n = *next;
        *next += 1;
        let line = strip_ending(&chunk.text[start..]);
        chunk.lines.push((n, start..start + line.len()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_numbers_and_lose_their_endings() {
        let input = "{\"a\": 1}\r\n\n{\"b\": 2}\n{\"c\": 3}\n";
        let mut reader = io::BufReader::new(input.as_bytes());
        let (mut next, mut chunk) = (1, Chunk::default());
        let bytes = read_chunk(&mut reader, 2, &mut next, &mut chunk).unwrap();
        assert_eq!(chunk.line(0), (1, &b"{\"a\": 1}"[..]));
        assert_eq!(chunk.line(1), (2, &b""[..]));
        assert_eq!(bytes, input.find("{\"b\"").unwrap());
        read_chunk(&mut reader, 2, &mut next, &mut chunk).unwrap();
        assert_eq!(chunk.lines.len(), 2);
        assert_eq!(chunk.line(1), (4, &b"{\"c\": 3}"[..]));
        assert_eq!(
            read_chunk(&mut reader, 2, &mut next, &mut chunk).unwrap(),
            0
        );
        assert!(chunk.lines.is_empty());
    }
}
