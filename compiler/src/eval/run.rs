//! The evaluator: lazy, exact, memoised per dossier, with an optional trace for
//! explanations. It never panics: every failure is an `EvalError`.

use chrono::NaiveDate;

use super::arith::{arith, compare, values_equal};
use super::error::{EvalError, EvalErrorKind};
use super::plan::{Body, PCell, PExpr, PKind, Plan, Slot};
use super::value::{money_fits, RtTy, Shown, Value};
use crate::check::scope::DefKind;
use crate::syntax::ast::BinOp;
use crate::types::Duration;

mod builtins;
mod compiled;
mod values;

pub(super) use values::{arm_index, internal, project, truth};

pub use compiled::CompiledCell;

#[derive(Clone, Debug)]
enum Memo {
    Todo,
    /// An input the dossier gives, not read yet.
    Given(Value),
    Busy,
    Done(Value),
    Failed(EvalError),
}

/// One thing a definition read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    /// A whole definition (a rule, a condition, a table, an input used as a whole).
    Def(Slot),
    /// A field of an input structure, by field indexes: `projet.matière` rather than the whole
    /// `projet`, so that an explanation shows what was actually consulted.
    Field(Slot, Vec<u32>),
}

/// What the trace records of one definition's evaluation.
#[derive(Clone, Debug, Default)]
pub struct Step {
    /// What was read, in order of first read.
    pub reads: Vec<Read>,
    /// Index of the version used in `PlanDef::versions`.
    pub version: usize,
    /// Index of the exception applied, if one did.
    pub exception: Option<usize>,
    /// The table rows used: `(table, row index)`.
    pub rows: Vec<(Slot, usize)>,
}

pub struct Evaluator<'p> {
    pub plan: &'p Plan,
    /// The evaluation date (`date_d_évaluation`).
    pub date: NaiveDate,
    /// The date whose rules are in force: the evaluation date, the date of the input named
    /// by `daté par`, or the one the caller chose (`Options::rules_date`).
    rules_date: NaiveDate,
    memo: Vec<Memo>,
    locals: Vec<Value>,
    /// `Some` when explanations are wanted.
    steps: Option<Vec<Option<Step>>>,
    frames: Vec<Step>,
    /// `Some` when coverage is recorded (`pol test --couverture`).
    coverage: Option<Coverage>,
    /// How many definitions are being computed, one inside the other.
    depth: u32,
    /// How many expressions are being evaluated, one inside the other.
    nesting: u32,
}

/// Every how many nested expressions the stack is looked at: each level takes a few
/// kilobytes at most, and `with_stack` keeps a margin of 128 KiB.
const STACK_STRIDE: u32 = 8;

/// The most elements `intervalle(a, b)` gives.
pub const MAX_RANGE: i64 = 10_000;

/// The longest chain of definitions computed one inside the other.
pub const MAX_CHAIN: u32 = 256;

/// What a set of evaluations exercised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Definitions evaluated at least once.
    pub evaluated: std::collections::BTreeSet<Slot>,
    /// Conditions seen not met at least once.
    pub failed: std::collections::BTreeSet<Slot>,
    /// Table rows used: `(table, row)`.
    pub rows: std::collections::BTreeSet<(Slot, usize)>,
    /// `selon` arms taken: `(selon id, arm)`; the default arm is numbered after the others.
    pub arms: std::collections::BTreeSet<(u32, usize)>,
}

impl Coverage {
    pub fn merge(&mut self, other: Coverage) {
        self.evaluated.extend(other.evaluated);
        self.failed.extend(other.failed);
        self.rows.extend(other.rows);
        self.arms.extend(other.arms);
    }
}

type R<T> = Result<T, EvalError>;

/// The inputs a dossier gives, by slot, in slot order (`null` and absent inputs are left
/// out): a handful, whatever the size of the plan.
pub type Given = Vec<(Slot, Value)>;

/// `input.a.b` as the input's slot and the field indexes, when the access starts at an input.
fn field_path(e: &PExpr, plan: &Plan) -> Option<(Slot, Vec<u32>)> {
    let mut path = Vec::new();
    let mut cur = e;
    while let PKind::Field(x, i) = &cur.kind {
        path.push(*i);
        cur = x;
    }
    match cur.kind {
        PKind::Slot(s) if plan.def(s).kind == DefKind::Input => {
            path.reverse();
            Some((s, path))
        }
        _ => None,
    }
}

