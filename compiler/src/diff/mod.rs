//! What a change of rules does to dossiers: each dossier evaluated on two sides (two
//! revisions of the policy tree, or the rules of two dates), the outputs that differ, and the
//! definitions that caused the difference on that dossier's own evaluation path.
//!
//! Both sides are evaluated without a trace; only a dossier that changed is evaluated again,
//! recording its path, to name its causes. The before side is `before`; a delta is
//! after − before.

pub mod report;
pub mod sides;
pub mod signature;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};

use crate::check::scope::DefKind;
use crate::db::{Database, SourceFile};
use crate::eval::dossier::to_json;
use crate::eval::plan::{program_files, Plan};
use crate::eval::value::Shown;
use crate::eval::{start, Evaluator, Options, Slot};
use crate::programme::locate::programmes;
use crate::programme::{evaluate, Outcome, Output};
use signature::{signature, Signature};

pub use report::{Report, Summary};
pub use sides::{tree_sides, Sides};

/// One side of a comparison: a plan, and the date whose rules apply (`None`: the dossier's
/// own, by its evaluation date or its `daté par`).
#[derive(Clone)]
pub struct Side {
    pub plan: Arc<Plan>,
    pub rules_date: Option<NaiveDate>,
}

impl Side {
    fn options(&self, date: NaiveDate, trace: bool) -> Options {
        Options::at(date)
            .with_rules_of(self.rules_date)
            .explained(trace)
    }
}

/// A dossier compared: what each side gives, and what changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Compared {
    /// Each money output: its value before and after (`None`: an error on that side).
    pub money: Values<Decimal>,
    /// Each decision: its value before and after.
    pub decisions: Values<bool>,
    /// Whether the dossier stopped before any output on each side (dates, inputs).
    pub stopped: (bool, bool),
    /// `None` when the dossier is unchanged.
    pub change: Option<DossierChange>,
}

/// What changed for one dossier.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierChange {
    /// The dossier as the user knows it: its file, its identifier or its line.
    pub label: String,
    pub description: Option<String>,
    /// The errors that stopped the dossier on each side (empty: it was evaluated).
    pub errors_before: Vec<String>,
    pub errors_after: Vec<String>,
    pub outputs: Vec<OutputChange>,
    /// The changed definitions on the dossier's evaluation path whose value differs.
    pub causes: Vec<Cause>,
}

/// One output that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputChange {
    pub name: Arc<str>,
    pub kind: DefKind,
    pub before: String,
    pub after: String,
    pub before_json: Json,
    pub after_json: Json,
    /// For money: after − before.
    pub delta: Option<Decimal>,
    /// For a decision: the conditions newly not met, and those met again.
    pub reasons_added: Vec<String>,
    pub reasons_removed: Vec<String>,
}

/// How a definition differs between the sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Its computation changed: what part.
    Modified(Vec<Part>),
    Added,
    Removed,
    /// Removed under this name and added under the other, computing the same.
    Renamed {
        from: String,
    },
}

/// The part of a definition that changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Body,
    Reason,
    Exceptions,
    /// Table rows used by the dossier: the line of each on the after side (or before).
    Rows(Vec<u32>),
}

/// A definition that caused a dossier's change.
#[derive(Clone, Debug, PartialEq)]
pub struct Cause {
    pub name: String,
    pub kind: DefKind,
    pub change: Change,
    pub citations: Vec<String>,
    /// Where it is written (the after side's, else the before side's): `file:line`.
    pub location: String,
    /// Its value on each side, as shown (`None`: absent or a table).
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Compares dossiers between two sides.
pub struct Comparison {
    pub before: Side,
    pub after: Side,
    signatures: HashMap<(bool, Slot, NaiveDate), Option<Signature>>,
}

impl Comparison {
    pub fn new(before: Side, after: Side) -> Comparison {
        Comparison {
            before,
            after,
            signatures: HashMap::new(),
        }
    }

