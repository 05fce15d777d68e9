//! One module per subcommand, and what they share.

pub mod batch;
pub mod check;
pub mod diff;
pub mod eval;
pub mod fmt;
pub mod test;

use std::io::IsTerminal;
use std::sync::Arc;

use pol_compiler::db::{Database, SourceFile};
use pol_compiler::diagnostics::{render, Diagnostic, Report, Source};
use pol_compiler::programme::{OpenError, Programme};
use serde_json::json;

use crate::workspace::{shown_path, UsageError};
use crate::Format;

pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const USAGE: u8 = 2;

/// Colours only on a terminal, and never when NO_COLOR is set.
pub fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Renders a file's diagnostics with miette.
pub fn render_file(db: &Database, file: SourceFile, diags: &[Diagnostic]) -> String {
    let source = Arc::new(Source::new(&shown_path(file.path(db)), file.text(db)));
    let reports: Vec<Report> = diags
        .iter()
        .map(|d| Report::new(d.clone(), &source))
        .collect();
    render(&reports, color())
}

pub fn usage_error(e: UsageError) -> u8 {
    eprintln!("erreur : {e}");
    USAGE
}

/// Errors as `pol eval --format json` answers them: `{programme, erreurs: [{code, message, …}]}`.
pub fn json_errors(programme: &str, errors: Vec<serde_json::Value>) {
    let out = json!({ "programme": programme, "erreurs": errors });
    outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}

/// Opens the programme a user names (searched from the current folder). A programme that
/// cannot be found is a usage error (exit 2); one with errors shows its diagnostics (exit 1).
/// With `--format json` the failure is also answered in JSON on standard output.
pub fn open_programme(arg: &str, format: Format) -> Result<Programme, u8> {
    let cwd = std::env::current_dir().unwrap_or_default();
    reported(Programme::open(arg, &[&cwd]), arg, format)
}

/// A programme opened, or why it could not be said as `open_programme` says it (with its
/// exit code); the files of the tree that could not be read are said as warnings.
pub fn reported(
    opened: Result<Programme, OpenError>,
    arg: &str,
    format: Format,
) -> Result<Programme, u8> {
    let e = match opened {
        Ok(p) => {
            for (_, e) in p.unreadable() {
                eprintln!("avertissement : {e} ; ce fichier est ignoré");
            }
            return Ok(p);
        }
        Err(e) => e,
    };
    Err(report_open_error(&e, arg, format))
}

/// Says why a programme cannot be opened, and returns the exit code.
pub fn report_open_error(e: &OpenError, arg: &str, format: Format) -> u8 {
    match e {
        OpenError::Diagnostics { db, files } => {
            let db: &Database = db;
            if format == Format::Json {
                let errors = files
                    .iter()
                    .flat_map(|(f, diags)| {
                        let source = Source::new(&shown_path(f.path(db)), f.text(db));
                        diags.iter().map(|d| d.to_json(&source)).collect::<Vec<_>>()
                    })
                    .collect();
                json_errors(arg, errors);
            }
            eprintln!("le programme contient des erreurs ; corrigez-les d'abord (pol check) :");
            for (f, diags) in files {
                eprint!("{}", render_file(db, *f, diags));
            }
            FAILED
        }
        OpenError::NotAProgramme(p) => {
            let message = format!("« {} » ne déclare pas de programme", shown_path(p));
            usage_message(arg, message, format)
        }
        OpenError::NotFound(message) => usage_message(arg, message.clone(), format),
    }
}

/// A usage error, also in JSON with `--format json`.
pub fn usage_message(programme: &str, message: String, format: Format) -> u8 {
    if format == Format::Json {
        json_errors(
            programme,
            vec![json!({"code": "pol::usage", "message": message})],
        );
    }
    usage_error(UsageError(message))
}
