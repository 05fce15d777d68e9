//! The generator: well-typed programmes by construction, read from a « tape » of choices
//! that proptest draws and shrinks (a shorter tape, or smaller numbers on it, gives a
//! simpler programme: choice 0 is always the simplest, a literal). Magnitudes stay small so
//! that nothing comes near pol's 28 digits.

use super::model::{
    ArOp, Body, CmpOp, Condition, Decision, Expr, Input, Programme, Rat, Row, Rule, Table, Ty,
    Value, CMP_OPS, VARIANTS,
};
use super::naive::{days_from_civil, month_length};

pub struct Tape<'a> {
    data: &'a [u32],
    pos: usize,
}

impl<'a> Tape<'a> {
    pub fn new(data: &'a [u32]) -> Tape<'a> {
        Tape { data, pos: 0 }
    }

    /// A choice in `0..n` (0 once the tape is used up).
    pub fn pick(&mut self, n: usize) -> usize {
        let v = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        v as usize % n
    }

    /// An integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.pick((hi - lo + 1) as usize) as i64
    }

    /// True once in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.pick(n) == n - 1
    }
}

/// The scalar types a rule or an input may have.
const RULE_TYPES: [Ty; 9] = [
    Ty::Int,
    Ty::Dec,
    Ty::Pct,
    Ty::Money,
    Ty::Bool,
    Ty::Date,
    Ty::Days,
    Ty::Months,
    Ty::Enum,
];

pub struct Gen<'a> {
    t: Tape<'a>,
    p: Programme,
    /// Rules below this index may be referred to.
    visible_rules: usize,
    decision_visible: bool,
}

pub fn programme(tape: &[u32]) -> Programme {
    let mut g = Gen {
        t: Tape::new(tape),
        p: Programme::default(),
        visible_rules: 0,
        decision_visible: false,
    };
    g.p.eval_date = g.date();
    // Inputs: one colour always (for `selon`), then a few of random types.
    g.input(Ty::Enum);
    for _ in 0..g.t.range(1, 6) {
        let ty = RULE_TYPES[g.t.pick(RULE_TYPES.len())];
        g.input(ty);
    }
    if g.t.pick(2) == 1 {
        g.table();
    }
    for _ in 0..g.t.range(1, 6) {
        g.rule();
    }
    g.p.late_rules_from = g.p.rules.len();
    let n_conditions = g.t.range(0, 4);
    for i in 0..n_conditions {
        let expr = g.expr(Ty::Bool, 3);
        g.p.conditions.push(Condition {
            name: format!("c{i}"),
            reason: format!("Raison numéro {i}"),
            expr,
        });
    }
    if n_conditions > 0 {
        let listed = if g.t.pick(2) == 0 {
            None
        } else {
            // Some of the conditions, in some order, each once.
            let mut pool: Vec<usize> = (0..n_conditions as usize).collect();
            let mut list = Vec::new();
            let n = g.t.range(1, n_conditions) as usize;
            for _ in 0..n {
                list.push(pool.remove(g.t.pick(pool.len())));
            }
            Some(list)
        };
        g.p.decision = Some(Decision {
            name: "admissible".into(),
            listed,
        });
        g.decision_visible = true;
        for _ in 0..g.t.range(0, 2) {
            g.rule();
        }
    }
    g.p
}

