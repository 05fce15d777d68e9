//! Every place a definition, a value of an enumeration or a structure field is written, and why a rename is refused.

use crate::check::check_item;
use crate::check::scope::{module_scope, Lookup};
use crate::db::{item_ast, item_names, parse_file, Db, ItemKey, SourceFile};
use crate::syntax::ast::{ItemKind, Span};
use crate::types::{DefRef, TExpr, TKind};

use super::navigate::{definition_at, find_field, target};

/// Every place a definition is written or used, in every policy file (file-absolute spans),
/// its own name first.
pub fn references(db: &dyn Db, def: &DefRef, files: &[SourceFile]) -> Vec<(SourceFile, Span)> {
    let mut out = Vec::new();
    if let Some(t) = target(db, def) {
        out.push((def.file, t.name_span));
    }
    for &file in files {
        let scope = module_scope(db, file);
        let resolves = |name: &str| matches!(scope.lookup(name), Lookup::Found(b) if b.def == *def);
        let parsed = parse_file(db, file);
        let names = item_names(db, file);
        for (pi, key_name) in parsed.items.iter().zip(names) {
            let mut spans: Vec<Span> = Vec::new();
            // Names written in the item's own syntax.
            match &pi.item.kind {
                ItemKind::Exception(e) if resolves(&e.target.text) => spans.push(e.target.span),
                ItemKind::Decision(d) => {
                    if let crate::syntax::ast::DecisionBody::Listed(ns) = &d.body {
                        spans.extend(ns.iter().filter(|n| resolves(&n.text)).map(|n| n.span));
                    }
                }
                ItemKind::Programme(p) => spans.extend(
                    p.outputs
                        .iter()
                        .filter(|n| resolves(&n.text))
                        .map(|n| n.span),
                ),
                _ => {}
            }
            for t in type_names(&pi.item.kind) {
                if resolves(&t.text) {
                    spans.push(t.span);
                }
            }
            // References the checker resolved.
            let checked = check_item(db, ItemKey::new(db, file, key_name.as_str()));
            checked.visit_exprs(&mut |e| collect_refs(e, def, &mut spans));
            // A `remplace` of this definition is a reference too.
            if pi.item.replaces {
                if let Some(n) = pi.item.kind.defined_name() {
                    if file != def.file && resolves(&n.text) {
                        spans.push(n.span);
                    }
                }
            }
            for s in spans {
                let abs = s.shift(pi.offset);
                if !out.contains(&(file, abs)) {
                    out.push((file, abs));
                }
            }
        }
    }
    out
}

fn collect_refs(e: &TExpr, def: &DefRef, out: &mut Vec<Span>) {
    match &e.kind {
        TKind::Ref(d) if d == def => out.push(e.span),
        TKind::Table(d, _) if d == def => out.push(Span {
            start: e.span.start,
            end: e.span.start + d.name.len() as u32,
        }),
        _ => {}
    }
    e.visit_children(&mut |c| collect_refs(c, def, out));
}

/// The type names written in an item (for renaming enumerations and structures).
pub(super) fn type_names(kind: &ItemKind) -> Vec<&crate::syntax::ast::Name> {
    use crate::syntax::ast::TypeExpr;
    fn walk<'a>(t: &'a TypeExpr, out: &mut Vec<&'a crate::syntax::ast::Name>) {
        match t {
            TypeExpr::Named(n) => out.push(n),
            TypeExpr::List(inner, _) => walk(inner, out),
            TypeExpr::Unit(..) => {}
        }
    }
    let mut out = Vec::new();
    match kind {
        ItemKind::Struct(s) => s.fields.iter().for_each(|f| walk(&f.ty, &mut out)),
        ItemKind::Input(i) => walk(&i.ty, &mut out),
        ItemKind::Rule(r) => {
            if let Some(t) = &r.ty {
                walk(t, &mut out)
            }
        }
        ItemKind::Table(t) => {
            t.params.iter().for_each(|(_, ty)| walk(ty, &mut out));
            walk(&t.ty, &mut out);
        }
        _ => {}
    }
    out
}