fn err(kind: EvalErrorKind) -> EvalError {
    EvalError::new(kind)
}

impl<'p> Evaluator<'p> {
    pub fn new(plan: &'p Plan, date: NaiveDate, given: Given, explain: bool) -> Self {
        let n = plan.defs.len();
        // The inputs given wait in the memo: one vector per dossier, the length of the plan,
        // and only the slots given written twice.
        let mut memo = Vec::with_capacity(n);
        memo.resize_with(n, || Memo::Todo);
        for (slot, v) in given {
            if let Some(m) = memo.get_mut(slot as usize) {
                *m = Memo::Given(v);
            }
        }
        Evaluator {
            plan,
            date,
            rules_date: date,
            memo,
            locals: Vec::new(),
            steps: explain.then(|| vec![None; n]),
            frames: Vec::new(),
            coverage: None,
            depth: 0,
            nesting: 0,
        }
    }

    /// The date whose rules are in force.
    pub fn rules_date(&self) -> NaiveDate {
        self.rules_date
    }

    /// The definitions computed so far, to a value or an error: the dossier's evaluation
    /// path, since only what was needed is computed.
    pub fn computed(&self) -> Vec<Slot> {
        self.slots_where(|m| matches!(m, Memo::Done(_) | Memo::Failed(_)))
    }

    /// The definitions computed so far to a value: what coverage calls evaluated, known
    /// without recording coverage (so from the compiled expressions too).
    pub fn evaluated(&self) -> Vec<Slot> {
        self.slots_where(|m| matches!(m, Memo::Done(_)))
    }

    fn slots_where(&self, keep: impl Fn(&Memo) -> bool) -> Vec<Slot> {
        let slots = self.memo.iter().enumerate();
        slots
            .filter(|(_, m)| keep(m))
            .map(|(i, _)| i as Slot)
            .collect()
    }

    /// Whether the trace for explanations is recorded.
    pub fn explaining(&self) -> bool {
        self.steps.is_some()
    }

    pub(crate) fn set_rules_date(&mut self, date: NaiveDate) {
        self.rules_date = date;
    }

    /// Starts recording what this evaluation exercises.
    pub fn record_coverage(&mut self) {
        self.coverage = Some(Coverage::default());
    }

    pub fn take_coverage(&mut self) -> Coverage {
        self.coverage.take().unwrap_or_default()
    }

    /// The value bound to a local (a comprehension's element).
    pub(super) fn local(&self, l: u32) -> R<Value> {
        self.locals
            .get(l as usize)
            .cloned()
            .ok_or_else(|| internal("une variable locale hors de sa compréhension"))
    }

    pub fn step(&self, slot: Slot) -> Option<&Step> {
        self.steps.as_ref()?.get(slot as usize)?.as_ref()
    }

    /// The index of the version of `slot` in force at the rules' date (the first one if
    /// none is yet: see `in_force`).
    pub fn version_index(&self, slot: Slot) -> usize {
        let versions = &self.plan.def(slot).versions;
        // Most definitions have one version: it is the one, in force or not.
        if versions.len() == 1 {
            return 0;
        }
        versions
            .iter()
            .rposition(|v| v.from.is_none_or(|d| d <= self.rules_date))
            .unwrap_or(0)
    }

    /// Whether `slot` exists at the rules' date: a definition written in an amendment file
    /// exists only from the amendment's date.
    pub fn in_force(&self, slot: Slot) -> bool {
        // The first version is the earliest.
        self.plan
            .def(slot)
            .versions
            .first()
            .is_some_and(|v| v.from.is_none_or(|d| d <= self.rules_date))
    }

    /// The reason a condition gives when it is not met, in the version in force.
    pub fn reason(&self, slot: Slot) -> Option<&str> {
        let def = self.plan.def(slot);
        def.versions
            .get(self.version_index(slot))
            .and_then(|v| v.reason.as_deref())
            .or(def.reason.as_deref())
    }

    /// Records a read in the definition being computed, when explanations are on.
    fn note_read(&mut self, read: Read) {
        if let Some(frame) = self.frames.last_mut() {
            if !frame.reads.contains(&read) {
                frame.reads.push(read);
            }
        }
    }

