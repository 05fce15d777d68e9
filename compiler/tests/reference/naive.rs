//! The naive reference evaluator: a tree walk over the model, written from
//! `docs/langage.md` alone. It shares no arithmetic with pol: numbers are `Rat`, dates are
//! day numbers of our own civil calendar, durations are (months, days).

use std::collections::BTreeSet;

use super::model::{ArOp, Body, CmpOp, Expr, Programme, Rat, Ty, Value};

// ---------------------------------------------------------------------------------------
// The civil calendar (proleptic Gregorian).

pub fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub fn month_length(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => panic!("month {m}"),
    }
}

/// Days since 1970-01-01 of a civil date (counting in 400-year eras from March 1st, so that
/// the leap day ends the counted year).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number: the inverse of `days_from_civil`.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

pub fn date_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The docs' calendar: years 0 to 9999.
fn in_calendar(y: i64) -> bool {
    (0..=9999).contains(&y)
}

// ---------------------------------------------------------------------------------------
// Evaluation.

/// The evaluation errors the model predicts, by pol's code.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Error {
    /// A date computed outside years 0–9999.
    Date,
    /// Durations in months and in days compared.
    Durations,
    /// No row of the table matches.
    Table,
    /// Not an error of pol: a number beyond what the model keeps exact (more than 18
    /// significant digits, far below pol's 28). The case is set aside, not compared.
    TooLarge,
}

impl Error {
    pub fn code(self) -> &'static str {
        match self {
            Error::Date => "pol::éval::date",
            Error::Durations => "pol::éval::durées",
            Error::Table => "pol::éval::table",
            Error::TooLarge => "(model: too large)",
        }
    }
}

pub type Res = Result<Value, Error>;

/// What the evaluation met, for the per-construct counts.
pub type Events = BTreeSet<&'static str>;

pub struct Naive<'p> {
    prog: &'p Programme,
    rules: Vec<Option<Res>>,
    pub events: Events,
}

/// A decision's value and the conditions it reports as not met.
pub type DecisionResult = Result<(bool, Vec<usize>), Error>;