impl Gen<'_> {
    fn input(&mut self, ty: Ty) {
        let value = self.literal(ty);
        let name = format!("e{}", self.p.inputs.len());
        self.p.inputs.push(Input { name, ty, value });
    }

    fn rule(&mut self) {
        let ty = RULE_TYPES[self.t.pick(RULE_TYPES.len())];
        let body = if self.t.one_in(4) {
            self.selon(ty)
        } else {
            Body::Expr(self.expr(ty, 3))
        };
        let name = format!("r{}", self.p.rules.len());
        self.p.rules.push(Rule { name, ty, body });
        self.visible_rules = self.p.rules.len();
    }

    fn selon(&mut self, ty: Ty) -> Body {
        let on = self.leaf(Ty::Enum, true);
        let mut left: Vec<usize> = (0..VARIANTS.len()).collect();
        let mut arms = Vec::new();
        loop {
            let n = self.t.range(1, left.len().min(2) as i64) as usize;
            let variants: Vec<usize> = (0..n)
                .map(|_| left.remove(self.t.pick(left.len())))
                .collect();
            let e = self.expr(ty, 2);
            arms.push((variants, e));
            if left.is_empty() || self.t.pick(3) == 0 {
                break;
            }
        }
        // A `sinon` exactly when some variant has no case (one that could never apply is
        // refused).
        let default = (!left.is_empty()).then(|| self.expr(ty, 2));
        Body::Selon { on, arms, default }
    }

    fn table(&mut self) {
        let ty = [Ty::Money, Ty::Int, Ty::Pct, Ty::Dec][self.t.pick(4)];
        let mut rows: Vec<Row> = Vec::new();
        let mut lo = self.t.range(0, 3) as i128;
        for _ in 0..self.t.range(1, 5) {
            let hi = lo + self.t.range(0, 3) as i128;
            // A range, either for every colour or for one or two colours.
            if self.t.pick(2) == 0 {
                rows.push(Row {
                    keys: Some((lo, hi)),
                    colour: None,
                    value: self.literal(ty),
                });
            } else {
                let c = self.t.pick(VARIANTS.len());
                rows.push(Row {
                    keys: Some((lo, hi)),
                    colour: Some(c),
                    value: self.literal(ty),
                });
                if self.t.pick(2) == 0 {
                    let c2 = (c + 1 + self.t.pick(VARIANTS.len() - 1)) % VARIANTS.len();
                    rows.push(Row {
                        keys: Some((lo, hi)),
                        colour: Some(c2),
                        value: self.literal(ty),
                    });
                }
            }
            // The next range starts inside this one or after it (never entirely covered).
            lo = hi + 1 - self.t.range(0, 1) as i128 * (hi - lo).min(1);
        }
        if self.t.one_in(3) {
            rows.push(Row {
                keys: None,
                colour: None,
                value: self.literal(ty),
            });
        }
        // Keep only rows with a key that no earlier row covers (pol refuses the others).
        let mut kept: Vec<Row> = Vec::new();
        for r in rows {
            let covered = |n: i128, c: usize| {
                kept.iter().any(|k| {
                    k.keys.is_none_or(|(lo, hi)| lo <= n && n <= hi)
                        && k.colour.is_none_or(|kc| kc == c)
                })
            };
            // Every range lies within -1..=40: a key outside is new for `_`.
            let (lo, hi) = r.keys.unwrap_or((-1, 41));
            let new_key = (lo..=hi).any(|n| {
                (0..VARIANTS.len()).any(|c| r.colour.is_none_or(|rc| rc == c) && !covered(n, c))
            });
            if new_key {
                kept.push(r);
            }
        }
        self.p.table = Some(Table {
            name: "barème".into(),
            ty,
            rows: kept,
        });
    }

    /// The inputs and visible rules of a type.
    fn atoms(&self, ty: Ty) -> Vec<Expr> {
        let mut out: Vec<Expr> = self
            .p
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, i)| i.ty == ty)
            .map(|(i, _)| Expr::Input(i))
            .collect();
        out.extend(
            self.p.rules[..self.visible_rules]
                .iter()
                .enumerate()
                .filter(|(_, r)| r.ty == ty)
                .map(|(i, _)| Expr::Rule(i)),
        );
        if ty == Ty::Date {
            out.push(Expr::EvalDate);
        }
        if ty == Ty::Bool && self.decision_visible {
            out.push(Expr::Decision);
        }
        out
    }

    fn leaf(&mut self, ty: Ty, atom_only: bool) -> Expr {
        let atoms = self.atoms(ty);
        if atoms.is_empty() || (!atom_only && self.t.pick(2) == 0) {
            Expr::Lit(ty, self.literal(ty))
        } else {
            atoms[self.t.pick(atoms.len())].clone()
        }
    }

    pub fn expr(&mut self, ty: Ty, depth: u32) -> Expr {
        if depth == 0 || self.t.pick(3) == 0 {
            return self.leaf(ty, false);
        }
        let d = depth - 1;
        let table_ty = self.p.table.as_ref().map(|t| t.ty);
        let choice = self.t.pick(9);
        // The forms every type has: a conditional, and for numbers `min`/`max` and the table.
        match choice {
            0 => {
                return Expr::If {
                    cond: Box::new(self.expr(Ty::Bool, d)),
                    then: Box::new(self.expr(ty, d)),
                    other: Box::new(self.expr(ty, d)),
                    postfix: self.t.pick(2) == 1,
                }
            }
            1 if matches!(ty, Ty::Int | Ty::Dec | Ty::Pct | Ty::Money) => {
                let list = self.t.pick(3) == 2;
                let n = self.t.range(if list { 1 } else { 2 }, 3);
                return Expr::MinMax {
                    max: self.t.pick(2) == 1,
                    list,
                    args: (0..n).map(|_| self.expr(ty, d)).collect(),
                };
            }
            2 | 3 if table_ty == Some(ty) => {
                return Expr::Table(
                    Box::new(self.expr(Ty::Int, d.min(1))),
                    Box::new(self.expr(Ty::Enum, d.min(1))),
                )
            }
            _ => {}
        }
        let bin = |op, a: Expr, b: Expr, ty| Expr::Arith(op, Box::new(a), Box::new(b), ty);
        match ty {
            Ty::Int => {
                let op = [ArOp::Add, ArOp::Sub, ArOp::Mul][self.t.pick(3)];
                let a = self.expr(Ty::Int, d);
                let b = self.expr(Ty::Int, d);
                bin(op, a, b, Ty::Int)
            }
            Ty::Dec => match self.t.pick(5) {
                0 | 1 => {
                    // A decimal with a decimal or an integer.
                    let op = [ArOp::Add, ArOp::Sub, ArOp::Mul][self.t.pick(3)];
                    let (ta, tb) = [(Ty::Dec, Ty::Dec), (Ty::Dec, Ty::Int), (Ty::Int, Ty::Dec)]
                        [self.t.pick(3)];
                    let a = self.expr(ta, d);
                    let b = self.expr(tb, d);
                    bin(op, a, b, Ty::Dec)
                }
                2 => {
                    // A number times a percentage is a number.
                    let n = [Ty::Dec, Ty::Int][self.t.pick(2)];
                    let a = self.expr(n, d);
                    let b = self.expr(Ty::Pct, d);
                    if self.t.pick(2) == 0 {
                        bin(ArOp::Mul, a, b, Ty::Dec)
                    } else {
                        bin(ArOp::Mul, b, a, Ty::Dec)
                    }
                }
                3 => {
                    let n = [Ty::Dec, Ty::Int][self.t.pick(2)];
                    let a = self.expr(n, d);
                    bin(ArOp::Div, a, self.divisor(), Ty::Dec)
                }
                _ => Expr::Round(Box::new(self.expr(Ty::Dec, d)), self.t.range(0, 3) as u32),
            },
            Ty::Pct => {
                let op = [ArOp::Add, ArOp::Sub, ArOp::Mul][self.t.pick(3)];
                let a = self.expr(Ty::Pct, d);
                let b = self.expr(Ty::Pct, d);
                bin(op, a, b, Ty::Pct)
            }
            Ty::Money => match self.t.pick(5) {
                0 | 1 => {
                    let op = [ArOp::Add, ArOp::Sub][self.t.pick(2)];
                    let a = self.expr(Ty::Money, d);
                    let b = self.expr(Ty::Money, d);
                    bin(op, a, b, Ty::Money)
                }
                2 => {
                    // Money times a number or a percentage, in either order.
                    let f = [Ty::Int, Ty::Dec, Ty::Pct][self.t.pick(3)];
                    let a = self.expr(Ty::Money, d);
                    let b = self.expr(f, d);
                    if self.t.pick(2) == 0 {
                        bin(ArOp::Mul, a, b, Ty::Money)
                    } else {
                        bin(ArOp::Mul, b, a, Ty::Money)
                    }
                }
                3 => {
                    let a = self.expr(Ty::Money, d);
                    bin(ArOp::Div, a, self.divisor(), Ty::Money)
                }
                _ => Expr::Round(Box::new(self.expr(Ty::Money, d)), self.t.range(0, 2) as u32),
            },
            Ty::Bool => match self.t.pick(8) {
                0 => {
                    let (ta, tb) = [
                        (Ty::Int, Ty::Int),
                        (Ty::Dec, Ty::Dec),
                        (Ty::Int, Ty::Dec),
                        (Ty::Pct, Ty::Pct),
                        (Ty::Money, Ty::Money),
                        (Ty::Date, Ty::Date),
                    ][self.t.pick(6)];
                    self.cmp_any(ta, tb, d)
                }
                1 => {
                    // Durations of one kind; rarely months against days (an error unless
                    // one side is zero).
                    let (ta, tb) = if self.t.one_in(8) {
                        (Ty::Days, Ty::Months)
                    } else {
                        [(Ty::Days, Ty::Days), (Ty::Months, Ty::Months)][self.t.pick(2)]
                    };
                    self.cmp_any(ta, tb, d)
                }
                2 => {
                    let ty = [Ty::Enum, Ty::Bool][self.t.pick(2)];
                    let op = [CmpOp::Eq, CmpOp::Ne][self.t.pick(2)];
                    self.cmp(op, ty, ty, d)
                }
                3 | 4 => {
                    let a = Box::new(self.expr(Ty::Bool, d));
                    let b = Box::new(self.expr(Ty::Bool, d));
                    if self.t.pick(2) == 0 {
                        Expr::And(a, b)
                    } else {
                        Expr::Or(a, b)
                    }
                }
                5 => Expr::Not(Box::new(self.expr(Ty::Bool, d))),
                _ => {
                    let ta = [Ty::Int, Ty::Money, Ty::Date][self.t.pick(3)];
                    self.cmp_any(ta, ta, d)
                }
            },
            Ty::Date => {
                let dur = [Ty::Days, Ty::Months][self.t.pick(2)];
                match self.t.pick(4) {
                    3 => {
                        // A few months from a date, often a month's end: clamping.
                        let a = self.leaf(Ty::Date, false);
                        let k = self.t.range(1, 13);
                        let b = Expr::Lit(Ty::Months, Value::Dur { months: k, days: 0 });
                        let op = [ArOp::Add, ArOp::Sub][self.t.pick(2)];
                        bin(op, a, b, Ty::Date)
                    }
                    0 => {
                        let a = self.expr(Ty::Date, d);
                        let b = self.expr(dur, d);
                        bin(ArOp::Add, a, b, Ty::Date)
                    }
                    1 => {
                        let a = self.expr(Ty::Date, d);
                        let b = self.expr(dur, d);
                        bin(ArOp::Sub, a, b, Ty::Date)
                    }
                    _ => {
                        let a = self.expr(dur, d);
                        let b = self.expr(Ty::Date, d);
                        bin(ArOp::Add, a, b, Ty::Date)
                    }
                }
            }
            Ty::Days | Ty::Months => match self.t.pick(3) {
                0 if ty == Ty::Days => {
                    let a = self.expr(Ty::Date, d);
                    let b = self.expr(Ty::Date, d);
                    bin(ArOp::Sub, a, b, Ty::Days)
                }
                1 => {
                    // A duration times a small integer literal, in either order.
                    let a = self.expr(ty, d);
                    let k = Expr::Lit(Ty::Int, Value::Num(Rat::int(self.t.range(0, 4) as i128)));
                    if self.t.pick(2) == 0 {
                        bin(ArOp::Mul, a, k, ty)
                    } else {
                        bin(ArOp::Mul, k, a, ty)
                    }
                }
                _ => {
                    let op = [ArOp::Add, ArOp::Sub][self.t.pick(2)];
                    let a = self.expr(ty, d);
                    let b = self.expr(ty, d);
                    bin(op, a, b, ty)
                }
            },
            Ty::Enum => self.leaf(Ty::Enum, false),
        }
    }

    fn cmp_any(&mut self, ta: Ty, tb: Ty, d: u32) -> Expr {
        let op = CMP_OPS[self.t.pick(CMP_OPS.len())];
        self.cmp(op, ta, tb, d)
    }

    fn cmp(&mut self, op: CmpOp, ta: Ty, tb: Ty, d: u32) -> Expr {
        let a = self.expr(ta, d);
        let b = self.expr(tb, d);
        Expr::Cmp(op, Box::new(a), Box::new(b))
    }

    /// A literal that divides any decimal exactly.
    fn divisor(&mut self) -> Expr {
        let k = [2, 4, 5, 10][self.t.pick(4)];
        Expr::Lit(Ty::Int, Value::Num(Rat::int(k)))
    }

    fn date(&mut self) -> i64 {
        let y = self.t.range(2019, 2030);
        let m = self.t.range(1, 12);
        let last = month_length(y, m);
        // Month ends often, so that adding months has to clamp.
        let d = match self.t.pick(3) {
            0 => self.t.range(1, 28),
            1 => last,
            _ => last - self.t.range(0, 2),
        };
        days_from_civil(y, m, d)
    }

    pub fn literal(&mut self, ty: Ty) -> Value {
        let t = &mut self.t;
        match ty {
            Ty::Int => Value::Num(Rat::int(if t.one_in(8) {
                t.range(1000, 5000)
            } else {
                t.range(0, 20)
            } as i128)),
            Ty::Dec => {
                // One or two decimals.
                let n = t.range(0, 3000) as i128;
                Value::Num(Rat::new(n, [10, 100][t.pick(2)]))
            }
            // Often 50 %: money times it ends on half a cent when the cents are odd.
            Ty::Pct if t.one_in(5) => Value::Num(Rat::new(1, 2)),
            Ty::Pct => Value::Num(if t.one_in(4) {
                Rat::new(t.range(0, 1000) as i128, 1000)
            } else {
                Rat::new(t.range(0, 100) as i128, 100)
            }),
            Ty::Money => Value::Num(match t.pick(3) {
                0 => Rat::int(t.range(0, 900) as i128),
                1 => Rat::new(t.range(0, 99_999) as i128, 100),
                _ => Rat::new(t.range(0, 9_999_999) as i128, 100),
            }),
            Ty::Bool => Value::Bool(t.pick(2) == 1),
            Ty::Date => Value::Date(self.date()),
            Ty::Days => Value::Dur {
                months: 0,
                days: if t.one_in(16) {
                    4_000_000
                } else {
                    t.range(0, 400)
                },
            },
            Ty::Months => Value::Dur {
                months: match t.pick(8) {
                    0..=4 => t.range(0, 30),
                    7 if t.one_in(2) => 12 * 9000,
                    _ => 12 * t.range(2, 5),
                },
                days: 0,
            },
            Ty::Enum => Value::Enum(t.pick(VARIANTS.len())),
        }
    }
}