    /// Compares one dossier's inputs evaluated at `date`. `label` names it in the report.
    pub fn compare(
        &mut self,
        label: &str,
        description: Option<&str>,
        inputs: &Map<String, Json>,
        date: NaiveDate,
    ) -> Compared {
        let b = evaluate(&self.before.plan, inputs, &self.before.options(date, false));
        let a = evaluate(&self.after.plan, inputs, &self.after.options(date, false));
        let (pb, pa) = (&self.before.plan, &self.after.plan);
        let money = values((&b, &a), (pb, pa), |d| d.ty.is_money(), |v| v.as_num());
        let decisions = values(
            (&b, &a),
            (pb, pa),
            |d| d.kind == DefKind::Decision,
            |v| v.as_bool(),
        );
        let outputs = output_changes(&b, &a, pb, pa);
        let errors = |o: &Outcome| -> Vec<String> {
            match &o.result {
                Err(es) => es.iter().map(|e| format!("[{}] {e}", e.code())).collect(),
                Ok(_) => Vec::new(),
            }
        };
        let (errors_before, errors_after) = (errors(&b), errors(&a));
        let same_stop = start_codes(&b) == start_codes(&a);
        let stopped = (b.result.is_err(), a.result.is_err());
        if outputs.is_empty() && same_stop {
            return Compared {
                money,
                decisions,
                stopped,
                change: None,
            };
        }
        let causes = self.causes(inputs, date);
        Compared {
            money,
            decisions,
            stopped,
            change: Some(DossierChange {
                label: label.to_string(),
                description: description.map(str::to_string),
                errors_before,
                errors_after,
                outputs,
                causes,
            }),
        }
    }

    /// The changed definitions on the dossier's path, on either side, whose value differs.
    fn causes(&mut self, inputs: &Map<String, Json>, date: NaiveDate) -> Vec<Cause> {
        let (pb, pa) = (self.before.plan.clone(), self.after.plan.clone());
        let ob = self.before.options(date, false);
        let oa = self.after.options(date, false);
        let (Ok(mut eb), Ok(mut ea)) = (start(&pb, inputs, &ob), start(&pa, inputs, &oa)) else {
            // One side stops before any output: its path is empty; the other's tells.
            return self.one_sided_causes(inputs, date);
        };
        let (rows_b, path_b) = walk(&mut eb);
        let (rows_a, path_a) = walk(&mut ea);
        let mut names: BTreeSet<Arc<str>> = BTreeSet::new();
        names.extend(path_b.iter().map(|s| pb.def(*s).name.clone()));
        names.extend(path_a.iter().map(|s| pa.def(*s).name.clone()));
        let mut causes = Vec::new();
        for name in &names {
            let cause = match (pb.slot(name), pa.slot(name)) {
                (Some(sb), Some(sa)) => self.modified(&mut eb, &mut ea, sb, sa, &rows_b, &rows_a),
                (None, Some(sa)) => Some(self.added_or_renamed(&mut ea, sa, &path_b, &eb)),
                (Some(sb), None) => self.removed(&mut eb, sb, &ea),
                (None, None) => None,
            };
            causes.extend(cause);
        }
        causes
    }

