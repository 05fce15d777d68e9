//! Conversions between the compiler's values and LSP types, and where files live.

use std::path::{Path, PathBuf};

use pol_compiler::check::scope::DefKind;
use pol_compiler::db::STD_PREFIX;
use pol_compiler::diagnostics::{Diagnostic as PolDiagnostic, Severity};
use pol_compiler::ide;
use tower_lsp_server::ls_types::*;

use crate::position::LineIndex;

/// The file a URI names, resolved: the one identity the server keys files by (a workspace
/// reached through a symbolic link holds the same files as the resolved one).
pub(super) fn uri_path(uri: &Uri) -> Option<PathBuf> {
    spelled_path(uri).map(|p| real_path(&p))
}

/// The path of a URI as the editor spells it (not resolved).
pub(super) fn spelled_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

/// A path with its symbolic links resolved; a file not yet on disk is resolved through its
/// folder. Never a Windows verbatim path (`\\?\C:\…`), which editors do not write.
pub(super) fn real_path(p: &Path) -> PathBuf {
    if let Ok(r) = std::fs::canonicalize(p) {
        return plain(r);
    }
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => {
            match std::fs::canonicalize(dir) {
                Ok(d) => plain(d).join(name),
                Err(_) => p.to_path_buf(),
            }
        }
        _ => p.to_path_buf(),
    }
}

/// Strips the verbatim prefix Windows' canonicalization adds (`\\?\C:\` → `C:\`,
/// `\\?\UNC\server\…` → `\\server\…`).
fn plain(p: PathBuf) -> PathBuf {
    let Some(s) = p.to_str() else { return p };
    if let Some(rest) = s.strip_prefix(r"\\?\UNC\") {
        return PathBuf::from(format!(r"\\{rest}"));
    }
    match s.strip_prefix(r"\\?\") {
        Some(rest) if rest.as_bytes().get(1) == Some(&b':') => PathBuf::from(rest),
        _ => p,
    }
}

/// How the editor spells the files' URIs: the server keys files by their resolved path and
/// answers with the editor's spelling (the URI of an open document as the editor sent it,
/// else the path under the workspace folder as the editor named it).
#[derive(Clone, Default)]
pub(super) struct Spelling {
    /// The workspace folder: resolved, and as the editor named it.
    pub(super) root: Option<(PathBuf, PathBuf)>,
    /// Open documents' URIs as the editor sent them.
    pub(super) uris: std::collections::HashMap<PathBuf, Uri>,
}

impl Spelling {
    /// The editor's URI of a file of the database (or of a resolved path).
    pub(super) fn uri(&self, p: &Path) -> Option<Uri> {
        if let Some(u) = self.uris.get(p) {
            return Some(u.clone());
        }
        if let Ok(rel) = p.strip_prefix(STD_PREFIX) {
            return Uri::from_file_path(std_dir()?.join(rel));
        }
        if let Some((real, spelled)) = &self.root {
            if let Ok(rel) = p.strip_prefix(real) {
                return Uri::from_file_path(spelled.join(rel));
            }
        }
        Uri::from_file_path(p)
    }
}

/// Where the standard library is written for editors to open it: a folder of the user's
/// (their cache folder, else a temporary folder named after them), one per version.
fn std_location() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
        let version = format!("std-{}", env!("CARGO_PKG_VERSION"));
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .and_then(absolute)
            .or_else(|| {
                std::env::var_os("HOME")
                    .and_then(absolute)
                    .map(|h| h.join(".cache"))
            })
            .or_else(|| std::env::var_os("LOCALAPPDATA").and_then(absolute));
        match cache {
            Some(c) => c.join("pol").join(version),
            None => {
                let user = std::env::var("USER")
                    .or_else(|_| std::env::var("USERNAME"))
                    .unwrap_or_else(|_| "utilisateur".into());
                std::env::temp_dir()
                    .join(format!("pol-{user}"))
                    .join(version)
            }
        }
    })
}

/// The standard library, written once to its folder so that editors can open it (its
/// sources are embedded in the binary). The files are read-only: they are not edited there.
pub(super) fn std_dir() -> Option<&'static Path> {
    static DIR: std::sync::OnceLock<Option<&'static Path>> = std::sync::OnceLock::new();
    *DIR.get_or_init(|| {
        let dir = std_location();
        std::fs::create_dir_all(dir).ok()?;
        for (name, text) in pol_compiler::stdlib::FILES {
            let path = dir.join(name);
            if std::fs::read_to_string(&path).is_ok_and(|t| t == *text) {
                continue;
            }
            if let Ok(meta) = std::fs::metadata(&path) {
                let mut perms = meta.permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                perms.set_readonly(false);
                let _ = std::fs::set_permissions(&path, perms);
            }
            std::fs::write(&path, text).ok()?;
            if let Ok(meta) = std::fs::metadata(&path) {
                let mut perms = meta.permissions();
                perms.set_readonly(true);
                let _ = std::fs::set_permissions(&path, perms);
            }
        }
        Some(dir)
    })
}

/// The database's path (under the standard library's prefix) of a document opened from the
/// standard library's folder.
pub(super) fn std_path(path: &Path) -> Option<PathBuf> {
    static REAL: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let real = REAL.get_or_init(|| real_path(std_dir().unwrap_or(std_location())));
    let rel = path
        .strip_prefix(std_location())
        .or_else(|_| path.strip_prefix(real))
        .ok()?;
    Some(Path::new(STD_PREFIX).join(rel))
}

pub(super) fn to_lsp(d: &PolDiagnostic, idx: &LineIndex<'_>, uri: &Uri) -> Diagnostic {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\naide : {h}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: idx.range(l.span.start as usize, l.span.end as usize),
            },
            message: l.message.clone(),
        })
        .collect();
    Diagnostic {
        range: idx.range(d.primary.span.start as usize, d.primary.span.end as usize),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("pol".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// The semantic token types the server uses, in legend order.
pub(super) const LEGEND: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::NUMBER,
    SemanticTokenType::STRING,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::TYPE,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::PROPERTY,
];

pub(super) fn legend_index(h: ide::Highlight) -> u32 {
    use ide::Highlight as H;
    match h {
        H::Keyword => 0,
        H::Number => 1,
        H::Text => 2,
        H::Comment => 3,
        H::Operator => 4,
        H::Module => 5,
        H::Input => 6,
        H::Rule | H::Local => 7,
        H::Table | H::Function => 8,
        H::Type | H::Unit => 9,
        H::Variant => 10,
        H::Field => 11,
    }
}

pub(super) fn symbol_kind(k: DefKind) -> SymbolKind {
    match k {
        DefKind::Programme => SymbolKind::MODULE,
        DefKind::Enum => SymbolKind::ENUM,
        DefKind::Struct => SymbolKind::STRUCT,
        DefKind::Input => SymbolKind::VARIABLE,
        DefKind::Rule => SymbolKind::FUNCTION,
        DefKind::Condition | DefKind::Decision => SymbolKind::BOOLEAN,
        DefKind::Table => SymbolKind::ARRAY,
    }
}
