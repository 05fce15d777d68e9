//! What to show when hovering: a definition (its type, documentation, citations and
//! amendments), a structure field, an import, a built-in type.

use chrono::NaiveDate;

use crate::check::scope::{file_defs, module_scope, DefKind};
use crate::check::{check_item, item_type, struct_info, BUILTIN_TYPES};
use crate::db::{item_ast, Db, ItemKey, SourceFile};
use crate::syntax::ast::{ItemKind, Span};
use crate::types::DefRef;

use super::navigate::{definition_at, find_field, variant_target, Target};
use super::references::{selon_arm_names, type_names};

/// What hovering `offset` shows (Markdown), the span hovered, and the definition hovered if
/// it has a value (for the active dossier's). `rules_date` is the date whose rules are in
/// force (the active dossier's), to say which version of an amended definition applies.
pub fn hover_at(
    db: &dyn Db,
    file: SourceFile,
    offset: u32,
    rules_date: Option<NaiveDate>,
) -> Option<(String, Span, Option<DefRef>)> {
    if let Some((t, span)) = definition_at(db, file, offset) {
        let def = t.variant.is_none().then(|| t.def.clone());
        return Some((hover_text_at(db, &t, rules_date), span, def));
    }
    let (pi, key, local) = super::navigate::item_at(db, file, offset)?;
    let shift = |s: Span| s.shift(pi.offset);
    // An import: the module and where it is.
    if let ItemKind::Import(imp) = &pi.item.kind {
        if imp.span.contains(local) {
            let mut out = format!(
                "```pol
importer {}
```",
                imp.path.join(".")
            );
            let i = file_defs(db, file)
                .imports
                .iter()
                .position(|p| *p == imp.path);
            let resolved = i.and_then(|i| {
                crate::check::scope::resolved_imports(db, file)
                    .get(i)
                    .copied()
                    .flatten()
            });
            match resolved {
                Some(f) => out.push_str(&format!("\n\n{}", shown_path(db, f))),
                None => out.push_str("\n\nmodule introuvable"),
            }
            return Some((out, shift(imp.span), None));
        }
    }
    // A built-in type written in an annotation.
    for n in type_names(&pi.item.kind) {
        if n.span.contains(local) && BUILTIN_TYPES.contains(&n.text.as_str()) {
            let out = format!(
                "```pol
type {}
```

Type prédéfini de pol.",
                n.text
            );
            return Some((out, shift(n.span), None));
        }
    }
    // A value of an enumeration: declared here, or named in a `selon` arm.
    let variant = match &pi.item.kind {
        ItemKind::Enum(e) => e
            .variants
            .iter()
            .position(|v| v.name.span.contains(local))
            .map(|i| {
                let def = DefRef {
                    file,
                    name: e.name.text.as_str().into(),
                };
                (def, i as u32, e.variants[i].name.span)
            }),
        _ => {
            let checked = check_item(db, key);
            let mut arm = None;
            checked.visit_exprs(&mut |e| {
                selon_arm_names(e, &mut |d, i, span| {
                    if span.contains(local) {
                        arm = Some((d.clone(), i, span));
                    }
                })
            });
            arm
        }
    };
    if let Some((def, i, span)) = variant {
        let t = variant_target(db, &def, i)?;
        return Some((hover_text_at(db, &t, rules_date), shift(span), None));
    }
    // A structure field: declared here, or read with `valeur.champ`.
    let (def, field, span) = match &pi.item.kind {
        ItemKind::Struct(s) if s.fields.iter().any(|f| f.name.span.contains(local)) => {
            let i = s.fields.iter().position(|f| f.name.span.contains(local))?;
            let def = DefRef {
                file,
                name: s.name.text.as_str().into(),
            };
            (def, i as u32, s.fields[i].name.span)
        }
        _ => {
            let checked = check_item(db, key);
            let mut found = None;
            checked.visit_exprs(&mut |e| find_field(e, local, &mut found));
            found?
        }
    };
    Some((field_text(db, &def, field)?, shift(span), None))
}

/// A structure field: its name, type and structure, and its documentation.
fn field_text(db: &dyn Db, def: &DefRef, index: u32) -> Option<String> {
    let key = ItemKey::new(db, def.file, &*def.name);
    let info = struct_info(db, key);
    let f = info.fields.get(index as usize)?;
    let mut out = format!(
        "```pol
champ {} : {}
```

Champ de la structure {}",
        f.name, f.ty, def.name
    );
    if let Some(item) = item_ast(db, key) {
        if let ItemKind::Struct(s) = &item.kind {
            if let Some(decl) = s.fields.get(index as usize) {
                if !decl.docs.is_empty() {
                    out.push_str(&format!("\n\n{}", decl.docs.join("\n")));
                }
            }
        }
    }
    Some(out)
}

/// A file as a reader knows it: relative to the policy root, or in the standard library.
fn shown_path(db: &dyn Db, f: SourceFile) -> String {
    let path = f.path(db);
    if let Ok(rel) = path.strip_prefix(crate::db::STD_PREFIX) {
        return format!("bibliothèque standard : {}", rel.display());
    }
    match path.strip_prefix(db.workspace().root(db)) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// What to show when hovering a definition: its kind, name and type, its documentation and
/// its citations (Markdown).
pub fn hover_text(db: &dyn Db, t: &Target) -> String {
    hover_text_at(db, t, None)
}

/// [`hover_text`], saying which version of an amended definition is in force on
/// `rules_date`.
pub fn hover_text_at(db: &dyn Db, t: &Target, rules_date: Option<NaiveDate>) -> String {
    let key = ItemKey::new(db, t.def.file, &*t.def.name);
    let item = item_ast(db, key);
    if let (Some(i), Some(item)) = (t.variant, item.as_ref()) {
        if let ItemKind::Enum(e) = &item.kind {
            if let Some(v) = e.variants.get(i as usize) {
                let mut out = format!("```pol\nvaleur {} de {}\n```", v.name.text, t.def.name);
                if let Some(l) = &v.label {
                    out.push_str(&format!("\n\n« {l} »"));
                }
                if !v.docs.is_empty() {
                    out.push_str(&format!("\n\n{}", v.docs.join("\n")));
                }
                return out;
            }
        }
    }
    let ty = match t.kind {
        DefKind::Enum | DefKind::Struct | DefKind::Programme => None,
        _ => Some(item_type(db, key)),
    };
    let noun = t.kind.word();
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
    // Amendments that replace this definition from a date.
    let mut amendments: Vec<(NaiveDate, SourceFile)> = Vec::new();
    for &f in db.workspace().files(db).values() {
        let defs = file_defs(db, f);
        let Some(date) = defs.version else { continue };
        let replaces_it = defs.defs.iter().any(|(n, _, r)| {
            *r && **n == *t.def.name
                && module_scope(db, f)
                    .names
                    .get(n)
                    .is_some_and(|bs| bs.iter().any(|b| b.def == t.def))
        });
        if replaces_it && f != t.def.file {
            amendments.push((date, f));
        }
    }
    amendments.sort_by_key(|(date, f)| (*date, f.path(db).clone()));
    for (date, f) in &amendments {
        out.push_str(&format!(
            "\n\nRemplacée à partir du {date} ({})",
            shown_path(db, *f)
        ));
        let key = ItemKey::new(db, *f, &*t.def.name);
        if ty.is_some() {
            out.push_str(&format!(" : {}", item_type(db, key)));
        }
        if let Some(item) = item_ast(db, key) {
            for c in &item.citations {
                out.push_str(&format!("\n§ {c}"));
            }
        }
    }
    if let (Some(day), false) = (rules_date, amendments.is_empty()) {
        let in_force = amendments.iter().rev().find(|(d, _)| *d <= day);
        out.push_str(&match in_force {
            Some((d, _)) => {
                format!("\n\n**En vigueur le {day}** (dossier actif) : la version du {d}")
            }
            None => format!("\n\n**En vigueur le {day}** (dossier actif) : la version d'origine"),
        });
    }
    out
}