    /// A definition present on both sides: a cause when its signature differs and so does
    /// its value on this dossier (for a table, the rows it used).
    fn modified(
        &mut self,
        eb: &mut Evaluator<'_>,
        ea: &mut Evaluator<'_>,
        sb: Slot,
        sa: Slot,
        rows_b: &BTreeSet<(Slot, usize)>,
        rows_a: &BTreeSet<(Slot, usize)>,
    ) -> Option<Cause> {
        let sig_b = self.signature(false, sb, eb.rules_date());
        let sig_a = self.signature(true, sa, ea.rules_date());
        if sig_b == sig_a {
            return None;
        }
        let pa = ea.plan;
        let table = pa.def(sa).kind == DefKind::Table;
        let (before, after) = if table {
            let used = |rows: &BTreeSet<(Slot, usize)>, t: Slot| -> Vec<usize> {
                rows.iter()
                    .filter(|(x, _)| *x == t)
                    .map(|(_, r)| *r)
                    .collect()
            };
            let (used_b, used_a) = (used(rows_b, sb), used(rows_a, sa));
            let row = |sig: &Option<Signature>, r: usize| {
                sig.as_ref().and_then(|s| s.rows.get(r).cloned())
            };
            let same_rows =
                used_b == used_a && used_a.iter().all(|r| row(&sig_b, *r) == row(&sig_a, *r));
            let same_shape = sig_b.as_ref().map(|s| &s.body) == sig_a.as_ref().map(|s| &s.body);
            if same_rows && same_shape {
                return None;
            }
            (None, None)
        } else {
            let (vb, va) = (shown_value(eb, sb), shown_value(ea, sa));
            if vb.0 == va.0 {
                return None;
            }
            (Some(vb.1), Some(va.1))
        };
        let change = match (&sig_b, &sig_a) {
            (None, _) => Change::Added,
            (_, None) => Change::Removed,
            (Some(b), Some(a)) => {
                let mut parts = Vec::new();
                if b.body != a.body {
                    parts.push(Part::Body);
                }
                if b.rows != a.rows {
                    let used: Vec<usize> = rows_a
                        .iter()
                        .filter(|(x, _)| *x == sa)
                        .map(|(_, r)| *r)
                        .collect();
                    parts.push(Part::Rows(row_lines(pa, sa, &used)));
                }
                if b.reason != a.reason {
                    parts.push(Part::Reason);
                }
                if b.exceptions != a.exceptions {
                    parts.push(Part::Exceptions);
                }
                Change::Modified(parts)
            }
        };
        Some(cause_of(pa, sa, ea.rules_date(), change, before, after))
    }

    fn added_or_renamed(
        &mut self,
        ea: &mut Evaluator<'_>,
        sa: Slot,
        path_b: &[Slot],
        eb: &Evaluator<'_>,
    ) -> Cause {
        let pa = ea.plan;
        let sig_a = self.signature(true, sa, ea.rules_date());
        // Renamed: a definition of the before path, gone from the after side, that computes
        // the same.
        let from = path_b.iter().copied().find(|s| {
            let name = &eb.plan.def(*s).name;
            pa.slot(name).is_none() && self.signature(false, *s, eb.rules_date()) == sig_a
        });
        let change = match from {
            Some(s) => Change::Renamed {
                from: eb.plan.def(s).name.to_string(),
            },
            None => Change::Added,
        };
        let after = (pa.def(sa).kind != DefKind::Table).then(|| shown_value(ea, sa).1);
        cause_of(pa, sa, ea.rules_date(), change, None, after)
    }

    fn removed(&mut self, eb: &mut Evaluator<'_>, sb: Slot, ea: &Evaluator<'_>) -> Option<Cause> {
        let pb = eb.plan;
        // Renamed definitions are reported once, under their new name.
        let sig = self.signature(false, sb, eb.rules_date());
        let renamed = ea.computed().into_iter().any(|s| {
            eb.plan.slot(&ea.plan.def(s).name).is_none()
                && self.signature(true, s, ea.rules_date()) == sig
        });
        if renamed {
            return None;
        }
        let before = (pb.def(sb).kind != DefKind::Table).then(|| shown_value(eb, sb).1);
        Some(cause_of(
            pb,
            sb,
            eb.rules_date(),
            Change::Removed,
            before,
            None,
        ))
    }

    /// When one side stops before any output (dates, inputs): the changed definitions the
    /// other side's path reads, or its header (period, versions, inputs) otherwise.
    fn one_sided_causes(&mut self, inputs: &Map<String, Json>, date: NaiveDate) -> Vec<Cause> {
        let mut out = Vec::new();
        for after in [false, true] {
            let side = if after {
                self.after.clone()
            } else {
                self.before.clone()
            };
            let other = if after {
                self.before.plan.clone()
            } else {
                self.after.plan.clone()
            };
            let Ok(mut ev) = start(&side.plan, inputs, &side.options(date, false)) else {
                continue;
            };
            let (_, path) = walk(&mut ev);
            for s in path {
                let name = side.plan.def(s).name.clone();
                let mine = self.signature(after, s, ev.rules_date());
                let theirs = other
                    .slot(&name)
                    .and_then(|o| signature(&other, o, ev.rules_date()));
                if mine != theirs {
                    let v = shown_value(&mut ev, s).1;
                    let change = if theirs.is_none() {
                        if after {
                            Change::Added
                        } else {
                            Change::Removed
                        }
                    } else {
                        Change::Modified(vec![Part::Body])
                    };
                    let (b, a) = if after {
                        (None, Some(v))
                    } else {
                        (Some(v), None)
                    };
                    out.push(cause_of(&side.plan, s, ev.rules_date(), change, b, a));
                }
            }
        }
        out
    }

