//! The built-in functions: `minimum`, `maximum`, `somme`, `nombre`, `tous`, `existe` (folds,
//! over a comprehension without building its list), the roundings, `année`, `date`,
//! `intervalle` and `abs`.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{err, internal, truth, Evaluator, MAX_RANGE, R};
use crate::eval::arith::{compare, exact_sum};
use crate::eval::error::EvalErrorKind;
use crate::eval::plan::{PExpr, PKind};
use crate::eval::value::{in_calendar, Value};
use crate::syntax::ast::BinOp;
use crate::types::Builtin;

/// What `minimum`, `maximum`, `somme`, `nombre`, `tous` and `existe` make of their
/// elements, taken one at a time.
#[derive(Clone)]
pub(super) enum Fold {
    Best(Option<Value>),
    Sum(Decimal),
    Count(u64),
    All(bool),
    Any(bool),
}

impl Fold {
    pub(super) fn of(b: Builtin) -> Option<Fold> {
        Some(match b {
            Builtin::Min | Builtin::Max => Fold::Best(None),
            Builtin::Sum => Fold::Sum(Decimal::ZERO),
            Builtin::Count => Fold::Count(0),
            Builtin::All => Fold::All(true),
            Builtin::Any => Fold::Any(false),
            _ => return None,
        })
    }

    pub(super) fn add(&mut self, b: Builtin, v: Value) -> R<()> {
        match self {
            Fold::Best(best) => {
                *best = Some(match best.take() {
                    None => v,
                    // On a tie, the minimum keeps the first and the maximum takes the last.
                    Some(cur) if (b == Builtin::Min) == compare(BinOp::Lt, &v, &cur)? => v,
                    Some(cur) => cur,
                });
            }
            Fold::Sum(acc) => {
                let d = v
                    .as_num()
                    .ok_or_else(|| internal("la somme d'une valeur qui n'est pas un nombre"))?;
                *acc = exact_sum(*acc, d).ok_or_else(|| err(EvalErrorKind::Overflow))?;
            }
            Fold::Count(n) => *n += 1,
            Fold::All(all) => *all &= truth(&v)?,
            Fold::Any(any) => *any |= truth(&v)?,
        }
        Ok(())
    }

    pub(super) fn finish(self, b: Builtin) -> R<Value> {
        Ok(match self {
            Fold::Best(Some(v)) => v,
            Fold::Best(None) => {
                return Err(err(EvalErrorKind::EmptyList {
                    function: if b == Builtin::Min {
                        "minimum"
                    } else {
                        "maximum"
                    },
                }))
            }
            Fold::Sum(acc) => Value::Num(acc),
            Fold::Count(n) => Value::Num(Decimal::from(n)),
            Fold::All(all) => Value::Bool(all),
            Fold::Any(any) => Value::Bool(any),
        })
    }
}

impl Evaluator<'_> {
    /// A fold over a comprehension's elements. An error of an element comes first, as when
    /// the list is built before it is folded; the fold's own error (an overflow) after.
    pub(super) fn fold_elements(
        &mut self,
        b: Builtin,
        mut fold: Fold,
        list: Value,
        element: impl FnMut(&mut Self) -> R<Option<Value>>,
    ) -> R<Value> {
        let mut late = None;
        self.each_element(list, element, |v| {
            if late.is_none() {
                late = fold.add(b, v).err();
            }
        })?;
        match late {
            Some(e) => Err(e),
            None => fold.finish(b),
        }
    }

    #[inline(never)]
    pub(super) fn builtin(&mut self, b: Builtin, args: &[PExpr]) -> R<Value> {
        // Over a comprehension, the elements are folded as they come, without the list.
        if let (
            Some(fold),
            [PExpr {
                kind: PKind::Comprehension { list, filter, body },
                ..
            }],
        ) = (Fold::of(b), args)
        {
            let list = self.eval(list)?;
            let filter = filter.as_deref();
            return self.fold_elements(b, fold, list, |ev| ev.walk_element(filter, body));
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a)?);
        }
        apply(b, &vals)
    }
}

