//! Dossiers: JSON in (exact numbers, never through binary floating point), JSON out, and the
//! golden-dossier document with its expectations.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Number, Value as Json};

use super::error::{DatedBy, EvalError, EvalErrorKind};
use super::plan::{Plan, Slot};
use super::run::{Evaluator, Given};
use super::value::{money_string, RtTy, Value};
use crate::check::scope::DefKind;
use crate::diagnostics::suggest;
use crate::syntax::lower_number;
use crate::units::Unit;

fn describe_json(j: &Json) -> String {
    match j {
        Json::Null => "null".into(),
        Json::Bool(b) => format!("le booléen {b}"),
        Json::Number(n) => format!("le nombre {n}"),
        Json::String(s) => format!("le texte \"{s}\""),
        Json::Array(_) => "une liste".into(),
        Json::Object(_) => "un objet".into(),
    }
}

fn expected_words(t: &RtTy, plan: &Plan) -> String {
    match t {
        RtTy::Bool | RtTy::Decision => "un booléen (true ou false)".into(),
        RtTy::Int => "un nombre entier".into(),
        RtTy::Dec => "un nombre".into(),
        RtTy::Pct => "un pourcentage écrit \"15 %\"".into(),
        RtTy::Qty(u) if u.is_money() => {
            "un montant (\"19500.00\" ou 19500.00, au plus deux décimales)".into()
        }
        RtTy::Qty(u) => format!("une quantité en {u}"),
        RtTy::Text => "un texte".into(),
        RtTy::Date => "une date \"AAAA-MM-JJ\"".into(),
        RtTy::Duration => "une durée (\"90 jours\", \"6 mois\", \"2 ans\")".into(),
        RtTy::Enum(e) => {
            let d = &plan.enums[*e as usize];
            format!("une valeur de {} ({})", d.name, d.variants.join(", "))
        }
        RtTy::Struct(s) => format!("un objet {}", plan.structs[*s as usize].name),
        // « une liste de un objet » reads wrong in French: name the elements instead.
        RtTy::List(t) => format!(
            "une liste [ … ] dont chaque élément est {}",
            expected_words(t, plan)
        ),
        RtTy::Unknown => "une valeur d'un type en erreur (erreur interne de pol)".into(),
    }
}

/// A dossier value that holds no other: what both decoders read, from a JSON tree
/// (`Decoder`) or straight from a line's text (`line::read`).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar<'a> {
    Bool(bool),
    /// A JSON number, its digits as written.
    Number(&'a str),
    Text(&'a str),
}

impl<'a> Scalar<'a> {
    fn of(j: &'a Json) -> Option<Scalar<'a>> {
        match j {
            Json::Bool(b) => Some(Scalar::Bool(*b)),
            Json::Number(n) => Some(Scalar::Number(n.as_str())),
            Json::String(s) => Some(Scalar::Text(s)),
            _ => None,
        }
    }
}

/// Reads a number exactly: from JSON number text or from a string written either way
/// (`19500.00`, `19 500,00`).
fn exact_number(j: Scalar<'_>) -> Option<(Decimal, Option<&str>)> {
    match j {
        Scalar::Number(n) => Decimal::from_str_exact(n)
            .ok()
            .or_else(|| Decimal::from_scientific(n).ok())
            .map(|d| (d, None)),
        // Most amounts are written plainly (`"19500.00"`): read them as they are.
        Scalar::Text(s) if is_plain_decimal(s) => {
            Decimal::from_str_exact(s).ok().map(|d| (d, None))
        }
        Scalar::Text(s) => {
            let s = s.trim();
            // Split a trailing unit (`2,3 ha`, `15 %`, `19500 $`).
            let idx = s
                .char_indices()
                .find(|(_, c)| {
                    !(c.is_ascii_digit()
                        || matches!(c, ' ' | '\u{A0}' | '\u{202F}' | ',' | '.' | '-' | '+'))
                })
                .map(|(i, _)| i)
                .unwrap_or(s.len());
            let (num, unit) = s.split_at(idx);
            let num = num.trim();
            let (neg, num) = match num.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, num.strip_prefix('+').unwrap_or(num)),
            };
            if !well_grouped(num) {
                return None;
            }
            let d = lower_number(num)?;
            let unit = unit.trim();
            Some((if neg { -d } else { d }, (!unit.is_empty()).then_some(unit)))
        }
        Scalar::Bool(_) => None,
    }
}