    fn signature(&mut self, after: bool, slot: Slot, date: NaiveDate) -> Option<Signature> {
        let plan = if after {
            &self.after.plan
        } else {
            &self.before.plan
        };
        self.signatures
            .entry((after, slot, date))
            .or_insert_with(|| signature(plan, slot, date))
            .clone()
    }
}

/// Computes every output again, recording the path: the table rows used and the definitions
/// computed.
fn walk(ev: &mut Evaluator<'_>) -> (BTreeSet<(Slot, usize)>, Vec<Slot>) {
    ev.record_coverage();
    let _ = Outcome::of(ev);
    let cov = ev.take_coverage();
    let mut path = ev.computed();
    path.extend(cov.rows.iter().map(|(t, _)| *t));
    path.sort();
    path.dedup();
    (cov.rows, path)
}

fn shown(plan: &Plan, slot: Slot, v: &crate::eval::Value) -> String {
    Shown {
        value: v,
        ty: &plan.def(slot).ty,
        plan,
    }
    .to_string()
}

/// A definition's value as JSON (for comparing across plans) and as shown.
fn shown_value(ev: &mut Evaluator<'_>, slot: Slot) -> (Json, String) {
    let plan = ev.plan;
    match ev.value(slot) {
        Ok(v) => (to_json(&v, &plan.def(slot).ty, plan), shown(plan, slot, &v)),
        Err(e) => (
            Json::String(e.code().into()),
            format!("erreur [{}]", e.code()),
        ),
    }
}

fn row_lines(plan: &Plan, table: Slot, rows: &[usize]) -> Vec<u32> {
    let Some(crate::eval::plan::Body::Table { rows: all, .. }) =
        plan.def(table).versions.last().map(|v| &v.body)
    else {
        return Vec::new();
    };
    rows.iter()
        .filter_map(|r| all.get(*r).map(|row| row.location.line))
        .collect()
}

fn cause_of(
    plan: &Plan,
    slot: Slot,
    rules_date: NaiveDate,
    change: Change,
    before: Option<String>,
    after: Option<String>,
) -> Cause {
    let def = plan.def(slot);
    let version = def
        .versions
        .iter()
        .rev()
        .find(|v| v.from.is_none_or(|d| d <= rules_date))
        .or(def.versions.first());
    Cause {
        name: def.name.to_string(),
        kind: def.kind,
        change,
        citations: version.map(|v| v.citations.clone()).unwrap_or_default(),
        location: version
            .map(|v| format!("{}:{}", v.location.file, v.location.line))
            .unwrap_or_default(),
        before,
        after,
    }
}

/// The codes of the errors that stopped a dossier before any output.
fn start_codes(o: &Outcome) -> Vec<&'static str> {
    match &o.result {
        Err(es) => es.iter().map(|e| e.code()).collect(),
        Ok(_) => Vec::new(),
    }
}

fn outputs(o: &Outcome) -> &[Output] {
    o.result.as_deref().unwrap_or(&[])
}

/// The outputs of either side that are money (or decisions), by name, after side first.
fn output_names(
    pb: &Plan,
    pa: &Plan,
    keep: impl Fn(&crate::eval::plan::PlanDef) -> bool,
) -> Vec<Arc<str>> {
    let mut names: Vec<Arc<str>> = Vec::new();
    for (plan, slots) in [(pa, &pa.outputs), (pb, &pb.outputs)] {
        for def in slots.iter().map(|s| plan.def(*s)) {
            if keep(def) && !names.contains(&def.name) {
                names.push(def.name.clone());
            }
        }
    }
    names
}

type Values<T> = Vec<(Arc<str>, Option<T>, Option<T>)>;

