//! Checks of the program as it changes over time: the input that dates a dossier (`daté
//! par`), amendments dated outside the program or clashing with each other, and
//! replacements that would change what they replace.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::scope::{file_defs, module_scope, DefKind, Lookup, Scope};
use super::{item_type, table_signature};
use crate::db::{Db, ItemKey, SourceFile};
use crate::diagnostics::{codes, suggest, Diagnostic};
use crate::syntax::ast::{ItemKind, Span};
use crate::types::{DefRef, Ty};

/// The input named by `daté par`: it must be an `entrée` of type `date`.
pub(super) fn dating_input(
    db: &dyn Db,
    scope: &Scope,
    n: &crate::syntax::ast::Name,
    diags: &mut Vec<Diagnostic>,
) -> Option<DefRef> {
    match scope.lookup(&n.text) {
        Lookup::Found(b) if b.kind == DefKind::Input => {
            let ty = item_type(db, ItemKey::new(db, b.def.file, &*b.def.name));
            if ty == Ty::Date || ty.is_error() {
                return Some(b.def.clone());
            }
            diags.push(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!(
                        "« daté par » attend une entrée de type date ; « {} » est de type {ty}",
                        n.text
                    ),
                    n.span,
                )
                .with_label(format!("de type {ty}")),
            );
            None
        }
        Lookup::Found(b) => {
            diags.push(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!(
                        "« daté par » attend une entrée du dossier ; « {} » est {}",
                        n.text,
                        b.kind.noun()
                    ),
                    n.span,
                )
                .with_label("pas une entrée"),
            );
            None
        }
        Lookup::Ambiguous(_) => {
            diags.push(
                Diagnostic::error(
                    codes::AMBIGUOUS,
                    format!(
                        "« {} » est définie dans plusieurs modules importés : laquelle date le dossier ?",
                        n.text
                    ),
                    n.span,
                )
                .with_label("nom ambigu"),
            );
            None
        }
        Lookup::Missing => {
            let inputs = scope
                .names
                .iter()
                .filter(|(_, b)| b.iter().any(|b| b.kind == DefKind::Input))
                .map(|(n, _)| n.as_str());
            let mut d = Diagnostic::error(
                codes::UNKNOWN_NAME,
                format!("l'entrée « {} » est inconnue", n.text),
                n.span,
            )
            .with_label("entrée inconnue");
            if let Some(s) = suggest(&n.text, inputs) {
                d = d.with_suggestion(s);
            }
            diags.push(d);
            None
        }
    }
}