/// Digits, optionally a point and more digits: what the general reading of a number gives
/// back unchanged.
fn is_plain_decimal(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Decodes a scalar as a value of type `t`, a structure or a list excepted. `Err` holds the
/// help to give with the « wrong type » error, if any.
pub(crate) fn decode_scalar(plan: &Plan, j: Scalar<'_>, t: &RtTy) -> Result<Value, Option<String>> {
    match (t, j) {
        (RtTy::Bool | RtTy::Decision, Scalar::Bool(b)) => Ok(Value::Bool(b)),
        (RtTy::Text, Scalar::Text(s)) => Ok(Value::Text(Arc::from(s))),
        (RtTy::Date, Scalar::Text(s)) => parse_date(s)
            .map(Value::Date)
            .ok_or_else(|| Some("une date existante, écrite AAAA-MM-JJ".into())),
        (RtTy::Duration, j) => match exact_number(j) {
            Some((n, Some(u))) if n.fract().is_zero() => {
                let dim = Unit::parse(u)
                    .and_then(|u| u.as_duration_dim())
                    .ok_or(None)?;
                crate::types::duration_of(n, dim)
                    .map(Value::Duration)
                    .ok_or_else(|| {
                        Some("une durée qui se compte exactement (celle-ci est trop longue)".into())
                    })
            }
            _ => Err(None),
        },
        (RtTy::Int | RtTy::Dec | RtTy::Pct | RtTy::Qty(_), j) => {
            let (n, unit) = exact_number(j).ok_or_else(|| too_precise(j))?;
            decode_number(t, n, unit)
        }
        (RtTy::Enum(e), Scalar::Text(s)) => {
            let desc = &plan.enums[*e as usize];
            match desc.variants.iter().position(|v| v == s) {
                Some(i) => Ok(Value::Enum(i as u32)),
                None => Err(suggest(s, desc.variants.iter().map(String::as_str))
                    .map(|s| format!("voulez-vous dire \"{s}\" ?"))),
            }
        }
        _ => Err(None),
    }
}

/// Why a number pol cannot read is refused, when it is one of too many digits: a JSON number
/// that no decimal holds, or a text of more than 28 significant digits.
fn too_precise(j: Scalar<'_>) -> Option<String> {
    let too_many = match j {
        Scalar::Number(_) => true,
        Scalar::Text(s) => {
            let digits = s.trim_start_matches(|c: char| !c.is_ascii_digit() || c == '0');
            digits.bytes().filter(u8::is_ascii_digit).count() > 28
        }
        Scalar::Bool(_) => false,
    };
    too_many.then(|| "ce nombre dépasse la précision exacte de pol (28 chiffres)".into())
}

/// A number read exactly, and the unit written after it, as a value of the numeric type `t`.
fn decode_number(t: &RtTy, n: Decimal, unit: Option<&str>) -> Result<Value, Option<String>> {
    match (t, unit) {
        (RtTy::Pct, Some("%")) => Ok(Value::Num(n / Decimal::ONE_HUNDRED)),
        (RtTy::Pct, _) => Err(Some(
            "écrivez le pourcentage avec le signe %, par exemple \"15 %\"".into(),
        )),
        (RtTy::Int, None) if n.fract().is_zero() => Ok(Value::Num(n.trunc())),
        (RtTy::Dec, None) => Ok(Value::Num(n)),
        (RtTy::Qty(u), unit) => {
            if let Some(written) = unit {
                if Unit::parse(written).as_ref() != Some(u) {
                    return Err(Some(format!("l'unité attendue est {u}")));
                }
            }
            if u.is_money() && n.normalize().scale() > 2 {
                return Err(Some("un montant a au plus deux décimales".into()));
            }
            if u.is_money() && !super::value::money_fits(n) {
                return Err(Some(format!(
                    "le plus grand montant que pol compte exactement au cent est {}",
                    super::value::LARGEST_MONEY
                )));
            }
            Ok(Value::Num(n))
        }
        _ => Err(None),
    }
}

/// `19 500,00` and `19500.00` are amounts; `19 5000,00` is a typing mistake, not 195 000.
fn well_grouped(num: &str) -> bool {
    let int = num.split([',', '.']).next().unwrap_or("");
    let groups: Vec<&str> = int.split([' ', '\u{A0}', '\u{202F}']).collect();
    if groups.len() == 1 {
        return true;
    }
    let frac_has_space = num
        .split_once([',', '.'])
        .is_some_and(|(_, f)| f.contains([' ', '\u{A0}', '\u{202F}']));
    !frac_has_space
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
}

pub struct Decoder<'p> {
    pub plan: &'p Plan,
    pub errors: Vec<EvalError>,
}

