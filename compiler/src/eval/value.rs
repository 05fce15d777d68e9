//! Runtime values and their runtime types, with French display.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::types::Duration;
use crate::units::Unit;

/// The runtime form of a type: what the dossier decoder and the display need.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RtTy {
    Bool,
    Int,
    Dec,
    Pct,
    Qty(Unit),
    Text,
    Date,
    Duration,
    /// Index into `Plan::enums`.
    Enum(u32),
    /// Index into `Plan::structs`.
    Struct(u32),
    List(Box<RtTy>),
    Decision,
    /// The type of an expression in error: never compiled, so no dossier value reads as it.
    Unknown,
}

impl RtTy {
    pub fn is_money(&self) -> bool {
        matches!(self, RtTy::Qty(u) if u.is_money())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Bool(bool),
    /// Every number: integers, decimals, percentages (as a fraction: 15 % is 0.15),
    /// quantities and money. The static type says which.
    Num(Decimal),
    Text(Arc<str>),
    Date(NaiveDate),
    Duration(Duration),
    Enum(u32),
    Struct(Arc<[Value]>),
    List(Arc<[Value]>),
    /// A structure field the dossier does not give: an error only if it is read.
    Missing(Arc<str>),
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_num(&self) -> Option<Decimal> {
        match self {
            Value::Num(d) => Some(*d),
            _ => None,
        }
    }
}

/// Rounds to the cent, half away from zero: 499,995 $ is 500,00 $.
pub fn round_cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `1234567.5` → `1 234 567,5` (narrow no-break spaces would be typographically better,
/// but plain spaces survive every terminal and JSON viewer).
pub fn french_number(d: Decimal) -> String {
    let s = d.normalize().to_string();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, s),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s, None),
    };
    let mut grouped = String::new();
    let digits: Vec<char> = int.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(*c);
    }
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push(',');
        out.push_str(&f);
    }
    out
}

/// Money with exactly two decimals, the French way: `9 750,00 $`.
pub fn french_money(d: Decimal) -> String {
    let r = round_cents(d);
    let mut s = french_number(r.trunc());
    if r.is_sign_negative() && r.trunc().is_zero() && !r.is_zero() {
        s = format!("-{s}");
    }
    let cents = (r.fract().abs() * Decimal::ONE_HUNDRED).round();
    format!("{s},{:02} $", cents.mantissa().abs())
}

/// Whether a date is one pol writes as dates are written, AAAA-MM-JJ: from year 0 to 9999.
pub fn in_calendar(d: NaiveDate) -> bool {
    (0..=9999).contains(&d.year())
}

/// The largest amount pol counts exactly to the cent, as the messages write it: its decimals
/// hold 96 bits of digits, so 79 228 162 514 264 337 593 543 950 335 cents.
pub const LARGEST_MONEY: &str = "792 281 625 142 643 375 935 439 503,35 $";

/// Whether an amount can be held, and written, with its cents (see `LARGEST_MONEY`).
pub fn money_fits(d: Decimal) -> bool {
    // Most amounts: at most two decimals and well under the limit, said without rounding.
    if d.scale() <= 2 && d.mantissa().unsigned_abs() < 100_000_000_000_000_000_000_000_000 {
        return true;
    }
    let mut r = round_cents(d);
    r.rescale(2);
    r.scale() == 2
}

/// Money as the dossiers write it: `"9750.00"`.
pub fn money_string(d: Decimal) -> String {
    let mut r = round_cents(d);
    r.rescale(2);
    r.to_string()
}

pub fn duration_text(d: Duration) -> String {
    let mut parts = Vec::new();
    if d.months != 0 {
        if d.months % 12 == 0 {
            let y = d.months / 12;
            parts.push(format!("{y} an{}", if y.abs() > 1 { "s" } else { "" }));
        } else {
            parts.push(format!("{} mois", d.months));
        }
    }
    if d.days != 0 || parts.is_empty() {
        parts.push(format!(
            "{} jour{}",
            d.days,
            if d.days.abs() > 1 { "s" } else { "" }
        ));
    }
    parts.join(" et ")
}