impl<'p> Naive<'p> {
    pub fn new(prog: &'p Programme) -> Naive<'p> {
        Naive {
            prog,
            rules: vec![None; prog.rules.len()],
            events: Events::new(),
        }
    }

    pub fn rule(&mut self, i: usize) -> Res {
        if let Some(r) = self.rules[i] {
            return r;
        }
        let r = match &self.prog.rules[i].body {
            Body::Expr(e) => self.eval(e),
            Body::Selon { on, arms, default } => match self.eval(on)? {
                Value::Enum(v) => match arms.iter().find(|(variants, _)| variants.contains(&v)) {
                    Some((_, e)) => self.eval(e),
                    None => {
                        self.events.insert("selon_sinon_pris");
                        self.eval(default.as_ref().expect("a selon without its case"))
                    }
                },
                other => panic!("selon on {other:?}"),
            },
        };
        self.rules[i] = Some(r);
        r
    }

    pub fn condition(&mut self, i: usize) -> Res {
        let e = &self.prog.conditions[i].expr;
        self.eval(e)
    }

    /// Every condition the decision counts is evaluated, in order; the first error stops it.
    pub fn decision(&mut self) -> DecisionResult {
        let mut failed = Vec::new();
        for c in self.prog.decision_conditions() {
            if !as_bool(self.condition(c)?) {
                failed.push(c);
            }
        }
        self.events.insert(if failed.is_empty() {
            "décision_remplie"
        } else {
            "décision_non_remplie"
        });
        Ok((failed.is_empty(), failed))
    }

    pub fn eval(&mut self, e: &Expr) -> Res {
        let r = self.eval_inner(e);
        if let Err(err) = r {
            self.events.insert(match err {
                Error::Date => "erreur_date",
                Error::Durations => "erreur_durées",
                Error::Table => "erreur_table",
                Error::TooLarge => "trop_grand",
            });
        }
        r
    }

    fn eval_inner(&mut self, e: &Expr) -> Res {
        Ok(match e {
            Expr::Lit(_, v) => *v,
            Expr::Input(i) => self.prog.inputs[*i].value,
            Expr::Rule(i) => self.rule(*i)?,
            Expr::EvalDate => Value::Date(self.prog.eval_date),
            Expr::Decision => Value::Bool(self.decision()?.0),
            Expr::Arith(op, a, b, ty) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                self.arith(*op, x, y, *ty)?
            }
            Expr::Cmp(op, a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                Value::Bool(self.compare(*op, x, y)?)
            }
            // `et` and `ou` read their right side only when the left one does not decide.
            Expr::And(a, b) | Expr::Or(a, b) => {
                let left = as_bool(self.eval(a)?);
                let decided = left == matches!(e, Expr::Or(..));
                if decided {
                    self.probe_skipped(b, "et_ou_sans_l_erreur_de_droite");
                    Value::Bool(left)
                } else {
                    Value::Bool(as_bool(self.eval(b)?))
                }
            }
            Expr::Not(a) => Value::Bool(!as_bool(self.eval(a)?)),
            Expr::If {
                cond, then, other, ..
            } => {
                let (taken, skipped) = if as_bool(self.eval(cond)?) {
                    (then, other)
                } else {
                    (other, then)
                };
                self.probe_skipped(skipped, "si_sans_l_erreur_de_l_autre_branche");
                self.eval(taken)?
            }
            Expr::MinMax { max, args, .. } => {
                let mut best: Option<Rat> = None;
                for a in args {
                    let v = as_num(self.eval(a)?);
                    best = Some(match best {
                        None => v,
                        Some(b) if *max => b.max(v),
                        Some(b) => b.min(v),
                    });
                }
                Value::Num(best.expect("min or max without arguments"))
            }
            Expr::Round(a, n) => Value::Num(as_num(self.eval(a)?).round_half_away(*n)),
            Expr::Table(key, colour) => {
                let k = as_num(self.eval(key)?);
                let Value::Enum(c) = self.eval(colour)? else {
                    panic!("table colour")
                };
                let table = self.prog.table.as_ref().expect("a call of a missing table");
                let row = table.rows.iter().find(|r| {
                    r.keys
                        .is_none_or(|(lo, hi)| Rat::int(lo) <= k && k <= Rat::int(hi))
                        && r.colour.is_none_or(|rc| rc == c)
                });
                match row {
                    Some(r) => r.value,
                    None => return Err(Error::Table),
                }
            }
        })
    }

    /// Notes `event` when an expression the evaluation skips would have been an error: the
    /// outputs then show that pol skipped it too. The probe works on a copy, so that the
    /// rules it computes and the events it meets do not count.
    fn probe_skipped(&mut self, skipped: &Expr, event: &'static str) {
        let mut probe = Naive {
            prog: self.prog,
            rules: self.rules.clone(),
            events: Events::new(),
        };
        if matches!(probe.eval(skipped), Err(e) if e != Error::TooLarge) {
            self.events.insert(event);
        }
    }

    fn arith(&mut self, op: ArOp, x: Value, y: Value, ty: Ty) -> Res {
        Ok(match (x, y) {
            (Value::Num(a), Value::Num(b)) => {
                let r = match op {
                    ArOp::Add => a.add(b),
                    ArOp::Sub => a.sub(b),
                    ArOp::Mul => a.mul(b),
                    ArOp::Div => a.div(b),
                };
                // Money produced by a multiplication or a division: to the cent, the half
                // away from zero.
                let r = if ty == Ty::Money && matches!(op, ArOp::Mul | ArOp::Div) {
                    let rounded = r.round_half_away(2);
                    if rounded != r {
                        self.events.insert("argent_arrondi_au_cent");
                    }
                    if r.mul(Rat::int(1000)).is_integer()
                        && r.mul(Rat::int(200)).is_integer()
                        && !r.mul(Rat::int(100)).is_integer()
                    {
                        self.events.insert("argent_moitié_de_cent");
                    }
                    if rounded == Rat::int(0) && (a < Rat::int(0) || b < Rat::int(0)) {
                        self.events.insert("argent_nul_d_un_négatif");
                    }
                    rounded
                } else {
                    r
                };
                if significant_digits(r) > 18 {
                    return Err(Error::TooLarge);
                }
                Value::Num(r)
            }
            (Value::Date(d), Value::Dur { months, days }) => {
                let sign = if op == ArOp::Sub { -1 } else { 1 };
                self.shift(d, sign * months, sign * days)?
            }
            (Value::Dur { months, days }, Value::Date(d)) => self.shift(d, months, days)?,
            (Value::Date(a), Value::Date(b)) => Value::Dur {
                months: 0,
                days: a - b,
            },
            (
                Value::Dur {
                    months: m1,
                    days: d1,
                },
                Value::Dur {
                    months: m2,
                    days: d2,
                },
            ) => {
                let sign = if op == ArOp::Sub { -1 } else { 1 };
                Value::Dur {
                    months: m1 + sign * m2,
                    days: d1 + sign * d2,
                }
            }
            (Value::Dur { months, days }, Value::Num(k))
            | (Value::Num(k), Value::Dur { months, days }) => {
                assert!(k.is_integer());
                let k = i64::try_from(k.numer()).expect("duration factor");
                Value::Dur {
                    months: months * k,
                    days: days * k,
                }
            }
            (x, y) => panic!("arithmetic on {x:?} and {y:?}"),
        })
    }

