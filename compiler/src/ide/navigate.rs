//! What is under the cursor and where it is defined: definitions, references in bodies, type names, structure fields, values in `selon` arms and imports.

use crate::check::check_item;
use crate::check::scope::{file_defs, module_scope, DefKind, Lookup};
use crate::db::{item_ast, item_names, parse_file, Db, ItemKey, SourceFile};
use crate::syntax::ast::{ItemKind, Span};
use crate::types::{DefRef, TExpr, TKind};

use super::references::{selon_arm_names, type_names};

/// A definition and the span of its name (file-absolute).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub def: DefRef,
    pub kind: DefKind,
    pub name_span: Span,
    /// For a value of an enumeration: its index (`def` is then the enumeration).
    pub variant: Option<u32>,
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
        variant: None,
    })
}

/// Where a value of an enumeration is written.
pub fn variant_target(db: &dyn Db, enum_def: &DefRef, index: u32) -> Option<Target> {
    let key = ItemKey::new(db, enum_def.file, &*enum_def.name);
    let item = item_ast(db, key)?;
    let ItemKind::Enum(e) = &item.kind else {
        return None;
    };
    let v = e.variants.get(index as usize)?;
    let offset = crate::db::item_offset(db, enum_def.file, &enum_def.name);
    Some(Target {
        def: enum_def.clone(),
        kind: DefKind::Enum,
        name_span: v.name.span.shift(offset),
        variant: Some(index),
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
        // A type name written in an annotation (`entrée essai : Essai`).
        for n in type_names(&pi.item.kind) {
            if n.span.contains(local) {
                if let Lookup::Found(b) = module_scope(db, file).lookup(&n.text) {
                    return target(db, &b.def).map(|t| (t, n.span.shift(pi.offset)));
                }
            }
        }
        // A reference inside the body.
        let checked = check_item(db, ItemKey::new(db, file, key_name.as_str()));
        let mut found: Option<(DefRef, Span, Option<u32>)> = None;
        checked.visit_exprs(&mut |e| find_ref(e, local, &mut found));
        return match found? {
            (def, span, Some(i)) => variant_target(db, &def, i).map(|t| (t, span.shift(pi.offset))),
            (def, span, None) => target(db, &def).map(|t| (t, span.shift(pi.offset))),
        };
    }
    None
}

/// The innermost reference (rule, input, table, enum type of a variant) whose span holds
/// `offset`.
fn find_ref(e: &TExpr, offset: u32, found: &mut Option<(DefRef, Span, Option<u32>)>) {
    if !e.span.contains(offset) {
        return;
    }
    match &e.kind {
        TKind::Ref(d) => *found = Some((d.clone(), e.span, None)),
        TKind::Variant(d, i) => *found = Some((d.clone(), e.span, Some(*i))),
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
                    None,
                ));
            }
        }
        _ => {}
    }
    e.visit_children(&mut |c| find_ref(c, offset, found));
}

/// Where « go to definition » leads from `offset`: `(file, span there, span of what is under
/// the cursor)`. Definitions and references, type names, structure fields, values named in
/// `selon` arms, and imports.
pub fn navigate_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<(SourceFile, Span, Span)> {
    if let Some((t, origin)) = definition_at(db, file, offset) {
        return Some((t.def.file, t.name_span, origin));
    }
    let scope = module_scope(db, file);
    let (pi, key, local) = item_at(db, file, offset)?;
    // An import: the module's file.
    if let ItemKind::Import(imp) = &pi.item.kind {
        if imp.span.contains(local) {
            let i = file_defs(db, file)
                .imports
                .iter()
                .position(|p| *p == imp.path)?;
            let target = (*crate::check::scope::resolved_imports(db, file).get(i)?)?;
            return Some((target, Span::default(), imp.span.shift(pi.offset)));
        }
    }
    // A type name.
    for n in type_names(&pi.item.kind) {
        if n.span.contains(local) {
            if let Lookup::Found(b) = scope.lookup(&n.text) {
                let t = target(db, &b.def)?;
                return Some((t.def.file, t.name_span, n.span.shift(pi.offset)));
            }
        }
    }
    // A structure field: `demandeur.type`.
    let checked = check_item(db, key);
    let mut found = None;
    checked.visit_exprs(&mut |e| find_field(e, local, &mut found));
    let Some((def, index, origin)) = found else {
        // A value named in a `selon` arm.
        let mut arm = None;
        checked.visit_exprs(&mut |e| {
            selon_arm_names(e, &mut |d, i, span| {
                if span.contains(local) {
                    arm = Some((d.clone(), i, span));
                }
            })
        });
        let (d, i, span) = arm?;
        let t = variant_target(db, &d, i)?;
        return Some((t.def.file, t.name_span, span.shift(pi.offset)));
    };
    let key = ItemKey::new(db, def.file, &*def.name);
    let item = item_ast(db, key)?;
    let ItemKind::Struct(s) = &item.kind else {
        return None;
    };
    let field = s.fields.get(index as usize)?;
    let offset_there = crate::db::item_offset(db, def.file, &def.name);
    Some((
        def.file,
        field.name.span.shift(offset_there),
        origin.shift(pi.offset),
    ))
}

/// The innermost field access whose field name holds `offset`: the structure, the field's
/// index, and the span of the field name.
pub(super) fn find_field(e: &TExpr, offset: u32, found: &mut Option<(DefRef, u32, Span)>) {
    if !e.span.contains(offset) {
        return;
    }
    if let TKind::Field(base, index) = &e.kind {
        if let crate::types::Ty::Struct(d) = &base.ty {
            // The field name ends the expression: `base.nom`.
            let name_start = base.span.end + 1;
            if offset >= name_start {
                *found = Some((
                    d.clone(),
                    *index,
                    Span {
                        start: name_start,
                        end: e.span.end,
                    },
                ));
            }
        }
    }
    e.visit_children(&mut |c| find_field(c, offset, found));
}

/// The item of `file` under `offset`: the item, its key, and the offset within it.
pub(super) fn item_at<'db>(
    db: &'db dyn Db,
    file: SourceFile,
    offset: u32,
) -> Option<(&'db crate::syntax::ParsedItem, ItemKey<'db>, u32)> {
    let parsed = parse_file(db, file);
    let index = parsed
        .items
        .iter()
        .position(|pi| offset >= pi.offset && pi.item.span.contains(offset - pi.offset))?;
    let pi = &parsed.items[index];
    let key = ItemKey::new(db, file, item_names(db, file)[index].as_str());
    Some((pi, key, offset - pi.offset))
}
