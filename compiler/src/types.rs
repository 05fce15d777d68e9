//! Types of pol values, and the typed, name-resolved expression tree the checker produces.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::SourceFile;
use crate::syntax::ast::{BinOp, Span};
use crate::units::Unit;

/// A top-level definition, named by its file and its name. Plain data (no database
/// lifetime), so that it can sit inside query results.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DefRef {
    pub file: SourceFile,
    pub name: Arc<str>,
}

impl PartialOrd for DefRef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DefRef {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use salsa::plumbing::AsId;
        (self.file.as_id(), &self.name).cmp(&(other.file.as_id(), &other.name))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Ty {
    Bool,
    Int,
    Dec,
    Pct,
    /// A quantity with a unit; `argent` is `Qty($)`. Never dimensionless.
    Qty(Unit),
    Text,
    Date,
    Duration,
    Enum(DefRef),
    Struct(DefRef),
    List(Box<Ty>),
    /// A decision: usable wherever a `booléen` is expected.
    Decision,
    /// The type of an expression that already has a diagnostic: accepted everywhere, so
    /// that one mistake gives one message.
    #[default]
    Error,
}

impl Ty {
    pub fn money() -> Ty {
        Ty::Qty(Unit::money())
    }

    pub fn is_money(&self) -> bool {
        matches!(self, Ty::Qty(u) if u.is_money())
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Ty::Error)
    }

    pub fn is_boolish(&self) -> bool {
        matches!(self, Ty::Bool | Ty::Decision | Ty::Error)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Dec | Ty::Pct | Ty::Qty(_))
    }

    /// The unit of a numeric type (`Int`, `Dec`, `Pct` are dimensionless).
    pub fn unit(&self) -> Option<Unit> {
        match self {
            Ty::Int | Ty::Dec | Ty::Pct => Some(Unit::dimensionless()),
            Ty::Qty(u) => Some(*u),
            _ => None,
        }
    }

    /// Whether a value of type `self` may be used where `expected` is wanted.
    pub fn fits(&self, expected: &Ty) -> bool {
        match (self, expected) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            (Ty::Int, Ty::Dec) => true,
            (Ty::Decision, Ty::Bool) => true,
            (Ty::List(a), Ty::List(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }

    /// The common type of two branches, if any.
    pub fn join(&self, other: &Ty) -> Option<Ty> {
        match (self, other) {
            (Ty::Error, t) | (t, Ty::Error) => Some(t.clone()),
            (Ty::Int, Ty::Dec) | (Ty::Dec, Ty::Int) => Some(Ty::Dec),
            (Ty::Decision, Ty::Bool) | (Ty::Bool, Ty::Decision) => Some(Ty::Bool),
            (Ty::List(a), Ty::List(b)) => a.join(b).map(|t| Ty::List(Box::new(t))),
            (a, b) if a == b => Some(a.clone()),
            _ => None,
        }
    }

    /// A numeric type from a unit, given the flavours of the operands.
    pub fn from_unit(unit: Unit, int: bool, pct: bool) -> Ty {
        if !unit.is_dimensionless() {
            Ty::Qty(unit)
        } else if int {
            Ty::Int
        } else if pct {
            Ty::Pct
        } else {
            Ty::Dec
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => write!(f, "booléen"),
            Ty::Int => write!(f, "entier"),
            Ty::Dec => write!(f, "décimal"),
            Ty::Pct => write!(f, "pourcentage"),
            Ty::Qty(u) if u.is_money() => write!(f, "argent"),
            Ty::Qty(u) => write!(f, "{u}"),
            Ty::Text => write!(f, "texte"),
            Ty::Date => write!(f, "date"),
            Ty::Duration => write!(f, "durée"),
            Ty::Enum(d) | Ty::Struct(d) => write!(f, "{}", d.name),
            Ty::List(t) => write!(f, "liste de {t}"),
            Ty::Decision => write!(f, "décision"),
            Ty::Error => write!(f, "?"),
        }
    }
}

/// A duration: months and days, kept apart because a month has no fixed length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Duration {
    pub months: i32,
    pub days: i32,
}

/// `n` days, months or years as a duration (years count as 12 months); `None` when it does
/// not fit, never a clamped value.
pub fn duration_of(n: rust_decimal::Decimal, dim: crate::units::Dim) -> Option<Duration> {
    let n = n.normalize();
    if n.scale() != 0 {
        return None;
    }
    let k = i32::try_from(n.mantissa()).ok()?;
    Some(match dim {
        crate::units::Dim::Day => Duration { months: 0, days: k },
        crate::units::Dim::Month => Duration { months: k, days: 0 },
        _ => Duration {
            months: k.checked_mul(12)?,
            days: 0,
        },
    })
}

/// A constant in the typed tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Const {
    Bool(bool),
    Num(Decimal),
    Text(Arc<str>),
    Date(NaiveDate),
    Duration(Duration),
}

/// Functions every policy can call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `min(a, b, …)` or `min(liste)`.
    Min,
    Max,
    Sum,
    Count,
    All,
    Any,
    /// `arrondi(x, n)`: half away from zero to n decimals.
    Round,
    RoundDown,
    RoundUp,
    Year,
    /// `date(année, mois, jour)`: the date of a year, a month and a day (« le 15 mai de
    /// l'année visée » is `date(année_visée, 5, 15)`).
    Date,
    /// `intervalle(a, b)`: the whole numbers from a to b, both included (« chaque année de
    /// l'entente » is `intervalle(première, première + 4)`).
    Range,
    Abs,
}