    fn compare(&mut self, op: CmpOp, x: Value, y: Value) -> Result<bool, Error> {
        let ord = match (x, y) {
            (Value::Num(a), Value::Num(b)) => a.cmp(&b),
            (Value::Date(a), Value::Date(b)) => a.cmp(&b),
            (
                Value::Dur {
                    months: m1,
                    days: d1,
                },
                Value::Dur {
                    months: m2,
                    days: d2,
                },
            ) => {
                // A month has no fixed length: months are compared with months, days with days.
                // A zero duration is both.
                let months_only = d1 == 0 && d2 == 0;
                let days_only = m1 == 0 && m2 == 0;
                if (m1, d1) == (0, 0) && m2 != 0 || (m2, d2) == (0, 0) && m1 != 0 {
                    self.events.insert("durée_nulle_comparée_à_des_mois");
                }
                if days_only {
                    d1.cmp(&d2)
                } else if months_only {
                    m1.cmp(&m2)
                } else {
                    return Err(Error::Durations);
                }
            }
            // Booleans and variants are only compared with `=` and `≠`.
            (Value::Bool(a), Value::Bool(b)) => return Ok(equality(op, a == b)),
            (Value::Enum(a), Value::Enum(b)) => return Ok(equality(op, a == b)),
            (x, y) => panic!("comparing {x:?} and {y:?}"),
        };
        Ok(match op {
            CmpOp::Lt => ord.is_lt(),
            CmpOp::Le => ord.is_le(),
            CmpOp::Gt => ord.is_gt(),
            CmpOp::Ge => ord.is_ge(),
            CmpOp::Eq => ord.is_eq(),
            CmpOp::Ne => ord.is_ne(),
        })
    }

    /// A date moved by months (staying in the month reached: the day is clamped to its last
    /// day), then by days.
    fn shift(&mut self, day: i64, months: i64, days: i64) -> Res {
        let (y, m, d) = civil_from_days(day);
        let total = y * 12 + (m - 1) + months;
        let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        if !in_calendar(ny) {
            return Err(Error::Date);
        }
        let last = month_length(ny, nm);
        if months != 0 && d > last {
            self.events.insert("mois_borné_à_sa_fin");
        }
        let moved = days_from_civil(ny, nm, d.min(last)) + days;
        if !in_calendar(civil_from_days(moved).0) {
            return Err(Error::Date);
        }
        Ok(Value::Date(moved))
    }
}

/// The digits of the exact decimal writing, leading zeros aside.
fn significant_digits(r: Rat) -> usize {
    let text = r.decimal('.').expect("a finite decimal");
    text.trim_start_matches(['-', '0', '.'])
        .chars()
        .filter(char::is_ascii_digit)
        .count()
}

fn as_bool(v: Value) -> bool {
    match v {
        Value::Bool(b) => b,
        other => panic!("not a boolean: {other:?}"),
    }
}

fn as_num(v: Value) -> Rat {
    match v {
        Value::Num(r) => r,
        other => panic!("not a number: {other:?}"),
    }
}

fn equality(op: CmpOp, equal: bool) -> bool {
    match op {
        CmpOp::Eq => equal,
        CmpOp::Ne => !equal,
        other => panic!("{other:?} on values that are not ordered"),
    }
}
