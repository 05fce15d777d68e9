//! Where a file can be cut into chunks that parse alone exactly as they do inside the whole
//! file, so that an edit re-parses one chunk rather than the file.
//!
//! A cut is made only before a line where the whole file's parse is sure to start an item or
//! a `recovery`: a line that starts, at its first column, with an item keyword, or with the
//! first line of a preamble (`##`, `§`) that leads to one through blank and preamble lines
//! only. Never inside a « text », after `remplace` (its definition may start on the next
//! line), or between a preamble and its item, even across comments. A chunk keeps the blank
//! lines before the next cut (pest's spans take them in), and what does not parse at its end
//! stops where `recovery` stops before the next item in the file: at the end of its last line
//! of text (`parse_chunk`). Cuts only save work: a line in doubt is not one.

use std::ops::Range;

/// The chunks of `text`, in order and end to end: they start at 0 and at each cut.
pub fn chunks(text: &str) -> Vec<Range<usize>> {
    let lines = scan(text);
    let leads = leads_to_item(&lines);
    let mut starts = vec![0];
    // Whether the last line that is not white space or a comment is a preamble line, or in
    // doubt (inside a « text »): a preamble reaches its item over blank lines and comments.
    let mut after_preamble = false;
    for (i, line) in lines.iter().enumerate() {
        let opens = match line.kind {
            Kind::Keyword => true,
            Kind::Preamble { first_column } => first_column && leads[i],
            _ => false,
        };
        if line.start > 0 && opens && !line.after_replace && !after_preamble {
            starts.push(line.start);
        }
        after_preamble = match line.kind {
            Kind::Blank | Kind::OtherSpace | Kind::Comment if line.ends_outside => after_preamble,
            Kind::Keyword | Kind::Other if line.ends_outside => false,
            _ => true,
        };
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().zip(ends).map(|(&a, b)| a..b).collect()
}

/// For each line, whether a preamble starting there reaches an item keyword at the first
/// column through blank and preamble lines only (what `line_start_item` accepts).
fn leads_to_item(lines: &[Line]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut reaches = false;
    for (i, line) in lines.iter().enumerate().rev() {
        reaches = line.ends_outside
            && match line.kind {
                Kind::Keyword => true,
                Kind::Blank | Kind::Preamble { .. } => reaches,
                _ => false,
            };
        out[i] = reaches;
    }
    out
}

/// Where the line of the last character of `text` that is not a blank or a line break stops
/// (before its line break): where `recovery` stops before the item that follows.
pub(super) fn end_of_last_line(text: &str) -> usize {
    let content = text.trim_end_matches([' ', '\t', '\r', '\n']).len();
    let spaces = text[content..]
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    content + spaces
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Only spaces and tabs: a blank line for the grammar's `line_start_item`.
    Blank,
    /// Only white space, some of it not a space or a tab (no-break spaces).
    OtherSpace,
    /// A comment (`#`, not `##`), possibly indented.
    Comment,
    /// A doc line (`##`) or a citation (`§`), possibly indented.
    Preamble {
        first_column: bool,
    },
    /// An item keyword at the first column.
    Keyword,
    /// A line that starts inside a « text ».
    InText,
    Other,
}

struct Line {
    start: usize,
    kind: Kind,
    /// Whether it ends outside any « text ».
    ends_outside: bool,
    /// Whether the last token before the line (comments aside) is the word `remplace`.
    after_replace: bool,
}

/// Each line of the text, with what the cuts need to know.
fn scan(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut in_text = false;
    let mut last_is_replace = false;
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let kind = if in_text { Kind::InText } else { kind_of(raw) };
        let after_replace = last_is_replace;
        (in_text, last_is_replace) = lex(raw, in_text, last_is_replace);
        out.push(Line {
            start,
            kind,
            ends_outside: !in_text,
            after_replace,
        });
        start += raw.len();
    }
    out
}

fn kind_of(line: &str) -> Kind {
    let body = line.trim_end_matches(['\n', '\r']);
    if body.chars().all(|c| c == ' ' || c == '\t' || c == '\r') {
        return Kind::Blank;
    }
    let trimmed = body.trim_start_matches([' ', '\t', '\r', '\u{A0}', '\u{202F}']);
    if trimmed.is_empty() {
        return Kind::OtherSpace;
    }
    if trimmed.starts_with("##") || trimmed.starts_with('§') {
        return Kind::Preamble {
            first_column: trimmed.len() == body.len(),
        };
    }
    if trimmed.starts_with('#') {
        return Kind::Comment;
    }
    if trimmed.len() == body.len() && starts_with_item_keyword(body) {
        return Kind::Keyword;
    }
    Kind::Other
}

/// An item keyword of the grammar (`item_keyword`), followed by a character that cannot
/// continue a name.
fn starts_with_item_keyword(line: &str) -> bool {
    super::keywords::ITEM_KEYWORDS.iter().any(|k| {
        line.strip_prefix(k)
            .is_some_and(|rest| !rest.chars().next().is_some_and(is_name_char))
    })
}

fn is_name_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Reads one line's tokens as far as the cuts care: whether it ends inside a « text », and
/// whether its last token (comments aside) is the word `remplace`.
fn lex(line: &str, mut in_text: bool, mut last_is_replace: bool) -> (bool, bool) {
    let mut rest = line;
    loop {
        if in_text {
            let Some(i) = rest.find('»') else {
                return (true, last_is_replace);
            };
            rest = &rest[i + '»'.len_utf8()..];
            in_text = false;
            last_is_replace = false;
            continue;
        }
        // Code, up to the next comment, text or quote.
        let stop = next_special(rest);
        let code = &rest[..stop.unwrap_or(rest.len())];
        if let Some(last) = last_token(code) {
            last_is_replace = last == "remplace";
        }
        let Some(i) = stop else {
            return (false, last_is_replace);
        };
        match rest[i..].chars().next() {
            Some('«') => {
                rest = &rest[i + '«'.len_utf8()..];
                in_text = true;
                last_is_replace = false;
            }
            Some('"') => {
                // A quoted text stops at its quote or at the end of its line.
                let after = &rest[i + 1..];
                let Some(j) = after.find(['"', '\n', '\r']) else {
                    return (false, false);
                };
                rest = &after[j + 1..];
                last_is_replace = false;
            }
            // A comment or a doc line: the rest of the line.
            _ => return (false, last_is_replace),
        }
    }
}

/// Where the next `#`, `«` or `"` is: a byte search, the three being rare (`«` is the only
/// character whose UTF-8 form is 0xC2 0xAB).
fn next_special(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    b.iter().enumerate().find_map(|(i, &c)| match c {
        b'#' | b'"' => Some(i),
        0xC2 if b.get(i + 1) == Some(&0xAB) => Some(i),
        _ => None,
    })
}

/// The last token of a piece of code: a name, or "" for a sign; `None` if it is blank.
fn last_token(code: &str) -> Option<&str> {
    let code = code.trim_end();
    let last = code.chars().next_back()?;
    if !is_name_char(last) {
        return Some("");
    }
    let start = code
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(0, |(i, _)| i);
    Some(&code[start..])
}
