//! The compiler's own diagnostic type, and its rendering with miette.
//!
//! Every diagnostic has a stable code (`pol::type::unités`…), a French message, a primary
//! span with a label, optional secondary labels and an optional help line. Spans are byte
//! offsets into one file's (NFC-normalised) text; converting them to editor positions is the
//! language server's business.

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
    pub fn to_json(&self, file: &str, text: &str) -> serde_json::Value {
        let (line, col) = line_col(text, self.primary.span.start as usize);
        serde_json::json!({
            "fichier": file,
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
    pub fn new(diagnostic: Diagnostic, path: &str, text: &str) -> Report {
        let long = std::iter::once(&diagnostic.primary)
            .chain(&diagnostic.labels)
            .any(|l| {
                line_around(text, l.span.start as usize).chars().count() > LONGEST_QUOTED_LINE
            });
        let mut diagnostic = diagnostic;
        if long {
            let (line, col) = line_col(text, diagnostic.primary.span.start as usize);
            diagnostic.message = format!(
                "{} ({path}:{line}:{col} ; ligne trop longue pour être citée)",
                diagnostic.message
            );
        }
        Report {
            diagnostic,
            source: Arc::new(Source {
                name: path.to_string(),
                text: text.to_string(),
            }),
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

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A file's text for miette, whose `fichier:ligne:colonne` counts columns in characters
/// (miette counts bytes, so every accent before the mistake would shift it).
pub struct Source {
    name: String,
    text: String,
}

impl miette::SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let start = inner.span().offset();
        let line_start = start.saturating_sub(inner.column());
        let column = self
            .text
            .get(line_start..start)
            .map_or(inner.column(), |s| s.chars().count());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
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

/// "voulez-vous dire …" suggestions: the closest candidate by edit distance, if close enough.
/// Candidates whose length alone puts them too far are not compared, and a comparison stops
/// as soon as it cannot come close enough: many unknown names among many candidates (a
/// dossier's mistyped fields, a policy full of typos) stay cheap.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let wanted_l: Vec<char> = wanted.to_lowercase().chars().collect();
    let len = wanted.chars().count();
    let limit = (len.max(3) / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut other: Vec<char> = Vec::new();
    for c in candidates {
        if best.is_some_and(|(bd, _)| bd == 0) {
            break;
        }
        other.clear();
        other.extend(c.to_lowercase().chars());
        // Only a closer candidate than the best so far can replace it.
        let within = best.map_or(limit, |(bd, _)| bd.saturating_sub(1).min(limit));
        if other.len().abs_diff(wanted_l.len()) > within {
            continue;
        }
        let Some(d) = edit_distance_within(&wanted_l, &other, within) else {
            continue;
        };
        // A one-letter name is not « close » to every other one-letter name.
        if d < len || d == 0 {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// Edits between two words, a swap of two neighbouring letters counting as one (`mni` is
/// one edit from `min`), as typing mistakes go; `None` if more than `limit`.
fn edit_distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    // Three rows: two back (for swaps), one back, current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        // Every later row is at least the smallest of this one and the one before (a swap
        // reaches back two rows).
        if cur.iter().chain(prev.iter()).all(|&d| d > limit) {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["taux_de_base", "plafond", "aide"];
        assert_eq!(
            suggest("taux_de_bas", names).as_deref(),
            Some("taux_de_base")
        );
        assert_eq!(suggest("plafon", names).as_deref(), Some("plafond"));
        assert_eq!(suggest("zzz", names), None);
    }

    #[test]
    fn swaps_count_as_one_edit_and_single_letters_are_not_close() {
        assert_eq!(suggest("mni", ["min", "max"]).as_deref(), Some("min"));
        assert_eq!(suggest("x", ["c", "aide"]), None);
        assert_eq!(suggest("Vrai", ["vrai", "faux"]).as_deref(), Some("vrai"));
    }

    #[test]
    fn accents_count_as_one_edit() {
        assert_eq!(
            suggest("bonifiee", ["bonifiée"]).as_deref(),
            Some("bonifiée")
        );
    }

    /// The plain dynamic programme, without bounds: what `suggest` must agree with.
    fn reference(wanted: &str, candidates: &[&str]) -> Option<String> {
        fn distance(a: &str, b: &str) -> usize {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in d.iter_mut().enumerate() {
                row[0] = i;
            }
            d[0] = (0..=b.len()).collect();
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    d[i][j] = (d[i - 1][j] + 1)
                        .min(d[i][j - 1] + 1)
                        .min(d[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                    }
                }
            }
            d[a.len()][b.len()]
        }
        let len = wanted.chars().count();
        let limit = (len.max(3) / 3).max(1);
        let mut best: Option<(usize, &str)> = None;
        for c in candidates {
            let d = distance(&wanted.to_lowercase(), &c.to_lowercase());
            if d <= limit && (d < len || d == 0) && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c.to_string())
    }

    #[test]
    fn bounded_suggestions_agree_with_the_plain_distance() {
        let names = [
            "montant",
            "Montant",
            "montants",
            "plafond",
            "plafond_cuma",
            "aide",
            "aides",
            "taux_de_base",
            "taux",
            "bonifiée",
            "bonifie",
            "dépenses",
            "dépense",
            "objectif",
            "x",
            "xy",
            "superficie_cultivée",
            "superficie_en_cultures_annuelles",
            "min",
            "max",
        ];
        let mut wanted: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        for n in names {
            let chars: Vec<char> = n.chars().collect();
            for i in 0..chars.len() {
                let mut dropped = chars.clone();
                dropped.remove(i);
                wanted.push(dropped.into_iter().collect());
                let mut swapped = chars.clone();
                if i + 1 < chars.len() {
                    swapped.swap(i, i + 1);
                    wanted.push(swapped.into_iter().collect());
                }
                let mut doubled = chars.clone();
                doubled.insert(i, 'z');
                doubled.insert(0, 'q');
                wanted.push(doubled.into_iter().collect());
            }
        }
        for w in &wanted {
            assert_eq!(suggest(w, names), reference(w, &names), "{w}");
        }
    }
}
