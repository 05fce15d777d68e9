//! The pol language: syntax, names, types and units, versions, exact evaluation and
//! explanations, as salsa queries.

pub mod check;
pub mod db;
pub mod diagnostics;
pub mod eval;
pub mod files;
pub mod format;
pub mod ide;
pub mod stdlib;
pub mod syntax;
pub mod types;
pub mod units;
