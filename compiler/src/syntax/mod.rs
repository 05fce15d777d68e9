//! Parsing: source text to items with item-relative spans, never failing.
//!
//! The pest grammar recovers at item boundaries: a chunk that is not a valid item is kept as
//! a `recovery` node up to the next line that starts an item, and is re-parsed on its own to
//! report a precise, French message. A file with three independent mistakes thus gets three
//! diagnostics and a tree holding every other item.

pub mod ast;
pub mod chunks;
pub mod comments;
mod errors;
pub mod keywords;
mod lower;
pub mod tokens;

pub use lower::{parse_number as lower_number, MAX_DEPTH};

use std::sync::Arc;

use pest::Parser;
use unicode_normalization::UnicodeNormalization;

use crate::diagnostics::Diagnostic;
use ast::{Item, Span};

#[derive(pest_derive::Parser)]
#[grammar = "syntax/grammar.pest"]
pub(crate) struct PolParser;

/// One parsed item and where it starts in the file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParsedItem {
    pub offset: u32,
    pub item: Arc<Item>,
}

/// A parsed file: its items in order, and its syntax errors (file-absolute spans).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ParsedFile {
    pub items: Vec<ParsedItem>,
    pub errors: Vec<Diagnostic>,
    /// Definitions that did not parse, as `(keyword, name)`: their names stay known, so that
    /// one syntax error does not also make every use of the name « inconnu ».
    pub broken: Vec<(String, String)>,
}

impl ParsedFile {
    pub fn has_errors(&self) -> bool {
        self.errors.iter().any(Diagnostic::is_error)
    }
}

/// Source text as the compiler sees it: NFC-normalised, so that `é` typed as one code point
/// or as `e` + combining accent is the same identifier.
pub fn normalize(text: &str) -> String {
    // A byte-order mark, as some Windows editors write, is not part of the text.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if unicode_normalization::is_nfc(text) {
        text.to_string()
    } else {
        text.nfc().collect()
    }
}

/// Parses a whole file at once (the compiler parses files by chunks: see `chunks`; both give
/// the same tree and the same messages).
pub fn parse(text: &str) -> ParsedFile {
    assemble(text, &[(0, &parse_chunk(text, false))])
}

/// A piece of a file parsed on its own: its items and their errors, and the spans of what
/// did not parse, whose messages need the whole file's text (`assemble` writes them).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ParsedChunk {
    items: Vec<ParsedItem>,
    /// In source order, with chunk-relative spans.
    errors: Vec<Pending>,
    broken: Vec<(String, String)>,
}

/// An error of a chunk: ready, or a span that did not parse whose message is written with the
/// file's text around it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Pending {
    Ready(Diagnostic),
    /// Text that is not an item (`recovery`), re-parsed alone for a precise message.
    Broken {
        start: u32,
        end: u32,
    },
    /// The chunk, of this length, could not be parsed at all (pest's own limits).
    Unparsed {
        len: u32,
    },
}

/// Runs `f` on a stack roomy enough for pest. pest stops at a fixed share of the thread's
/// stack; give it a roomy one wherever it runs (an editor's worker thread has little), so
/// that nesting is reported by lowering with its precise message. A new stack is costly
/// (64 MiB mapped): a caller parsing many chunks takes one for all of them.
pub fn with_parse_stack<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(16 << 20, 64 << 20, f)
}

