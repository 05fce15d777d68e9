//! Evaluation: the plan (compiled once per program), the dossier decoder, the lazy exact
//! evaluator and explanations.

mod arith;
pub mod coverage;
pub mod dossier;
pub mod error;
pub mod explain;
pub mod json;
pub mod plan;
pub mod run;
pub mod value;

use chrono::NaiveDate;
use serde_json::{Map, Value as Json};

pub use error::{EvalError, EvalErrorKind};
pub use plan::{compile_program, CompileError, Plan, Slot};
pub use run::Evaluator;
pub use value::Value;

/// Starts the evaluation of a dossier at `date`: checks the date against the program's
/// period and encoded versions, decodes the inputs (unknown fields and wrong types are
/// errors, all reported), and returns a lazy evaluator.
pub fn start<'p>(
    plan: &'p Plan,
    inputs: &Map<String, Json>,
    date: NaiveDate,
    explain: bool,
) -> Result<Evaluator<'p>, Vec<EvalError>> {
    let mut errors = Vec::new();
    if plan.dated_by.is_none() {
        if let Err(e) = dossier::check_date(plan, date, None) {
            errors.push(e);
        }
    }
    let decoded = match dossier::decode_inputs(plan, inputs) {
        Ok(d) => Some(d),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let mut ev = match decoded {
        Some(d) if errors.is_empty() => Evaluator::new(plan, date, d, explain),
        _ => return Err(errors),
    };
    // `daté par`: the rules in force are those of the date the dossier gives (a missing
    // date is an error naming the input, as for any needed input).
    if let Some(slot) = plan.dated_by {
        match ev.value(slot) {
            Ok(Value::Date(d)) => {
                dossier::check_date(plan, d, Some(plan.def(slot).name.clone()))
                    .map_err(|e| vec![e])?;
                ev.rules_date = d;
            }
            Ok(_) => {}
            Err(e) => return Err(vec![e]),
        }
    }
    Ok(ev)
}
