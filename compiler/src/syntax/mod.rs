//! Parsing: source text to items with item-relative spans, never failing.
//!
//! The pest grammar recovers at item boundaries: a chunk that is not a valid item is kept as
//! a `recovery` node up to the next line that starts an item, and is re-parsed on its own to
//! report a precise, French message. A file with three independent mistakes thus gets three
//! diagnostics and a tree holding every other item.

pub mod ast;
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

/// Parses a whole file. Never fails: errors are returned beside the items that did parse.
pub fn parse(text: &str) -> ParsedFile {
    let mut out = ParsedFile::default();
    // pest stops at a fixed share of the thread's stack; give it a roomy one wherever it
    // runs (an editor's worker thread has little), so that nesting is reported by lowering
    // with its precise message.
    let parsed = stacker::maybe_grow(16 << 20, 64 << 20, || PolParser::parse(Rule::file, text));
    let pairs = match parsed {
        Ok(mut pairs) => pairs.next().map(|p| p.into_inner()),
        Err(e) => {
            // Only pest's own limits (stack depth) can make `file` fail, since `recovery`
            // accepts anything.
            out.errors.push(errors::from_pest(&e, text, 0, text.len()));
            return out;
        }
    };
    // Where the previous item started and where its last token ended.
    let mut previous: Option<(usize, usize)> = None;
    for pair in pairs.into_iter().flatten() {
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
                        let word_end = text[offset..]
                            .find(|c: char| c.is_whitespace())
                            .map_or(text.len(), |i| offset + i);
                        out.errors.push(
                            Diagnostic::error(
                                crate::diagnostics::codes::SYNTAX,
                                "cet élément doit commencer au début d'une ligne",
                                Span::new(offset, word_end),
                            )
                            .with_label("sur la ligne de l'élément précédent")
                            .with_help("passez à la ligne avant ce mot-clé"),
                        );
                    }
                }
                let (item, errs) = lower::item(pair);
                out.errors
                    .extend(errs.into_iter().map(|d| d.shifted(offset as u32)));
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
                let end = pair.as_span().end();
                // Garbage on the line where the previous item ended belongs to that item
                // (`règle a = b ×`): re-parse them together, for the real message.
                let glued = previous.filter(|(_, prev_end)| {
                    text.get(*prev_end..start)
                        .is_some_and(|gap| !gap.contains('\n'))
                });
                let chunk_start = match glued {
                    Some((prev_start, _)) => {
                        out.items.pop();
                        prev_start
                    }
                    None => start,
                };
                let chunk = &text[chunk_start..end];
                out.errors
                    .push(reparse_for_message(chunk, text, chunk_start));
                if let Some(b) = broken_definition(chunk) {
                    out.broken.push(b);
                }
                previous = None;
            }
            _ => {}
        }
    }
    out
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