/// The versions of a program that cannot be applied as dated: an amendment dated outside
/// the program's period or not after the version of its entry file (it would replace the
/// rules at dates it does not cover), and two amendments of the same date that replace the
/// same definition (which one applies?). Reported on the `programme` item, naming the files.
pub(super) fn version_problems(
    db: &dyn Db,
    entry: SourceFile,
    p: &crate::syntax::ast::Programme,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let root = db.workspace().root(db).clone();
    let shown = |f: SourceFile| {
        let path = f.path(db);
        path.strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let at = p.period.map_or(p.name.span, |(_, _, s)| s);
    let base = file_defs(db, entry).version;
    if let (Some(b), Some((start, end, _))) = (base, p.period) {
        if b < start || b > end {
            out.push(
                Diagnostic::error(
                    codes::VERSION,
                    format!("la version du programme ({b}) tombe hors de sa période d'application ({start} au {end}) : aucun dossier ne pourrait être évalué"),
                    at,
                )
                .with_label("période du programme"),
            );
        }
    }
    let mut replaced: BTreeMap<(NaiveDate, &str), SourceFile> = BTreeMap::new();
    let files = crate::eval::plan::program_files(db, entry);
    for f in files.iter().skip(1).copied() {
        let fd = file_defs(db, f);
        let Some(date) = fd.version else { continue };
        if let Some((a, b, _)) = p.period {
            if date < a || date > b {
                out.push(
                    Diagnostic::error(
                        codes::VERSION,
                        format!(
                            "la version du {date} de {} tombe hors de la période d'application du programme ({a} au {b})",
                            shown(f)
                        ),
                        at,
                    )
                    .with_label("période du programme"),
                );
            }
        }
        if let Some(base) = base.filter(|b| date <= *b) {
            out.push(
                Diagnostic::error(
                    codes::VERSION,
                    format!(
                        "la version du {date} de {} ne vient pas après la version de base du programme ({base}) : ses remplacements ne s'appliqueraient à aucune date encodée",
                        shown(f)
                    ),
                    p.name.span,
                )
                .with_label("programme"),
            );
        }
        for (name, _, replaces) in &fd.defs {
            if !replaces {
                continue;
            }
            // Twice in one file is reported on that file (« déjà remplacée »).
            if let Some(other) = replaced
                .insert((date, name.as_str()), f)
                .filter(|o| *o != f)
            {
                out.push(
                    Diagnostic::error(
                        codes::VERSION,
                        format!(
                            "« {name} » est remplacée le {date} par deux fichiers, {} et {} : lequel s'applique ?",
                            shown(other),
                            shown(f)
                        ),
                        p.name.span,
                    )
                    .with_label("programme")
                    .with_help("un seul fichier de version remplace une définition à une date donnée"),
                );
            }
        }
    }
    out
}

/// Why `remplace` of `name` in `file` cannot stand for the definition it replaces: it must
/// be the same kind of definition, with the same type (and, for a table, the same keys), or
/// every rule that reads it would compute with a value of another kind from its date on.
pub(super) fn replacement_mismatch(
    db: &dyn Db,
    file: SourceFile,
    kind: &ItemKind,
    name: &crate::syntax::ast::Name,
    abs: Span,
) -> Option<Diagnostic> {
    let original = module_scope(db, file)
        .names
        .get(&name.text)?
        .iter()
        .find(|b| b.def.file != file)?
        .clone();
    let noun = |k: DefKind| match k {
        DefKind::Rule => "une règle",
        DefKind::Condition => "une condition",
        DefKind::Table => "une table",
        DefKind::Input => "une entrée",
        DefKind::Decision => "une décision",
        _ => "une définition",
    };
    let replacing_kind = match kind {
        ItemKind::Rule(_) => DefKind::Rule,
        ItemKind::Condition(_) => DefKind::Condition,
        ItemKind::Table(_) => DefKind::Table,
        _ => return None,
    };
    let here = format!("« {} » remplacée", name.text);
    if original.kind != replacing_kind {
        return Some(
            Diagnostic::error(
                codes::VERSION,
                format!(
                    "{here} est {} dans le module importé, pas {}",
                    noun(original.kind),
                    noun(replacing_kind)
                ),
                abs,
            )
            .with_label("autre sorte de définition"),
        );
    }
    let old_key = ItemKey::new(db, original.def.file, &*original.def.name);
    let new_key = ItemKey::new(db, file, name.text.as_str());
    let (old, new) = (item_type(db, old_key), item_type(db, new_key));
    if old.is_error() || new.is_error() {
        return None;
    }
    if old != new {
        return Some(
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!("{here} doit garder son type {old}, pas {new}"),
                abs,
            )
            .with_label(format!("de type {new}"))
            .with_help(format!(
                "les règles qui lisent « {} » attendent {old} ; changez aussi le type d'origine si c'est voulu",
                name.text
            )),
        );
    }
    if replacing_kind == DefKind::Table {
        let (a, b) = (table_signature(db, old_key), table_signature(db, new_key));
        if a.params != b.params {
            return Some(
                Diagnostic::error(
                    codes::VERSION,
                    format!("{here} doit garder les mêmes clés que la table d'origine"),
                    abs,
                )
                .with_label("clés différentes"),
            );
        }
    }
    None
}
