//! `pol check`: every diagnostic of every `.pol` under the paths.

use std::collections::BTreeSet;
use std::path::PathBuf;

use pol_compiler::check::file_diagnostics;
use pol_compiler::diagnostics::Severity;
use pol_compiler::diagnostics::Source;
use serde_json::json;

use super::{render_file, usage_error, FAILED, OK};
use crate::workspace::{find_files, policy_root, shown_path};
use crate::Format;

pub fn run(paths: Vec<PathBuf>, format: Format) -> u8 {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("policies")]
    } else {
        paths
    };
    let mut errors = 0usize;
    let mut warnings = 0usize;
    let mut files_checked = 0usize;
    let mut json_out = Vec::new();
    // A file named twice (or under two of the paths) is checked once.
    let mut done = BTreeSet::new();
    let mut unreadable_files = 0usize;
    for path in &paths {
        let wanted = match find_files(path, "pol") {
            Ok(f) => f,
            Err(e) => return usage_error(e),
        };
        let root = policy_root(path);
        let (db, unreadable) = match pol_compiler::files::load(&root) {
            Ok(x) => x,
            Err(e) => return usage_error(e.into()),
        };
        for w in wanted {
            if w.extension().and_then(|e| e.to_str()) != Some("pol") {
                return usage_error(crate::workspace::UsageError(format!(
                    "« {} » n'est pas un fichier .pol",
                    w.display()
                )));
            }
            let abs = std::fs::canonicalize(&w).unwrap_or(w.clone());
            if !done.insert(abs.clone()) {
                continue;
            }
            if let Some((_, e)) = unreadable.iter().find(|(p, _)| *p == abs) {
                unreadable_files += 1;
                eprintln!("erreur : {e}");
                continue;
            }
            let file = match db.file(&abs) {
                Some(f) => f,
                None => {
                    return usage_error(crate::workspace::UsageError(format!(
                        "« {} » est hors de l'arborescence de politiques {}",
                        w.display(),
                        root.display()
                    )))
                }
            };
            files_checked += 1;
            let diags = file_diagnostics(&db, file);
            errors += diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            warnings += diags
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            match format {
                Format::Texte => {
                    if !diags.is_empty() {
                        out!("{}", render_file(&db, file, diags));
                    }
                }
                Format::Json => {
                    let source = Source::new(&shown_path(file.path(&db)), file.text(&db));
                    json_out.extend(diags.iter().map(|d| d.to_json(&source)));
                }
            }
        }
    }
    match format {
        Format::Texte => {
            let plural = |n: usize, s: &str| {
                if n > 1 {
                    format!("{n} {s}s")
                } else {
                    format!("{n} {s}")
                }
            };
            outln!(
                "{} vérifié{} : {}, {}",
                plural(files_checked, "fichier"),
                if files_checked > 1 { "s" } else { "" },
                plural(errors, "erreur"),
                plural(warnings, "avertissement")
            );
        }
        Format::Json => {
            let out = json!({ "fichiers": files_checked, "erreurs": errors, "avertissements": warnings, "diagnostics": json_out });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    if unreadable_files > 0 {
        super::USAGE
    } else if errors > 0 {
        FAILED
    } else {
        OK
    }
}
