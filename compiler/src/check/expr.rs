//! Typing one expression: names resolved, types and units checked, `selon` checked for
//! exhaustiveness. Produces the typed tree and diagnostics (item-relative spans).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::scope::{DefKind, Lookup, Scope};
use super::{item_type, struct_info};
use crate::db::{Db, ItemKey, SourceFile};
use crate::diagnostics::{codes, suggest, Diagnostic};
use crate::syntax::ast::{BinOp, Expr, ExprKind, Span, Suffix, UnOp};
use crate::types::{Arith, Builtin, Const, DefRef, TExpr, TKind, Ty};
use crate::units::Unit;

/// The name of the evaluation date in expressions.
pub const EVAL_DATE: &str = "date_d_évaluation";

pub struct ExprChecker<'a> {
    pub db: &'a dyn Db,
    pub file: SourceFile,
    pub scope: &'a Scope,
    pub locals: Vec<(String, Ty)>,
    pub diags: Vec<Diagnostic>,
    /// Whether references to definitions are allowed (not in default values).
    pub allow_refs: bool,
}

pub(super) fn te(kind: TKind, ty: Ty, span: Span) -> TExpr {
    TExpr { kind, ty, span }
}

impl<'a> ExprChecker<'a> {
    pub fn new(db: &'a dyn Db, file: SourceFile, scope: &'a Scope) -> Self {
        ExprChecker {
            db,
            file,
            scope,
            locals: Vec::new(),
            diags: Vec::new(),
            allow_refs: true,
        }
    }

    pub(super) fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Checks `e` and reports a mismatch with `expected`.
    pub fn check_against(&mut self, e: &Expr, expected: &Ty, what: &str) -> TExpr {
        let t = self.check(e, Some(expected));
        if !t.ty.fits(expected) {
            let mut d = Diagnostic::error(
                codes::TYPE_MISMATCH,
                format!(
                    "{what} doit être de type {expected}, mais cette expression est de type {}",
                    t.ty
                ),
                e.span,
            )
            .with_label(format!("de type {}", t.ty));
            if let (Some(u1), Some(u2)) = (t.ty.unit(), expected.unit()) {
                if u1 != u2 && !(u1.is_dimensionless() && u2.is_dimensionless()) {
                    d.code = codes::UNITS;
                    let said = |u: &Unit| {
                        if u.is_dimensionless() {
                            "un nombre sans unité".to_string()
                        } else {
                            u.to_string()
                        }
                    };
                    d = d.with_help(format!(
                        "les unités ne concordent pas : {} au lieu de {}",
                        said(&u1),
                        said(&u2)
                    ));
                }
            }
            self.err(d);
        }
        t
    }

    pub fn check(&mut self, e: &Expr, expected: Option<&Ty>) -> TExpr {
        crate::with_stack(|| self.check_inner(e, expected))
    }