/// Displays a value with its type, the French way.
pub struct Shown<'a> {
    pub value: &'a Value,
    pub ty: &'a RtTy,
    pub plan: &'a super::plan::Plan,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.value, self.ty) {
            (Value::Bool(b), _) => write!(f, "{}", if *b { "vrai" } else { "faux" }),
            (Value::Num(d), RtTy::Pct) => {
                write!(f, "{} %", french_number(*d * Decimal::ONE_HUNDRED))
            }
            (Value::Num(d), t) if t.is_money() => write!(f, "{}", french_money(*d)),
            (Value::Num(d), RtTy::Qty(u)) => write!(f, "{} {u}", french_number(*d)),
            // A year (`année(d)`) or a small count reads without a thousands space.
            (Value::Num(d), RtTy::Int) if d.abs() < Decimal::from(10_000) => {
                write!(f, "{}", d.normalize())
            }
            (Value::Num(d), _) => write!(f, "{}", french_number(*d)),
            (Value::Text(t), _) => write!(f, "« {t} »"),
            (Value::Date(d), _) => write!(f, "{d}"),
            (Value::Duration(d), _) => write!(f, "{}", duration_text(*d)),
            (Value::Enum(i), RtTy::Enum(e)) => {
                let name = self
                    .plan
                    .enums
                    .get(*e as usize)
                    .and_then(|e| e.variants.get(*i as usize))
                    .map(String::as_str)
                    .unwrap_or("?");
                write!(f, "{name}")
            }
            (Value::Struct(fields), RtTy::Struct(s)) => {
                let desc = self.plan.structs.get(*s as usize);
                write!(f, "{{ ")?;
                for (i, v) in fields.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    match desc.and_then(|d| d.fields.get(i)) {
                        Some(fd) => write!(
                            f,
                            "{} : {}",
                            fd.name,
                            Shown {
                                value: v,
                                ty: &fd.ty,
                                plan: self.plan
                            }
                        )?,
                        None => write!(f, "?")?,
                    }
                }
                write!(f, " }}")
            }
            (Value::List(items), RtTy::List(t)) => {
                write!(f, "[")?;
                // A text for people: a long list shows its first elements and its length (the
                // JSON output keeps every element).
                const SHOWN: usize = 20;
                for (i, v) in items.iter().take(SHOWN).enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(
                        f,
                        "{}",
                        Shown {
                            value: v,
                            ty: t,
                            plan: self.plan
                        }
                    )?;
                }
                if items.len() > SHOWN {
                    write!(
                        f,
                        ", … et {} autres : {} éléments en tout",
                        items.len() - SHOWN,
                        items.len()
                    )?;
                }
                write!(f, "]")
            }
            (Value::Missing(path), _) => write!(f, "(absent : {path})"),
            _ => write!(f, "?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn cents_round_half_away_from_zero() {
        assert_eq!(round_cents(d("499.995")), d("500.00"));
        assert_eq!(round_cents(d("12.345")), d("12.35"));
        assert_eq!(round_cents(d("12.344999")), d("12.34"));
        assert_eq!(round_cents(d("-12.345")), d("-12.35"));
        assert_eq!(round_cents(d("0.005")), d("0.01"));
    }

    #[test]
    fn french_formatting() {
        assert_eq!(french_money(d("9750")), "9 750,00 $");
        assert_eq!(french_money(d("40000.5")), "40 000,50 $");
        assert_eq!(french_money(d("-0.5")), "-0,50 $");
        assert_eq!(french_number(d("2.30")), "2,3");
        assert_eq!(french_number(d("1234567")), "1 234 567");
        assert_eq!(money_string(d("9750")), "9750.00");
    }
}
