//! Checking calls: the built-in functions (`min`, `somme`, `arrondi`…) and table look-ups.

use rust_decimal::Decimal;

use super::expr::{te, ExprChecker};
use super::scope::{DefKind, Lookup};
use super::table_signature;
use crate::diagnostics::{codes, suggest, Diagnostic};
use crate::syntax::ast::{Expr, ExprKind, Span};
use crate::types::{Builtin, Const, DefRef, TExpr, TKind, Ty};

impl ExprChecker<'_> {
    pub(super) fn call(
        &mut self,
        callee: &Expr,
        args: &[Expr],
        span: Span,
        expected: Option<&Ty>,
    ) -> TExpr {
        let ExprKind::Name(n) = &callee.kind else {
            self.err(
                Diagnostic::error(
                    codes::NOT_CALLABLE,
                    "seules les fonctions et les tables s'appellent avec (…)",
                    callee.span,
                )
                .with_label("pas une fonction"),
            );
            return TExpr::error(span);
        };
        if let Lookup::Found(b) = self.scope.lookup(n) {
            if b.broken {
                return TExpr::error(span);
            }
            if b.kind == DefKind::Table {
                let def = b.def.clone();
                return self.table_call(def, args, span);
            }
            self.err(
                Diagnostic::error(
                    codes::NOT_CALLABLE,
                    format!("{} « {n} » ne prend pas d'arguments", b.kind.noun()),
                    callee.span,
                )
                .with_label("pas une fonction ni une table"),
            );
            return TExpr::error(span);
        }
        let Some(builtin) = Builtin::from_name(n) else {
            let mut d = Diagnostic::error(
                codes::UNKNOWN_NAME,
                format!("la fonction « {n} » est inconnue"),
                callee.span,
            )
            .with_label("fonction inconnue");
            let mut cands: Vec<&str> = Builtin::ALL.iter().map(|(n, _)| *n).collect();
            cands.extend(
                self.scope
                    .names
                    .iter()
                    .filter(|(_, b)| b.iter().any(|b| b.kind == DefKind::Table))
                    .map(|(n, _)| n.as_str()),
            );
            if let Some(s) = suggest(n, cands) {
                d = d.with_suggestion(s);
            }
            self.err(d);
            return TExpr::error(span);
        };
        self.builtin(builtin, n, args, span, expected)
    }

    pub(super) fn arity(&mut self, name: &str, want: &str, span: Span) -> TExpr {
        self.err(
            Diagnostic::error(codes::ARITY, format!("« {name} » attend {want}"), span)
                .with_label("nombre d'arguments incorrect"),
        );
        TExpr::error(span)
    }

    /// An argument that must be a whole number: `what` says so, the type found follows.
    fn require_int(&mut self, arg: &Expr, t: &TExpr, what: &str) {
        if !t.ty.fits(&Ty::Int) {
            self.err(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!("{what}, pas {}", t.ty),
                    arg.span,
                )
                .with_label(format!("de type {}", t.ty)),
            );
        }
    }

    /// `date(année, mois, jour)`: three whole numbers, a month and a day a calendar has.
    fn date_call(
        &mut self,
        b: Builtin,
        name: &str,
        args: &[Expr],
        targs: Vec<TExpr>,
        span: Span,
    ) -> TExpr {
        if targs.len() != 3 {
            return self.arity(name, "l'année, le mois et le jour", span);
        }
        for ((a, t), word) in args
            .iter()
            .zip(&targs)
            .zip(["l'année", "le mois", "le jour"])
        {
            self.require_int(a, t, &format!("« date » attend {word} en entier"));
        }
        self.check_literal_date(args);
        te(TKind::Builtin(b, targs), Ty::Date, span)
    }

    /// `intervalle(a, b)`: two whole numbers, a list of them.
    fn range_call(
        &mut self,
        b: Builtin,
        name: &str,
        args: &[Expr],
        targs: Vec<TExpr>,
        span: Span,
    ) -> TExpr {
        if targs.len() != 2 {
            return self.arity(name, "deux entiers : le premier et le dernier", span);
        }
        for (a, t) in args.iter().zip(&targs) {
            self.require_int(a, t, "« intervalle » va d'un entier à un entier");
        }
        te(TKind::Builtin(b, targs), Ty::List(Box::new(Ty::Int)), span)
    }

    /// `date(a, m, j)` with a month or a day written as a number: it must be one a calendar
    /// has (and, with all three written, the date must exist).
    fn check_literal_date(&mut self, args: &[Expr]) {
        let lit = |e: &Expr| match &e.kind {
            ExprKind::Number { value, suffix, .. }
                if *suffix == crate::syntax::ast::Suffix::None =>
            {
                i64::try_from(value.trunc().mantissa())
                    .ok()
                    .filter(|_| value.fract().is_zero())
            }
            _ => None,
        };
        let bounds = [
            (1, 12, "un mois va de 1 à 12"),
            (1, 31, "un jour va de 1 à 31"),
        ];
        for (a, (lo, hi, why)) in args[1..].iter().zip(bounds) {
            if lit(a).is_some_and(|n| n < lo || n > hi) {
                self.err(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("date impossible : {why}"),
                        a.span,
                    )
                    .with_label("hors du calendrier"),
                );
                return;
            }
        }
        if let [Some(y), Some(m), Some(d)] = [lit(&args[0]), lit(&args[1]), lit(&args[2])] {
            let exists = i32::try_from(y)
                .ok()
                .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, m as u32, d as u32));
            if exists.is_none() {
                let span = Span {
                    start: args[0].span.start,
                    end: args[2].span.end,
                };
                self.err(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!("date impossible : le {d}/{m}/{y} n'existe pas"),
                        span,
                    )
                    .with_label("n'existe pas"),
                );
            }
        }
    }

    pub(super) fn builtin(
        &mut self,
        b: Builtin,
        name: &str,
        args: &[Expr],
        span: Span,
        expected: Option<&Ty>,
    ) -> TExpr {
        let targs: Vec<TExpr> = args.iter().map(|a| self.check(a, expected)).collect();
        let is_list = |t: &Ty| matches!(t, Ty::List(_));
        let elem = |t: &Ty| match t {
            Ty::List(e) => e.as_ref().clone(),
            Ty::Error => Ty::Error,
            other => other.clone(),
        };
        match b {
            Builtin::Min | Builtin::Max => {
                let ty = if targs.len() == 1 && is_list(&targs[0].ty) {
                    elem(&targs[0].ty)
                } else if targs.len() >= 2 {
                    let mut ty = targs[0].ty.clone();
                    for (a, ta) in args.iter().zip(&targs).skip(1) {
                        match ty.join(&ta.ty) {
                            Some(j) => ty = j,
                            None => {
                                self.err(
                                    Diagnostic::error(
                                        if ty.is_numeric() && ta.ty.is_numeric() { codes::UNITS } else { codes::TYPE_MISMATCH },
                                        format!("les arguments de « {name} » doivent avoir le même type : {ty} et {}", ta.ty),
                                        a.span,
                                    )
                                    .with_label(format!("de type {}", ta.ty)),
                                );
                                ty = Ty::Error;
                            }
                        }
                    }
                    ty
                } else {
                    return self.arity(name, "une liste, ou au moins deux valeurs", span);
                };
                if !(ty.is_numeric() || matches!(ty, Ty::Date | Ty::Duration | Ty::Error)) {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!("« {name} » s'applique à des nombres ou des dates, pas à {ty}"),
                            span,
                        )
                        .with_label(format!("de type {ty}")),
                    );
                }
                te(TKind::Builtin(b, targs), ty, span)
            }
            Builtin::Sum | Builtin::Count | Builtin::All | Builtin::Any => {
                if targs.len() != 1 {
                    return self.arity(name, "une seule liste", span);
                }
                let t = &targs[0].ty;
                if !is_list(t) && !t.is_error() {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!("« {name} » attend une liste, pas une valeur de type {t}"),
                            args[0].span,
                        )
                        .with_label(format!("de type {t}")),
                    );
                    return TExpr::error(span);
                }
                let e = elem(t);
                let ty = match b {
                    Builtin::Sum => {
                        if !(e.is_numeric() || e.is_error()) {
                            self.err(
                                Diagnostic::error(codes::TYPE_MISMATCH, format!("« somme » additionne des nombres, pas des valeurs de type {e}"), args[0].span)
                                    .with_label(format!("liste de {e}")),
                            );
                        }
                        e
                    }
                    Builtin::Count => Ty::Int,
                    _ => {
                        if !e.is_boolish() {
                            self.err(
                                Diagnostic::error(
                                    codes::TYPE_MISMATCH,
                                    format!("« {name} » attend une liste de booléens, pas de {e}"),
                                    args[0].span,
                                )
                                .with_label(format!("liste de {e}")),
                            );
                        }
                        Ty::Bool
                    }
                };
                te(TKind::Builtin(b, targs), ty, span)
            }
            Builtin::Round | Builtin::RoundDown | Builtin::RoundUp => {
                if targs.len() != 2 {
                    return self.arity(
                        name,
                        "deux arguments : la valeur et le nombre de décimales",
                        span,
                    );
                }
                if !(targs[0].ty.is_numeric() || targs[0].ty.is_error()) {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!(
                                "« {name} » arrondit un nombre, pas une valeur de type {}",
                                targs[0].ty
                            ),
                            args[0].span,
                        )
                        .with_label(format!("de type {}", targs[0].ty)),
                    );
                }
                let places_ok = matches!(&targs[1].kind, TKind::Const(Const::Num(d)) if d.fract().is_zero() && *d >= Decimal::ZERO && *d <= Decimal::from(20))
                    && targs[1].ty == Ty::Int;
                if !places_ok {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            "le nombre de décimales doit être un entier écrit tel quel, de 0 à 20",
                            args[1].span,
                        )
                        .with_label("nombre de décimales"),
                    );
                }
                let ty = targs[0].ty.clone();
                te(TKind::Builtin(b, targs), ty, span)
            }
            Builtin::Year => {
                if targs.len() != 1 {
                    return self.arity(name, "une date", span);
                }
                if !targs[0].ty.fits(&Ty::Date) {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!("« année » attend une date, pas {}", targs[0].ty),
                            args[0].span,
                        )
                        .with_label(format!("de type {}", targs[0].ty)),
                    );
                }
                te(TKind::Builtin(b, targs), Ty::Int, span)
            }
            Builtin::Date => self.date_call(b, name, args, targs, span),
            Builtin::Range => self.range_call(b, name, args, targs, span),
            Builtin::Abs => {
                if targs.len() != 1 {
                    return self.arity(name, "un nombre", span);
                }
                if !(targs[0].ty.is_numeric() || targs[0].ty.is_error()) {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!(
                                "« {name} » prend la valeur absolue d'un nombre, pas d'une valeur de type {}",
                                targs[0].ty
                            ),
                            args[0].span,
                        )
                        .with_label(format!("de type {}", targs[0].ty)),
                    );
                }
                let ty = targs[0].ty.clone();
                te(TKind::Builtin(b, targs), ty, span)
            }
        }
    }

    pub(super) fn table_call(&mut self, def: DefRef, args: &[Expr], span: Span) -> TExpr {
        let sig = table_signature(self.db, self.def_ref(&def));
        if args.len() != sig.params.len() {
            return self.arity(
                &def.name,
                &format!(
                    "{} clé{} : {}",
                    sig.params.len(),
                    if sig.params.len() > 1 { "s" } else { "" },
                    sig.params
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                span,
            );
        }
        let targs: Vec<TExpr> = args
            .iter()
            .zip(&sig.params)
            .map(|(a, t)| self.check_against(a, t, &format!("la clé de la table « {} »", def.name)))
            .collect();
        te(TKind::Table(def, targs), sig.result.clone(), span)
    }
}
