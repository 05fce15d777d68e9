//! A plan's expressions compiled once into closures, for the evaluations that record nothing
//! (no explanation, no coverage): the batch, `pol eval`, `pol test`, the editor's lenses.
//!
//! Each closure does what `Evaluator::eval` does for its node, with the same helpers
//! (`arith`, `compare`, `project`, the folds, the table look-up), children in the same order,
//! so that values and errors are the same; it only saves the walk: the match on the node's
//! kind, the frame of `eval_inner`, the look at the stack at every level. A node this module
//! does not compile is handed to the tree walker as it is (`Evaluator::eval`), so that the tree
//! walker stays the one definition of what an expression means.

use std::fmt;
use std::sync::{Arc, OnceLock};

use smallvec::SmallVec;

use super::builtins::{apply, Fold};
use super::{arm_index, internal, project, truth, Evaluator, Memo, R, STACK_STRIDE};
use crate::eval::arith::{arith, compare, values_equal};
use crate::eval::plan::{Body, PExpr, PKind, Plan};
use crate::eval::value::Value;
use crate::syntax::ast::BinOp;
use crate::types::Builtin;

/// One expression, compiled.
pub(super) type Code = Box<dyn Fn(&mut Evaluator<'_>) -> R<Value> + Send + Sync>;

/// The compiled expressions of one version of a definition: its body and its exceptions
/// (condition, body), in order.
pub(super) struct CompiledVersion {
    pub body: Code,
    pub exceptions: Vec<(Code, Code)>,
}

/// The compiled expressions of a plan, by slot and version (`None`: not an expression).
pub struct Compiled {
    defs: Vec<Vec<Option<CompiledVersion>>>,
}

impl Compiled {
    fn of(plan: &Plan) -> Compiled {
        let version = |body: &Body, exceptions: &[crate::eval::plan::PException]| match body {
            Body::Expr(e) => Some(CompiledVersion {
                body: compile(e, 0),
                exceptions: exceptions
                    .iter()
                    .map(|ex| (compile(&ex.condition, 0), compile(&ex.body, 0)))
                    .collect(),
            }),
            _ => None,
        };
        let defs = plan.defs.iter().map(|d| {
            d.versions
                .iter()
                .map(|v| version(&v.body, &v.exceptions))
                .collect()
        });
        Compiled {
            defs: defs.collect(),
        }
    }

    pub(super) fn version(&self, slot: u32, version: usize) -> Option<&CompiledVersion> {
        self.defs.get(slot as usize)?.get(version)?.as_ref()
    }
}

/// A plan's compiled expressions, built the first time an evaluation needs them. Derived from
/// the rest of the plan alone, it never makes two plans differ: every cell is equal to every
/// other and hashes to nothing.
#[derive(Clone, Default)]
pub struct CompiledCell(OnceLock<Arc<Compiled>>);

impl CompiledCell {
    pub(crate) fn get(&self, plan: &Plan) -> &Compiled {
        self.0.get_or_init(|| Arc::new(Compiled::of(plan)))
    }
}

impl PartialEq for CompiledCell {
    fn eq(&self, _: &CompiledCell) -> bool {
        true
    }
}

impl Eq for CompiledCell {}

impl std::hash::Hash for CompiledCell {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl fmt::Debug for CompiledCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CompiledCell")
    }
}

/// `e` at `depth` levels under its definition's root. The stack is looked at on the root
/// and every `STACK_STRIDE` levels under it, as the tree walker does.
fn compile(e: &PExpr, depth: u32) -> Code {
    if !depth.is_multiple_of(STACK_STRIDE) {
        return node(e, depth);
    }
    // Compiling recurses over the tree as evaluating does: the same look at the stack.
    let code = crate::with_stack(|| node(e, depth));
    Box::new(move |ev| crate::with_stack(|| code(ev)))
}

