//! What a definition is, without where it is written: the version in force at a date, with
//! names in place of slots and no spans, locations, comments or citations. Two sides whose
//! signatures agree compute the same thing, however the text is laid out.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::eval::plan::{Body, PCell, PExpr, PKind, Plan, Version};
use crate::eval::Slot;

/// One definition as it computes, in the version in force at a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Type and body (for a table: its parameters).
    pub body: String,
    /// For a condition: the reason it gives.
    pub reason: Option<String>,
    /// The exceptions in force: label and what they compute.
    pub exceptions: Vec<(Option<String>, String)>,
    /// For a table: each row's keys and value.
    pub rows: Vec<String>,
}

/// The signature of `slot` under the rules of `rules_date`, or `None` when the definition
/// does not exist then (written in an amendment not yet in force).
pub fn signature(plan: &Plan, slot: Slot, rules_date: NaiveDate) -> Option<Signature> {
    let def = plan.defs.get(slot as usize)?;
    let version = in_force(&def.versions, rules_date)?;
    let w = Writer { plan };
    let mut body = format!("{:?} {:?} ", def.kind, def.ty);
    let mut rows = Vec::new();
    match &version.body {
        Body::Input { default } => {
            if let Some(d) = default {
                w.expr(&mut body, d);
            }
        }
        Body::Expr(e) => w.expr(&mut body, e),
        Body::Decision { conditions } => {
            for c in conditions {
                body.push_str(&plan.def(*c).name);
                body.push(' ');
            }
        }
        Body::Table {
            params,
            param_types,
            rows: table_rows,
        } => {
            let _ = write!(body, "{params:?} {param_types:?}");
            for r in table_rows {
                let mut row = String::new();
                for k in &r.keys {
                    match k {
                        PCell::Any => row.push('_'),
                        PCell::Eq(e) => w.expr(&mut row, e),
                        PCell::Range(a, b) => {
                            w.expr(&mut row, a);
                            row.push_str("..");
                            w.expr(&mut row, b);
                        }
                    }
                    row.push('|');
                }
                w.expr(&mut row, &r.value);
                rows.push(row);
            }
        }
    }
    let exceptions = version
        .exceptions
        .iter()
        .filter(|e| e.from.is_none_or(|d| d <= rules_date))
        .map(|e| {
            let mut s = String::new();
            w.expr(&mut s, &e.condition);
            s.push_str(" => ");
            w.expr(&mut s, &e.body);
            (e.label.clone(), s)
        })
        .collect();
    Some(Signature {
        body,
        reason: version.reason.clone().or_else(|| def.reason.clone()),
        exceptions,
        rows,
    })
}

/// The version in force at a date: the last one whose date has come.
fn in_force(versions: &[Version], date: NaiveDate) -> Option<&Version> {
    versions
        .iter()
        .rev()
        .find(|v| v.from.is_none_or(|d| d <= date))
}

struct Writer<'a> {
    plan: &'a Plan,
}

impl Writer<'_> {
    fn name(&self, slot: Slot) -> &str {
        self.plan
            .defs
            .get(slot as usize)
            .map(|d| &*d.name)
            .unwrap_or("?")
    }

    fn all(&self, out: &mut String, es: &[PExpr]) {
        for e in es {
            self.expr(out, e);
            out.push(',');
        }
    }

    fn expr(&self, out: &mut String, e: &PExpr) {
        crate::with_stack(|| self.expr_inner(out, e))
    }

    fn expr_inner(&self, out: &mut String, e: &PExpr) {
        out.push('(');
        match &e.kind {
            PKind::Const(v) => {
                let _ = write!(out, "{v:?}");
            }
            PKind::Slot(s) => out.push_str(self.name(*s)),
            PKind::Local(i) => {
                let _ = write!(out, "local{i}");
            }
            PKind::EvalDate => out.push_str("date_d_évaluation"),
            PKind::Unreachable(what) => {
                let _ = write!(out, "inatteignable {what}");
            }
            PKind::Field(x, i) => {
                self.expr(out, x);
                let _ = write!(out, ".{i}");
            }
            PKind::Builtin(b, args) => {
                let _ = write!(out, "{b:?} ");
                self.all(out, args);
            }
            PKind::Table(t, args) => {
                let _ = write!(out, "table {} ", self.name(*t));
                self.all(out, args);
            }
            PKind::Not(x) => {
                out.push_str("non ");
                self.expr(out, x);
            }
            PKind::Neg(x) => {
                out.push('-');
                self.expr(out, x);
            }
            PKind::And(a, b) | PKind::Or(a, b) | PKind::In(a, b) => {
                let op = match &e.kind {
                    PKind::And(..) => "et",
                    PKind::Or(..) => "ou",
                    _ => "dans",
                };
                self.expr(out, a);
                out.push_str(op);
                self.expr(out, b);
            }
            PKind::Compare(op, a, b) => {
                self.expr(out, a);
                let _ = write!(out, "{op:?}");
                self.expr(out, b);
            }
            PKind::Arith {
                op,
                how,
                lhs,
                rhs,
                round_cents,
            } => {
                self.expr(out, lhs);
                let _ = write!(out, "{op:?} {how:?} {round_cents}");
                self.expr(out, rhs);
            }
            PKind::If(c, t, o) => {
                out.push_str("si ");
                for x in [c, t, o] {
                    self.expr(out, x);
                }
            }
            PKind::Selon {
                scrutinee,
                arm_of,
                arms,
                default,
                ..
            } => {
                out.push_str("selon ");
                self.expr(out, scrutinee);
                let _ = write!(out, "{arm_of:?}");
                self.all(out, arms);
                if let Some(d) = default {
                    out.push_str("sinon ");
                    self.expr(out, d);
                }
            }
            PKind::List(items) => self.all(out, items),
            PKind::Record(fields) => {
                out.push_str("structure ");
                self.all(out, fields)
            }
            PKind::Comprehension { list, filter, body } => {
                self.expr(out, list);
                if let Some(f) = filter {
                    out.push_str(" si ");
                    self.expr(out, f);
                }
                self.expr(out, body);
            }
        }
        out.push(')');
    }
}
