//! The model written as pol source text and as a dossier, and the model's values written as
//! pol's outcome JSON writes them.

use serde_json::{json, Map, Value as Json};

use super::model::{ArOp, Body, CmpOp, Expr, Programme, Rat, Ty, Value, ENUM_NAME, VARIANTS};
use super::naive::date_text;

pub fn type_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Int => "entier",
        Ty::Dec => "décimal",
        Ty::Pct => "pourcentage",
        Ty::Money => "argent",
        Ty::Bool => "booléen",
        Ty::Date => "date",
        Ty::Days | Ty::Months => "durée",
        Ty::Enum => ENUM_NAME,
    }
}

/// Digits grouped by three with a space, the French way (`40 000`).
fn grouped(int_digits: &str) -> String {
    let (sign, digits) = match int_digits.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", int_digits),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A non-negative exact decimal written in source: thousands grouped, decimal comma.
fn source_number(r: Rat) -> String {
    let text = r.decimal(',').expect("a finite decimal literal");
    match text.split_once(',') {
        Some((int, frac)) => format!("{},{frac}", grouped(int)),
        None => grouped(&text),
    }
}

fn num(v: &Value) -> Rat {
    match v {
        Value::Num(r) => *r,
        other => panic!("not a number: {other:?}"),
    }
}

/// A literal of the model in pol's syntax.
pub fn literal(ty: Ty, v: &Value) -> String {
    match (ty, v) {
        (Ty::Int, _) => source_number(num(v)),
        (Ty::Dec, _) => {
            let s = source_number(num(v));
            // A decimal literal always shows its comma (`3` would be an integer).
            if s.contains(',') {
                s
            } else {
                format!("{s},0")
            }
        }
        (Ty::Pct, _) => format!("{} %", source_number(num(v).mul(Rat::int(100)))),
        (Ty::Money, _) => {
            let r = num(v);
            if r.is_integer() {
                format!("{} $", source_number(r))
            } else {
                let text = r.fixed(2, ',');
                let (int, frac) = text.split_once(',').expect("cents");
                format!("{},{frac} $", grouped(int))
            }
        }
        (_, Value::Bool(b)) => if *b { "vrai" } else { "faux" }.into(),
        (_, Value::Date(d)) => date_text(*d),
        (_, Value::Dur { months, days }) => duration_literal(*months, *days, true),
        (_, Value::Enum(i)) => VARIANTS[*i].into(),
        (ty, v) => panic!("literal {v:?} of type {ty:?}"),
    }
}

/// A duration of one kind as written in source (`90 jours`, `6 mois`, `2 ans`).
fn duration_literal(months: i64, days: i64, group: bool) -> String {
    let n = |x: i64| {
        if group {
            grouped(&x.to_string())
        } else {
            x.to_string()
        }
    };
    assert!(months == 0 || days == 0, "a literal duration has one kind");
    if months != 0 && months % 12 == 0 {
        format!("{} ans", n(months / 12))
    } else if months != 0 {
        format!("{} mois", n(months))
    } else {
        format!("{} jours", n(days))
    }
}

fn op_symbol(op: ArOp) -> &'static str {
    match op {
        ArOp::Add => "+",
        ArOp::Sub => "-",
        ArOp::Mul => "×",
        ArOp::Div => "/",
    }
}

pub fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Eq => "=",
        CmpOp::Ne => "≠",
    }
}

pub struct Render<'p> {
    pub prog: &'p Programme,
}

