//! The compiler's own diagnostic type, and its rendering with miette.
//!
//! Every diagnostic has a stable code (`pol::type::unités`…), a French message, a primary
//! span with a label, optional secondary labels and an optional help line. Spans are byte
//! offsets into one file's (NFC-normalised) text; converting them to editor positions is the
//! language server's business.

pub use crate::suggest::suggest;
use std::fmt;
use std::sync::Arc;

use crate::syntax::ast::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// An edit that likely fixes the problem: replace the span with the text (editors offer
    /// it as a quick fix). Spans are relative like every other span of the diagnostic.
    pub fix: Option<(Span, String)>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label {
                span,
                message: String::new(),
            },
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    /// The text under the primary span.
    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// « voulez-vous dire … ? » : the help line, and the quick fix that applies it.
    pub fn with_suggestion(mut self, replacement: impl Into<String>) -> Diagnostic {
        let r = replacement.into();
        self.help = Some(format!("voulez-vous dire « {r} » ?"));
        self.fix = Some((self.primary.span, r));
        self
    }

    pub fn with_fix(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.fix = Some((span, text.into()));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Moves every span by `by` bytes (item-relative to file-absolute).
    pub fn shifted(mut self, by: u32) -> Diagnostic {
        self.primary.span = self.primary.span.shift(by);
        for l in &mut self.labels {
            l.span = l.span.shift(by);
        }
        if let Some((span, _)) = &mut self.fix {
            *span = span.shift(by);
        }
        self
    }

    /// The diagnostic as JSON, as `pol check --format json` lists it: the file as shown,
    /// code, severity, message, byte span, line and column (from 1, in characters), label
    /// and help.
    pub fn to_json(&self, source: &Source) -> serde_json::Value {
        let (line, col) = source.line_col(self.primary.span.start as usize);
        serde_json::json!({
            "fichier": source.name,
            "code": self.code,
            "gravité": if self.is_error() { "erreur" } else { "avertissement" },
            "message": self.message,
            "début": self.primary.span.start,
            "fin": self.primary.span.end,
            "ligne": line,
            "colonne": col,
            "étiquette": self.primary.message,
            "aide": self.help,
        })
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The stable codes, in one place, so that documentation and tests can list them.
pub mod codes {
    pub const SYNTAX: &str = "pol::syntaxe";
    pub const NUMBER: &str = "pol::syntaxe::nombre";
    pub const DATE: &str = "pol::syntaxe::date";
    pub const DEPTH: &str = "pol::syntaxe::imbrication";
    pub const UNKNOWN_NAME: &str = "pol::nom::inconnu";
    pub const UNKNOWN_TYPE: &str = "pol::nom::type_inconnu";
    pub const UNKNOWN_FIELD: &str = "pol::nom::champ_inconnu";
    pub const DUPLICATE: &str = "pol::nom::doublon";
    pub const AMBIGUOUS: &str = "pol::nom::ambigu";
    pub const TYPE_MISMATCH: &str = "pol::type::incompatible";
    pub const UNITS: &str = "pol::type::unités";
    pub const NOT_CALLABLE: &str = "pol::type::appel";
    pub const ARITY: &str = "pol::type::arguments";
    pub const NON_EXHAUSTIVE: &str = "pol::selon::non_exhaustif";
    pub const REDUNDANT_ARM: &str = "pol::selon::cas_répété";
    pub const TABLE: &str = "pol::table";
    pub const CYCLE: &str = "pol::règle::cycle";
    pub const EXCEPTION: &str = "pol::exception";
    pub const EXCEPTION_CONFLICT: &str = "pol::exception::conflit";
    pub const IMPORT_NOT_FOUND: &str = "pol::import::introuvable";
    pub const IMPORT_OUTSIDE: &str = "pol::import::hors_arborescence";
    pub const IMPORT_CYCLE: &str = "pol::import::cycle";
    pub const VERSION: &str = "pol::version";
    pub const PROGRAMME: &str = "pol::programme";
}

/// A diagnostic with the file it belongs to, ready for miette.
pub struct Report {
    pub diagnostic: Diagnostic,
    pub source: Arc<Source>,
    /// Whether the source lines are quoted (not for overlong lines).
    quoted: bool,
}

/// Lines longer than this are not quoted in a report: miette cannot lay them out (its
/// columns stop at 65 535), and nobody reads them in a terminal. The report then names the
/// position in its message instead.
const LONGEST_QUOTED_LINE: usize = 2_000;

impl Report {
    /// One diagnostic of a file read once into `source` (shared by all its reports).
    pub fn new(diagnostic: Diagnostic, source: &Arc<Source>) -> Report {
        let text = source.text.as_str();
        let long = std::iter::once(&diagnostic.primary)
            .chain(&diagnostic.labels)
            .any(|l| {
                line_around(text, l.span.start as usize).chars().count() > LONGEST_QUOTED_LINE
            });
        let mut diagnostic = diagnostic;
        if long {
            let (line, col) = source.line_col(diagnostic.primary.span.start as usize);
            diagnostic.message = format!(
                "{} ({}:{line}:{col} ; ligne trop longue pour être citée)",
                diagnostic.message, source.name
            );
        }
        Report {
            diagnostic,
            source: Arc::clone(source),
            quoted: !long,
        }
    }
}

/// The line that holds byte `offset`.
fn line_around(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text.get(start..end).unwrap_or("")
}

/// A file's text for miette, whose `fichier:ligne:colonne` counts columns in characters
/// (miette counts bytes, so every accent before the mistake would shift it). Its lines are
/// indexed once: miette reads a span by walking the text from its start, which for a file of
/// thousands of diagnostics would walk it thousands of times; it is given the lines around
/// the span only.
pub struct Source {
    name: String,
    text: String,
    /// Where each line starts after the first, lines ending as miette ends them (`\n`,
    /// `\r\n` or a lone `\r`).
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(name: &str, text: &str) -> Source {
        let bytes = text.as_bytes();
        let line_starts = bytes
            .iter()
            .enumerate()
            .filter(|&(i, b)| *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .map(|(i, _)| i + 1)
            .collect();
        Source {
            name: name.to_string(),
            text: text.to_string(),
            line_starts,
        }
    }

    /// The index of the line that holds byte `offset`, from 0.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|s| *s <= offset)
    }

    /// Where line `i` starts.
    fn line_start(&self, i: usize) -> usize {
        i.checked_sub(1)
            .and_then(|i| self.line_starts.get(i).copied())
            .unwrap_or(0)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

impl miette::SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // From a line start far enough before the span, miette finds what it would find from
        // the start of the text; its lines and offsets are then shifted back.
        let first = self
            .line_of(span.offset())
            .saturating_sub(context_lines_before + 1);
        let from = self.line_start(first);
        let window = self
            .text
            .get(from..)
            .ok_or(miette::MietteError::OutOfBounds)?;
        let shifted = miette::SourceSpan::from((span.offset() - from, span.len()));
        let inner = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        let start = inner.span().offset() + from;
        let line_start = start.saturating_sub(inner.column());
        let column = self
            .text
            .get(line_start..start)
            .map_or(inner.column(), |s| s.chars().count());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            miette::SourceSpan::from((start, inner.span().len())),
            inner.line() + first,
            column,
            inner.line_count() + first,
        )))
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.diagnostic, f)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report {}

