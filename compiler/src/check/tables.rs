//! Table rows: duplicates, and for keys with finitely many values, the combinations no row
//! covers.

use super::{enum_info, CheckedCell, CheckedRow};
use crate::db::{Db, ItemKey};
use crate::diagnostics::{codes, Diagnostic};
use crate::syntax::ast::Span;
use crate::types::{Const, TKind, Ty};

/// A cell as far as it can be known before evaluation: any value, one constant, or a range
/// of constants; `None` when it depends on the dossier.
#[derive(Clone, Debug, PartialEq)]
enum Known<'a> {
    Any,
    Is(Key<'a>),
    Between(Key<'a>, Key<'a>),
}

#[derive(Clone, Debug, PartialEq, PartialOrd)]
enum Key<'a> {
    Num(rust_decimal::Decimal),
    Date(chrono::NaiveDate),
    Text(&'a str),
    Bool(bool),
    Variant(u32),
}

fn key(e: &crate::types::TExpr) -> Option<Key<'_>> {
    match &e.kind {
        TKind::Const(Const::Num(d)) => Some(Key::Num(*d)),
        TKind::Const(Const::Date(d)) => Some(Key::Date(*d)),
        TKind::Const(Const::Text(t)) => Some(Key::Text(t)),
        TKind::Const(Const::Bool(b)) => Some(Key::Bool(*b)),
        TKind::Variant(_, i) => Some(Key::Variant(*i)),
        TKind::Neg(x) => match key(x)? {
            Key::Num(d) => Some(Key::Num(-d)),
            _ => None,
        },
        _ => None,
    }
}

fn known(c: &CheckedCell) -> Option<Known<'_>> {
    match c {
        CheckedCell::Any => Some(Known::Any),
        CheckedCell::Eq(e) => key(e).map(Known::Is),
        CheckedCell::Range(a, b) => Some(Known::Between(key(a)?, key(b)?)),
    }
}

/// Whether every value `inner` accepts, `outer` accepts too.
fn covers(outer: &Known<'_>, inner: &Known<'_>) -> bool {
    let le = |a: &Key<'_>, b: &Key<'_>| a.partial_cmp(b).is_some_and(|o| o.is_le());
    match (outer, inner) {
        (Known::Any, _) => true,
        (_, Known::Any) => false,
        (Known::Is(a), Known::Is(b)) => a == b,
        (Known::Is(a), Known::Between(lo, hi)) => a == lo && a == hi,
        (Known::Between(lo, hi), Known::Is(b)) => le(lo, b) && le(b, hi),
        (Known::Between(lo, hi), Known::Between(l, h)) => le(lo, l) && le(h, hi),
    }
}

/// Rows are tried in order and the first that matches applies: a row whose every cell is
/// covered by an earlier row's can never apply (a repeated row is the plainest case), and
/// a range whose bounds are reversed matches nothing.
fn shadowed_rows(rows: &[CheckedRow], name: &str, diags: &mut Vec<Diagnostic>) {
    let mut earlier: Vec<(Vec<Known<'_>>, Span, usize)> = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        let Some(cells) = r.keys.iter().map(known).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let reversed = cells.iter().any(
            |c| matches!(c, Known::Between(lo, hi) if lo.partial_cmp(hi).is_some_and(|o| o.is_gt())),
        );
        if reversed {
            diags.push(
                Diagnostic::error(
                    codes::TABLE,
                    format!("un intervalle de la table « {name} » finit avant de commencer : cette ligne ne s'applique jamais"),
                    r.span,
                )
                .with_label("intervalle vide")
                .with_help("écrivez la plus petite borne d'abord : « 1 à 3 »"),
            );
            continue;
        }
        if let Some((_, prev, m)) = earlier.iter().find(|(e, _, _)| {
            e.len() == cells.len() && e.iter().zip(&cells).all(|(o, i)| covers(o, i))
        }) {
            let same = earlier.iter().any(|(e, s, _)| s == prev && *e == cells);
            let message = if same {
                format!("cette ligne de la table « {name} » répète les clés d'une ligne précédente")
            } else {
                format!(
                    "cette ligne de la table « {name} » ne s'applique jamais : la ligne {} la couvre déjà (la première ligne qui correspond s'applique)",
                    m + 1
                )
            };
            diags.push(
                Diagnostic::error(codes::TABLE, message, r.span)
                    .with_label(if same {
                        "ligne en double"
                    } else {
                        "ligne inatteignable"
                    })
                    .with_secondary(*prev, "première ligne"),
            );
            continue;
        }
        earlier.push((cells, r.span, n));
    }
}

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
                enum_info(db, ItemKey::new(db, def.file, &*def.name))
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
    shadowed_rows(rows, name, diags);
    let mut all_const = domains.len() == params.len();
    let mut patterns = Vec::new();
    for r in rows {
        let keys: Option<Vec<Option<u32>>> = r.keys.iter().map(cell_key).collect();
        match keys {
            Some(k) => patterns.push(k),
            None => all_const = false,
        }
    }
    if !all_const || params.is_empty() {
        return;
    }
    let total = domains
        .iter()
        .map(Vec::len)
        .try_fold(1usize, |acc, n| acc.checked_mul(n));
    let Some(total) = total.filter(|t| *t <= 10_000) else {
        let span = rows.first().map(|r| r.span).unwrap_or_default();
        diags.push(
            Diagnostic::warning(
                codes::TABLE,
                format!("la table « {name} » a trop de combinaisons de clés (plus de 10 000) pour que pol vérifie qu'aucune ne manque"),
                span,
            )
            .with_label("complétude non vérifiée")
            .with_help("ajoutez une dernière ligne de « _ » si un cas par défaut s'applique"),
        );
        return;
    };
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