impl Render<'_> {
    /// An expression; every compound sub-expression is parenthesised.
    pub fn expr(&self, e: &Expr) -> String {
        match e {
            Expr::Lit(ty, v) => literal(*ty, v),
            Expr::Input(i) => self.prog.inputs[*i].name.clone(),
            Expr::Rule(i) => self.prog.rules[*i].name.clone(),
            Expr::EvalDate => "date_d_évaluation".into(),
            Expr::Decision => self.prog.decision.as_ref().expect("decision").name.clone(),
            Expr::Arith(op, a, b, _) => {
                format!("{} {} {}", self.sub(a), op_symbol(*op), self.sub(b))
            }
            Expr::Cmp(op, a, b) => format!("{} {} {}", self.sub(a), cmp_symbol(*op), self.sub(b)),
            Expr::And(a, b) => format!("{} et {}", self.sub(a), self.sub(b)),
            Expr::Or(a, b) => format!("{} ou {}", self.sub(a), self.sub(b)),
            Expr::Not(a) => format!("non {}", self.sub(a)),
            Expr::If {
                cond,
                then,
                other,
                postfix: false,
            } => format!(
                "si {} alors {} sinon {}",
                self.sub(cond),
                self.sub(then),
                self.sub(other)
            ),
            Expr::If {
                cond,
                then,
                other,
                postfix: true,
            } => format!(
                "{} si {} sinon {}",
                self.sub(then),
                self.sub(cond),
                self.sub(other)
            ),
            Expr::MinMax { max, list, args } => {
                let args = args
                    .iter()
                    .map(|a| self.expr(a))
                    .collect::<Vec<_>>()
                    .join(", ");
                match (max, list) {
                    (false, false) => format!("min({args})"),
                    (true, false) => format!("max({args})"),
                    (false, true) => format!("minimum([{args}])"),
                    (true, true) => format!("maximum([{args}])"),
                }
            }
            Expr::Round(a, n) => format!("arrondi({}, {n})", self.expr(a)),
            Expr::Table(k, c) => format!(
                "{}({}, {})",
                self.prog.table.as_ref().expect("table").name,
                self.expr(k),
                self.expr(c)
            ),
        }
    }

    /// A sub-expression: parenthesised unless it is a leaf or a call.
    fn sub(&self, e: &Expr) -> String {
        match e {
            Expr::Lit(..)
            | Expr::Input(_)
            | Expr::Rule(_)
            | Expr::EvalDate
            | Expr::Decision
            | Expr::MinMax { .. }
            | Expr::Round(..)
            | Expr::Table(..) => self.expr(e),
            _ => format!("({})", self.expr(e)),
        }
    }

    pub fn source(&self) -> String {
        let p = self.prog;
        let mut outputs: Vec<String> = p.rules.iter().map(|r| r.name.clone()).collect();
        outputs.extend(p.conditions.iter().map(|c| c.name.clone()));
        outputs.extend(p.decision.iter().map(|d| d.name.clone()));
        let mut s = String::new();
        s.push_str("programme référence « Programme engendré »\n");
        s.push_str("  en vigueur du 2000-01-01 au 2099-12-31\n");
        s.push_str(&format!("  sorties {}\n\n", outputs.join(", ")));
        s.push_str(&format!("énumération {ENUM_NAME} :\n"));
        for v in VARIANTS {
            s.push_str(&format!("  | {v}\n"));
        }
        s.push('\n');
        for i in &p.inputs {
            s.push_str(&format!("entrée {} : {}\n", i.name, type_name(i.ty)));
        }
        if let Some(t) = &p.table {
            s.push_str(&format!(
                "\ntable {} (n : entier, c : {ENUM_NAME}) : {}\n",
                t.name,
                type_name(t.ty)
            ));
            for r in &t.rows {
                let key = match r.keys {
                    None => "_".into(),
                    Some((lo, hi)) if lo == hi => lo.to_string(),
                    Some((lo, hi)) => format!("{lo} à {hi}"),
                };
                let colour = r.colour.map_or("_", |c| VARIANTS[c]);
                s.push_str(&format!(
                    "  | {key} | {colour} | {} |\n",
                    literal(t.ty, &r.value)
                ));
            }
        }
        s.push('\n');
        for (i, r) in p.rules.iter().enumerate() {
            if i == p.late_rules_from && i > 0 {
                s.push_str(&self.conditions_text());
            }
            let body = match &r.body {
                Body::Expr(e) => self.expr(e),
                Body::Selon { on, arms, default } => {
                    let mut b = format!("selon {} :", self.expr(on));
                    for (variants, e) in arms {
                        let names: Vec<&str> = variants.iter().map(|v| VARIANTS[*v]).collect();
                        b.push_str(&format!("\n  cas {} : {}", names.join(", "), self.expr(e)));
                    }
                    if let Some(e) = default {
                        b.push_str(&format!("\n  sinon : {}", self.expr(e)));
                    }
                    b
                }
            };
            s.push_str(&format!(
                "règle {} : {} = {body}\n",
                r.name,
                type_name(r.ty)
            ));
        }
        if p.late_rules_from == p.rules.len() {
            s.push_str(&self.conditions_text());
        }
        s
    }

    fn conditions_text(&self) -> String {
        let p = self.prog;
        let mut s = String::from("\n");
        for c in &p.conditions {
            s.push_str(&format!(
                "condition {} « {} » :\n  {}\n",
                c.name,
                c.reason,
                self.expr(&c.expr)
            ));
        }
        if let Some(d) = &p.decision {
            match &d.listed {
                None => s.push_str(&format!("décision {} = toutes les conditions\n", d.name)),
                Some(list) => {
                    let names: Vec<&str> = list
                        .iter()
                        .map(|c| p.conditions[*c].name.as_str())
                        .collect();
                    s.push_str(&format!(
                        "décision {} = conditions {}\n",
                        d.name,
                        names.join(", ")
                    ));
                }
            }
        }
        s.push('\n');
        s
    }

    /// The dossier: every input by name, written as docs/langage.md « Les dossiers » says.
    pub fn dossier(&self) -> Map<String, Json> {
        self.prog
            .inputs
            .iter()
            .map(|i| {
                let v = match (i.ty, &i.value) {
                    (Ty::Int | Ty::Dec, v) => number_json(num(v)),
                    (Ty::Money, v) => Json::String(num(v).fixed(2, '.')),
                    (Ty::Pct, v) => Json::String(format!(
                        "{} %",
                        num(v).mul(Rat::int(100)).decimal('.').expect("percentage")
                    )),
                    (_, Value::Dur { months, days }) => {
                        Json::String(duration_literal(*months, *days, false))
                    }
                    (ty, v) => value_json(ty, v),
                };
                (i.name.clone(), v)
            })
            .collect()
    }
}

