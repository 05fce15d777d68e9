//! The outcome of one dossier: what every front end shows (the command line's text and JSON,
//! the batch result line, the editor's summary, `pol diff`), built once from an evaluator.

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{json, Map, Value as Json};

use crate::check::scope::DefKind;
use crate::eval::dossier::{to_json, write_json, write_json_str};
use crate::eval::explain::{explain, render_text, to_json_tree, Node};
use crate::eval::value::{RtTy, Shown};
use crate::eval::{start, start_decoded, EvalError, Evaluator, Given, Options, Plan, Slot, Value};

/// A dossier evaluated: the outputs of its programme, or the errors that stopped it before
/// any output (dates, inputs).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The programme's declared name.
    pub programme: Arc<str>,
    /// The evaluation date.
    pub date: NaiveDate,
    /// The date whose rules applied (`None` when the dossier stopped before).
    pub rules_date: Option<NaiveDate>,
    /// The outputs, in the programme's order, or what stopped the dossier.
    pub result: Result<Vec<Output>, Vec<EvalError>>,
}

/// One output of a dossier.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub slot: Slot,
    pub name: Arc<str>,
    pub kind: DefKind,
    pub ty: RtTy,
    pub value: Result<Value, EvalError>,
    /// For a decision: the conditions not met, in order (empty for other outputs).
    pub failed: Result<Vec<FailedCondition>, EvalError>,
    /// The tree of definitions that produced the value, when explanations were asked for.
    pub explanation: Option<Box<Node>>,
}

/// A condition of a decision that is not met, and the version of it in force (which gives
/// its reason and citations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedCondition {
    pub slot: Slot,
    pub name: Arc<str>,
    /// Index of the version in force in the plan's definition.
    pub version: usize,
}

impl FailedCondition {
    /// The reason the version in force gives when it is not met.
    pub fn reason<'p>(&self, plan: &'p Plan) -> Option<&'p str> {
        let def = plan.def(self.slot);
        def.versions
            .get(self.version)
            .and_then(|v| v.reason.as_deref())
            .or(def.reason.as_deref())
    }

    /// The sections the version in force cites.
    pub fn citations<'p>(&self, plan: &'p Plan) -> &'p [String] {
        plan.def(self.slot)
            .versions
            .get(self.version)
            .map_or(&[], |v| v.citations.as_slice())
    }
}

/// Evaluates a dossier's inputs with a compiled plan: the one evaluation entry point of the
/// front ends.
pub fn evaluate(plan: &Plan, inputs: &Map<String, Json>, options: &Options) -> Outcome {
    outcome_of(plan, start(plan, inputs, options), options)
}

/// `evaluate`, the inputs already decoded by slot (or the errors of their decoding).
pub fn evaluate_decoded(
    plan: &Plan,
    decoded: Result<Given, Vec<EvalError>>,
    options: &Options,
) -> Outcome {
    outcome_of(plan, start_decoded(plan, decoded, options), options)
}

fn outcome_of(
    plan: &Plan,
    started: Result<Evaluator<'_>, Vec<EvalError>>,
    options: &Options,
) -> Outcome {
    match started {
        Ok(mut ev) => Outcome::of(&mut ev),
        Err(errors) => Outcome {
            programme: plan.name.clone(),
            date: options.date,
            rules_date: None,
            result: Err(errors),
        },
    }
}

impl Outcome {
    /// The outcome of a started evaluation: every output of its programme.
    pub fn of(ev: &mut Evaluator<'_>) -> Outcome {
        let plan = ev.plan;
        let outputs = plan.outputs.iter().map(|&s| Output::of(ev, s)).collect();
        Outcome {
            programme: plan.name.clone(),
            date: ev.date,
            rules_date: Some(ev.rules_date()),
            result: Ok(outputs),
        }
    }

    /// No error anywhere: the dossier started and every output has a value.
    pub fn is_ok(&self) -> bool {
        match &self.result {
            Ok(outputs) => outputs.iter().all(|o| o.value.is_ok() && o.failed.is_ok()),
            Err(_) => false,
        }
    }

    /// Every error of the dossier: those that stopped it, or those of its outputs.
    pub fn errors(&self) -> Vec<&EvalError> {
        match &self.result {
            Err(errors) => errors.iter().collect(),
            Ok(outputs) => outputs
                .iter()
                .flat_map(|o| {
                    o.value
                        .as_ref()
                        .err()
                        .into_iter()
                        .chain(o.failed.as_ref().err())
                })
                .collect(),
        }
    }

    pub fn output(&self, name: &str) -> Option<&Output> {
        self.result.as_ref().ok()?.iter().find(|o| &*o.name == name)
    }