/// Why a rename is refused, in French; `None` if `new_name` is acceptable for `def` in every
/// file that sees it.
pub fn rename_problem(
    db: &dyn Db,
    def: &DefRef,
    new_name: &str,
    files: &[SourceFile],
) -> Option<String> {
    if new_name == &*def.name {
        return None;
    }
    let parsed = crate::syntax::parse(&format!("règle {new_name} = 1"));
    let valid = parsed.errors.is_empty()
        && parsed.items.len() == 1
        && parsed.items[0]
            .item
            .kind
            .defined_name()
            .is_some_and(|n| n.text == new_name);
    if !valid {
        return Some(format!("« {new_name} » n'est pas un nom valide (lettres, chiffres et _, sans mot-clé comme « si » ou « règle »)"));
    }
    if let Some(what) = builtin_name(new_name) {
        return Some(format!(
            "« {new_name} » est {what} de pol : un nom de la politique le masquerait ; choisissez-en un autre"
        ));
    }
    for &file in files {
        let scope = module_scope(db, file);
        let sees_def = matches!(scope.lookup(&def.name), Lookup::Found(b) if b.def == *def);
        if (sees_def || file == def.file) && scope.names.contains_key(new_name) {
            return Some(format!(
                "« {new_name} » est déjà défini et visible dans {} : le renommage créerait un conflit",
                file.path(db).display()
            ));
        }
    }
    None
}

/// What a name is when pol itself defines it (a function, a type, a unit, the evaluation
/// date), in words for a refusal.
fn builtin_name(name: &str) -> Option<&'static str> {
    if crate::types::Builtin::from_name(name).is_some() {
        Some("une fonction")
    } else if crate::check::BUILTIN_TYPES.contains(&name) {
        Some("un type")
    } else if name == crate::check::expr::EVAL_DATE {
        Some("une valeur")
    } else if crate::units::Unit::atom(name).is_some() {
        Some("une unité")
    } else {
        None
    }
}

/// What « find references » looks for: a definition, a value of an enumeration, or a field of
/// a structure (by index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Referenced {
    Def(DefRef),
    Variant(DefRef, u32),
    Field(DefRef, u32),
    /// A module, named on an `importer` line.
    Module(SourceFile),
}

/// What is referenced at `offset`: a name, a value of an enumeration (in an expression, a
/// `selon` arm or its declaration) or a structure field (in an access or its declaration).
pub fn referenced_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<Referenced> {
    if let Some((t, _)) = definition_at(db, file, offset) {
        return Some(match t.variant {
            Some(i) => Referenced::Variant(t.def, i),
            None => Referenced::Def(t.def),
        });
    }
    let (pi, key, local) = super::navigate::item_at(db, file, offset)?;
    let own = |n: &crate::syntax::ast::Name| DefRef {
        file,
        name: n.text.as_str().into(),
    };
    match &pi.item.kind {
        ItemKind::Import(imp) => {
            return imported_module(db, file, &imp.path).map(Referenced::Module);
        }
        ItemKind::Enum(e) => {
            if let Some(i) = e.variants.iter().position(|v| v.name.span.contains(local)) {
                return Some(Referenced::Variant(own(&e.name), i as u32));
            }
        }
        ItemKind::Struct(s) => {
            if let Some(i) = s.fields.iter().position(|f| f.name.span.contains(local)) {
                return Some(Referenced::Field(own(&s.name), i as u32));
            }
        }
        _ => {}
    }
    let checked = check_item(db, key);
    let mut field = None;
    checked.visit_exprs(&mut |e| find_field(e, local, &mut field));
    if let Some((def, i, _)) = field {
        return Some(Referenced::Field(def, i));
    }
    let mut arm = None;
    checked.visit_exprs(&mut |e| {
        selon_arm_names(e, &mut |d, i, span| {
            if span.contains(local) {
                arm = Some(Referenced::Variant(d.clone(), i));
            }
        })
    });
    arm
}