fn number_json(r: Rat) -> Json {
    let text = r.decimal('.').expect("a finite decimal");
    serde_json::from_str(&text).expect("a JSON number")
}

/// A value as pol's outcome writes it: money `"12.30"`, percentages `"12.5 %"`, numbers,
/// dates `"2025-02-28"`, durations `"3 mois"`, `"1 an"`, `"-5 jours"`, variants by name.
pub fn value_json(ty: Ty, v: &Value) -> Json {
    match (ty, v) {
        (_, Value::Bool(b)) => json!(b),
        (Ty::Money, v) => Json::String(num(v).fixed(2, '.')),
        (Ty::Pct, v) => Json::String(format!(
            "{} %",
            num(v).mul(Rat::int(100)).decimal('.').expect("percentage")
        )),
        (_, Value::Num(r)) => number_json(*r),
        (_, Value::Date(d)) => Json::String(date_text(*d)),
        (_, Value::Dur { months, days }) => Json::String(duration_text(*months, *days)),
        (_, Value::Enum(i)) => Json::String(VARIANTS[*i].into()),
    }
}

fn duration_text(months: i64, days: i64) -> String {
    let mut parts = Vec::new();
    if months != 0 {
        if months % 12 == 0 {
            let y = months / 12;
            parts.push(format!("{y} an{}", if y.abs() > 1 { "s" } else { "" }));
        } else {
            parts.push(format!("{months} mois"));
        }
    }
    if days != 0 || parts.is_empty() {
        parts.push(format!(
            "{days} jour{}",
            if days.abs() > 1 { "s" } else { "" }
        ));
    }
    parts.join(" et ")
}
