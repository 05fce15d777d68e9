//! The pol language: syntax, names, types and units, versions, exact evaluation and
//! explanations, as salsa queries.

#![forbid(unsafe_code)]

pub mod check;
pub mod db;
pub mod diagnostics;
pub mod diff;
pub mod eval;
pub mod files;
pub mod format;
pub mod ide;
pub mod programme;
pub mod stdlib;
pub mod suggest;
pub mod syntax;
pub mod types;
pub mod units;

/// Runs a step of a recursive walk over a syntax or evaluation tree with enough stack,
/// growing it on the heap when it runs low. Trees are bounded (`syntax::MAX_DEPTH`, the
/// evaluation's chain limit), but the thread's stack is not ours to choose: an editor's
/// worker thread or a test thread has far less than the command line's.
pub(crate) fn with_stack<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, f)
}