/// The outputs of either side that `keep` selects, each with its value on each side as `get`
/// reads it (`None`: no value there).
fn values<T>(
    (b, a): (&Outcome, &Outcome),
    (pb, pa): (&Plan, &Plan),
    keep: impl Fn(&crate::eval::plan::PlanDef) -> bool,
    get: impl Fn(&crate::eval::Value) -> Option<T>,
) -> Values<T> {
    let value = |o: &Outcome, name: &str| {
        o.output(name)
            .and_then(|x| x.value.as_ref().ok())
            .and_then(&get)
    };
    output_names(pb, pa, keep)
        .into_iter()
        .map(|n| {
            let (vb, va) = (value(b, &n), value(a, &n));
            (n, vb, va)
        })
        .collect()
}

/// The outputs whose value (or, for a decision, whose conditions not met) differ, in the
/// after side's order then the before side's.
fn output_changes(b: &Outcome, a: &Outcome, pb: &Plan, pa: &Plan) -> Vec<OutputChange> {
    let mut names: Vec<Arc<str>> = Vec::new();
    for o in outputs(a).iter().chain(outputs(b)) {
        if !names.contains(&o.name) {
            names.push(o.name.clone());
        }
    }
    let mut out = Vec::new();
    for name in names {
        let (ob, oa) = (b.output(&name), a.output(&name));
        let json = |o: Option<&Output>, p: &Plan| o.map(|o| o.value_json(p)).unwrap_or(Json::Null);
        let (jb, ja) = (json(ob, pb), json(oa, pa));
        let failed = |o: Option<&Output>| -> BTreeSet<String> {
            o.map(|o| o.failed_names().into_iter().map(str::to_string).collect())
                .unwrap_or_default()
        };
        let (fb, fa) = (failed(ob), failed(oa));
        let same_error = match (ob.map(|o| &o.value), oa.map(|o| &o.value)) {
            (Some(Err(x)), Some(Err(y))) => x.code() == y.code() && x.within == y.within,
            _ => false,
        };
        if (jb == ja || same_error) && fb == fa {
            continue;
        }
        let num = |o: Option<&Output>| {
            o.filter(|o| o.ty.is_money())
                .and_then(|o| o.value.as_ref().ok())
                .and_then(|v| v.as_num())
        };
        let delta = match (num(ob), num(oa)) {
            (Some(x), Some(y)) => y.checked_sub(x),
            _ => None,
        };
        let absent = || "(absente)".to_string();
        out.push(OutputChange {
            kind: oa.or(ob).map(|o| o.kind).unwrap_or(DefKind::Rule),
            before: ob.map(|o| o.shown(pb)).unwrap_or_else(absent),
            after: oa.map(|o| o.shown(pa)).unwrap_or_else(absent),
            before_json: jb,
            after_json: ja,
            delta,
            reasons_added: fa.difference(&fb).cloned().collect(),
            reasons_removed: fb.difference(&fa).cloned().collect(),
            name,
        });
    }
    out
}

/// A programme on each side of a comparison of two trees: its entry file on each side
/// (`None`: absent there), matched by path.
pub type ProgrammePair = (Option<SourceFile>, Option<SourceFile>);

/// The programmes of two trees whose files, or the files they import, differ.
pub fn differing_programmes(before: &Database, after: &Database) -> Vec<ProgrammePair> {
    let mut pairs: Vec<ProgrammePair> = Vec::new();
    for a in programmes(after) {
        pairs.push((before.file(a.path(after)), Some(a)));
    }
    for b in programmes(before) {
        if after.file(b.path(before)).is_none() {
            pairs.push((Some(b), None));
        }
    }
    pairs.retain(|(b, a)| match (b, a) {
        (Some(b), Some(a)) => texts(before, *b) != texts(after, *a),
        _ => true,
    });
    pairs
}

/// The files of a programme, by path, with their text.
fn texts(db: &Database, entry: SourceFile) -> Vec<(PathBuf, String)> {
    let mut v: Vec<(PathBuf, String)> = program_files(db, entry)
        .into_iter()
        .map(|f| (f.path(db).clone(), f.text(db).clone()))
        .collect();
    v.sort();
    v
}