/// Parses a piece of a file that starts at the beginning of an item (or of the file), and is
/// `followed` by another (an item starts right after it).
pub fn parse_chunk(text: &str, followed: bool) -> ParsedChunk {
    let mut out = ParsedChunk::default();
    let parsed = with_parse_stack(|| PolParser::parse(Rule::file, text));
    let Ok(mut pairs) = parsed else {
        // Only pest's own limits (stack depth) can make `file` fail, since `recovery`
        // accepts anything.
        out.errors.push(Pending::Unparsed {
            len: text.len() as u32,
        });
        return out;
    };
    // Where the previous item started and where its last token ended.
    let mut previous: Option<(usize, usize)> = None;
    for pair in pairs.next().map(|p| p.into_inner()).into_iter().flatten() {
        match pair.as_rule() {
            Rule::item => {
                let offset = pair.as_span().start();
                // Items start at the beginning of a line (`règle a = 1 règle b = 2` is two
                // mistakes waiting to happen).
                if let Some((_, prev_end)) = previous {
                    if text
                        .get(prev_end..offset)
                        .is_some_and(|gap| !gap.contains('\n'))
                    {
                        out.errors
                            .push(Pending::Ready(not_at_line_start(text, offset)));
                    }
                }
                let (item, errs) = lower::item(pair);
                out.errors.extend(
                    errs.into_iter()
                        .map(|d| Pending::Ready(d.shifted(offset as u32))),
                );
                if let Some(item) = item {
                    previous = Some((offset, offset + item.span.end as usize));
                    out.items.push(ParsedItem {
                        offset: offset as u32,
                        item: Arc::new(item),
                    });
                }
            }
            Rule::recovery => {
                let start = pair.as_span().start();
                let mut end = pair.as_span().end();
                // In the file, `recovery` stops before the next item, at the end of the last
                // line of text before it; in the chunk it runs to the chunk's end.
                if followed && end == text.len() {
                    end = start + chunks::end_of_last_line(&text[start..]);
                }
                // Garbage on the line where the previous item ended belongs to that item
                // (`règle a = b ×`): re-parse them together, for the real message.
                let glued = previous.filter(|(_, prev_end)| {
                    text.get(*prev_end..start)
                        .is_some_and(|gap| !gap.contains('\n'))
                });
                if glued.is_none() && only_doc_lines(&text[start..end]) {
                    out.errors
                        .push(Pending::Ready(doc_without_item(&text[start..end], start)));
                    previous = None;
                    continue;
                }
                let chunk_start = match glued {
                    Some((prev_start, _)) => {
                        out.items.pop();
                        prev_start
                    }
                    None => start,
                };
                out.errors.push(Pending::Broken {
                    start: chunk_start as u32,
                    end: end as u32,
                });
                if let Some(b) = broken_definition(&text[chunk_start..end]) {
                    out.broken.push(b);
                }
                previous = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether a chunk that is no item holds only `##` documentation and `#` comments: the last
/// lines of a file, written before the item they will document.
fn only_doc_lines(chunk: &str) -> bool {
    let mut lines = chunk.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut any_doc = false;
    let all = lines.all(|l| {
        any_doc |= l.starts_with("##");
        l.starts_with('#')
    });
    all && any_doc
}

/// The warning on `##` lines that document no item (a file's last lines).
fn doc_without_item(chunk: &str, start: usize) -> Diagnostic {
    let first = chunk.find("##").unwrap_or(0);
    let line_end = chunk[first..].find('\n').map_or(chunk.len(), |i| first + i);
    Diagnostic::warning(
        crate::diagnostics::codes::SYNTAX,
        "ce commentaire de documentation (##) ne précède aucun élément : il n'apparaîtra nulle part",
        Span::new(start + first, start + line_end),
    )
    .with_label("documentation sans élément")
    .with_help("écrivez en dessous l'élément qu'il documente, ou faites-en un commentaire simple (#)")
}

/// « cet élément doit commencer au début d'une ligne », on the keyword at `offset`.
fn not_at_line_start(text: &str, offset: usize) -> Diagnostic {
    let word_end = text[offset..]
        .find(|c: char| c.is_whitespace())
        .map_or(text.len(), |i| offset + i);
    Diagnostic::error(
        crate::diagnostics::codes::SYNTAX,
        "cet élément doit commencer au début d'une ligne",
        Span::new(offset, word_end),
    )
    .with_label("sur la ligne de l'élément précédent")
    .with_help("passez à la ligne avant ce mot-clé")
}

/// The file made of its chunks, each given with where it starts in `text`; the messages of
/// what did not parse are written here, with the file's text.
pub fn assemble(text: &str, chunks: &[(usize, &ParsedChunk)]) -> ParsedFile {
    let mut out = ParsedFile::default();
    for (base, chunk) in chunks {
        let shift = *base as u32;
        out.items.extend(chunk.items.iter().map(|i| ParsedItem {
            offset: i.offset + shift,
            item: i.item.clone(),
        }));
        for e in &chunk.errors {
            out.errors.push(match e {
                Pending::Ready(d) => d.clone().shifted(shift),
                Pending::Broken { start, end } => {
                    let (start, end) = ((start + shift) as usize, (end + shift) as usize);
                    reparse_for_message(&text[start..end], text, start)
                }
                Pending::Unparsed { len } => unparsed(text, *base, *base + *len as usize),
            });
        }
        out.broken.extend(chunk.broken.iter().cloned());
    }
    out
}

/// The message of a chunk pest could not parse at all.
fn unparsed(text: &str, base: usize, end: usize) -> Diagnostic {
    let piece = &text[base..end];
    match with_parse_stack(|| PolParser::parse(Rule::file, piece)) {
        Err(e) => errors::from_pest(&e, text, base, piece.len()),
        // Unreachable: the same text failed a moment ago.
        Ok(_) => Diagnostic::error(
            crate::diagnostics::codes::SYNTAX,
            "le texte n'a pas pu être analysé",
            Span::new(base, end),
        ),
    }
}

/// The keyword and name a broken chunk was defining, if it says (`règle plafond …`).
fn broken_definition(chunk: &str) -> Option<(String, String)> {
    const KEYWORDS: &[&str] = &[
        "énumération",
        "structure",
        "entrée",
        "règle",
        "condition",
        "décision",
        "table",
    ];
    let line = chunk
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('§'))?;
    // A broken `remplace` defines no new name: the original stays the only one.
    if line.starts_with("remplace ") {
        return None;
    }
    let mut words = line.split(|c: char| !(c.is_alphanumeric() || c == '_'));
    let kw = words.next()?;
    if !KEYWORDS.contains(&kw) {
        return None;
    }
    let name = words.find(|w| !w.is_empty())?;
    Some((kw.to_string(), name.to_string()))
}

/// Re-parses a chunk that failed as an item alone, for a precise message.
fn reparse_for_message(chunk: &str, text: &str, start: usize) -> Diagnostic {
    pest::set_error_detail(true);
    match PolParser::parse(Rule::item_alone, chunk) {
        Err(e) => errors::from_pest(&e, text, start, chunk.len()),
        // The chunk parses alone but not in context: it cannot start where it stands.
        Ok(_) => Diagnostic::error(
            crate::diagnostics::codes::SYNTAX,
            "cet élément doit commencer au début d'une ligne",
            Span::new(start, start + chunk.trim_end().len()),
        )
        .with_label("élément mal placé"),
    }
}

#[cfg(test)]
mod tests;
