//! Table rows: duplicates, and for keys with finitely many values, the combinations no row
//! covers.

use std::collections::BTreeMap;

use super::{enum_info, CheckedCell, CheckedRow};
use crate::db::{Db, ItemKey};
use crate::diagnostics::{codes, Diagnostic};
use crate::syntax::ast::Span;
use crate::types::{Const, TKind, Ty};

/// Duplicate rows and, for tables whose keys all have finitely many values, missing rows.
pub(super) fn table_row_checks(
    db: &dyn Db,
    params: &[Ty],
    rows: &[CheckedRow],
    name: &str,
    diags: &mut Vec<Diagnostic>,
) {
    // Domain of each key, when finite and every cell is a constant or `_`.
    let mut domains: Vec<Vec<String>> = Vec::new();
    for p in params {
        match p {
            Ty::Bool => domains.push(vec!["faux".into(), "vrai".into()]),
            Ty::Enum(def) => domains.push(
                enum_info(db, ItemKey::new(db, def.file, def.name.to_string()))
                    .variants
                    .clone(),
            ),
            _ => domains.clear(),
        }
        if domains.is_empty() {
            break;
        }
    }
    let cell_key = |c: &CheckedCell| -> Option<Option<u32>> {
        match c {
            CheckedCell::Any => Some(None),
            CheckedCell::Eq(e) => match &e.kind {
                TKind::Variant(_, i) => Some(Some(*i)),
                TKind::Const(Const::Bool(b)) => Some(Some(u32::from(*b))),
                _ => None,
            },
            CheckedCell::Range(..) => None,
        }
    };
    let mut seen: BTreeMap<Vec<Option<u32>>, Span> = BTreeMap::new();
    let mut all_const = domains.len() == params.len();
    let mut patterns = Vec::new();
    for r in rows {
        let keys: Option<Vec<Option<u32>>> = r.keys.iter().map(cell_key).collect();
        match keys {
            Some(k) => {
                if let Some(prev) = seen.get(&k) {
                    diags.push(
                        Diagnostic::error(codes::TABLE, format!("cette ligne de la table « {name} » répète les clés d'une ligne précédente"), r.span)
                            .with_label("ligne en double")
                            .with_secondary(*prev, "première ligne"),
                    );
                } else {
                    seen.insert(k.clone(), r.span);
                }
                patterns.push(k);
            }
            None => all_const = false,
        }
    }
    if !all_const || params.is_empty() {
        return;
    }
    let total: usize = domains.iter().map(Vec::len).product();
    if total > 10_000 {
        return;
    }
    let mut missing = Vec::new();
    for n in 0..total {
        let mut idx = Vec::with_capacity(domains.len());
        let mut rest = n;
        for d in domains.iter().rev() {
            idx.push((rest % d.len()) as u32);
            rest /= d.len();
        }
        idx.reverse();
        let covered = patterns
            .iter()
            .any(|p| p.iter().zip(&idx).all(|(c, i)| c.is_none_or(|c| c == *i)));
        if !covered {
            missing.push(
                idx.iter()
                    .zip(&domains)
                    .map(|(i, d)| d[*i as usize].clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    }
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(5).map(|m| format!("({m})")).collect();
        let more = if missing.len() > 5 {
            format!(" et {} autres", missing.len() - 5)
        } else {
            String::new()
        };
        let span = rows.first().map(|r| r.span).unwrap_or_default();
        diags.push(
            Diagnostic::warning(
                codes::TABLE,
                format!(
                    "la table « {name} » n'a pas de ligne pour {}{more}",
                    shown.join(", ")
                ),
                span,
            )
            .with_label("table incomplète")
            .with_help(
                "ajoutez les lignes manquantes, ou une ligne avec « _ » pour les autres cas",
            ),
        );
    }
}