impl<'p> Decoder<'p> {
    fn wrong(&mut self, path: &str, t: &RtTy, j: &Json, help: Option<String>) -> Value {
        self.errors.push(EvalError::new(EvalErrorKind::WrongType {
            path: path.to_string(),
            expected: expected_words(t, self.plan),
            found: describe_json(j),
            help,
        }));
        Value::Missing(Arc::from(path))
    }

    /// Decodes `j` as a value of type `t`; errors are collected, never fatal.
    pub fn decode(&mut self, j: &Json, t: &RtTy, path: &str) -> Value {
        match t {
            RtTy::List(elem) => match j {
                Json::Array(items) => {
                    let vals: Vec<Value> = items
                        .iter()
                        .enumerate()
                        .map(|(i, it)| self.decode(it, elem, &format!("{path}[{i}]")))
                        .collect();
                    Value::List(vals.into())
                }
                _ => self.wrong(path, t, j, None),
            },
            RtTy::Struct(s) => {
                let Json::Object(obj) = j else {
                    return self.wrong(path, t, j, None);
                };
                let plan = self.plan;
                let desc = &plan.structs[*s as usize];
                for k in obj.keys() {
                    if !desc.fields.iter().any(|f| f.name == *k) {
                        self.errors
                            .push(EvalError::new(EvalErrorKind::UnknownField {
                                path: format!("{path}.{k}"),
                                suggestion: suggest(k, desc.fields.iter().map(|f| f.name.as_str())),
                            }));
                    }
                }
                let mut fields = Vec::with_capacity(desc.fields.len());
                for f in &desc.fields {
                    let fpath = format!("{path}.{}", f.name);
                    let v = match obj.get(&f.name) {
                        Some(Json::Null) | None => f.default_or_missing(|| fpath.clone()),
                        Some(x) => self.decode(x, &f.ty, &fpath),
                    };
                    fields.push(v);
                }
                Value::Struct(fields.into())
            }
            t => match Scalar::of(j).map(|sc| decode_scalar(self.plan, sc, t)) {
                Some(Ok(v)) => v,
                Some(Err(help)) => self.wrong(path, t, j, help),
                None => self.wrong(path, t, j, None),
            },
        }
    }
}

/// Decodes a dossier's inputs: unknown fields and wrong types are errors, absent inputs are
/// left for the evaluator (an error only if needed).
pub fn decode_inputs(plan: &Plan, inputs: &Map<String, Json>) -> Result<Given, Vec<EvalError>> {
    let mut dec = Decoder {
        plan,
        errors: Vec::new(),
    };
    let mut out = Given::with_capacity(inputs.len());
    for (k, j) in inputs {
        let slot = plan.slot(k).filter(|s| plan.def(*s).kind == DefKind::Input);
        match slot {
            Some(s) => {
                if !j.is_null() {
                    out.push((s, dec.decode(j, &plan.def(s).ty, k)));
                }
            }
            None => dec.errors.push(EvalError::new(EvalErrorKind::UnknownField {
                path: k.clone(),
                suggestion: suggest(k, plan.inputs.iter().map(|s| &*plan.def(*s).name)),
            })),
        }
    }
    if dec.errors.is_empty() {
        out.sort_unstable_by_key(|(s, _)| *s);
        Ok(out)
    } else {
        Err(dec.errors)
    }
}