/// Every place `what` appears in `files`, its declaration first.
pub fn references_to(
    db: &dyn Db,
    what: &Referenced,
    files: &[SourceFile],
) -> Vec<(SourceFile, Span)> {
    let (def, index, is_variant) = match what {
        Referenced::Def(d) => return references(db, d, files),
        Referenced::Module(m) => return module_imports(db, *m, files),
        Referenced::Variant(d, i) => (d, *i, true),
        Referenced::Field(d, i) => (d, *i, false),
    };
    let mut out = Vec::new();
    let key = ItemKey::new(db, def.file, &*def.name);
    let offset = crate::db::item_offset(db, def.file, &def.name);
    match item_ast(db, key).map(|i| i.kind.clone()) {
        Some(ItemKind::Enum(e)) if is_variant => {
            if let Some(v) = e.variants.get(index as usize) {
                out.push((def.file, v.name.span.shift(offset)));
            }
        }
        Some(ItemKind::Struct(s)) if !is_variant => {
            if let Some(f) = s.fields.get(index as usize) {
                out.push((def.file, f.name.span.shift(offset)));
            }
        }
        _ => return out,
    }
    for &file in files {
        let parsed = parse_file(db, file);
        let names = item_names(db, file);
        for (pi, key_name) in parsed.items.iter().zip(names) {
            let checked = check_item(db, ItemKey::new(db, file, key_name.as_str()));
            let mut spans: Vec<Span> = Vec::new();
            checked.visit_exprs(&mut |e| {
                if is_variant {
                    collect_variants(e, def, index, &mut spans);
                    selon_arm_names(e, &mut |d, i, span| {
                        if d == def && i == index {
                            spans.push(span);
                        }
                    });
                } else {
                    collect_fields(e, def, index, &mut spans);
                }
            });
            for s in spans {
                let abs = s.shift(pi.offset);
                if !out.contains(&(file, abs)) {
                    out.push((file, abs));
                }
            }
        }
    }
    out
}

/// The file an `importer` line of `file` names, if it is found.
pub(super) fn imported_module(
    db: &dyn Db,
    file: SourceFile,
    path: &[String],
) -> Option<SourceFile> {
    let i = crate::check::scope::file_defs(db, file)
        .imports
        .iter()
        .position(|p| p == path)?;
    *crate::check::scope::resolved_imports(db, file).get(i)?
}

/// A module's file (its start, as the declaration), then every `importer` line of `files`
/// that names it.
fn module_imports(
    db: &dyn Db,
    module: SourceFile,
    files: &[SourceFile],
) -> Vec<(SourceFile, Span)> {
    let mut out = vec![(module, Span::default())];
    for &file in files {
        let parsed = parse_file(db, file);
        for pi in &parsed.items {
            if let ItemKind::Import(imp) = &pi.item.kind {
                if imported_module(db, file, &imp.path) == Some(module) {
                    out.push((file, imp.span.shift(pi.offset)));
                }
            }
        }
    }
    out
}

fn collect_variants(e: &TExpr, def: &DefRef, index: u32, out: &mut Vec<Span>) {
    if let TKind::Variant(d, i) = &e.kind {
        if d == def && *i == index {
            out.push(e.span);
        }
    }
    e.visit_children(&mut |c| collect_variants(c, def, index, out));
}

fn collect_fields(e: &TExpr, def: &DefRef, index: u32, out: &mut Vec<Span>) {
    if let TKind::Field(base, i) = &e.kind {
        if *i == index && matches!(&base.ty, crate::types::Ty::Struct(d) if d == def) {
            out.push(Span {
                start: base.span.end + 1,
                end: e.span.end,
            });
        }
    }
    e.visit_children(&mut |c| collect_fields(c, def, index, out));
}

/// The value names written in the arms of every `selon` on an enumeration inside `e`: calls
/// `f(enumeration, index, item-local span)`.
pub(super) fn selon_arm_names(e: &TExpr, f: &mut dyn FnMut(&DefRef, u32, Span)) {
    if let TKind::Selon {
        scrutinee, arms, ..
    } = &e.kind
    {
        if let crate::types::Ty::Enum(d) = &scrutinee.ty {
            for (patterns, _) in arms {
                for (i, span) in patterns {
                    f(d, *i, *span);
                }
            }
        }
    }
    e.visit_children(&mut |c| selon_arm_names(c, f));
}
