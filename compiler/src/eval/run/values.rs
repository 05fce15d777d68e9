//! A value taken apart as the checker promised it is: a structure's field, a condition's
//! truth, the arm a `selon` takes. Anything else is an internal error that stops the
//! dossier, never a value.

use super::R;
use crate::eval::error::{EvalError, EvalErrorKind};
use crate::eval::value::Value;

/// A field of a structure value.
pub(crate) fn project(v: &Value, i: u32) -> R<Value> {
    match v {
        Value::Struct(fields) => match fields.get(i as usize) {
            Some(Value::Missing(path)) => Err(EvalError::new(EvalErrorKind::MissingInput {
                path: path.to_string(),
            })),
            Some(f) => Ok(f.clone()),
            None => Err(internal("un champ au-delà de ceux de sa structure")),
        },
        Value::Missing(path) => Err(EvalError::new(EvalErrorKind::MissingInput {
            path: path.to_string(),
        })),
        _ => Err(internal(
            "le champ d'une valeur qui n'est pas une structure",
        )),
    }
}

/// A case the checker rules out: an error that stops the dossier, never a value.
pub(crate) fn internal(what: &'static str) -> EvalError {
    EvalError::new(EvalErrorKind::Internal { what })
}

/// The index of the variant a `selon` looks at: an enumeration's, or a boolean's (`faux`
/// first).
pub(crate) fn arm_index(v: &Value) -> R<usize> {
    match v {
        Value::Enum(i) => Ok(*i as usize),
        Value::Bool(b) => Ok(usize::from(*b)),
        _ => Err(internal(
            "un « selon » sur une valeur qui n'est ni une énumération ni un booléen",
        )),
    }
}

/// A condition's value: a boolean, or an internal error.
pub(crate) fn truth(v: &Value) -> R<bool> {
    v.as_bool()
        .ok_or_else(|| internal("une condition dont la valeur n'est pas un booléen"))
}