/// Checks the date whose rules apply against the program's period and its oldest encoded
/// version; `by` says where the date comes from.
pub fn check_date(plan: &Plan, date: NaiveDate, by: DatedBy) -> Result<(), EvalError> {
    if let Some((start, end)) = plan.period {
        if date < start || date > end {
            return Err(EvalError::new(EvalErrorKind::DateOutsidePeriod {
                date,
                start,
                end,
                by: by.clone(),
            }));
        }
    }
    if let Some(oldest) = plan.base_version {
        if date < oldest {
            return Err(EvalError::new(EvalErrorKind::VersionNotEncoded {
                date,
                oldest,
                by,
            }));
        }
    }
    Ok(())
}

fn json_number(d: Decimal) -> Json {
    let s = d.normalize().to_string();
    Number::from_str(&s)
        .map(Json::Number)
        .unwrap_or(Json::String(s))
}

/// A value as the dossiers write it: money `"9750.00"`, percentages `"65 %"`, dates
/// `"2026-02-15"`, variants by name.
pub fn to_json(v: &Value, t: &RtTy, plan: &Plan) -> Json {
    match (v, t) {
        (Value::Bool(b), _) => Json::Bool(*b),
        (Value::Num(d), t) if t.is_money() => Json::String(money_string(*d)),
        (Value::Num(d), RtTy::Pct) => {
            Json::String(format!("{} %", (*d * Decimal::ONE_HUNDRED).normalize()))
        }
        (Value::Num(d), _) => json_number(*d),
        (Value::Text(s), _) => Json::String(s.to_string()),
        (Value::Date(d), _) => Json::String(d.to_string()),
        (Value::Duration(d), _) => Json::String(super::value::duration_text(*d)),
        (Value::Enum(i), RtTy::Enum(e)) => Json::String(
            plan.enums[*e as usize]
                .variants
                .get(*i as usize)
                .cloned()
                .unwrap_or_default(),
        ),
        (Value::Struct(fields), RtTy::Struct(s)) => {
            let desc = &plan.structs[*s as usize];
            let mut m = Map::new();
            for (f, v) in desc.fields.iter().zip(fields.iter()) {
                m.insert(f.name.clone(), to_json(v, &f.ty, plan));
            }
            Json::Object(m)
        }
        (Value::List(items), RtTy::List(t)) => {
            Json::Array(items.iter().map(|i| to_json(i, t, plan)).collect())
        }
        (Value::Missing(_), _) => Json::Null,
        _ => Json::Null,
    }
}

/// Writes `to_json(v, t, plan)` as JSON text, the same bytes serde_json would write, without
/// building the tree for a scalar (the batch writes one per output per dossier).
pub fn write_json(v: &Value, t: &RtTy, plan: &Plan, out: &mut Vec<u8>) {
    use std::io::Write;
    // Writing into a vector cannot fail.
    let _ = match (v, t) {
        (Value::Bool(b), _) => out.write_all(if *b { b"true" } else { b"false" }),
        (Value::Num(d), t) if t.is_money() => {
            write_money(*d, out);
            Ok(())
        }
        (Value::Num(d), RtTy::Pct) => {
            write!(out, "\"{} %\"", (*d * Decimal::ONE_HUNDRED).normalize())
        }
        (Value::Num(d), _) => write!(out, "{}", d.normalize()),
        (Value::Text(s), _) => {
            write_json_str(s, out);
            Ok(())
        }
        (Value::Date(d), _) => write!(out, "\"{d}\""),
        (Value::Enum(i), RtTy::Enum(e)) => {
            let name = plan.enums[*e as usize].variants.get(*i as usize);
            write_json_str(name.map_or("", String::as_str), out);
            Ok(())
        }
        (Value::Missing(_), _) => out.write_all(b"null"),
        _ => serde_json::to_writer(&mut *out, &to_json(v, t, plan)).map_err(Into::into),
    };
}

