//! The model of a generated programme: a small typed tree of our own, independent of pol's
//! syntax tree, and the values of the naive evaluator (exact rationals, day numbers).

use std::cmp::Ordering;
use std::fmt;

/// An exact rational number `n / d`, always normalised (`d > 0`, `gcd(n, d) = 1`). Every
/// operation is checked: leaving `i128` is a bug of the generator (magnitudes too large),
/// never a silent wrap.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rat {
    n: i128,
    d: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

const OVERFLOW: &str = "the reference model left i128: generated magnitudes are too large";

impl Rat {
    pub fn new(n: i128, d: i128) -> Rat {
        assert!(d != 0, "zero denominator in the reference model");
        let g = gcd(n, d).max(1);
        let (mut n, mut d) = (n / g, d / g);
        if d < 0 {
            n = -n;
            d = -d;
        }
        Rat { n, d }
    }

    pub fn int(n: i128) -> Rat {
        Rat { n, d: 1 }
    }

    pub fn numer(self) -> i128 {
        self.n
    }

    pub fn denom(self) -> i128 {
        self.d
    }

    pub fn is_integer(self) -> bool {
        self.d == 1
    }

    pub fn add(self, o: Rat) -> Rat {
        let n = self
            .n
            .checked_mul(o.d)
            .and_then(|a| o.n.checked_mul(self.d).and_then(|b| a.checked_add(b)))
            .expect(OVERFLOW);
        Rat::new(n, self.d.checked_mul(o.d).expect(OVERFLOW))
    }

    pub fn neg(self) -> Rat {
        Rat {
            n: -self.n,
            d: self.d,
        }
    }

    pub fn sub(self, o: Rat) -> Rat {
        self.add(o.neg())
    }

    pub fn mul(self, o: Rat) -> Rat {
        // Cross-reduce first to keep the numbers small.
        let g1 = gcd(self.n, o.d).max(1);
        let g2 = gcd(o.n, self.d).max(1);
        let n = (self.n / g1).checked_mul(o.n / g2).expect(OVERFLOW);
        let d = (self.d / g2).checked_mul(o.d / g1).expect(OVERFLOW);
        Rat::new(n, d)
    }

    pub fn div(self, o: Rat) -> Rat {
        assert!(o.n != 0, "division by zero in the reference model");
        self.mul(Rat::new(o.d, o.n))
    }

    /// Rounded to `places` decimals, the half away from zero.
    pub fn round_half_away(self, places: u32) -> Rat {
        let scale = 10i128.pow(places);
        let scaled = self.mul(Rat::int(scale));
        let (q, r) = (scaled.n / scaled.d, scaled.n % scaled.d);
        let q = if 2 * r.abs() >= scaled.d {
            q + scaled.n.signum()
        } else {
            q
        };
        Rat::new(q, scale)
    }

    /// The exact decimal writing (`-12.5`, `3`, `0.125`), with `sep` before the decimals and
    /// no trailing zero; `None` if the denominator is not a product of 2s and 5s.
    pub fn decimal(self, sep: char) -> Option<String> {
        let mut places = 0u32;
        let mut den = self.d;
        while den % 10 == 0 {
            den /= 10;
            places += 1;
        }
        // Bring the denominator to a power of ten.
        let mut n = self.n;
        while den != 1 {
            if den % 2 == 0 {
                den /= 2;
                n = n.checked_mul(5)?;
            } else if den % 5 == 0 {
                den /= 5;
                n = n.checked_mul(2)?;
            } else {
                return None;
            }
            places += 1;
        }
        Some(fixed_digits(n, places, true, sep))
    }

    /// Written with exactly `places` decimals (the value must have at most that many).
    pub fn fixed(self, places: u32, sep: char) -> String {
        let scaled = self.mul(Rat::int(10i128.pow(places)));
        assert!(
            scaled.is_integer(),
            "{self:?} has more than {places} decimals"
        );
        fixed_digits(scaled.n, places, false, sep)
    }
}

/// `n × 10^-places` written with `places` decimals, trailing zeros removed when `strip`.
fn fixed_digits(n: i128, places: u32, strip: bool, sep: char) -> String {
    let neg = n < 0;
    let digits = n.unsigned_abs().to_string();
    let places = places as usize;
    let padded = if digits.len() <= places {
        format!("{}{digits}", "0".repeat(places + 1 - digits.len()))
    } else {
        digits
    };
    let (int, frac) = padded.split_at(padded.len() - places);
    let frac = if strip {
        frac.trim_end_matches('0')
    } else {
        frac
    };
    let sign = if neg { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}{sep}{frac}")
    }
}

impl Ord for Rat {
    fn cmp(&self, o: &Rat) -> Ordering {
        let a = self.n.checked_mul(o.d).expect(OVERFLOW);
        let b = o.n.checked_mul(self.d).expect(OVERFLOW);
        a.cmp(&b)
    }
}

impl PartialOrd for Rat {
    fn partial_cmp(&self, o: &Rat) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl fmt::Debug for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.d == 1 {
            write!(f, "{}", self.n)
        } else {
            write!(f, "{}/{}", self.n, self.d)
        }
    }
}

/// The types of the model. Durations are split by kind, so that the generator knows which
/// ones it may add or compare without an evaluation error; both are pol's `durée`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub enum Ty {
    Int,
    Dec,
    Pct,
    Money,
    Bool,
    Date,
    /// A duration counted in days.
    Days,
    /// A duration counted in months (or years).
    Months,
    /// The one enumeration, `Couleur`.
    Enum,
}

