//! One line of a batch of dossiers (`pol eval --lot`): read, evaluated, its result line
//! written. The front ends own the files, the threads and the order. This module owns what
//! one line gives and what the lines add up to.
//!
//! A line first goes through the direct reader (`eval::line`). A line that reader does not
//! take (an error, a rare form) goes the ordinary way, as `pol eval` reads a dossier, so its
//! messages are the same. The tally counts such lines.

use std::borrow::Cow;

use serde_json::Value as Json;

use super::outcome::{evaluate, evaluate_decoded, Outcome};
use crate::check::scope::DefKind;
use crate::eval::{json, line, Options, Plan, Value};

/// What a batch evaluates with: one plan, one date, the identifier's key. Shared by every
/// thread.
pub struct Batch<'p> {
    plan: &'p Plan,
    keys: line::Keys,
    options: Options,
    id_field: Option<String>,
}

/// One line evaluated: its result line (newline included), whether it is in error, and
/// what to say on standard error.
#[derive(Debug)]
pub struct LineResult {
    pub record: Vec<u8>,
    pub failed: bool,
    pub message: Option<String>,
}

/// What a run of lines added up to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub dossiers: usize,
    /// Lines in error: unreadable, stopped, or with an output in error.
    pub errors: usize,
    /// Lines read the ordinary way.
    pub slow: usize,
    /// Per decision output, in the programme's order: its name, how many dossiers it
    /// accepted, how many it refused.
    pub decisions: Vec<Verdicts>,
}

/// How one decision went over the lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdicts {
    pub name: String,
    pub accepted: usize,
    pub refused: usize,
}

impl Tally {
    /// An empty tally for the decisions `plan` outputs.
    pub fn new(plan: &Plan) -> Tally {
        let decisions = plan
            .outputs
            .iter()
            .filter(|s| plan.def(**s).kind == DefKind::Decision)
            .map(|s| Verdicts {
                name: plan.def(*s).name.to_string(),
                accepted: 0,
                refused: 0,
            })
            .collect();
        Tally {
            decisions,
            ..Tally::default()
        }
    }

    /// Adds another run of lines to this one.
    pub fn merge(&mut self, other: &Tally) {
        self.dossiers += other.dossiers;
        self.errors += other.errors;
        self.slow += other.slow;
        for (a, b) in self.decisions.iter_mut().zip(&other.decisions) {
            a.accepted += b.accepted;
            a.refused += b.refused;
        }
    }

    fn count(&mut self, outcome: &Outcome) {
        self.errors += usize::from(!outcome.is_ok());
        let Ok(outputs) = &outcome.result else {
            return;
        };
        let decisions = outputs.iter().filter(|o| o.kind == DefKind::Decision);
        for (tally, o) in self.decisions.iter_mut().zip(decisions) {
            match o.value {
                Ok(Value::Bool(true)) => tally.accepted += 1,
                Ok(Value::Bool(false)) => tally.refused += 1,
                _ => {}
            }
        }
    }
}