/// A text as JSON, the bytes serde_json writes: as it is between quotes when nothing in it
/// is escaped (a quote, a backslash, a control character).
pub fn write_json_str(s: &str, out: &mut Vec<u8>) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// Money as a JSON text, as `money_string` writes it (`"9750.00"`): the digits of the cents
/// with a point before the last two, without going through the decimal's formatter.
fn write_money(d: Decimal, out: &mut Vec<u8>) {
    let mut cents = super::value::round_cents(d);
    cents.rescale(2);
    let m = cents.mantissa();
    if cents.scale() != 2 || (m == 0 && cents.is_sign_negative()) {
        // Not reached by rescaled amounts; the formatter says what it would.
        let _ = std::io::Write::write_fmt(out, format_args!("\"{cents}\""));
        return;
    }
    let mut digits = [0u8; 40];
    let mut i = digits.len();
    let mut wide = m.unsigned_abs();
    while wide > u128::from(u64::MAX) {
        i -= 1;
        digits[i] = b'0' + (wide % 10) as u8;
        wide /= 10;
    }
    // The rest in 64 bits, whose division is many times cheaper.
    let mut n = wide as u64;
    while n > 0 || i > digits.len() - 3 {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let (units, cents_digits) = digits[i..].split_at(digits.len() - i - 2);
    out.push(b'"');
    if m < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(units);
    out.push(b'.');
    out.extend_from_slice(cents_digits);
    out.push(b'"');
}

/// The expected value of one output in a golden dossier.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    pub slot: Slot,
    pub value: Value,
    /// For decisions: the names of the conditions expected not to be met, if given.
    pub reasons: Option<Vec<String>>,
}

/// A dossier document: a golden dossier, or a plain object of inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Dossier {
    pub programme: Option<String>,
    /// The stable code of the error the dossier must end in (`erreur_attendue`), instead of
    /// expected values: a dossier the program must refuse to evaluate.
    pub expected_error: Option<String>,
    pub description: Option<String>,
    pub sections: Vec<String>,
    pub date: Option<NaiveDate>,
    pub inputs: Map<String, Json>,
    /// Raw expectations (decoded against a plan with `expectations`).
    pub expected: Option<Map<String, Json>>,
}

const DOSSIER_KEYS: &[&str] = &[
    "programme",
    "description",
    "sections",
    "date",
    "entrées",
    "attendu",
    "erreur_attendue",
];

/// A date written exactly `AAAA-MM-JJ` that exists (`2025-2-3` is refused: chrono alone
/// would take it).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// Reads a dossier document. A JSON object with an `entrées` key is a dossier document (its
/// other keys must be known); any other object is taken as the inputs themselves.
pub fn parse_dossier(text: &str) -> Result<Dossier, String> {
    let j: Json = super::json::parse(text)?;
    let Json::Object(obj) = j else {
        return Err("un dossier est un objet JSON { … }".into());
    };
    let golden_keys = [
        "programme",
        "attendu",
        "erreur_attendue",
        "sections",
        "description",
    ];
    if !obj.contains_key("entrées") && golden_keys.iter().any(|k| obj.contains_key(*k)) {
        return Err(
            "ce dossier doré n'a pas d'« entrées » : les valeurs du dossier s'écrivent sous « entrées » { … }"
                .into(),
        );
    }
    if !obj.contains_key("entrées") {
        return Ok(Dossier {
            programme: None,
            expected_error: None,
            description: None,
            sections: Vec::new(),
            date: None,
            inputs: obj,
            expected: None,
        });
    }
    for k in obj.keys() {
        if !DOSSIER_KEYS.contains(&k.as_str()) {
            let hint = suggest(k, DOSSIER_KEYS.iter().copied())
                .map(|s| format!(" (voulez-vous dire « {s} » ?)"))
                .unwrap_or_default();
            return Err(format!(
                "clé inconnue « {k} » dans le dossier{hint} ; clés permises : {}",
                DOSSIER_KEYS.join(", ")
            ));
        }
    }
    let string = |k: &str| -> Result<Option<String>, String> {
        match obj.get(k) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("« {k} » doit être un texte")),
        }
    };
    let date = match string("date")? {
        None => None,
        Some(s) => Some(
            parse_date(&s)
                .ok_or_else(|| format!("« date » : « {s} » n'est pas une date AAAA-MM-JJ"))?,
        ),
    };
    let sections = match obj.get("sections") {
        None => Vec::new(),
        Some(Json::Array(a)) => a
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "« sections » est une liste de textes".to_string())
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("« sections » est une liste de textes".into()),
    };
    let inputs = match obj.get("entrées") {
        Some(Json::Object(m)) => m.clone(),
        _ => return Err("« entrées » doit être un objet { nom : valeur }".into()),
    };
    let expected = match obj.get("attendu") {
        None => None,
        Some(Json::Object(m)) => Some(m.clone()),
        Some(_) => return Err("« attendu » doit être un objet { sortie : valeur }".into()),
    };
    Ok(Dossier {
        programme: string("programme")?,
        expected_error: string("erreur_attendue")?,
        description: string("description")?,
        sections,
        date,
        inputs,
        expected,
    })
}

