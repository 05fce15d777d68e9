//! Evaluation: the plan (compiled once per program), the dossier decoder, the lazy exact
//! evaluator and explanations.

mod arith;
pub mod coverage;
pub mod dossier;
pub mod error;
pub mod explain;
pub mod json;
pub mod line;
pub mod plan;
pub mod run;
pub mod value;

use chrono::NaiveDate;
use serde_json::{Map, Value as Json};

pub use error::{DatedBy, EvalError, EvalErrorKind};
pub use plan::{compile_program, CompileError, Plan, Slot};
pub use run::{Evaluator, Given};
pub use value::Value;

/// How a dossier is evaluated: at which date, under which rules, with or without the trace
/// that explanations need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The evaluation date (`date_d_évaluation` in the policy).
    pub date: NaiveDate,
    /// The date whose rules apply, chosen by the caller: it overrides the evaluation date
    /// and the programme's `daté par` (the dossier's own dates still feed its conditions).
    /// `None`: the rules of the evaluation date, or of the date `daté par` names.
    pub rules_date: Option<NaiveDate>,
    /// Record what each definition read, for explanations.
    pub explain: bool,
}

impl Options {
    /// Evaluation at `date`, with the rules in force then, without explanations.
    pub fn at(date: NaiveDate) -> Options {
        Options {
            date,
            rules_date: None,
            explain: false,
        }
    }

    /// The same, with explanations on or off.
    pub fn explained(self, explain: bool) -> Options {
        Options { explain, ..self }
    }

    /// The same, under the rules in force at `date`.
    pub fn with_rules_of(self, date: Option<NaiveDate>) -> Options {
        Options {
            rules_date: date,
            ..self
        }
    }
}

/// Starts the evaluation of a dossier: checks the date whose rules apply against the
/// program's period and encoded versions, decodes the inputs (unknown fields and wrong types
/// are errors, all reported), and returns a lazy evaluator.
pub fn start<'p>(
    plan: &'p Plan,
    inputs: &Map<String, Json>,
    options: &Options,
) -> Result<Evaluator<'p>, Vec<EvalError>> {
    start_decoded(plan, dossier::decode_inputs(plan, inputs), options)
}

/// `start`, the inputs already decoded by slot (or the errors of their decoding).
pub fn start_decoded<'p>(
    plan: &'p Plan,
    decoded: Result<Given, Vec<EvalError>>,
    options: &Options,
) -> Result<Evaluator<'p>, Vec<EvalError>> {
    let mut errors = Vec::new();
    let fixed = match options.rules_date {
        Some(d) => Some((d, DatedBy::Chosen)),
        None if plan.dated_by.is_none() => Some((options.date, DatedBy::Evaluation)),
        None => None,
    };
    if let Some((d, by)) = &fixed {
        if let Err(e) = dossier::check_date(plan, *d, by.clone()) {
            errors.push(e);
        }
    }
    let decoded = match decoded {
        Ok(d) => Some(d),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let mut ev = match decoded {
        Some(d) if errors.is_empty() => Evaluator::new(plan, options.date, d, options.explain),
        _ => return Err(errors),
    };
    if let Some((d, _)) = fixed {
        ev.set_rules_date(d);
        return Ok(ev);
    }
    // `daté par`: the rules in force are those of the date the dossier gives (a missing
    // date is an error naming the input, as for any needed input).
    if let Some(slot) = plan.dated_by {
        match ev.value(slot) {
            Ok(Value::Date(d)) => {
                let by = DatedBy::Input(plan.def(slot).name.clone());
                dossier::check_date(plan, d, by).map_err(|e| vec![e])?;
                ev.set_rules_date(d);
            }
            Ok(_) => {}
            Err(e) => return Err(vec![e]),
        }
    }
    Ok(ev)
}
