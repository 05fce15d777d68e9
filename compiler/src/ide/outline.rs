//! The outline of a file and the inferred types shown inline.

use crate::check::item_type;
use crate::check::scope::{file_defs, DefKind};
use crate::db::{parse_file, Db, ItemKey, SourceFile};
use crate::syntax::ast::{ItemKind, Span};

/// One entry of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: DefKind,
    pub span: Span,
    pub name_span: Span,
}

/// The named definitions of a file, in order (file-absolute spans).
pub fn symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    let parsed = parse_file(db, file);
    // The first definition of each name, as the file's definitions list them.
    let mut kinds: rustc_hash::FxHashMap<&str, DefKind> = Default::default();
    for (d, k, _) in &file_defs(db, file).defs {
        kinds.entry(d.as_str()).or_insert(*k);
    }
    parsed
        .items
        .iter()
        .filter_map(|pi| {
            let n = pi.item.kind.defined_name()?;
            let kind = *kinds.get(n.text.as_str())?;
            Some(Symbol {
                name: n.text.clone(),
                kind,
                span: pi.item.span.shift(pi.offset),
                name_span: n.span.shift(pi.offset),
            })
        })
        .collect()
}

/// Inferred types of rules written without one: `(offset after the name, type)`.
pub fn inlay_types(db: &dyn Db, file: SourceFile) -> Vec<(u32, String)> {
    let parsed = parse_file(db, file);
    parsed
        .items
        .iter()
        .filter_map(|pi| match &pi.item.kind {
            ItemKind::Rule(r) if r.ty.is_none() => {
                let ty = item_type(db, ItemKey::new(db, file, r.name.text.as_str()));
                (!ty.is_error()).then(|| (pi.offset + r.name.span.end, format!(" : {ty}")))
            }
            _ => None,
        })
        .collect()
}