/// Decodes a golden dossier's expectations against a plan.
pub fn expectations(plan: &Plan, raw: &Map<String, Json>) -> Result<Vec<Expected>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut dec = Decoder {
        plan,
        errors: Vec::new(),
    };
    let names: Vec<&str> = plan.by_name.keys().map(String::as_str).collect();
    for (k, j) in raw {
        let Some(slot) = plan.slot(k).filter(|s| plan.def(*s).kind != DefKind::Table) else {
            let hint = suggest(k, names.iter().copied())
                .map(|s| format!(" (voulez-vous dire « {s} » ?)"))
                .unwrap_or_default();
            errors.push(format!("« attendu » : « {k} » n'est ni une règle, ni une condition, ni une décision du programme{hint}"));
            continue;
        };
        let def = plan.def(slot);
        if def.kind == DefKind::Decision {
            if let Json::Object(m) = j {
                let value = match m.get("valeur") {
                    Some(Json::Bool(b)) => Value::Bool(*b),
                    _ => {
                        errors.push(format!("« attendu.{k}.valeur » doit être true ou false"));
                        continue;
                    }
                };
                let reasons = match m.get("motifs") {
                    None => None,
                    Some(Json::Array(a)) => Some(
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect(),
                    ),
                    Some(_) => {
                        errors.push(format!(
                            "« attendu.{k}.motifs » est une liste de noms de conditions"
                        ));
                        continue;
                    }
                };
                for key in m.keys() {
                    if key != "valeur" && key != "motifs" {
                        errors.push(format!(
                            "« attendu.{k} » : clé inconnue « {key} » (permises : valeur, motifs)"
                        ));
                    }
                }
                out.push(Expected {
                    slot,
                    value,
                    reasons,
                });
                continue;
            }
        }
        let ty = def.ty.clone();
        let before = dec.errors.len();
        let value = dec.decode(j, &ty, &format!("attendu.{k}"));
        if dec.errors.len() > before {
            continue;
        }
        out.push(Expected {
            slot,
            value,
            reasons: None,
        });
    }
    errors.extend(dec.errors.iter().map(|e| e.to_string()));
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Evaluates and collects, per output, its value or its error.
pub fn outputs_json(ev: &mut Evaluator<'_>, slots: &[Slot]) -> BTreeMap<String, Json> {
    let plan = ev.plan;
    let mut out = BTreeMap::new();
    for &s in slots {
        let def = plan.def(s);
        let v = match ev.value(s) {
            Ok(v) => to_json(&v, &def.ty, plan),
            Err(e) => Json::String(format!("erreur : {e}")),
        };
        out.insert(def.name.to_string(), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The batch writes money and texts without serde_json or the decimal's formatter: the
    /// bytes must be the ones they write.
    #[test]
    fn money_and_texts_are_written_as_serde_json_writes_them() {
        let amounts = [
            "0",
            "-0",
            "0.001",
            "-0.004",
            "-0.005",
            "0.005",
            "1",
            "-1",
            "9750",
            "9750.5",
            "499999.995",
            "-12.345",
            "0.10",
            "100000000000000000000000.01",
            "-79228162514264337593543950.335",
            "79228162514264337593543950335",
        ];
        for a in amounts {
            let d = Decimal::from_str(a).unwrap();
            let mut out = Vec::new();
            write_money(d, &mut out);
            let expected = serde_json::to_string(&money_string(d)).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{a}");
        }
        for t in [
            "",
            "blé d'Inde",
            "a\"b",
            "c\\d",
            "ligne\nsuivante",
            "\u{7f}",
            "tab\t",
            "é",
        ] {
            let mut out = Vec::new();
            write_json_str(t, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(t).unwrap()
            );
        }
    }
}