impl<'p> Batch<'p> {
    pub fn new(plan: &'p Plan, options: Options, id_field: Option<&str>) -> Batch<'p> {
        Batch {
            plan,
            keys: line::Keys::of(plan),
            options,
            id_field: id_field.map(str::to_string),
        }
    }

    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// Line `n` (from 1) of the batch, counted in `tally`. A line that is not a JSON object,
    /// a blank one included, still gets its result line (with its number), so that result
    /// line n is always the result of dossier line n.
    pub fn line(&self, n: usize, text: &str, tally: &mut Tally) -> LineResult {
        let mut record = Vec::with_capacity(text.len());
        let errors = tally.errors;
        let message = self.write_line(n, text.as_bytes(), &mut record, tally);
        LineResult {
            record,
            failed: tally.errors > errors,
            message,
        }
    }

    /// `line`, its result line appended to `out`; what to say on standard error, if anything.
    pub fn write_line(
        &self,
        n: usize,
        bytes: &[u8],
        out: &mut Vec<u8>,
        tally: &mut Tally,
    ) -> Option<String> {
        let (plan, id_field) = (self.plan, self.id_field.as_deref());
        tally.dossiers += 1;
        let text = match line_text(bytes) {
            Ok(text) => text,
            Err(why) => {
                tally.slow += usize::from(why == NOT_UTF8);
                tally.errors += 1;
                let lossy = String::from_utf8_lossy(strip_ending(bytes));
                let id = id_field
                    .and_then(|f| readable_id(&lossy, f).map(|v| (f, v)))
                    .filter(|(_, v)| !v.to_string().contains('\u{FFFD}'));
                return Some(unreadable(n, id, why, out));
            }
        };
        let (outcome, id) = match line::read(plan, &self.keys, text, id_field) {
            Some(read) => {
                let outcome = evaluate_decoded(plan, Ok(read.inputs), &self.options);
                (outcome, read.id.map(Cow::Borrowed))
            }
            None => {
                tally.slow += 1;
                match self.ordinary(text) {
                    Ok(done) => done,
                    Err(message) => {
                        tally.errors += 1;
                        let id = id_field.and_then(|f| readable_id(text, f).map(|v| (f, v)));
                        return Some(unreadable(n, id, &message, out));
                    }
                }
            }
        };
        tally.count(&outcome);
        outcome.write_batch_record(plan, id_field.zip(id.as_deref()), out);
        None
    }

    /// The ordinary way: the line parsed into a JSON tree, the identifier taken out, the rest
    /// evaluated as `pol eval` does. The identifier comes back as its JSON text.
    fn ordinary(&self, text: &str) -> Result<(Outcome, Option<Cow<'static, str>>), String> {
        let mut obj = match json::parse(text)? {
            Json::Object(m) => m,
            _ => return Err("un objet JSON { … } est attendu".into()),
        };
        let id = self.id_field.as_deref().and_then(|f| obj.remove(f));
        let outcome = evaluate(self.plan, &obj, &self.options);
        Ok((outcome, id.map(|v| Cow::Owned(v.to_string()))))
    }
}

const NOT_UTF8: &str = "la ligne n'est pas du texte UTF-8 valide";

/// A line without its ending, `\n` or `\r\n`.
pub fn strip_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A batch line's text (its ending left out), or why it is not a dossier: it is not UTF-8,
/// or it is blank. Every front end that reads dossier lines says the same of the same line;
/// a blank line is said, never skipped, so that result line n stays dossier line n.
pub fn line_text(bytes: &[u8]) -> Result<&str, &'static str> {
    match std::str::from_utf8(strip_ending(bytes)) {
        Err(_) => Err(NOT_UTF8),
        Ok(t) if t.trim().is_empty() => Err("la ligne est vide"),
        Ok(t) => Ok(t),
    }
}

/// The result line of a line that is not a dossier, appended to `out`: its number, its
/// identifier when it could still be read, and the error; the message for standard error.
fn unreadable(n: usize, id: Option<(&str, Json)>, message: &str, out: &mut Vec<u8>) -> String {
    let mut record = serde_json::Map::new();
    record.insert("ligne".into(), Json::from(n));
    if let Some((field, value)) = id {
        record.insert(field.into(), value);
    }
    record.insert(
        "erreurs".into(),
        serde_json::json!([{"code": "pol::dossier::json", "message": message}]),
    );
    let _ = serde_json::to_writer(&mut *out, &record);
    out.push(b'\n');
    format!("erreur : ligne {n} : {message}")
}

/// The identifier of a line that is not a dossier, when it can still be read: the value of
/// `field` among the keys of the line's object written before its mistake (a nested key of
/// the same name is not it; a key written twice gives none).
fn readable_id(text: &str, field: &str) -> Option<Json> {
    let mut found = None;
    let mut twice = false;
    let mut de = serde_json::Deserializer::from_str(text.trim_start_matches('\u{FEFF}'));
    let _ = serde::de::DeserializeSeed::deserialize(
        IdSeek {
            field,
            found: &mut found,
            twice: &mut twice,
        },
        &mut de,
    );
    found.filter(|_| !twice)
}

/// Reads an object's keys up to its mistake, keeping the value of `field`.
struct IdSeek<'a> {
    field: &'a str,
    found: &'a mut Option<Json>,
    twice: &'a mut bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for IdSeek<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for IdSeek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("un objet")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key != self.field {
                map.next_value::<serde::de::IgnoredAny>()?;
            } else if self.found.is_some() {
                *self.twice = true;
                return Err(serde::de::Error::custom("deux fois"));
            } else {
                *self.found = Some(map.next_value::<Json>()?);
            }
        }
        Ok(())
    }
}