    /// The value of a definition, without recording it as read as a whole.
    fn value_unnoted(&mut self, slot: Slot) -> R<Value> {
        let noted = self.frames.last().map(|f| f.reads.len());
        let v = self.value(slot);
        if let (Some(n), Some(frame)) = (noted, self.frames.last_mut()) {
            frame.reads.truncate(n);
        }
        v
    }

    /// The value of a definition (memoised).
    #[inline]
    pub fn value(&mut self, slot: Slot) -> R<Value> {
        // Read again, with nothing to record: the common case, kept small enough to inline.
        if self.steps.is_none() {
            if let Some(Memo::Done(v)) = self.memo.get(slot as usize) {
                return Ok(v.clone());
            }
        }
        self.first_value(slot)
    }

    /// `value`, but for a read to record or a definition not yet computed.
    #[inline(never)]
    fn first_value(&mut self, slot: Slot) -> R<Value> {
        if self.steps.is_some() {
            self.note_read(Read::Def(slot));
        }
        let Some(m) = self.memo.get(slot as usize) else {
            return Err(internal("une définition hors du programme compilé"));
        };
        match m {
            Memo::Done(v) => return Ok(v.clone()),
            Memo::Failed(e) => return Err(e.clone()),
            Memo::Busy => {
                return Err(err(EvalErrorKind::Cycle {
                    name: self.plan.def(slot).name.to_string(),
                }))
            }
            Memo::Todo | Memo::Given(_) => {}
        }
        // Each definition read from another nests the evaluation one level deeper: bound it,
        // so that a very long chain of rules is an error rather than a stack overflow.
        if self.depth >= MAX_CHAIN {
            return Err(err(EvalErrorKind::ChainTooLong {
                name: self.plan.def(slot).name.to_string(),
            }));
        }
        self.depth += 1;
        let given = match std::mem::replace(&mut self.memo[slot as usize], Memo::Busy) {
            Memo::Given(v) => Some(v),
            _ => None,
        };
        let explain = self.steps.is_some();
        if explain {
            self.frames.push(Step::default());
        }
        let mut result = self.compute(slot, given);
        // An amount of money too large to hold with its cents is an error, whatever computed
        // it (a sum, a product, an input).
        if let Ok((Value::Num(d), _)) = &result {
            if self.plan.def(slot).ty.is_money() && !money_fits(*d) {
                result = Err(err(EvalErrorKind::MoneyTooLarge));
            }
        }
        self.depth -= 1;
        if explain {
            let mut step = self.frames.pop().unwrap_or_default();
            step.version = self.version_index(slot);
            if let Ok((_, ex)) = &result {
                step.exception = *ex;
            }
            if let Some(steps) = self.steps.as_mut() {
                steps[slot as usize] = Some(step);
            }
        }
        let result = result.map(|(v, _)| v).map_err(|mut e| {
            if e.within.is_none() {
                e.within = Some(self.plan.def(slot).name.clone());
            }
            if e.location.is_none() {
                let vi = self.version_index(slot);
                e.location = self
                    .plan
                    .def(slot)
                    .versions
                    .get(vi)
                    .map(|v| v.location.clone());
            }
            e
        });
        if let (Some(cov), Ok(v)) = (self.coverage.as_mut(), &result) {
            cov.evaluated.insert(slot);
            if self.plan.def(slot).kind == DefKind::Condition && v.as_bool() == Some(false) {
                cov.failed.insert(slot);
            }
        }
        self.memo[slot as usize] = match &result {
            Ok(v) => Memo::Done(v.clone()),
            Err(e) => Memo::Failed(e.clone()),
        };
        result
    }

