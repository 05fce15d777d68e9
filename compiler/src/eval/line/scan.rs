//! The JSON of a dossier line, read byte by byte for `line::read`: only the forms that line
//! takes as they are. Every method gives `None` where the text leaves them (a syntax error, an
//! escaped key, a number with an exponent, nesting deeper than serde_json allows…): the line
//! then takes the ordinary path, serde_json's, which says what is wrong in French.

/// As deep as serde_json nests before it refuses a document.
const MAX_DEPTH: u32 = 128;

pub(super) struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: u32,
}

/// What a value starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Start {
    Object,
    Array,
    Text,
    Number,
    True,
    False,
    Null,
}

impl<'a> Scan<'a> {
    pub fn new(text: &'a str) -> Scan<'a> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        Scan {
            text,
            bytes: text.as_bytes(),
            at: 0,
            depth: 0,
        }
    }

    /// Where the next byte is: to take a value's text as written with `since`.
    pub fn position(&mut self) -> usize {
        self.space();
        self.at
    }

    /// The text from `start` to here.
    pub fn since(&self, start: usize) -> Option<&'a str> {
        self.text.get(start..self.at)
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn byte(&mut self, b: u8) -> Option<()> {
        self.space();
        (self.bytes.get(self.at) == Some(&b)).then(|| self.at += 1)
    }

    /// What the next value starts with.
    pub fn start(&mut self) -> Option<Start> {
        self.space();
        Some(match self.bytes.get(self.at)? {
            b'{' => Start::Object,
            b'[' => Start::Array,
            b'"' => Start::Text,
            b'-' | b'0'..=b'9' => Start::Number,
            b't' => Start::True,
            b'f' => Start::False,
            b'n' => Start::Null,
            _ => return None,
        })
    }

    /// `true`, `false` or `null`, as `start` found it.
    pub fn word(&mut self, start: Start) -> Option<()> {
        let word: &[u8] = match start {
            Start::True => b"true",
            Start::False => b"false",
            Start::Null => b"null",
            _ => return None,
        };
        self.space();
        let end = self.at + word.len();
        (self.bytes.get(self.at..end) == Some(word)).then(|| self.at = end)
    }

    /// Opens an object or an array.
    pub fn open(&mut self, start: Start) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.byte(if start == Start::Object { b'{' } else { b'[' })
    }

    /// The next key of an open object and its colon (`first`: none read yet), `Some(None)`
    /// at its end. A key with an escape gives up.
    pub fn key(&mut self, first: bool) -> Option<Option<&'a str>> {
        if self.close(b'}') {
            return Some(None);
        }
        if !first {
            self.byte(b',')?;
        }
        self.space();
        let key = self.plain_text()?;
        self.byte(b':')?;
        Some(Some(key))
    }

    /// Whether an open array has another element (`first`: none read yet).
    pub fn element(&mut self, first: bool) -> Option<bool> {
        if self.close(b']') {
            return Some(false);
        }
        if !first {
            self.byte(b',')?;
        }
        Some(true)
    }

    fn close(&mut self, b: u8) -> bool {
        let closed = self.byte(b).is_some();
        if closed {
            self.depth -= 1;
        }
        closed
    }

    /// A text with no escape, its quotes left out.
    pub fn plain_text(&mut self) -> Option<&'a str> {
        let (body, escaped) = self.text_body()?;
        (!escaped).then_some(body)
    }

    /// A text, its escapes decoded into `buf` when it has any.
    pub fn text<'b>(&mut self, buf: &'b mut String) -> Option<&'b str>
    where
        'a: 'b,
    {
        let (body, escaped) = self.text_body()?;
        if !escaped {
            return Some(body);
        }
        buf.clear();
        unescape(body, buf)?;
        Some(buf.as_str())
    }

    /// A text's bytes between its quotes, and whether it has an escape. Control characters
    /// are refused, as JSON does.
    fn text_body(&mut self) -> Option<(&'a str, bool)> {
        self.byte(b'"')?;
        let start = self.at;
        let mut escaped = false;
        loop {
            self.at += plain_run(self.bytes.get(self.at..)?);
            match *self.bytes.get(self.at)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.at += 2;
                }
                0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
        let body = self.text.get(start..self.at)?;
        self.at += 1;
        Some((body, escaped))
    }

    /// A number as written: `-?(0|[1-9][0-9]*)(.[0-9]+)?`; an exponent gives up.
    pub fn number(&mut self) -> Option<&'a str> {
        self.space();
        let start = self.at;
        self.eat(b'-');
        match self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.') {
            let before = self.at;
            self.digits();
            if self.at == before {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            return None;
        }
        self.since(start)
    }

    fn eat(&mut self, b: u8) -> bool {
        let ate = self.bytes.get(self.at) == Some(&b);
        self.at += ate as usize;
        ate
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// Nothing but blanks left.
    pub fn end(&mut self) -> Option<()> {
        self.space();
        (self.at == self.bytes.len()).then_some(())
    }
}