impl Builtin {
    pub const ALL: &'static [(&'static str, Builtin)] = &[
        ("min", Builtin::Min),
        ("minimum", Builtin::Min),
        ("max", Builtin::Max),
        ("maximum", Builtin::Max),
        ("somme", Builtin::Sum),
        ("nombre", Builtin::Count),
        ("tous", Builtin::All),
        ("existe", Builtin::Any),
        ("arrondi", Builtin::Round),
        ("arrondi_inférieur", Builtin::RoundDown),
        ("arrondi_supérieur", Builtin::RoundUp),
        ("année", Builtin::Year),
        ("date", Builtin::Date),
        ("intervalle", Builtin::Range),
        ("valeur_absolue", Builtin::Abs),
    ];

    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
    }

    pub fn name(self) -> &'static str {
        Builtin::ALL
            .iter()
            .find(|(_, b)| *b == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

/// Which arithmetic a binary node performs, decided by the checker from operand types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arith {
    Num,
    DatePlusDuration,
    DurationPlusDate,
    DateMinusDuration,
    DateMinusDate,
    Durations,
    DurationTimesInt,
    IntTimesDuration,
    /// `100 $/an × 2 ans`: a rate per day, month or year times a duration counted in it.
    QtyTimesDuration(crate::units::Dim),
    DurationTimesQty(crate::units::Dim),
}

/// A typed, name-resolved expression, spans relative to its item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TExpr {
    pub kind: TKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TKind {
    Const(Const),
    /// A rule, condition, decision or input.
    Ref(DefRef),
    /// A comprehension variable, by de Bruijn level (0 is the outermost).
    Local(u32),
    /// The evaluation date (`date_d_évaluation`).
    EvalDate,
    Variant(DefRef, u32),
    Field(Box<TExpr>, u32),
    Builtin(Builtin, Vec<TExpr>),
    Table(DefRef, Vec<TExpr>),
    Not(Box<TExpr>),
    Neg(Box<TExpr>),
    And(Box<TExpr>, Box<TExpr>),
    Or(Box<TExpr>, Box<TExpr>),
    Compare(BinOp, Box<TExpr>, Box<TExpr>),
    In(Box<TExpr>, Box<TExpr>),
    /// `+ - × /`; `round_cents` when the result is money (half away from zero).
    Arith {
        op: BinOp,
        how: Arith,
        lhs: Box<TExpr>,
        rhs: Box<TExpr>,
        round_cents: bool,
    },
    If(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// `selon`: each arm holds its patterns as variant indices (or 0/1 for booleans) with the
    /// span where each is written, and its body.
    Selon {
        scrutinee: Box<TExpr>,
        arms: Vec<(Vec<(u32, Span)>, TExpr)>,
        default: Option<Box<TExpr>>,
    },
    List(Vec<TExpr>),
    /// A value of a structure: every field, in the structure's order.
    Record(Vec<TExpr>),
    Comprehension {
        list: Box<TExpr>,
        filter: Option<Box<TExpr>>,
        body: Box<TExpr>,
    },
    /// An expression that already has a diagnostic; never evaluated (checked programs with
    /// errors are not compiled).
    Error,
}

impl TExpr {
    pub fn error(span: Span) -> TExpr {
        TExpr {
            kind: TKind::Error,
            ty: Ty::Error,
            span,
        }
    }

    /// Calls `f` on every definition this expression reads.
    pub fn visit_refs(&self, f: &mut dyn FnMut(&DefRef, Span)) {
        match &self.kind {
            TKind::Ref(d) | TKind::Table(d, _) => f(d, self.span),
            _ => {}
        }
        self.visit_children(&mut |c| c.visit_refs(f));
    }

    pub fn visit_children(&self, f: &mut dyn FnMut(&TExpr)) {
        match &self.kind {
            TKind::Const(_)
            | TKind::Ref(_)
            | TKind::Local(_)
            | TKind::EvalDate
            | TKind::Variant(..)
            | TKind::Error => {}
            TKind::Field(e, _) | TKind::Not(e) | TKind::Neg(e) => f(e),
            TKind::Builtin(_, args)
            | TKind::Table(_, args)
            | TKind::List(args)
            | TKind::Record(args) => args.iter().for_each(f),
            TKind::And(a, b) | TKind::Or(a, b) | TKind::Compare(_, a, b) | TKind::In(a, b) => {
                f(a);
                f(b)
            }
            TKind::Arith { lhs, rhs, .. } => {
                f(lhs);
                f(rhs)
            }
            TKind::If(c, t, o) => {
                f(c);
                f(t);
                f(o)
            }
            TKind::Selon {
                scrutinee,
                arms,
                default,
            } => {
                f(scrutinee);
                arms.iter().for_each(|(_, e)| f(e));
                if let Some(d) = default {
                    f(d)
                }
            }
            TKind::Comprehension { list, filter, body } => {
                f(list);
                if let Some(c) = filter {
                    f(c)
                }
                f(body)
            }
        }
    }
}
