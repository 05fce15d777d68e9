//! The evaluation plan: a checked program with every name resolved to a slot, every type to
//! a runtime descriptor, every span made absolute. Built once per program (a salsa query);
//! evaluating a dossier then costs evaluation, not look-ups.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;

use super::value::{RtTy, Value};
use crate::check::scope::{file_defs, module_scope, resolved_imports, DefKind};
use crate::check::{check_item, enum_info, file_diagnostics, struct_info, CheckedCell, Detail};
use crate::db::{item_ast, item_offset, Db, ItemKey, SourceFile};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{BinOp, ItemKind, Span};
use crate::types::{Arith, Builtin, Const, DefRef, TExpr, TKind, Ty};

pub type Slot = u32;

/// Where a definition or an expression is, for messages and explanations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: Arc<str>,
    pub line: u32,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PExpr {
    pub kind: PKind,
    /// Absolute span in the file of the definition the expression belongs to.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PKind {
    Const(Value),
    Slot(Slot),
    Local(u32),
    EvalDate,
    Field(Box<PExpr>, u32),
    Builtin(Builtin, Vec<PExpr>),
    Table(Slot, Vec<PExpr>),
    Not(Box<PExpr>),
    Neg(Box<PExpr>),
    And(Box<PExpr>, Box<PExpr>),
    Or(Box<PExpr>, Box<PExpr>),
    Compare(BinOp, Box<PExpr>, Box<PExpr>),
    In(Box<PExpr>, Box<PExpr>),
    Arith {
        op: BinOp,
        how: Arith,
        lhs: Box<PExpr>,
        rhs: Box<PExpr>,
        round_cents: bool,
    },
    If(Box<PExpr>, Box<PExpr>, Box<PExpr>),
    /// `arm_of[variant]` is the index of the arm for that variant, if any. `id` indexes
    /// `Plan::selons` (for coverage).
    Selon {
        id: u32,
        scrutinee: Box<PExpr>,
        arm_of: Vec<Option<u32>>,
        arms: Vec<PExpr>,
        default: Option<Box<PExpr>>,
    },
    List(Vec<PExpr>),
    /// A value of a structure, its fields in order.
    Record(Vec<PExpr>),
    Comprehension {
        list: Box<PExpr>,
        filter: Option<Box<PExpr>>,
        body: Box<PExpr>,
    },
    /// What the compiler could not translate (the checker rules it out): evaluating it is
    /// an internal error, never a value.
    Unreachable(&'static str),
}

impl PExpr {
    /// Calls `f` on each direct sub-expression.
    pub fn children(&self, f: &mut dyn FnMut(&PExpr)) {
        match &self.kind {
            PKind::Const(_)
            | PKind::Slot(_)
            | PKind::Local(_)
            | PKind::EvalDate
            | PKind::Unreachable(_) => {}
            PKind::Field(e, _) | PKind::Not(e) | PKind::Neg(e) => f(e),
            PKind::Builtin(_, args)
            | PKind::Table(_, args)
            | PKind::List(args)
            | PKind::Record(args) => args.iter().for_each(f),
            PKind::And(a, b) | PKind::Or(a, b) | PKind::Compare(_, a, b) | PKind::In(a, b) => {
                f(a);
                f(b)
            }
            PKind::Arith { lhs, rhs, .. } => {
                f(lhs);
                f(rhs)
            }
            PKind::If(c, t, o) => {
                f(c);
                f(t);
                f(o)
            }
            PKind::Selon {
                scrutinee,
                arms,
                default,
                ..
            } => {
                f(scrutinee);
                arms.iter().for_each(&mut *f);
                if let Some(d) = default {
                    f(d)
                }
            }
            PKind::Comprehension { list, filter, body } => {
                f(list);
                if let Some(c) = filter {
                    f(c)
                }
                f(body)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PCell {
    Any,
    Eq(PExpr),
    Range(PExpr, PExpr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PRow {
    pub keys: Vec<PCell>,
    pub value: PExpr,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PException {
    /// In force from this date (an exception written in an amendment file), else always.
    pub from: Option<NaiveDate>,
    pub label: Option<String>,
    pub condition: PExpr,
    pub body: PExpr,
    pub location: Location,
    pub citations: Vec<String>,
}

/// One definition of a slot, in force from a date (`None`: from the program's start).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    pub from: Option<NaiveDate>,
    pub body: Body,
    /// For a condition: the reason this version gives when it is not met.
    pub reason: Option<String>,
    pub exceptions: Vec<PException>,
    pub location: Location,
    pub citations: Vec<String>,
    pub docs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Body {
    Input {
        default: Option<PExpr>,
    },
    Expr(PExpr),
    Decision {
        conditions: Vec<Slot>,
    },
    Table {
        params: Vec<String>,
        param_types: Vec<RtTy>,
        rows: Vec<PRow>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PlanDef {
    pub name: Arc<str>,
    pub kind: DefKind,
    pub ty: RtTy,
    /// For conditions: the reason shown when it is not met.
    pub reason: Option<String>,
    /// Sorted by `from`, the base version (from `None`) first.
    pub versions: Vec<Version>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumDesc {
    pub name: Arc<str>,
    pub variants: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldDesc {
    pub name: String,
    pub ty: RtTy,
    pub default: Option<PExpr>,
    /// The default's value, computed once with the plan: it reads no dossier. `None`: no
    /// default, or one that cannot be computed (the field is then missing when absent).
    pub default_value: Option<Value>,
}

impl FieldDesc {
    /// The value of the field when a dossier leaves it out: its default, or a missing value
    /// named by its path (an error only if it is read).
    pub fn default_or_missing(&self, path: impl FnOnce() -> String) -> Value {
        match &self.default_value {
            Some(v) => v.clone(),
            None => Value::Missing(Arc::from(path())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructDesc {
    pub name: Arc<str>,
    pub fields: Vec<FieldDesc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Plan {
    pub name: Arc<str>,
    pub title: Option<String>,
    pub source: Option<String>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// The date of the oldest version encoded (the entry file's `version`).
    pub base_version: Option<NaiveDate>,
    /// The input whose date selects the rules in force (`daté par`); without it, the
    /// evaluation date does.
    pub dated_by: Option<Slot>,
    pub defs: Vec<PlanDef>,
    pub enums: Vec<EnumDesc>,
    pub structs: Vec<StructDesc>,
    /// Inputs in declaration order.
    pub inputs: Vec<Slot>,
    /// What `pol eval` shows by default: the programme's `sorties`, else every decision.
    pub outputs: Vec<Slot>,
    /// Name to slot, for front ends (never used during evaluation).
    pub by_name: BTreeMap<String, Slot>,
    /// Every `selon`, for coverage reports.
    pub selons: Vec<SelonInfo>,
    /// The expressions compiled to closures, built when first needed.
    pub compiled: super::run::CompiledCell,
}

/// Where a `selon` is and what its arms are called.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SelonInfo {
    /// The definition it belongs to.
    pub slot: Slot,
    pub location: Location,
    /// One label per arm (its patterns), then `sinon` if it has a default.
    pub arms: Vec<String>,
}

impl Plan {
    pub fn slot(&self, name: &str) -> Option<Slot> {
        self.by_name.get(name).copied()
    }

    pub fn def(&self, slot: Slot) -> &PlanDef {
        &self.defs[slot as usize]
    }

    /// The definitions the outputs depend on, directly or not (for coverage: a definition no
    /// output reads is not part of this program's result).
    pub fn reachable(&self) -> std::collections::BTreeSet<Slot> {
        fn walk(e: &PExpr, out: &mut Vec<Slot>) {
            match &e.kind {
                PKind::Slot(s) | PKind::Table(s, _) => out.push(*s),
                _ => {}
            }
            e.children(&mut |c| walk(c, out));
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<Slot> = self.outputs.clone();
        while let Some(s) = stack.pop() {
            if !seen.insert(s) {
                continue;
            }
            let Some(def) = self.defs.get(s as usize) else {
                continue;
            };
            for v in &def.versions {
                match &v.body {
                    Body::Expr(e) => walk(e, &mut stack),
                    Body::Input { default: Some(e) } => walk(e, &mut stack),
                    Body::Input { default: None } => {}
                    Body::Decision { conditions } => stack.extend(conditions.iter().copied()),
                    Body::Table { rows, .. } => {
                        for r in rows {
                            walk(&r.value, &mut stack);
                            for k in &r.keys {
                                match k {
                                    PCell::Eq(e) => walk(e, &mut stack),
                                    PCell::Range(a, b) => {
                                        walk(a, &mut stack);
                                        walk(b, &mut stack);
                                    }
                                    PCell::Any => {}
                                }
                            }
                        }
                    }
                }
                for ex in &v.exceptions {
                    walk(&ex.condition, &mut stack);
                    walk(&ex.body, &mut stack);
                }
            }
        }
        seen
    }

    /// Every version date after the base, in order (amendments).
    pub fn amendment_dates(&self) -> Vec<NaiveDate> {
        let mut v: Vec<NaiveDate> = self
            .defs
            .iter()
            .flat_map(|d| d.versions.iter().filter_map(|v| v.from))
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Why a program could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompileError {
    /// The file declares no `programme`.
    NotAProgramme,
    /// Some file of the program has errors: `(file, its error diagnostics)`.
    Diagnostics(Vec<(SourceFile, Vec<Diagnostic>)>),
}

/// The files of a program: the entry and every file it imports, transitively, in a stable
/// order (entry first).
pub fn program_files(db: &dyn Db, entry: SourceFile) -> Vec<SourceFile> {
    let mut out = vec![entry];
    let mut i = 0;
    while i < out.len() {
        for f in resolved_imports(db, out[i]).iter().flatten() {
            if !out.contains(f) {
                out.push(*f);
            }
        }
        i += 1;
    }
    out
}

struct Compiler<'a> {
    db: &'a dyn Db,
    slots: HashMap<DefRef, Slot>,
    enums: HashMap<DefRef, u32>,
    structs: HashMap<DefRef, u32>,
    plan: Plan,
    struct_queue: Vec<DefRef>,
    /// The definition and file being compiled (for `selon` locations).
    current: Option<(Slot, SourceFile)>,
    /// Each file's path as shown, computed once.
    paths: HashMap<SourceFile, Arc<str>>,
}

/// A file's path as shown to users: relative to the folder that holds the policy root
/// (`policies/prime-vert/calcul.pol`).
pub fn display_path(db: &dyn Db, file: SourceFile) -> String {
    let path = file.path(db);
    let root = db.workspace().root(db);
    let base = root.parent().unwrap_or(root);
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Where each line of a file starts (byte offsets), to turn an offset into a line number
/// by binary search rather than by counting from the start of the file each time.
#[salsa::tracked(returns(ref))]
pub fn line_starts(db: &dyn Db, file: SourceFile) -> Vec<u32> {
    std::iter::once(0)
        .chain(
            file.text(db)
                .match_indices('\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        )
        .collect()
}

fn line_of(db: &dyn Db, file: SourceFile, offset: u32) -> u32 {
    let starts = line_starts(db, file);
    u32::try_from(starts.partition_point(|s| *s <= offset)).unwrap_or(u32::MAX)
}

impl<'a> Compiler<'a> {
    fn location(&mut self, file: SourceFile, span: Span) -> Location {
        let db = self.db;
        let shown = self
            .paths
            .entry(file)
            .or_insert_with(|| Arc::from(display_path(db, file)))
            .clone();
        Location {
            file: shown,
            line: line_of(db, file, span.start),
            span,
        }
    }

    fn enum_index(&mut self, def: &DefRef) -> u32 {
        if let Some(i) = self.enums.get(def) {
            return *i;
        }
        let info = enum_info(self.db, ItemKey::new(self.db, def.file, &*def.name));
        let i = self.plan.enums.len() as u32;
        self.plan.enums.push(EnumDesc {
            name: def.name.clone(),
            variants: info.variants.clone(),
        });
        self.enums.insert(def.clone(), i);
        i
    }

    fn struct_index(&mut self, def: &DefRef) -> u32 {
        if let Some(i) = self.structs.get(def) {
            return *i;
        }
        let i = self.plan.structs.len() as u32;
        self.plan.structs.push(StructDesc {
            name: def.name.clone(),
            fields: Vec::new(),
        });
        self.structs.insert(def.clone(), i);
        self.struct_queue.push(def.clone());
        i
    }

    fn rt(&mut self, t: &Ty) -> RtTy {
        match t {
            Ty::Bool => RtTy::Bool,
            // Programmes with errors are not compiled: no dossier value has this type.
            Ty::Error => RtTy::Unknown,
            Ty::Int => RtTy::Int,
            Ty::Dec => RtTy::Dec,
            Ty::Pct => RtTy::Pct,
            Ty::Qty(u) => RtTy::Qty(*u),
            Ty::Text => RtTy::Text,
            Ty::Date => RtTy::Date,
            Ty::Duration => RtTy::Duration,
            Ty::Enum(d) => RtTy::Enum(self.enum_index(d)),
            Ty::Struct(d) => RtTy::Struct(self.struct_index(d)),
            Ty::List(t) => RtTy::List(Box::new(self.rt(t))),
            Ty::Decision => RtTy::Decision,
        }
    }

    fn expr(&mut self, e: &TExpr, offset: u32) -> PExpr {
        // The tree is as deep as the grammar allows, the thread's stack maybe an editor's.
        crate::with_stack(|| self.expr_inner(e, offset))
    }

    fn expr_inner(&mut self, e: &TExpr, offset: u32) -> PExpr {
        let span = e.span.shift(offset);
        let b = |c: &mut Self, x: &TExpr| Box::new(c.expr(x, offset));
        let kind = match &e.kind {
            TKind::Const(c) => PKind::Const(match c {
                Const::Bool(v) => Value::Bool(*v),
                Const::Num(d) => Value::Num(*d),
                Const::Text(t) => Value::Text(t.clone()),
                Const::Date(d) => Value::Date(*d),
                Const::Duration(d) => Value::Duration(*d),
            }),
            TKind::Ref(d) => match self.slots.get(d) {
                Some(s) => PKind::Slot(*s),
                None => PKind::Unreachable("une définition absente du programme compilé"),
            },
            TKind::Local(l) => PKind::Local(*l),
            TKind::EvalDate => PKind::EvalDate,
            TKind::Variant(d, i) => {
                self.enum_index(d);
                PKind::Const(Value::Enum(*i))
            }
            TKind::Field(x, i) => PKind::Field(b(self, x), *i),
            TKind::Builtin(f, args) => {
                PKind::Builtin(*f, args.iter().map(|a| self.expr(a, offset)).collect())
            }
            TKind::Table(d, args) => match self.slots.get(d) {
                Some(s) => PKind::Table(*s, args.iter().map(|a| self.expr(a, offset)).collect()),
                None => PKind::Unreachable("une table absente du programme compilé"),
            },
            TKind::Not(x) => PKind::Not(b(self, x)),
            TKind::Neg(x) => PKind::Neg(b(self, x)),
            TKind::And(x, y) => PKind::And(b(self, x), b(self, y)),
            TKind::Or(x, y) => PKind::Or(b(self, x), b(self, y)),
            TKind::Compare(op, x, y) => PKind::Compare(*op, b(self, x), b(self, y)),
            TKind::In(x, y) => PKind::In(b(self, x), b(self, y)),
            TKind::Arith {
                op,
                how,
                lhs,
                rhs,
                round_cents,
            } => PKind::Arith {
                op: *op,
                how: *how,
                lhs: b(self, lhs),
                rhs: b(self, rhs),
                round_cents: *round_cents,
            },
            TKind::If(c, t, o) => PKind::If(b(self, c), b(self, t), b(self, o)),
            TKind::Selon {
                scrutinee,
                arms,
                default,
            } => {
                let n = match &scrutinee.ty {
                    Ty::Enum(d) => {
                        let i = self.enum_index(d);
                        self.plan.enums[i as usize].variants.len()
                    }
                    _ => 2,
                };
                let names: Vec<String> = match &scrutinee.ty {
                    Ty::Enum(d) => {
                        let i = self.enum_index(d);
                        self.plan.enums[i as usize].variants.clone()
                    }
                    _ => vec!["faux".into(), "vrai".into()],
                };
                let mut arm_of = vec![None; n];
                let mut parms = Vec::new();
                let mut labels = Vec::new();
                for (idx, (variants, body)) in arms.iter().enumerate() {
                    for (v, _) in variants {
                        if let Some(slot) = arm_of.get_mut(*v as usize) {
                            slot.get_or_insert(idx as u32);
                        }
                    }
                    labels.push(format!(
                        "cas {}",
                        variants
                            .iter()
                            .filter_map(|(v, _)| names.get(*v as usize).cloned())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    parms.push(self.expr(body, offset));
                }
                if default.is_some() {
                    labels.push("sinon".into());
                }
                let id = self.plan.selons.len() as u32;
                if let Some((slot, file)) = self.current {
                    let location = self.location(file, span);
                    self.plan.selons.push(SelonInfo {
                        slot,
                        location,
                        arms: labels,
                    });
                }
                PKind::Selon {
                    id,
                    scrutinee: b(self, scrutinee),
                    arm_of,
                    arms: parms,
                    default: default.as_ref().map(|d| b(self, d)),
                }
            }
            TKind::List(items) => {
                constant_list(items.iter().map(|a| self.expr(a, offset)).collect())
            }
            TKind::Record(fields) => {
                PKind::Record(fields.iter().map(|a| self.expr(a, offset)).collect())
            }
            TKind::Comprehension { list, filter, body } => PKind::Comprehension {
                list: b(self, list),
                filter: filter.as_ref().map(|f| b(self, f)),
                body: b(self, body),
            },
            // Programmes with errors are not compiled.
            TKind::Error => PKind::Unreachable("une expression en erreur"),
        };
        PExpr { kind, span }
    }
}

/// A list written out, built once when all its items are constants (`dans [a, b, c]`).
fn constant_list(items: Vec<PExpr>) -> PKind {
    let constants: Option<Vec<Value>> = items
        .iter()
        .map(|i| match &i.kind {
            PKind::Const(v) => Some(v.clone()),
            _ => None,
        })
        .collect();
    match constants {
        Some(values) => PKind::Const(Value::List(values.into())),
        None => PKind::List(items),
    }
}

/// Compiles the program whose entry file is `entry`.
#[salsa::tracked(returns(clone))]
pub fn compile_program(db: &dyn Db, entry: SourceFile) -> Result<Arc<Plan>, CompileError> {
    let files = program_files(db, entry);
    let mut errors = Vec::new();
    for f in &files {
        let errs: Vec<Diagnostic> = file_diagnostics(db, *f)
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        if !errs.is_empty() {
            errors.push((*f, errs));
        }
    }
    if !errors.is_empty() {
        return Err(CompileError::Diagnostics(errors));
    }
    // The programme item.
    let mut programme = None;
    let parsed = crate::db::parse_file(db, entry);
    for pi in &parsed.items {
        if let ItemKind::Programme(p) = &pi.item.kind {
            programme = Some(p.clone());
            break;
        }
    }
    let Some(programme) = programme else {
        return Err(CompileError::NotAProgramme);
    };
    let mut c = Compiler {
        db,
        slots: HashMap::new(),
        enums: HashMap::new(),
        structs: HashMap::new(),
        plan: Plan {
            name: Arc::from(programme.name.text.as_str()),
            title: programme.title.clone(),
            source: programme.source.clone(),
            period: programme.period.map(|(a, b, _)| (a, b)),
            base_version: file_defs(db, entry).version,
            dated_by: None,
            defs: Vec::new(),
            enums: Vec::new(),
            structs: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            by_name: BTreeMap::new(),
            selons: Vec::new(),
            compiled: Default::default(),
        },
        struct_queue: Vec::new(),
        current: None,
        paths: HashMap::new(),
    };

    // 1. Slots for every value definition and table (replacements are versions, not slots).
    for f in &files {
        for (name, kind, replaces) in &file_defs(db, *f).defs {
            if *replaces || !(kind.is_value() || *kind == DefKind::Table) {
                continue;
            }
            let def = DefRef {
                file: *f,
                name: Arc::from(name.as_str()),
            };
            let slot = c.plan.defs.len() as Slot;
            c.slots.insert(def.clone(), slot);
            // The entry file's names win in `by_name`; others are reachable by their own.
            c.plan.by_name.entry(name.clone()).or_insert(slot);
            c.plan.defs.push(PlanDef {
                name: def.name.clone(),
                kind: *kind,
                ty: RtTy::Bool,
                reason: None,
                versions: Vec::new(),
            });
            if *kind == DefKind::Input {
                c.plan.inputs.push(slot);
            }
        }
    }

    // 2. Bodies: the base definitions, then replacements and exceptions, dated by their file.
    let mut pending: Vec<(Slot, Option<NaiveDate>, SourceFile, String)> = Vec::new();
    let mut exceptions: Vec<(Slot, Option<NaiveDate>, SourceFile, String)> = Vec::new();
    for f in &files {
        let fd = file_defs(db, *f);
        let date = fd.version.filter(|_| *f != entry);
        for (name, kind, replaces) in &fd.defs {
            if !(kind.is_value() || *kind == DefKind::Table) {
                continue;
            }
            if *replaces {
                if let Some(original) = replaced_def(db, *f, name) {
                    if let Some(&slot) = c.slots.get(&original) {
                        pending.push((slot, fd.version, *f, name.clone()));
                    }
                }
            } else if let Some(&slot) = c.slots.get(&DefRef {
                file: *f,
                name: Arc::from(name.as_str()),
            }) {
                // A definition written in an amendment file exists from its version's date.
                pending.push((slot, date, *f, name.clone()));
            }
        }
        for (key, _) in &fd.exceptions {
            let checked = check_item(db, ItemKey::new(db, *f, key.as_str()));
            if let Detail::Exception {
                target: Some(t), ..
            } = &checked.detail
            {
                if let Some(&slot) = c.slots.get(t) {
                    exceptions.push((slot, date, *f, key.clone()));
                }
            }
        }
    }
    for (slot, from, file, name) in pending {
        c.current = Some((slot, file));
        let key = ItemKey::new(db, file, name.as_str());
        let checked = check_item(db, key);
        let offset = item_offset(db, file, &name);
        let Some(item) = item_ast(db, key) else {
            continue;
        };
        let location = c.location(
            file,
            item.kind
                .defined_name()
                .map(|n| n.span)
                .unwrap_or(item.span)
                .shift(offset),
        );
        let ty = c.rt(&checked.ty);
        let body = match (&item.kind, &checked.detail) {
            (ItemKind::Input(_), _) => Body::Input {
                default: checked.body.as_ref().map(|b| c.expr(b, offset)),
            },
            (ItemKind::Decision(_), Detail::Decision { conditions }) => Body::Decision {
                conditions: conditions
                    .iter()
                    .filter_map(|d| c.slots.get(d).copied())
                    .collect(),
            },
            (ItemKind::Table(t), Detail::Table { rows }) => Body::Table {
                params: t.params.iter().map(|(n, _)| n.text.clone()).collect(),
                param_types: crate::check::table_signature(db, key)
                    .params
                    .iter()
                    .map(|t| c.rt(t))
                    .collect(),
                rows: rows
                    .iter()
                    .map(|r| PRow {
                        keys: r
                            .keys
                            .iter()
                            .map(|k| match k {
                                CheckedCell::Any => PCell::Any,
                                CheckedCell::Eq(e) => PCell::Eq(c.expr(e, offset)),
                                CheckedCell::Range(a, b) => {
                                    PCell::Range(c.expr(a, offset), c.expr(b, offset))
                                }
                            })
                            .collect(),
                        value: c.expr(&r.value, offset),
                        location: c.location(file, r.span.shift(offset)),
                    })
                    .collect(),
            },
            _ => match &checked.body {
                Some(b) => Body::Expr(c.expr(b, offset)),
                None => continue,
            },
        };
        let def = &mut c.plan.defs[slot as usize];
        let reason = match &item.kind {
            ItemKind::Condition(cd) => Some(cd.reason.clone()),
            _ => None,
        };
        if from.is_none() || def.versions.is_empty() {
            def.ty = ty;
            def.reason = reason.clone();
        }
        def.versions.push(Version {
            from,
            body,
            reason,
            exceptions: Vec::new(),
            location,
            citations: item.citations.clone(),
            docs: item.docs.clone(),
        });
    }
    for d in &mut c.plan.defs {
        d.versions.sort_by_key(|v| v.from);
    }
    for (slot, from, file, key) in exceptions {
        c.current = Some((slot, file));
        let k = ItemKey::new(db, file, key.as_str());
        let checked = check_item(db, k);
        let offset = item_offset(db, file, &key);
        let Some(item) = item_ast(db, k) else {
            continue;
        };
        let (Detail::Exception { condition, .. }, Some(body), ItemKind::Exception(e)) =
            (&checked.detail, &checked.body, &item.kind)
        else {
            continue;
        };
        let ex = PException {
            from,
            label: e.label.clone(),
            condition: c.expr(condition, offset),
            body: c.expr(body, offset),
            location: c.location(file, item.span.shift(offset)),
            citations: item.citations.clone(),
        };
        // An exception belongs to every version of its rule; one written in an amendment
        // file applies only from that file's date (checked at evaluation).
        for v in &mut c.plan.defs[slot as usize].versions {
            v.exceptions.push(ex.clone());
        }
    }

    c.current = None;

    // 3. Structures (field types and defaults), discovered while compiling.
    while let Some(def) = c.struct_queue.pop() {
        let info = struct_info(db, ItemKey::new(db, def.file, &*def.name));
        let offset = item_offset(db, def.file, &def.name);
        let fields = info
            .fields
            .iter()
            .map(|f| FieldDesc {
                name: f.name.clone(),
                ty: c.rt(&f.ty),
                default: f.default.as_ref().map(|d| c.expr(d, offset)),
                default_value: None,
            })
            .collect();
        let i = c.structs[&def] as usize;
        c.plan.structs[i].fields = fields;
    }

    // 4. Outputs.
    let checked = check_item(db, ItemKey::new(db, entry, programme.name.text.as_str()));
    if let Detail::Programme {
        dated_by: Some(d), ..
    } = &checked.detail
    {
        c.plan.dated_by = c.slots.get(d).copied();
    }
    let outputs: Vec<Slot> = match &checked.detail {
        Detail::Programme { outputs, .. } if !outputs.is_empty() => outputs
            .iter()
            .filter_map(|d| c.slots.get(d).copied())
            .collect(),
        _ => (0..c.plan.defs.len() as Slot)
            .filter(|s| c.plan.defs[*s as usize].kind == DefKind::Decision)
            .collect(),
    };
    c.plan.outputs = outputs;
    compute_defaults(&mut c.plan);
    // Computing the defaults may have compiled the expressions of a plan not yet finished.
    c.plan.compiled = Default::default();
    Ok(Arc::new(c.plan))
}

/// Computes every structure field's default once: a default reads no dossier, so its value
/// is the same for all (at the earliest date, as the decoder has always computed it).
fn compute_defaults(plan: &mut Plan) {
    let values: Vec<Vec<Option<Value>>> = plan
        .structs
        .iter()
        .map(|s| {
            s.fields
                .iter()
                .map(|f| {
                    let d = f.default.as_ref()?;
                    super::run::Evaluator::new(plan, NaiveDate::MIN, Vec::new(), false)
                        .eval(d)
                        .ok()
                })
                .collect()
        })
        .collect();
    for (s, values) in plan.structs.iter_mut().zip(values) {
        for (f, v) in s.fields.iter_mut().zip(values) {
            f.default_value = v;
        }
    }
}

/// The imported definition that `remplace NAME` in `file` replaces.
fn replaced_def(db: &dyn Db, file: SourceFile, name: &str) -> Option<DefRef> {
    module_scope(db, file)
        .names
        .get(name)?
        .iter()
        .find(|b| b.def.file != file)
        .map(|b| b.def.clone())
}