/// How many bytes at the start of `bytes` are neither a quote, a backslash nor a control
/// character, looked at eight at a time: the bit tricks flag, in each byte of a word, one
/// that is zero (after the comparison) or below 0x20. A flag can be wrong only above a right
/// one, so the lowest flag is the first byte to stop at.
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let mut n = 0;
    for chunk in bytes.chunks_exact(8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let quote = zero(w ^ (ONES * u64::from(b'"')));
        let backslash = zero(w ^ (ONES * u64::from(b'\\')));
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        let flags = quote | backslash | control;
        if flags != 0 {
            return n + (flags.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    let tail = bytes.get(n..).unwrap_or_default();
    n + tail
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(tail.len())
}

/// A text's escapes decoded as JSON defines them; a lone surrogate gives up, as serde_json
/// refuses it.
fn unescape(body: &str, out: &mut String) -> Option<()> {
    let mut rest = body;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let (c, len) = match *rest.as_bytes().get(i + 1)? {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => unicode(&rest.as_bytes()[i..])?,
            _ => return None,
        };
        out.push(c);
        rest = rest.get(i + len..)?;
    }
    out.push_str(rest);
    Some(())
}

/// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`, at the start of `s`: the character and
/// how many bytes it took.
fn unicode(s: &[u8]) -> Option<(char, usize)> {
    let high = hex4(s.get(2..6)?)?;
    if !(0xD800..0xE000).contains(&high) {
        return Some((char::from_u32(high)?, 6));
    }
    if high >= 0xDC00 || s.get(6..8)? != b"\\u" {
        return None;
    }
    let low = hex4(s.get(8..12)?)?;
    if !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
    Some((char::from_u32(c)?, 12))
}

fn hex4(s: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(s).ok()?;
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(json: &str) -> Option<String> {
        let mut buf = String::new();
        Scan::new(json).text(&mut buf).map(str::to_string)
    }

    #[test]
    fn texts_are_decoded_as_serde_json_decodes_them() {
        for json in [
            r#""abc""#,
            r#""déjà""#,
            r#""a\"b\\c\/d""#,
            r#""\b\f\n\r\t""#,
            r#""\u00e9t\u00C9""#,
            r#""\ud83d\ude00 !""#,
            r#""\u0000""#,
        ] {
            let expected: String = serde_json::from_str(json).unwrap();
            assert_eq!(text(json), Some(expected), "{json}");
        }
        for json in [
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\x41""#,
            r#""\u00g1""#,
            r#""\u+0e9""#,
            "\"a\tb\"",
            r#""abc"#,
            r#""abc\"#,
        ] {
            assert!(serde_json::from_str::<String>(json).is_err(), "{json}");
            assert_eq!(text(json), None, "{json}");
        }
    }

    #[test]
    fn a_plain_run_stops_at_the_first_quote_backslash_or_control_character() {
        for (text, expected) in [
            ("", 0),
            ("abc", 3),
            ("abcdefgh", 8),
            ("abcdefg\"", 7),
            ("abcdefgh\"", 8),
            ("ab\"cdefghijk", 2),
            ("déjà vu, déjà lu\\", 20),
            ("\u{1}abcdefgh", 0),
            ("abcdefghijklmno\t", 15),
            ("\"\"", 0),
        ] {
            assert_eq!(plain_run(text.as_bytes()), expected, "{text:?}");
        }
    }

    #[test]
    fn numbers_are_taken_as_written_without_exponent() {
        for (json, expected) in [
            ("0", Some("0")),
            ("-12.50", Some("-12.50")),
            ("1500 ", Some("1500")),
            ("01", Some("0")),
            ("1.", None),
            ("-", None),
            (".5", None),
            ("1e5", None),
            ("2.5E-1", None),
        ] {
            assert_eq!(Scan::new(json).number(), expected, "{json}");
        }
    }
}