/// A leaf, a read, a call or a choice; the operators are in `operator`.
fn node(e: &PExpr, depth: u32) -> Code {
    let sub = |x: &PExpr| compile(x, depth + 1);
    match &e.kind {
        PKind::Const(v) => {
            let v = v.clone();
            Box::new(move |_| Ok(v.clone()))
        }
        PKind::Slot(s) => {
            let s = *s;
            Box::new(move |ev| ev.value(s))
        }
        PKind::Local(l) => {
            let l = *l;
            Box::new(move |ev| ev.local(l))
        }
        PKind::EvalDate => Box::new(|ev| Ok(Value::Date(ev.date))),
        PKind::Field(x, i) => field(x, *i, depth),
        PKind::Builtin(b, args) => builtin(*b, args, depth),
        PKind::Table(slot, args) => table(*slot, args.iter().map(sub).collect()),
        PKind::Selon {
            scrutinee,
            arm_of,
            arms,
            default,
            ..
        } => selon(
            sub(scrutinee),
            arm_of.clone(),
            arms.iter().map(sub).collect(),
            default.as_deref().map(sub),
        ),
        PKind::Not(_)
        | PKind::And(..)
        | PKind::Or(..)
        | PKind::If(..)
        | PKind::Compare(..)
        | PKind::Arith { .. }
        | PKind::In(..)
        | PKind::List(_)
        | PKind::Record(_) => operator(e, depth),
        // The rare nodes (negation, a comprehension that is not folded) are walked.
        PKind::Neg(_) | PKind::Comprehension { .. } => walked(e),
        PKind::Unreachable(what) => {
            let what = *what;
            Box::new(move |_| Err(internal(what)))
        }
    }
}

/// The tree walker's evaluation of `e`.
fn walked(e: &PExpr) -> Code {
    let e = e.clone();
    Box::new(move |ev| ev.eval(&e))
}

/// Logic, comparison, arithmetic, membership, lists and records.
fn operator(e: &PExpr, depth: u32) -> Code {
    let sub = |x: &PExpr| compile(x, depth + 1);
    match &e.kind {
        PKind::Not(x) => {
            let x = sub(x);
            Box::new(move |ev| Ok(Value::Bool(!truth(&x(ev)?)?)))
        }
        PKind::And(a, b) => {
            let (a, b) = (sub(a), sub(b));
            Box::new(move |ev| Ok(Value::Bool(truth(&a(ev)?)? && truth(&b(ev)?)?)))
        }
        PKind::Or(a, b) => {
            let (a, b) = (sub(a), sub(b));
            Box::new(move |ev| Ok(Value::Bool(truth(&a(ev)?)? || truth(&b(ev)?)?)))
        }
        PKind::If(c, t, o) => {
            let (c, t, o) = (sub(c), sub(t), sub(o));
            Box::new(move |ev| if truth(&c(ev)?)? { t(ev) } else { o(ev) })
        }
        PKind::Compare(op, a, b) => comparison(*op, sub(a), b, depth),
        PKind::Arith {
            op,
            how,
            lhs,
            rhs,
            round_cents,
        } => {
            let (op, how, rc, lhs, rhs) = (*op, *how, *round_cents, sub(lhs), sub(rhs));
            Box::new(move |ev| {
                let x = lhs(ev)?;
                arith(op, how, &x, &rhs(ev)?, rc)
            })
        }
        PKind::In(a, b) => {
            let (a, b) = (sub(a), sub(b));
            Box::new(move |ev| {
                let x = a(ev)?;
                match b(ev)? {
                    Value::List(items) => {
                        Ok(Value::Bool(items.iter().any(|i| values_equal(i, &x))))
                    }
                    _ => Err(internal("« dans » d'une valeur qui n'est pas une liste")),
                }
            })
        }
        PKind::List(items) => {
            let items: Vec<Code> = items.iter().map(sub).collect();
            Box::new(move |ev| Ok(Value::List(all(ev, &items)?.into())))
        }
        PKind::Record(fields) => {
            let fields: Vec<Code> = fields.iter().map(sub).collect();
            Box::new(move |ev| Ok(Value::Struct(all(ev, &fields)?.into())))
        }
        _ => walked(e),
    }
}

