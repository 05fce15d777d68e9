//! Queries for editors, in the compiler's own terms (byte offsets, spans, definitions): what
//! is under the cursor, where it is defined, what to show on hover, the outline of a file.
//! The language server converts these to LSP types; nothing here knows about LSP.

use crate::check::scope::{file_defs, module_scope, DefKind, Lookup};
use crate::check::{check_item, item_type, CheckedCell, Detail};
use crate::db::{item_ast, item_names, parse_file, Db, ItemKey, SourceFile};
use crate::syntax::ast::{ItemKind, Span};
use crate::types::{DefRef, TExpr, TKind};

/// A definition and the span of its name (file-absolute).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub def: DefRef,
    pub kind: DefKind,
    pub name_span: Span,
}

fn kind_of(db: &dyn Db, def: &DefRef) -> Option<DefKind> {
    file_defs(db, def.file)
        .defs
        .iter()
        .find(|(n, _, _)| **n == *def.name)
        .map(|(_, k, _)| *k)
}

/// Where a definition's name is written.
pub fn target(db: &dyn Db, def: &DefRef) -> Option<Target> {
    let kind = kind_of(db, def)?;
    let parsed = parse_file(db, def.file);
    let names = item_names(db, def.file);
    let i = names.iter().position(|n| **n == *def.name)?;
    let pi = &parsed.items[i];
    let name = pi.item.kind.defined_name()?;
    Some(Target {
        def: def.clone(),
        kind,
        name_span: name.span.shift(pi.offset),
    })
}

/// The definition named or referenced at `offset`, with the span of the name under the cursor.
pub fn definition_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<(Target, Span)> {
    let parsed = parse_file(db, file);
    let names = item_names(db, file);
    for (pi, key_name) in parsed.items.iter().zip(names) {
        let local = offset.checked_sub(pi.offset)?;
        if !pi.item.span.contains(local) {
            continue;
        }
        // The item's own name.
        if let Some(n) = pi.item.kind.defined_name() {
            if n.span.contains(local) {
                let def = DefRef {
                    file,
                    name: n.text.as_str().into(),
                };
                return target(db, &def).map(|t| (t, n.span.shift(pi.offset)));
            }
        }
        // An exception's target.
        if let ItemKind::Exception(e) = &pi.item.kind {
            if e.target.span.contains(local) {
                if let Lookup::Found(b) = module_scope(db, file).lookup(&e.target.text) {
                    return target(db, &b.def).map(|t| (t, e.target.span.shift(pi.offset)));
                }
            }
        }
        // A reference inside the body.
        let checked = check_item(db, ItemKey::new(db, file, key_name.clone()));
        let mut found: Option<(DefRef, Span)> = None;
        let mut visit = |e: &TExpr| find_ref(e, local, &mut found);
        if let Some(b) = &checked.body {
            visit(b);
        }
        match &checked.detail {
            Detail::Exception { condition, .. } => visit(condition),
            Detail::Table { rows } => {
                for r in rows {
                    visit(&r.value);
                    for k in &r.keys {
                        match k {
                            CheckedCell::Eq(e) => visit(e),
                            CheckedCell::Range(a, b) => {
                                visit(a);
                                visit(b);
                            }
                            CheckedCell::Any => {}
                        }
                    }
                }
            }
            _ => {}
        }
        if let Some((def, span)) = found {
            return target(db, &def).map(|t| (t, span.shift(pi.offset)));
        }
        return None;
    }
    None
}

/// The innermost reference (rule, input, table, enum type of a variant) whose span holds
/// `offset`.
fn find_ref(e: &TExpr, offset: u32, found: &mut Option<(DefRef, Span)>) {
    if !e.span.contains(offset) {
        return;
    }
    match &e.kind {
        TKind::Ref(d) => *found = Some((d.clone(), e.span)),
        TKind::Variant(d, _) => *found = Some((d.clone(), e.span)),
        TKind::Table(d, args) => {
            // The table's name is the start of the call.
            let name_end = args.first().map(|a| a.span.start).unwrap_or(e.span.end);
            if offset < name_end {
                *found = Some((
                    d.clone(),
                    Span {
                        start: e.span.start,
                        end: e.span.start + d.name.len() as u32,
                    },
                ));
            }
        }
        _ => {}
    }
    e.visit_children(&mut |c| find_ref(c, offset, found));
}

/// What to show when hovering a definition: its kind, name and type, its documentation and
/// its citations (Markdown).
pub fn hover_text(db: &dyn Db, t: &Target) -> String {
    let key = ItemKey::new(db, t.def.file, t.def.name.to_string());
    let item = item_ast(db, key);
    let ty = match t.kind {
        DefKind::Enum | DefKind::Struct | DefKind::Programme => None,
        _ => Some(item_type(db, key)),
    };
    let noun = match t.kind {
        DefKind::Programme => "programme",
        DefKind::Enum => "énumération",
        DefKind::Struct => "structure",
        DefKind::Input => "entrée",
        DefKind::Rule => "règle",
        DefKind::Condition => "condition",
        DefKind::Decision => "décision",
        DefKind::Table => "table",
    };
    let mut out = match &ty {
        Some(ty) => format!("```pol\n{noun} {} : {ty}\n```", t.def.name),
        None => format!("```pol\n{noun} {}\n```", t.def.name),
    };
    if let Some(item) = item {
        if let ItemKind::Condition(c) = &item.kind {
            out.push_str(&format!("\n\n« {} »", c.reason));
        }
        if !item.docs.is_empty() {
            out.push_str("\n\n");
            out.push_str(&item.docs.join("\n"));
        }
        for c in &item.citations {
            out.push_str(&format!("\n\n§ {c}"));
        }
    }
    out
}

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
    let defs = file_defs(db, file);
    parsed
        .items
        .iter()
        .filter_map(|pi| {
            let n = pi.item.kind.defined_name()?;
            let kind = defs
                .defs
                .iter()
                .find(|(d, _, _)| *d == n.text)
                .map(|(_, k, _)| *k)?;
            Some(Symbol {
                name: n.text.clone(),
                kind,
                span: pi.item.span.shift(pi.offset),
                name_span: n.span.shift(pi.offset),
            })
        })
        .collect()
}