    fn check_inner(&mut self, e: &Expr, expected: Option<&Ty>) -> TExpr {
        let span = e.span;
        match &e.kind {
            ExprKind::Paren(inner) => self.check(inner, expected),
            ExprKind::Error => TExpr::error(span),
            ExprKind::Number {
                value,
                text,
                suffix,
            } => self.number(*value, text, suffix, span),
            ExprKind::Bool(b) => te(TKind::Const(Const::Bool(*b)), Ty::Bool, span),
            ExprKind::Text(t) => te(
                TKind::Const(Const::Text(Arc::from(t.as_str()))),
                Ty::Text,
                span,
            ),
            ExprKind::Date(d) => te(TKind::Const(Const::Date(*d)), Ty::Date, span),
            ExprKind::Name(n) => self.name(n, span, expected),
            ExprKind::Field(base, field) => {
                let b = self.check(base, None);
                match &b.ty {
                    Ty::Error => TExpr::error(span),
                    Ty::Struct(def) => {
                        let info =
                            struct_info(self.db, ItemKey::new(self.db, def.file, &*def.name));
                        match info.fields.iter().position(|f| f.name == field.text) {
                            Some(i) => {
                                let ty = info.fields[i].ty.clone();
                                te(TKind::Field(Box::new(b), i as u32), ty, span)
                            }
                            None => {
                                let mut d = Diagnostic::error(
                                    codes::UNKNOWN_FIELD,
                                    format!(
                                        "la structure {} n'a pas de champ « {} »",
                                        def.name, field.text
                                    ),
                                    field.span,
                                )
                                .with_label("champ inconnu");
                                if let Some(s) = suggest(
                                    &field.text,
                                    info.fields.iter().map(|f| f.name.as_str()),
                                ) {
                                    d = d.with_suggestion(s);
                                } else {
                                    let names: Vec<_> =
                                        info.fields.iter().map(|f| f.name.as_str()).collect();
                                    d = d.with_help(format!(
                                        "champs de {} : {}",
                                        def.name,
                                        names.join(", ")
                                    ));
                                }
                                self.err(d);
                                TExpr::error(span)
                            }
                        }
                    }
                    other => {
                        self.err(
                            Diagnostic::error(
                                codes::UNKNOWN_FIELD,
                                format!("une valeur de type {other} n'a pas de champs"),
                                field.span,
                            )
                            .with_label(format!(
                                "« .{} » sur une valeur de type {other}",
                                field.text
                            )),
                        );
                        TExpr::error(span)
                    }
                }
            }
            ExprKind::Call(callee, args) => self.call(callee, args, span, expected),
            ExprKind::Unary(UnOp::Not, x) => {
                let x = self.check_against(x, &Ty::Bool, "l'opérande de « non »");
                te(TKind::Not(Box::new(x)), Ty::Bool, span)
            }
            ExprKind::Unary(UnOp::Neg, x) => {
                let x = self.check(x, expected);
                if !x.ty.is_numeric() && !matches!(x.ty, Ty::Error | Ty::Duration) {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!(
                                "on ne peut pas prendre l'opposé d'une valeur de type {}",
                                x.ty
                            ),
                            span,
                        )
                        .with_label(format!("de type {}", x.ty)),
                    );
                    return TExpr::error(span);
                }
                let ty = x.ty.clone();
                te(TKind::Neg(Box::new(x)), ty, span)
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, span),
            ExprKind::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                let c = self.check_against(cond, &Ty::Bool, "la condition d'un « si »");
                let t = self.check(then, expected);
                let o = self.check(otherwise, expected.or(Some(&t.ty)));
                let ty = self.join_branches(&t, &o, otherwise.span);
                te(TKind::If(Box::new(c), Box::new(t), Box::new(o)), ty, span)
            }
            ExprKind::Selon {
                scrutinee,
                arms,
                default,
            } => self.selon(scrutinee, arms, default.as_deref(), span, expected),
            ExprKind::List(items) => {
                let elem_expected = match expected {
                    Some(Ty::List(t)) => Some(t.as_ref().clone()),
                    _ => None,
                };
                let mut out = Vec::new();
                let mut ty: Option<Ty> = elem_expected.clone();
                for it in items {
                    let x = self.check(it, ty.as_ref());
                    ty = match &ty {
                        None => Some(x.ty.clone()),
                        Some(t) => match t.join(&x.ty) {
                            Some(j) => Some(j),
                            None => {
                                self.err(
                                    Diagnostic::error(
                                        codes::TYPE_MISMATCH,
                                        format!("les éléments d'une liste doivent avoir le même type : {t} et {}", x.ty),
                                        it.span,
                                    )
                                    .with_label(format!("de type {}", x.ty)),
                                );
                                Some(t.clone())
                            }
                        },
                    };
                    out.push(x);
                }
                let ty = ty.unwrap_or(Ty::Error);
                te(TKind::List(out), Ty::List(Box::new(ty)), span)
            }
            ExprKind::Record { ty, fields } => self.record(ty, fields, span),
            ExprKind::Comprehension {
                body,
                var,
                list,
                filter,
            } => {
                let l = self.check(list, None);
                let elem = match &l.ty {
                    Ty::List(t) => t.as_ref().clone(),
                    Ty::Error => Ty::Error,
                    other => {
                        self.err(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                format!("« pour chaque … dans » attend une liste, pas une valeur de type {other}"),
                                list.span,
                            )
                            .with_label(format!("de type {other}")),
                        );
                        Ty::Error
                    }
                };
                self.locals.push((var.text.clone(), elem));
                let f = filter
                    .as_ref()
                    .map(|f| Box::new(self.check_against(f, &Ty::Bool, "le filtre « où »")));
                let b = self.check(body, None);
                self.locals.pop();
                let ty = Ty::List(Box::new(b.ty.clone()));
                te(
                    TKind::Comprehension {
                        list: Box::new(l),
                        filter: f,
                        body: Box::new(b),
                    },
                    ty,
                    span,
                )
            }
        }
    }

    fn number(&mut self, value: Decimal, text: &str, suffix: &Suffix, span: Span) -> TExpr {
        let has_fraction = text.contains([',', '.']);
        match suffix {
            Suffix::None => {
                let ty = if has_fraction { Ty::Dec } else { Ty::Int };
                te(TKind::Const(Const::Num(value)), ty, span)
            }
            Suffix::Percent => te(
                TKind::Const(Const::Num(value / Decimal::ONE_HUNDRED)),
                Ty::Pct,
                span,
            ),
            Suffix::Unit(u, _) => {
                if let Some(dim) = u.as_duration_dim() {
                    if has_fraction || value.fract() != Decimal::ZERO {
                        self.err(
                            Diagnostic::error(
                                codes::NUMBER,
                                "une durée s'exprime en nombre entier de jours, de mois ou d'années",
                                span,
                            )
                            .with_label("durée fractionnaire"),
                        );
                        return TExpr::error(span);
                    }
                    let Some(d) = crate::types::duration_of(value, dim) else {
                        self.err(
                            Diagnostic::error(
                                codes::NUMBER,
                                format!(
                                    "la durée {text} est trop longue pour être comptée exactement"
                                ),
                                span,
                            )
                            .with_label("durée trop longue"),
                        );
                        return TExpr::error(span);
                    };
                    return te(TKind::Const(Const::Duration(d)), Ty::Duration, span);
                }
                if u.is_money() && !crate::eval::value::money_fits(value) {
                    self.err(
                        Diagnostic::error(
                            codes::NUMBER,
                            format!(
                                "le montant {text} $ dépasse {}, le plus grand que pol compte exactement au cent",
                                crate::eval::value::LARGEST_MONEY
                            ),
                            span,
                        )
                        .with_label("montant trop grand"),
                    );
                } else if u.is_money() && value.scale() > 2 {
                    self.err(
                        Diagnostic::error(
                            codes::NUMBER,
                            format!("un montant d'argent a au plus deux décimales : {text} $"),
                            span,
                        )
                        .with_label("plus de deux décimales")
                        .with_help("pour un tarif plus fin, utilisez une unité composée, par exemple 0,005 $/kg"),
                    );
                }
                te(TKind::Const(Const::Num(value)), Ty::Qty(*u), span)
            }
        }
    }

    pub(super) fn def_ref(&self, def: &DefRef) -> ItemKey<'a> {
        ItemKey::new(self.db, def.file, &*def.name)
    }

    fn unknown_name(&mut self, n: &str, span: Span, what: &str) {
        let locals = self.locals.iter().map(|(n, _)| n.as_str());
        // `Vrai`, `FAUX`: the booleans are words of the language, not names.
        let more = locals.chain(["vrai", "faux"]);
        let suggestion = super::scope::scope_words(self.db, self.file).suggest(n, more);
        let mut d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            format!("{what} « {n} » est inconnu"),
            span,
        )
        .with_label("nom inconnu");
        if let Some(s) = suggestion {
            d = d.with_suggestion(s);
        }
        self.err(d);
    }

    fn name(&mut self, n: &str, span: Span, expected: Option<&Ty>) -> TExpr {
        if let Some(level) = self.locals.iter().rposition(|(l, _)| l == n) {
            let ty = self.locals[level].1.clone();
            return te(TKind::Local(level as u32), ty, span);
        }
        if n == EVAL_DATE {
            return te(TKind::EvalDate, Ty::Date, span);
        }
        // Where a value of an enumeration is expected, its variants come first:
        // `demandeur.type = cuma` means the variant even if a rule is named `cuma`.
        if let Some(Ty::Enum(e)) = expected {
            if let Some((def, i)) = self
                .scope
                .variants
                .get(n)
                .and_then(|c| c.iter().find(|(d, _)| d == e))
            {
                return te(TKind::Variant(def.clone(), *i), Ty::Enum(def.clone()), span);
            }
        }
        match self.scope.lookup(n) {
            Lookup::Found(b) if b.broken => return TExpr::error(span),
            Lookup::Found(b) if b.kind.is_value() => {
                if !self.allow_refs {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!("une valeur par défaut doit être une constante ; elle ne peut pas lire {} « {n} »", b.kind.noun()),
                            span,
                        )
                        .with_label("référence interdite ici"),
                    );
                    return TExpr::error(span);
                }
                let ty = match b.kind {
                    DefKind::Condition => Ty::Bool,
                    DefKind::Decision => Ty::Decision,
                    _ => item_type(self.db, self.def_ref(&b.def)),
                };
                return te(TKind::Ref(b.def.clone()), ty, span);
            }
            Lookup::Found(b) => {
                if b.kind == DefKind::Table {
                    self.err(
                        Diagnostic::error(
                            codes::NOT_CALLABLE,
                            format!("la table « {n} » s'utilise avec ses clés : {n}(…)"),
                            span,
                        )
                        .with_label("table sans arguments"),
                    );
                    return TExpr::error(span);
                }
                // A type name: maybe it is a variant as well; fall through.
                if !self.scope.variants.contains_key(n) {
                    self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!("{} « {n} » n'est pas une valeur", b.kind.noun()),
                            span,
                        )
                        .with_label("pas une valeur"),
                    );
                    return TExpr::error(span);
                }
            }
            Lookup::Ambiguous(bs) => {
                let files: Vec<String> = bs
                    .iter()
                    .map(|b| b.def.file.path(self.db).display().to_string())
                    .collect();
                self.err(
                    Diagnostic::error(
                        codes::AMBIGUOUS,
                        format!(
                            "le nom « {n} » est défini dans plusieurs modules importés : {}",
                            files.join(", ")
                        ),
                        span,
                    )
                    .with_label("nom ambigu")
                    .with_help("renommez l'une des définitions"),
                );
                return TExpr::error(span);
            }
            Lookup::Missing => {}
        }
        if let Some(cands) = self.scope.variants.get(n) {
            let chosen = match expected {
                Some(Ty::Enum(e)) => cands.iter().find(|(d, _)| d == e).or(if cands.len() == 1 {
                    cands.first()
                } else {
                    None
                }),
                _ if cands.len() == 1 => cands.first(),
                _ => None,
            };
            if let Some((def, i)) = chosen {
                return te(TKind::Variant(def.clone(), *i), Ty::Enum(def.clone()), span);
            }
            let enums: Vec<&str> = cands.iter().map(|(d, _)| &*d.name).collect();
            self.err(
                Diagnostic::error(
                    codes::AMBIGUOUS,
                    format!(
                        "la valeur « {n} » appartient à plusieurs énumérations : {}",
                        enums.join(", ")
                    ),
                    span,
                )
                .with_label("valeur ambiguë")
                .with_help(format!(
                    "comparez-la à une expression du type voulu, par exemple demandeur.type = {n}"
                )),
            );
            return TExpr::error(span);
        }
        if Builtin::from_name(n).is_some() {
            self.err(
                Diagnostic::error(
                    codes::NOT_CALLABLE,
                    format!("la fonction « {n} » s'utilise avec des arguments : {n}(…)"),
                    span,
                )
                .with_label("fonction sans arguments"),
            );
            return TExpr::error(span);
        }
        self.unknown_name(n, span, "le nom");
        TExpr::error(span)
    }

    fn join_branches(&mut self, a: &TExpr, b: &TExpr, span: Span) -> Ty {
        match a.ty.join(&b.ty) {
            Some(t) => t,
            None => {
                self.err(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!(
                            "les branches doivent avoir le même type : {} et {}",
                            a.ty, b.ty
                        ),
                        span,
                    )
                    .with_label(format!("de type {}", b.ty))
                    .with_secondary(a.span, format!("de type {}", a.ty)),
                );
                Ty::Error
            }
        }
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span) -> TExpr {
        match op {
            BinOp::And | BinOp::Or => {
                let word = if op == BinOp::And { "et" } else { "ou" };
                let x = self.check_against(a, &Ty::Bool, &format!("l'opérande de « {word} »"));
                let y = self.check_against(b, &Ty::Bool, &format!("l'opérande de « {word} »"));
                let k = if op == BinOp::And {
                    TKind::And(Box::new(x), Box::new(y))
                } else {
                    TKind::Or(Box::new(x), Box::new(y))
                };
                te(k, Ty::Bool, span)
            }
            BinOp::In => {
                let x = self.check(a, None);
                let l = self.check(b, Some(&Ty::List(Box::new(x.ty.clone()))));
                match &l.ty {
                    Ty::List(t) if x.ty.join(t).is_some() => {}
                    Ty::Error => {}
                    other => self.err(
                        Diagnostic::error(
                            codes::TYPE_MISMATCH,
                            format!(
                                "« dans » attend une liste de {}, pas une valeur de type {other}",
                                x.ty
                            ),
                            b.span,
                        )
                        .with_label(format!("de type {other}")),
                    ),
                }
                te(TKind::In(Box::new(x), Box::new(l)), Ty::Bool, span)
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let x = self.check(a, None);
                let y = self.check(b, Some(&x.ty));
                let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
                let ok = match (&x.ty, &y.ty) {
                    (Ty::Error, _) | (_, Ty::Error) => true,
                    (p, q) if p.is_numeric() && q.is_numeric() => {
                        p.unit() == q.unit() && (matches!(p, Ty::Pct) == matches!(q, Ty::Pct))
                    }
                    (Ty::Date, Ty::Date) | (Ty::Duration, Ty::Duration) => true,
                    (p, q) => !ordered && p.join(q).is_some(),
                };
                if !ok {
                    let mut d = Diagnostic::error(
                        if x.ty.is_numeric() && y.ty.is_numeric() {
                            codes::UNITS
                        } else {
                            codes::TYPE_MISMATCH
                        },
                        if ordered && x.ty.join(&y.ty).is_some() {
                            format!("les valeurs de type {} ne s'ordonnent pas ; seules = et ≠ s'appliquent", x.ty)
                        } else {
                            format!("on ne peut pas comparer une valeur de type {} à une valeur de type {}", x.ty, y.ty)
                        },
                        span,
                    )
                    .with_label(format!("{} {} {}", x.ty, op.symbol(), y.ty));
                    if matches!(
                        (&x.ty, &y.ty),
                        (Ty::Pct, Ty::Dec | Ty::Int) | (Ty::Dec | Ty::Int, Ty::Pct)
                    ) {
                        d = d.with_help("écrivez le pourcentage avec %, par exemple 15 %");
                    }
                    self.err(d);
                }
                te(TKind::Compare(op, Box::new(x), Box::new(y)), Ty::Bool, span)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => self.arith(op, a, b, span),
        }
    }

    fn arith(&mut self, op: BinOp, a: &Expr, b: &Expr, span: Span) -> TExpr {
        let x = self.check(a, None);
        let y = self.check(b, None);
        let mk = |how: Arith, ty: Ty, x: TExpr, y: TExpr| {
            let round_cents = ty.is_money() && matches!(op, BinOp::Mul | BinOp::Div);
            te(
                TKind::Arith {
                    op,
                    how,
                    lhs: Box::new(x),
                    rhs: Box::new(y),
                    round_cents,
                },
                ty,
                span,
            )
        };
        if x.ty.is_error() || y.ty.is_error() {
            return mk(Arith::Num, Ty::Error, x, y);
        }
        let additive = matches!(op, BinOp::Add | BinOp::Sub);
        // A rate per unit of time times a duration: `100 $/an × 2 ans` is money.
        let per_time = match (&x.ty, &y.ty, op) {
            (Ty::Qty(u), Ty::Duration, BinOp::Mul) => u
                .per_time()
                .map(|d| (Arith::QtyTimesDuration(d), u.mul(&Unit::of(d)))),
            (Ty::Duration, Ty::Qty(u), BinOp::Mul) => u
                .per_time()
                .map(|d| (Arith::DurationTimesQty(d), u.mul(&Unit::of(d)))),
            _ => None,
        };
        if let Some((how, unit)) = per_time {
            return mk(how, Ty::from_unit(unit, false, false), x, y);
        }
        match (&x.ty, &y.ty, op) {
            (Ty::Date, Ty::Duration, BinOp::Add) => {
                return mk(Arith::DatePlusDuration, Ty::Date, x, y)
            }
            (Ty::Duration, Ty::Date, BinOp::Add) => {
                return mk(Arith::DurationPlusDate, Ty::Date, x, y)
            }
            (Ty::Date, Ty::Duration, BinOp::Sub) => {
                return mk(Arith::DateMinusDuration, Ty::Date, x, y)
            }
            (Ty::Date, Ty::Date, BinOp::Sub) => {
                return mk(Arith::DateMinusDate, Ty::Duration, x, y)
            }
            (Ty::Duration, Ty::Duration, BinOp::Add | BinOp::Sub) => {
                return mk(Arith::Durations, Ty::Duration, x, y)
            }
            (Ty::Duration, Ty::Int, BinOp::Mul) => {
                return mk(Arith::DurationTimesInt, Ty::Duration, x, y)
            }
            (Ty::Int, Ty::Duration, BinOp::Mul) => {
                return mk(Arith::IntTimesDuration, Ty::Duration, x, y)
            }
            _ => {}
        }
        if !(x.ty.is_numeric() && y.ty.is_numeric()) {
            self.err(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    format!(
                        "l'opération « {} » ne s'applique pas à {} et {}",
                        op.symbol(),
                        x.ty,
                        y.ty
                    ),
                    span,
                )
                .with_label(format!("{} {} {}", x.ty, op.symbol(), y.ty)),
            );
            return mk(Arith::Num, Ty::Error, x, y);
        }
        let (ux, uy) = (
            x.ty.unit().unwrap_or_default(),
            y.ty.unit().unwrap_or_default(),
        );
        let ty = if additive {
            if ux != uy {
                self.err(
                    Diagnostic::error(
                        codes::UNITS,
                        format!(
                            "on ne peut pas {} des {} et des {}",
                            if op == BinOp::Add {
                                "additionner"
                            } else {
                                "soustraire"
                            },
                            unit_words(&x.ty),
                            unit_words(&y.ty)
                        ),
                        span,
                    )
                    .with_label(format!("{} {} {}", x.ty, op.symbol(), y.ty))
                    .with_help("les deux opérandes doivent avoir la même unité"),
                );
                Ty::Error
            } else {
                match (&x.ty, &y.ty) {
                    (Ty::Int, Ty::Int) => Ty::Int,
                    (Ty::Pct, Ty::Pct) => Ty::Pct,
                    (Ty::Pct, _) | (_, Ty::Pct) => {
                        self.err(
                            Diagnostic::error(
                                codes::UNITS,
                                format!(
                                    "on ne peut pas {} un pourcentage et un nombre",
                                    if op == BinOp::Add {
                                        "additionner"
                                    } else {
                                        "soustraire"
                                    }
                                ),
                                span,
                            )
                            .with_label(format!("{} {} {}", x.ty, op.symbol(), y.ty))
                            .with_help("écrivez le nombre en pourcentage, par exemple 15 %"),
                        );
                        Ty::Error
                    }
                    (Ty::Qty(u), _) => Ty::Qty(*u),
                    _ => Ty::Dec,
                }
            }
        } else {
            let unit = if op == BinOp::Mul {
                ux.mul(&uy)
            } else {
                ux.div(&uy)
            };
            let int = op == BinOp::Mul && x.ty == Ty::Int && y.ty == Ty::Int;
            let pct = op == BinOp::Mul && x.ty == Ty::Pct && y.ty == Ty::Pct;
            Ty::from_unit(unit, int, pct)
        };
        mk(Arith::Num, ty, x, y)
    }
}

fn unit_words(t: &Ty) -> String {
    match t {
        Ty::Qty(u) if u.is_money() => "$".into(),
        Ty::Qty(u) => u.to_string(),
        Ty::Pct => "pourcentages".into(),
        _ => "nombres sans unité".into(),
    }
}

/// A type for a unit written in a type position (`$/ha`, `m³`).
pub fn unit_type(u: &Unit) -> Ty {
    if u.is_dimensionless() {
        Ty::Dec
    } else {
        Ty::Qty(*u)
    }
}