/// Argument `i` of a call, a number.
fn number(vals: &[Value], i: usize) -> R<Decimal> {
    vals.get(i)
        .and_then(Value::as_num)
        .ok_or_else(|| internal("un argument qui n'est pas un nombre"))
}

/// A built-in function applied to its arguments' values (a fold to a list, or to its
/// arguments one by one).
pub(super) fn apply(b: Builtin, vals: &[Value]) -> R<Value> {
    Ok(match b {
        Builtin::Min
        | Builtin::Max
        | Builtin::Sum
        | Builtin::Count
        | Builtin::All
        | Builtin::Any => {
            let items: &[Value] = match vals {
                [Value::List(l)] => l,
                all => all,
            };
            let mut fold = Fold::of(b).ok_or_else(|| internal("un pli inconnu"))?;
            for v in items {
                fold.add(b, v.clone())?;
            }
            fold.finish(b)?
        }
        Builtin::Round | Builtin::RoundDown | Builtin::RoundUp => {
            let (x, places) = (number(vals, 0)?, number(vals, 1)?);
            let places = u32::try_from(places.mantissa())
                .ok()
                .filter(|p| *p <= 20 && places.scale() == 0)
                .ok_or_else(|| internal("un arrondi à un nombre de décimales hors de 0 à 20"))?;
            let strategy = match b {
                Builtin::Round => RoundingStrategy::MidpointAwayFromZero,
                Builtin::RoundDown => RoundingStrategy::ToNegativeInfinity,
                _ => RoundingStrategy::ToPositiveInfinity,
            };
            Value::Num(x.round_dp_with_strategy(places, strategy))
        }
        Builtin::Year => match vals.first() {
            Some(Value::Date(d)) => Value::Num(Decimal::from(d.year())),
            _ => return Err(internal("« année » d'une valeur qui n'est pas une date")),
        },
        Builtin::Date => {
            let (y, m, d) = (number(vals, 0)?, number(vals, 1)?, number(vals, 2)?);
            let day = i32::try_from(y.mantissa())
                .ok()
                .filter(|_| y.fract().is_zero() && m.fract().is_zero() && d.fract().is_zero())
                .zip(
                    u32::try_from(m.mantissa())
                        .ok()
                        .zip(u32::try_from(d.mantissa()).ok()),
                )
                .and_then(|(y, (m, d))| NaiveDate::from_ymd_opt(y, m, d));
            match day {
                Some(day) if !in_calendar(day) => return Err(err(EvalErrorKind::DateOutOfRange)),
                Some(day) => Value::Date(day),
                None => {
                    return Err(err(EvalErrorKind::NoSuchDate {
                        year: y.to_string(),
                        month: m.to_string(),
                        day: d.to_string(),
                    }))
                }
            }
        }
        Builtin::Range => {
            let bound = |i: usize| {
                vals.get(i)
                    .and_then(Value::as_num)
                    .and_then(|d| i64::try_from(d.mantissa()).ok().filter(|_| d.scale() == 0))
            };
            let (Some(a), Some(b)) = (bound(0), bound(1)) else {
                return Err(err(EvalErrorKind::Overflow));
            };
            let len = b.saturating_sub(a).saturating_add(1).max(0);
            if len > MAX_RANGE {
                return Err(err(EvalErrorKind::RangeTooLong { first: a, last: b }));
            }
            Value::List((a..=b).map(|n| Value::Num(Decimal::from(n))).collect())
        }
        Builtin::Abs => match vals.first() {
            Some(Value::Num(d)) => Value::Num(d.abs()),
            _ => {
                return Err(internal(
                    "la valeur absolue d'une valeur qui n'est pas un nombre",
                ))
            }
        },
    })
}