    /// The outcome as JSON, as `pol eval --format json` writes it: `programme`, `date`,
    /// `date_des_règles`, `sorties` (a value, or `{erreur, code}`), `motifs` (per decision,
    /// the conditions not met with their reason and citations), `explications` when asked
    /// for; a dossier stopped before any output has `erreurs` instead.
    pub fn to_json(&self, plan: &Plan) -> Json {
        let outputs = match &self.result {
            Err(errors) => {
                return json!({
                    "programme": &*self.programme,
                    "date": self.date.to_string(),
                    "erreurs": errors.iter().map(error_json).collect::<Vec<_>>(),
                })
            }
            Ok(outputs) => outputs,
        };
        let mut sorties = Map::new();
        let mut motifs = Map::new();
        let mut explications = Map::new();
        for o in outputs {
            sorties.insert(o.name.to_string(), o.value_json(plan));
            if o.kind == DefKind::Decision {
                let reasons = match &o.failed {
                    Ok(failed) => Json::Array(
                        failed
                            .iter()
                            .map(|c| {
                                json!({"condition": &*c.name, "raison": c.reason(plan), "citations": c.citations(plan)})
                            })
                            .collect(),
                    ),
                    Err(e) => error_value(e),
                };
                motifs.insert(o.name.to_string(), reasons);
            }
            if let Some(node) = &o.explanation {
                explications.insert(o.name.to_string(), to_json_tree(node));
            }
        }
        let mut out = json!({
            "programme": &*self.programme,
            "date": self.date.to_string(),
            "date_des_règles": self.rules_date.map(|d| d.to_string()),
            "sorties": sorties,
            "motifs": motifs,
        });
        if !explications.is_empty() {
            out["explications"] = Json::Object(explications);
        }
        out
    }

    /// The flat result line of `pol eval --lot`: the identifier (if any), every output by
    /// name, and `motifs`, the names of the conditions not met (one list for one decision,
    /// one list per decision otherwise); `erreurs` for a dossier stopped before any output.
    pub fn batch_record(&self, plan: &Plan, id: Option<(&str, Json)>) -> Json {
        let mut out = Map::new();
        if let Some((field, value)) = id {
            out.insert(field.to_string(), value);
        }
        let outputs = match &self.result {
            Err(errors) => {
                out.insert(
                    "erreurs".into(),
                    errors.iter().map(error_json).collect::<Vec<_>>().into(),
                );
                return Json::Object(out);
            }
            Ok(outputs) => outputs,
        };
        let mut motifs = Map::new();
        for o in outputs {
            out.insert(o.name.to_string(), o.value_json(plan));
            if o.kind == DefKind::Decision {
                let names = match &o.failed {
                    Ok(f) => f.iter().map(|c| Json::from(&*c.name)).collect(),
                    Err(e) => error_value(e),
                };
                motifs.insert(o.name.to_string(), names);
            }
        }
        let motifs = if motifs.len() == 1 {
            motifs
                .into_iter()
                .next()
                .map(|(_, v)| v)
                .unwrap_or_default()
        } else {
            Json::Object(motifs)
        };
        out.insert("motifs".into(), motifs);
        Json::Object(out)
    }

    /// The batch record written as one JSON line (newline included), the very text
    /// `batch_record` serialises to, without building the map; the identifier is given as its
    /// JSON text. Names that would meet in the map (an output named like the identifier,
    /// « motifs » or « erreurs ») take the map's way.
    pub fn write_batch_record(&self, plan: &Plan, id: Option<(&str, &str)>, out: &mut Vec<u8>) {
        let meets = |name: &str| {
            plan.outputs.iter().any(|s| &*plan.def(*s).name == name)
                || name == "motifs"
                || name == "erreurs"
        };
        let clash = id.as_ref().is_some_and(|(f, _)| meets(f))
            || plan
                .outputs
                .iter()
                .any(|s| matches!(&*plan.def(*s).name, "motifs" | "erreurs"));
        if clash {
            let id = id.map(|(f, text)| (f, serde_json::from_str(text).unwrap_or(Json::Null)));
            let _ = serde_json::to_writer(&mut *out, &self.batch_record(plan, id));
            out.push(b'\n');
            return;
        }
        let start = out.len();
        let key = |out: &mut Vec<u8>, key: &str| {
            out.push(if out.len() == start { b'{' } else { b',' });
            write_json_str(key, out);
            out.push(b':');
        };
        let field = |out: &mut Vec<u8>, name: &str, value: &Json| {
            key(out, name);
            let _ = serde_json::to_writer(&mut *out, value);
        };
        if let Some((f, text)) = id {
            key(out, f);
            out.extend_from_slice(text.as_bytes());
        }
        match &self.result {
            Err(errors) => {
                let list: Json = errors.iter().map(error_json).collect::<Vec<_>>().into();
                field(out, "erreurs", &list);
            }
            Ok(outputs) => {
                for o in outputs {
                    key(out, &o.name);
                    o.write_value_json(plan, out);
                }
                let decisions: Vec<&Output> = outputs
                    .iter()
                    .filter(|o| o.kind == DefKind::Decision)
                    .collect();
                let names = |o: &Output| match &o.failed {
                    Ok(f) => f.iter().map(|c| Json::from(&*c.name)).collect(),
                    Err(e) => error_value(e),
                };
                match decisions.as_slice() {
                    // One decision, as most programmes have: its motives written as they come.
                    [Output {
                        failed: Ok(failed), ..
                    }] => {
                        key(out, "motifs");
                        out.push(b'[');
                        for (i, c) in failed.iter().enumerate() {
                            if i > 0 {
                                out.push(b',');
                            }
                            write_json_str(&c.name, out);
                        }
                        out.push(b']');
                    }
                    [one] => field(out, "motifs", &names(one)),
                    many => {
                        let motifs = many
                            .iter()
                            .map(|o| (o.name.to_string(), names(o)))
                            .collect();
                        field(out, "motifs", &Json::Object(motifs));
                    }
                }
            }
        }
        if out.len() == start {
            out.push(b'{');
        }
        out.extend_from_slice(b"}\n");
    }