pub const ENUM_NAME: &str = "Couleur";
pub const VARIANTS: [&str; 4] = ["rouge", "vert", "bleu", "jaune"];

/// A value of the naive evaluator. Percentages are the fraction (`15 %` is `3/20`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Value {
    Num(Rat),
    Bool(bool),
    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    Date(i64),
    Dur {
        months: i64,
        days: i64,
    },
    Enum(usize),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

pub const CMP_OPS: [CmpOp; 6] = [
    CmpOp::Lt,
    CmpOp::Le,
    CmpOp::Gt,
    CmpOp::Ge,
    CmpOp::Eq,
    CmpOp::Ne,
];

#[derive(Clone, Debug)]
pub enum Expr {
    Lit(Ty, Value),
    Input(usize),
    Rule(usize),
    /// `date_d_évaluation`.
    EvalDate,
    /// The programme's decision, used as a boolean (only in rules it does not depend on).
    Decision,
    /// Arithmetic; the `Ty` is the result's type (money from `×`/`/` is rounded to the cent).
    Arith(ArOp, Box<Expr>, Box<Expr>, Ty),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `si c alors a sinon b`, or `a si c sinon b` when `postfix`.
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        other: Box<Expr>,
        postfix: bool,
    },
    /// `min(…)` or `max(…)`; `minimum([…])` or `maximum([…])` on a list when `list`.
    MinMax {
        max: bool,
        list: bool,
        args: Vec<Expr>,
    },
    /// `arrondi(x, n)`.
    Round(Box<Expr>, u32),
    /// `barème(n, c)`: the programme's table, an integer key and a colour.
    Table(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Debug)]
pub enum Body {
    Expr(Expr),
    /// `selon x : cas a, b : … sinon : …` on the enumeration.
    Selon {
        on: Expr,
        arms: Vec<(Vec<usize>, Expr)>,
        default: Option<Expr>,
    },
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub name: String,
    pub ty: Ty,
    pub body: Body,
}

#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub ty: Ty,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub struct Condition {
    pub name: String,
    pub reason: String,
    pub expr: Expr,
}

#[derive(Clone, Debug)]
pub struct Decision {
    pub name: String,
    /// The conditions listed, in order; `None` for `toutes les conditions`.
    pub listed: Option<Vec<usize>>,
}

/// One row of the table: an integer range (bounds included) or `_`, a colour or `_`, a
/// value.
#[derive(Clone, Debug)]
pub struct Row {
    pub keys: Option<(i128, i128)>,
    pub colour: Option<usize>,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub ty: Ty,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, Default)]
pub struct Programme {
    pub inputs: Vec<Input>,
    /// In dependency order: a rule refers only to inputs and earlier rules.
    pub rules: Vec<Rule>,
    /// Rules from this index on may use the decision; conditions use only rules before it.
    pub late_rules_from: usize,
    pub conditions: Vec<Condition>,
    pub decision: Option<Decision>,
    pub table: Option<Table>,
    /// The evaluation date, as a day number.
    pub eval_date: i64,
}

impl Programme {
    /// The conditions the decision counts, in the order it reports them.
    pub fn decision_conditions(&self) -> Vec<usize> {
        match self.decision.as_ref().and_then(|d| d.listed.clone()) {
            Some(list) => list,
            None => (0..self.conditions.len()).collect(),
        }
    }

    /// The type of an expression.
    pub fn ty_of(&self, e: &Expr) -> Ty {
        match e {
            Expr::Lit(ty, _) | Expr::Arith(_, _, _, ty) => *ty,
            Expr::Input(i) => self.inputs[*i].ty,
            Expr::Rule(i) => self.rules[*i].ty,
            Expr::EvalDate => Ty::Date,
            Expr::Decision | Expr::Cmp(..) | Expr::And(..) | Expr::Or(..) | Expr::Not(_) => {
                Ty::Bool
            }
            Expr::If { then, .. } => self.ty_of(then),
            Expr::MinMax { args, .. } => self.ty_of(&args[0]),
            Expr::Round(a, _) => self.ty_of(a),
            Expr::Table(..) => self.table.as_ref().expect("table").ty,
        }
    }

    /// Every expression of the programme, with its rules' `selon` scrutinees and arms.
    pub fn expressions(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        for r in &self.rules {
            match &r.body {
                Body::Expr(e) => out.push(e),
                Body::Selon { on, arms, default } => {
                    out.push(on);
                    out.extend(arms.iter().map(|(_, e)| e));
                    out.extend(default.iter());
                }
            }
        }
        out.extend(self.conditions.iter().map(|c| &c.expr));
        out
    }
}

impl Expr {
    /// Calls `f` on this expression and every sub-expression.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Lit(..) | Expr::Input(_) | Expr::Rule(_) | Expr::EvalDate | Expr::Decision => {}
            Expr::Arith(_, a, b, _)
            | Expr::Cmp(_, a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Table(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Not(a) | Expr::Round(a, _) => a.walk(f),
            Expr::If {
                cond, then, other, ..
            } => {
                cond.walk(f);
                then.walk(f);
                other.walk(f);
            }
            Expr::MinMax { args, .. } => args.iter().for_each(|a| a.walk(f)),
        }
    }
}
