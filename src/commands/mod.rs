//! One module per subcommand, and what they share.

pub mod batch;
pub mod check;
pub mod eval;
pub mod fmt;
pub mod test;

use std::io::IsTerminal;

use pol_compiler::db::{Database, SourceFile};
use pol_compiler::diagnostics::{render, Diagnostic, Report};

use crate::workspace::{shown_path, UsageError};

pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const USAGE: u8 = 2;

/// Colours only on a terminal, and never when NO_COLOR is set.
pub fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Renders a file's diagnostics with miette.
pub fn render_file(db: &Database, file: SourceFile, diags: &[Diagnostic]) -> String {
    let path = shown_path(file.path(db));
    let reports: Vec<Report> = diags
        .iter()
        .map(|d| Report::new(d.clone(), &path, file.text(db)))
        .collect();
    render(&reports, color())
}

pub fn usage_error(e: UsageError) -> u8 {
    eprintln!("erreur : {e}");
    USAGE
}