    /// The value of a definition (`given`: the dossier's value, for an input), and the
    /// exception applied if one did.
    fn compute(&mut self, slot: Slot, given: Option<Value>) -> R<(Value, Option<usize>)> {
        let plan = self.plan;
        let def = plan.def(slot);
        let vi = self.version_index(slot);
        let Some(version) = def.versions.get(vi) else {
            return Err(err(EvalErrorKind::MissingInput {
                path: def.name.to_string(),
            }));
        };
        if !self.in_force(slot) {
            return Err(err(EvalErrorKind::NotInForce {
                name: def.name.to_string(),
                from: version.from,
                date: self.rules_date,
            }));
        }
        match &version.body {
            Body::Input { default } => {
                if let Some(v) = given {
                    return Ok((v, None));
                }
                match default {
                    Some(d) => Ok((self.eval(d)?, None)),
                    None => Err(err(EvalErrorKind::MissingInput {
                        path: def.name.to_string(),
                    })),
                }
            }
            Body::Decision { conditions } => {
                let mut ok = true;
                for c in conditions {
                    if !self.in_force(*c) {
                        continue;
                    }
                    if !truth(&self.value(*c)?)? {
                        ok = false;
                    }
                }
                Ok((Value::Bool(ok), None))
            }
            // A table is a function: its value is only taken through `Table` calls.
            Body::Table { .. } => Err(internal("la valeur d'une table lue sans ses clés")),
            Body::Expr(body) => {
                // What records nothing runs the compiled expressions.
                let code = (self.steps.is_none() && self.coverage.is_none())
                    .then(|| plan.compiled.get(plan).version(slot, vi))
                    .flatten();
                // Exceptions: every condition is evaluated, so that two that hold at once are
                // reported rather than one silently winning.
                let mut applied: Option<usize> = None;
                for (i, ex) in version.exceptions.iter().enumerate() {
                    if ex.from.is_some_and(|d| d > self.rules_date) {
                        continue;
                    }
                    let holds = match code.and_then(|c| c.exceptions.get(i)) {
                        Some((condition, _)) => condition(self)?,
                        None => self.eval(&ex.condition)?,
                    };
                    if truth(&holds)? {
                        if let Some(first) = applied {
                            let mut e = EvalError::new(EvalErrorKind::ExceptionConflict {
                                rule: def.name.to_string(),
                                first: version.exceptions[first].location.clone(),
                                second: ex.location.clone(),
                            });
                            e.location = Some(ex.location.clone());
                            e.within = Some(def.name.clone());
                            return Err(e);
                        }
                        applied = Some(i);
                    }
                }
                let v = match (applied, code) {
                    (Some(i), Some(c)) if i < c.exceptions.len() => (c.exceptions[i].1)(self)?,
                    (Some(i), _) => self.eval(&version.exceptions[i].body)?,
                    (None, Some(c)) => (c.body)(self)?,
                    (None, None) => self.eval(body)?,
                };
                Ok((v, applied))
            }
        }
    }

    fn boolean(&mut self, e: &PExpr) -> R<bool> {
        truth(&self.eval(e)?)
    }

    pub fn eval(&mut self, e: &PExpr) -> R<Value> {
        // Looking at the stack costs more than most nodes: look at the outermost expression
        // and then every `STACK_STRIDE` levels, far fewer than the margin `with_stack` keeps.
        self.nesting += 1;
        let v = if self.nesting % STACK_STRIDE == 1 {
            crate::with_stack(|| self.eval_inner(e))
        } else {
            self.eval_inner(e)
        };
        self.nesting -= 1;
        v
    }

    /// One node. The common nodes are evaluated here, the others out of line, so that this
    /// function, entered once per node, keeps a small frame.
    fn eval_inner(&mut self, e: &PExpr) -> R<Value> {
        Ok(match &e.kind {
            PKind::Const(v) => v.clone(),
            PKind::Slot(s) => self.value(*s)?,
            PKind::Local(l) => self.local(*l)?,
            PKind::EvalDate => Value::Date(self.date),
            PKind::Field(x, i) if self.steps.is_some() => self.field_noted(e, x, *i)?,
            PKind::Field(x, i) => self.field(x, *i)?,
            PKind::Not(x) => Value::Bool(!self.boolean(x)?),
            PKind::And(a, b) => Value::Bool(self.boolean(a)? && self.boolean(b)?),
            PKind::Or(a, b) => Value::Bool(self.boolean(a)? || self.boolean(b)?),
            PKind::If(c, t, o) => {
                if self.boolean(c)? {
                    self.eval(t)?
                } else {
                    self.eval(o)?
                }
            }
            PKind::Compare(op, a, b) => {
                let x = self.eval(a)?;
                let y = self.eval(b)?;
                Value::Bool(compare(*op, &x, &y)?)
            }
            PKind::Arith {
                op,
                how,
                lhs,
                rhs,
                round_cents: rc,
            } => {
                let x = self.eval(lhs)?;
                let y = self.eval(rhs)?;
                arith(*op, *how, &x, &y, *rc)?
            }
            PKind::Builtin(b, args) => self.builtin(*b, args)?,
            PKind::Table(slot, args) => self.table(*slot, args)?,
            _ => self.eval_rare(e)?,
        })
    }

