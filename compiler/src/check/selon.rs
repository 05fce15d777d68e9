//! Checking `selon`: the scrutinee's type, every arm's patterns, exhaustiveness, repeated or
//! useless arms, and the fix that adds the missing arms.

use super::enum_info;
use super::expr::{te, ExprChecker};
use crate::diagnostics::{codes, suggest, Diagnostic};
use crate::syntax::ast::{Expr, Pattern, Span};
use crate::types::{TExpr, TKind, Ty};

impl ExprChecker<'_> {
    pub(super) fn selon(
        &mut self,
        scrutinee: &Expr,
        arms: &[crate::syntax::ast::SelonArm],
        default: Option<&Expr>,
        span: Span,
        expected: Option<&Ty>,
    ) -> TExpr {
        let s = self.check(scrutinee, None);
        let (names, enum_name): (Vec<String>, String) = match &s.ty {
            Ty::Enum(def) => {
                let info = enum_info(self.db, self.def_ref(def));
                (info.variants.clone(), def.name.to_string())
            }
            Ty::Bool | Ty::Decision => (vec!["faux".into(), "vrai".into()], "booléen".into()),
            Ty::Error => (Vec::new(), String::new()),
            other => {
                self.err(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("« selon » s'applique à une énumération ou à un booléen, pas à une valeur de type {other}"),
                        scrutinee.span,
                    )
                    .with_label(format!("de type {other}")),
                );
                (Vec::new(), String::new())
            }
        };
        let known = !names.is_empty();
        let mut covered: Vec<Option<Span>> = vec![None; names.len()];
        let mut out_arms = Vec::new();
        let mut ty: Option<Ty> = expected.cloned().filter(|t| !t.is_error());
        let mut result_ty: Option<Ty> = None;
        for arm in arms {
            let mut idxs = Vec::new();
            for p in &arm.patterns {
                let (label, pspan) = match p {
                    Pattern::Variant(n) => (n.text.clone(), n.span),
                    Pattern::Bool(b, sp) => (if *b { "vrai" } else { "faux" }.to_string(), *sp),
                };
                if !known {
                    continue;
                }
                match names.iter().position(|n| *n == label) {
                    Some(i) => {
                        if let Some(prev) = covered[i] {
                            self.err(
                                Diagnostic::error(
                                    codes::REDUNDANT_ARM,
                                    format!("le cas « {label} » est déjà traité"),
                                    pspan,
                                )
                                .with_label("cas répété")
                                .with_secondary(prev, "traité ici"),
                            );
                        } else {
                            covered[i] = Some(pspan);
                        }
                        idxs.push((i as u32, pspan));
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            codes::UNKNOWN_NAME,
                            format!("« {label} » n'est pas une valeur de {enum_name}"),
                            pspan,
                        )
                        .with_label("valeur inconnue");
                        if let Some(sug) = suggest(&label, names.iter().map(String::as_str)) {
                            d = d.with_suggestion(sug);
                        } else {
                            d = d.with_help(format!(
                                "valeurs de {enum_name} : {}",
                                names.join(", ")
                            ));
                        }
                        self.err(d);
                    }
                }
            }
            let body = self.check(&arm.body, ty.as_ref());
            result_ty = Some(match &result_ty {
                None => body.ty.clone(),
                Some(t) => {
                    match t.join(&body.ty) {
                        Some(j) => j,
                        None => {
                            self.err(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                format!("les cas d'un « selon » doivent avoir le même type : {t} et {}", body.ty),
                                arm.body.span,
                            )
                            .with_label(format!("de type {}", body.ty)),
                        );
                            Ty::Error
                        }
                    }
                }
            });
            if ty.is_none() {
                ty = Some(body.ty.clone());
            }
            out_arms.push((idxs, body));
        }
        let default = default.map(|d| {
            let body = self.check(d, ty.as_ref());
            if let Some(t) = &result_ty {
                if t.join(&body.ty).is_none() {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!(
                                "le cas « sinon » doit avoir le type des autres cas : {t} et {}",
                                body.ty
                            ),
                            d.span,
                        )
                        .with_label(format!("de type {}", body.ty)),
                    );
                } else {
                    result_ty = t.join(&body.ty);
                }
            } else {
                result_ty = Some(body.ty.clone());
            }
            Box::new(body)
        });
        let missing: Vec<&str> = names
            .iter()
            .zip(&covered)
            .filter(|(_, c)| c.is_none())
            .map(|(n, _)| n.as_str())
            .collect();
        if known && default.is_none() && !missing.is_empty() {
            self.err(
                Diagnostic::error(
                    codes::NON_EXHAUSTIVE,
                    format!(
                        "ce « selon » ne traite pas {} : {}",
                        if missing.len() == 1 {
                            "le cas"
                        } else {
                            "les cas"
                        },
                        missing.join(", ")
                    ),
                    Span {
                        start: span.start,
                        end: scrutinee.span.end,
                    },
                )
                .with_label("cas manquants")
                .with_help(format!(
                    "ajoutez {} ou un cas « sinon : … »",
                    missing
                        .iter()
                        .map(|m| format!("« cas {m} : … »"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                // One new arm per line, whose value is a name pol check reports until the
                // analyst writes it (a copied value would compile silently). Editors indent
                // the lines like the existing arms.
                .with_fix(
                    Span {
                        start: span.end,
                        end: span.end,
                    },
                    missing
                        .iter()
                        .map(|m| format!("\ncas {m} : {}", crate::check::TO_COMPLETE))
                        .collect::<String>(),
                ),
            );
        }
        if known && default.is_some() && missing.is_empty() {
            if let Some(d) = default.as_ref() {
                self.err(
                    Diagnostic::warning(
                        codes::REDUNDANT_ARM,
                        "le cas « sinon » ne peut jamais s'appliquer : tous les cas sont déjà traités",
                        d.span,
                    )
                    .with_label("inutile"),
                );
            }
        }
        te(
            TKind::Selon {
                scrutinee: Box::new(s),
                arms: out_arms,
                default,
            },
            result_ty.unwrap_or(Ty::Error),
            span,
        )
    }
}