/// `a op b`; a constant on the right is held as its value.
fn comparison(op: BinOp, a: Code, b: &PExpr, depth: u32) -> Code {
    match &b.kind {
        PKind::Const(y) => {
            let y = y.clone();
            Box::new(move |ev| Ok(Value::Bool(compare(op, &a(ev)?, &y)?)))
        }
        _ => {
            let b = compile(b, depth + 1);
            Box::new(move |ev| {
                let x = a(ev)?;
                Ok(Value::Bool(compare(op, &x, &b(ev)?)?))
            })
        }
    }
}

/// A table's row for the keys' values.
fn table(slot: u32, args: Vec<Code>) -> Code {
    match <[Code; 1]>::try_from(args) {
        // Most tables have one key: no vector for it.
        Ok([key]) => Box::new(move |ev| {
            let k = key(ev)?;
            ev.table_lookup(slot, std::slice::from_ref(&k))
        }),
        Err(args) => Box::new(move |ev| {
            let keys = self::args(ev, &args)?;
            ev.table_lookup(slot, &keys)
        }),
    }
}

/// `selon`: the arm of the scrutinee's variant (`arm_of`), else the default.
fn selon(
    scrutinee: Code,
    arm_of: Vec<Option<u32>>,
    arms: Vec<Code>,
    default: Option<Code>,
) -> Code {
    Box::new(move |ev| {
        let idx = arm_index(&scrutinee(ev)?)?;
        let code = match arm_of.get(idx).copied().flatten() {
            Some(a) => arms.get(a as usize),
            None => default.as_ref(),
        };
        match code {
            Some(c) => c(ev),
            None => Err(internal("un « selon » sans cas pour sa valeur")),
        }
    })
}

/// The values of `codes`, in order; the first error stops.
fn all(ev: &mut Evaluator<'_>, codes: &[Code]) -> R<Vec<Value>> {
    let mut out = Vec::with_capacity(codes.len());
    for c in codes {
        out.push(c(ev)?);
    }
    Ok(out)
}

/// `all`, for the arguments of a call or the keys of a table, read then dropped: a few
/// values, on the stack.
fn args(ev: &mut Evaluator<'_>, codes: &[Code]) -> R<SmallVec<[Value; 4]>> {
    let mut out = SmallVec::new();
    for c in codes {
        out.push(c(ev)?);
    }
    Ok(out)
}

/// `x.i`: a local's field and a computed definition's field are read in place.
fn field(x: &PExpr, i: u32, depth: u32) -> Code {
    match x.kind {
        PKind::Local(l) => Box::new(move |ev| match ev.locals.get(l as usize) {
            Some(v) => project(v, i),
            None => Err(internal("une variable locale hors de sa compréhension")),
        }),
        PKind::Slot(s) => Box::new(move |ev| match ev.memo.get(s as usize) {
            Some(Memo::Done(v)) => project(v, i),
            _ => project(&ev.value(s)?, i),
        }),
        _ => {
            let x = compile(x, depth + 1);
            Box::new(move |ev| project(&x(ev)?, i))
        }
    }
}

/// A built-in function; over a comprehension, a fold of its elements as they come.
fn builtin(b: Builtin, args: &[PExpr], depth: u32) -> Code {
    let sub = |x: &PExpr| compile(x, depth + 1);
    if let (
        Some(start),
        [PExpr {
            kind: PKind::Comprehension { list, filter, body },
            ..
        }],
    ) = (Fold::of(b), args)
    {
        let (list, body) = (sub(list), sub(body));
        let filter = filter.as_deref().map(sub);
        return Box::new(move |ev| {
            let items = list(ev)?;
            ev.fold_elements(b, start.clone(), items, |ev| {
                if let Some(f) = &filter {
                    if !truth(&f(ev)?)? {
                        return Ok(None);
                    }
                }
                body(ev).map(Some)
            })
        });
    }
    let args: Vec<Code> = args.iter().map(sub).collect();
    Box::new(move |ev| apply(b, &self::args(ev, &args)?))
}