    /// A field of a local (`d.montant`) or of a definition already computed, read in place;
    /// of anything else, of its value.
    fn field(&mut self, x: &PExpr, i: u32) -> R<Value> {
        let held = match x.kind {
            PKind::Local(l) => self.locals.get(l as usize),
            PKind::Slot(s) => match self.memo.get(s as usize) {
                Some(Memo::Done(v)) => Some(v),
                _ => None,
            },
            _ => None,
        };
        match held {
            Some(v) => project(v, i),
            None => project(&self.eval(x)?, i),
        }
    }

    /// A field read, recorded for explanations as `input.a.b` when it starts at an input.
    #[inline(never)]
    fn field_noted(&mut self, e: &PExpr, x: &PExpr, i: u32) -> R<Value> {
        match field_path(e, self.plan) {
            Some((slot, path)) => {
                let mut v = self.value_unnoted(slot)?;
                for i in &path {
                    v = project(&v, *i)?;
                }
                self.note_read(Read::Field(slot, path));
                Ok(v)
            }
            None => project(&self.eval(x)?, i),
        }
    }

    /// The nodes `eval_inner` leaves out of line.
    #[inline(never)]
    fn eval_rare(&mut self, e: &PExpr) -> R<Value> {
        Ok(match &e.kind {
            PKind::Neg(x) => match self.eval(x)? {
                Value::Num(d) => Value::Num(-d),
                Value::Duration(d) => Value::Duration(Duration {
                    months: d
                        .months
                        .checked_neg()
                        .ok_or_else(|| err(EvalErrorKind::Overflow))?,
                    days: d
                        .days
                        .checked_neg()
                        .ok_or_else(|| err(EvalErrorKind::Overflow))?,
                }),
                v => v,
            },
            PKind::In(a, b) => {
                let x = self.eval(a)?;
                match self.eval(b)? {
                    Value::List(items) => Value::Bool(items.iter().any(|i| values_equal(i, &x))),
                    _ => return Err(internal("« dans » d'une valeur qui n'est pas une liste")),
                }
            }
            PKind::Selon {
                id,
                scrutinee,
                arm_of,
                arms,
                default,
            } => {
                let idx = arm_index(&self.eval(scrutinee)?)?;
                let arm = arm_of.get(idx).copied().flatten();
                if let Some(cov) = self.coverage.as_mut() {
                    // The default arm is counted after the explicit ones.
                    cov.arms
                        .insert((*id, arm.map_or(arms.len(), |a| a as usize)));
                }
                match arm
                    .map(|a| arms.get(a as usize))
                    .unwrap_or(default.as_deref())
                {
                    Some(arm) => self.eval(arm)?,
                    None => return Err(internal("un « selon » sans cas pour sa valeur")),
                }
            }
            PKind::List(items) => Value::List(self.eval_all(items)?.into()),
            PKind::Record(fields) => Value::Struct(self.eval_all(fields)?.into()),
            PKind::Comprehension { list, filter, body } => {
                self.comprehension(list, filter.as_deref(), body)?
            }
            // Named one by one, so that a new kind of node must be placed in one of the two.
            PKind::Const(_)
            | PKind::Slot(_)
            | PKind::Local(_)
            | PKind::EvalDate
            | PKind::Field(..)
            | PKind::Not(_)
            | PKind::And(..)
            | PKind::Or(..)
            | PKind::If(..)
            | PKind::Compare(..)
            | PKind::Arith { .. }
            | PKind::Builtin(..)
            | PKind::Table(..) => self.eval_inner(e)?,
            PKind::Unreachable(what) => return Err(internal(what)),
        })
    }