    /// The outputs as French text, one block each: a decision with its conditions not met
    /// (reason and § of each), a value, or an error; the explanation under each, if any.
    pub fn text(&self, plan: &Plan) -> String {
        match &self.result {
            Err(errors) => errors
                .iter()
                .map(|e| format!("  erreur [{}] {e}\n", e.code()))
                .collect(),
            Ok(outputs) => outputs.iter().map(|o| o.text(plan)).collect(),
        }
    }

    /// One line: each output and its value (`admissible = vrai ; aide = 1 950,00 $`), or the
    /// errors that stopped the dossier.
    pub fn summary(&self, plan: &Plan) -> String {
        match &self.result {
            Err(errors) => errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(" ; "),
            Ok(outputs) => outputs
                .iter()
                .map(|o| format!("{} = {}", o.name, o.shown(plan)))
                .collect::<Vec<_>>()
                .join(" ; "),
        }
    }
}

impl Output {
    /// Evaluates one definition of a started evaluation as an output.
    pub fn of(ev: &mut Evaluator<'_>, slot: Slot) -> Output {
        let plan = ev.plan;
        let def = plan.def(slot);
        let value = ev.value(slot);
        let failed = ev.failed_conditions(slot).map(|slots| {
            slots
                .into_iter()
                .map(|c| FailedCondition {
                    slot: c,
                    name: plan.def(c).name.clone(),
                    version: ev.version_index(c),
                })
                .collect()
        });
        let explanation = ev.explaining().then(|| Box::new(explain(ev, slot)));
        Output {
            slot,
            name: def.name.clone(),
            kind: def.kind,
            ty: def.ty.clone(),
            value,
            failed,
            explanation,
        }
    }

    /// The value as dossiers write it, or `{erreur, code}`.
    pub fn value_json(&self, plan: &Plan) -> Json {
        match &self.value {
            Ok(v) => to_json(v, &self.ty, plan),
            Err(e) => error_value(e),
        }
    }

    /// `value_json`, written as JSON text.
    pub fn write_value_json(&self, plan: &Plan, out: &mut Vec<u8>) {
        match &self.value {
            Ok(v) => write_json(v, &self.ty, plan, out),
            Err(e) => {
                let _ = serde_json::to_writer(out, &error_value(e));
            }
        }
    }

    /// The value as a reader sees it (`12 675,00 $`, `vrai`), or the error.
    pub fn shown(&self, plan: &Plan) -> String {
        match &self.value {
            Ok(v) => Shown {
                value: v,
                ty: &self.ty,
                plan,
            }
            .to_string(),
            Err(e) => format!("erreur : {e}"),
        }
    }

    /// The names of the conditions not met (empty when they could not be computed).
    pub fn failed_names(&self) -> Vec<&str> {
        self.failed
            .as_ref()
            .map(|f| f.iter().map(|c| &*c.name).collect())
            .unwrap_or_default()
    }

    fn text(&self, plan: &Plan) -> String {
        let mut out = match (&self.value, self.kind) {
            (Ok(v), DefKind::Decision) => {
                let mut out = format!(
                    "décision {} : {}\n",
                    self.name,
                    if v.as_bool() == Some(true) {
                        "oui — toutes les conditions sont remplies"
                    } else {
                        "non"
                    }
                );
                for c in self.failed.as_ref().map(Vec::as_slice).unwrap_or(&[]) {
                    out.push_str(&format!(
                        "  ✗ {} : {}",
                        c.name,
                        c.reason(plan).unwrap_or_default()
                    ));
                    if !c.citations(plan).is_empty() {
                        let cites: Vec<String> =
                            c.citations(plan).iter().map(|c| format!("§ {c}")).collect();
                        out.push_str(&format!("  [{}]", cites.join(" ; ")));
                    }
                    out.push('\n');
                }
                out
            }
            (Ok(_), _) => format!("{} = {}\n", self.name, self.shown(plan)),
            (Err(e), _) => format!("{} : erreur [{}] {e}\n", self.name, e.code()),
        };
        if let Some(node) = &self.explanation {
            for line in render_text(node).lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        out
    }
}

/// An error as the outcome's JSON lists it: `{code, message}`.
pub fn error_json(e: &EvalError) -> Json {
    json!({"code": e.code(), "message": e.to_string()})
}

/// An error in place of a value: `{erreur, code}`.
fn error_value(e: &EvalError) -> Json {
    json!({"erreur": e.to_string(), "code": e.code()})
}
