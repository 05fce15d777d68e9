//! Checking a value of a structure written out: `Versement { date : d, montant : m }` — the
//! structure exists, each field is one of its fields, written once, of its type; a field left
//! out takes its default value, or is an error.

use super::expr::{te, ExprChecker};
use super::{resolve_type, struct_info};
use crate::db::ItemKey;
use crate::diagnostics::{codes, suggest, Diagnostic};
use crate::syntax::ast::{Expr, Name, Span, TypeExpr};
use crate::types::{TExpr, TKind, Ty};

impl ExprChecker<'_> {
    pub(super) fn record(&mut self, ty: &Name, fields: &[(Name, Expr)], span: Span) -> TExpr {
        let mut diags = Vec::new();
        let resolved = resolve_type(self.scope, &TypeExpr::Named(ty.clone()), &mut diags);
        diags.into_iter().for_each(|d| self.err(d));
        let def = match resolved {
            Ty::Struct(def) => def,
            other => {
                if !other.is_error() {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!("« {} » n'est pas une structure : seule une structure s'écrit {{ champ : valeur, … }}", ty.text),
                            ty.span,
                        )
                        .with_label(format!("de type {other}")),
                    );
                }
                for (_, v) in fields {
                    self.check(v, None);
                }
                return TExpr::error(span);
            }
        };
        let info = struct_info(self.db, ItemKey::new(self.db, def.file, &*def.name));
        let mut given: Vec<Option<TExpr>> = vec![None; info.fields.len()];
        for (n, v) in fields {
            let Some(i) = info.fields.iter().position(|f| f.name == n.text) else {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    format!("la structure {} n'a pas de champ « {} »", def.name, n.text),
                    n.span,
                )
                .with_label("champ inconnu");
                if let Some(s) = suggest(&n.text, info.fields.iter().map(|f| f.name.as_str())) {
                    d = d.with_suggestion(s);
                }
                self.err(d);
                self.check(v, None);
                continue;
            };
            let what = format!("le champ « {} »", n.text);
            let value = self.check_against(v, &info.fields[i].ty, &what);
            if given[i].is_some() {
                self.err(
                    Diagnostic::error(
                        codes::DUPLICATE,
                        format!("le champ « {} » est donné deux fois", n.text),
                        n.span,
                    )
                    .with_label("deuxième valeur"),
                );
                continue;
            }
            given[i] = Some(value);
        }
        let mut out = Vec::with_capacity(info.fields.len());
        let mut missing = Vec::new();
        for (f, g) in info.fields.iter().zip(given) {
            match (g, &f.default) {
                (Some(v), _) => out.push(v),
                (None, Some(d)) => out.push(d.clone()),
                (None, None) => {
                    missing.push(f.name.as_str());
                    out.push(TExpr::error(span));
                }
            }
        }
        if !missing.is_empty() {
            self.err(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!(
                        "il manque {} à la valeur de {} : {}",
                        if missing.len() > 1 {
                            "des champs"
                        } else {
                            "un champ"
                        },
                        def.name,
                        missing.join(", ")
                    ),
                    ty.span,
                )
                .with_label("champs sans valeur"),
            );
        }
        te(TKind::Record(out), Ty::Struct(def), span)
    }
}