fn to_miette_label(label: &Label, primary: bool) -> miette::LabeledSpan {
    let text = if label.message.is_empty() {
        None
    } else {
        Some(label.message.clone())
    };
    let span = miette::SourceSpan::from((label.span.start as usize, label.span.len() as usize));
    if primary {
        miette::LabeledSpan::new_primary_with_span(text, span)
    } else {
        miette::LabeledSpan::new_with_span(text, span)
    }
}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.quoted
            .then_some(self.source.as_ref() as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if !self.quoted {
            return None;
        }
        let primary = std::iter::once(to_miette_label(&self.diagnostic.primary, true));
        let others = self
            .diagnostic
            .labels
            .iter()
            .map(|l| to_miette_label(l, false));
        Some(Box::new(primary.chain(others)))
    }
}

/// Renders reports as text. `color` selects ANSI colours (the terminal) or plain text
/// (files, snapshots, CI logs).
pub fn render(reports: &[Report], color: bool) -> String {
    let handler = if color {
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode())
    } else {
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
    }
    .with_width(100)
    .with_links(false);
    let mut out = String::new();
    for r in reports {
        // Writing to a String cannot fail.
        let _ = handler.render_report(&mut out, r);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SourceCode;

    #[test]
    fn a_span_is_read_from_the_lines_around_it_as_miette_reads_it_from_the_start() {
        let text =
            "règle a = 1\nrègle b =\r\n  2 + « é »\rrègle c = 3\n\n# fin\nrègle d = a + b + c\n";
        let source = Source::new("p.pol", text);
        for (start, _) in text.char_indices() {
            for len in [0, 1, 5, 30] {
                for context in 0..4 {
                    let span = miette::SourceSpan::from((start, len));
                    let ours = source.read_span(&span, context, context);
                    let whole = text.read_span(&span, context, context);
                    let (Ok(ours), Ok(whole)) = (ours, whole) else {
                        continue;
                    };
                    let at = (start, len, context);
                    assert_eq!(ours.data(), whole.data(), "{at:?}");
                    assert_eq!(ours.span(), whole.span(), "{at:?}");
                    assert_eq!(ours.line(), whole.line(), "{at:?}");
                    assert_eq!(ours.line_count(), whole.line_count(), "{at:?}");
                    let line_start = whole.span().offset() - whole.column();
                    let chars = text[line_start..whole.span().offset()].chars().count();
                    assert_eq!(ours.column(), chars, "{at:?}");
                }
            }
        }
    }
}