    fn eval_all(&mut self, items: &[PExpr]) -> R<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            out.push(self.eval(i)?);
        }
        Ok(out)
    }

    /// `body pour chaque x dans list [si filter]`.
    fn comprehension(&mut self, list: &PExpr, filter: Option<&PExpr>, body: &PExpr) -> R<Value> {
        let mut out = Vec::new();
        let list = self.eval(list)?;
        self.each_element(list, |ev| ev.walk_element(filter, body), |v| out.push(v))?;
        Ok(Value::List(out.into()))
    }

    /// One element of a comprehension, walked: `None` when the filter leaves it out.
    fn walk_element(&mut self, filter: Option<&PExpr>, body: &PExpr) -> R<Option<Value>> {
        if let Some(f) = filter {
            if !self.boolean(f)? {
                return Ok(None);
            }
        }
        self.eval(body).map(Some)
    }

    /// Each element of a comprehension over `list` (already evaluated), in order, bound to
    /// its variable while `element` gives its value (`None`: filtered out), handed to `sink`;
    /// the first error stops.
    fn each_element(
        &mut self,
        list: Value,
        mut element: impl FnMut(&mut Self) -> R<Option<Value>>,
        mut sink: impl FnMut(Value),
    ) -> R<()> {
        let Value::List(items) = list else {
            return Ok(());
        };
        for item in items.iter() {
            self.locals.push(item.clone());
            let r = element(self);
            self.locals.pop();
            if let Some(v) = r? {
                sink(v);
            }
        }
        Ok(())
    }

    #[inline(never)]
    fn table(&mut self, slot: Slot, args: &[PExpr]) -> R<Value> {
        // Record the read for explanations, then look the row up.
        if self.steps.is_some() {
            self.note_read(Read::Def(slot));
        }
        let mut keys = Vec::with_capacity(args.len());
        for a in args {
            keys.push(self.eval(a)?);
        }
        self.table_lookup(slot, &keys)
    }

    /// The value of the row of `slot` in force that its keys' values match first.
    fn table_lookup(&mut self, slot: Slot, keys: &[Value]) -> R<Value> {
        let plan = self.plan;
        let def = plan.def(slot);
        let vi = self.version_index(slot);
        let Some(Body::Table {
            rows,
            params,
            param_types,
        }) = def.versions.get(vi).map(|v| &v.body)
        else {
            return Err(internal("une table sans lignes"));
        };
        // Rows are tried in order; the first that matches applies (a last row of « _ » is
        // the usual « otherwise »).
        let mut found: Option<usize> = None;
        for (ri, row) in rows.iter().enumerate() {
            let mut all = true;
            for (cell, key) in row.keys.iter().zip(keys) {
                let ok = match cell {
                    PCell::Any => true,
                    // Most cells are written out: compared as they are, not evaluated.
                    PCell::Eq(PExpr {
                        kind: PKind::Const(v),
                        ..
                    }) => values_equal(v, key),
                    PCell::Eq(e) => values_equal(&self.eval(e)?, key),
                    PCell::Range(lo, hi) => {
                        let lo = self.eval(lo)?;
                        let hi = self.eval(hi)?;
                        compare(BinOp::Le, &lo, key)? && compare(BinOp::Le, key, &hi)?
                    }
                };
                if !ok {
                    all = false;
                    break;
                }
            }
            if all {
                found = Some(ri);
                break;
            }
        }
        match found {
            None => {
                let shown_keys = keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| {
                        let ty = param_types.get(i).cloned().unwrap_or(RtTy::Dec);
                        format!(
                            "{} = {}",
                            params.get(i).map(String::as_str).unwrap_or("?"),
                            Shown {
                                value: k,
                                ty: &ty,
                                plan
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut e = EvalError::new(EvalErrorKind::NoTableRow {
                    table: def.name.to_string(),
                    keys: shown_keys,
                });
                e.location = def.versions.get(vi).map(|v| v.location.clone());
                Err(e)
            }
            Some(one) => {
                if let Some(frame) = self.frames.last_mut() {
                    frame.rows.push((slot, one));
                }
                if let Some(cov) = self.coverage.as_mut() {
                    cov.rows.insert((slot, one));
                }
                match &rows[one].value {
                    // Most rows give a value written out.
                    PExpr {
                        kind: PKind::Const(v),
                        ..
                    } => Ok(v.clone()),
                    value => self.eval(value),
                }
            }
        }
    }

    /// The conditions of a decision that are not met, in order.
    pub fn failed_conditions(&mut self, decision: Slot) -> R<Vec<Slot>> {
        let def = self.plan.def(decision);
        if def.kind != DefKind::Decision {
            return Ok(Vec::new());
        }
        let vi = self.version_index(decision);
        let Some(Body::Decision { conditions }) = def.versions.get(vi).map(|v| &v.body) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for c in conditions {
            if self.in_force(*c) && !truth(&self.value(*c)?)? {
                out.push(*c);
            }
        }
        Ok(out)
    }
}
