//! `pol eval`: one dossier, its decision, the conditions not met, the amounts, and on
//! request the explanation of each.

use std::path::Path;

use chrono::NaiveDate;
use pol_compiler::programme::outcome::error_json;
use pol_compiler::programme::{parse_dossier, Dossier, Options, Outcome, Programme};
use serde_json::json;

use super::{json_errors, open_programme, usage_message, FAILED, OK, USAGE};
use crate::workspace::io_words;
use crate::Format;

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    pol_compiler::programme::parse_date(s)
        .ok_or_else(|| format!("« {s} » n'est pas une date AAAA-MM-JJ existante"))
}

/// Reads a dossier document: unreadable is exit 2, not a dossier is exit 1.
pub fn read_dossier(path: &Path) -> Result<Dossier, (u8, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        (
            USAGE,
            format!(
                "impossible de lire « {} » : {}",
                path.display(),
                io_words(&e)
            ),
        )
    })?;
    parse_dossier(&text).map_err(|e| (FAILED, format!("{} : {e}", path.display())))
}

/// The evaluation date: `--date`, else the dossier's own.
fn evaluation_date(date: Option<&str>, dossier: &Dossier) -> Result<NaiveDate, String> {
    match date {
        Some(d) => parse_date(d).map_err(|e| format!("--date : {e}")),
        None => dossier.date.ok_or_else(|| {
            "indiquez la date d'évaluation (--date AAAA-MM-JJ) ou une « date » dans le dossier"
                .to_string()
        }),
    }
}

pub fn run(
    programme: &str,
    dossier_path: &Path,
    date: Option<&str>,
    explain_it: bool,
    format: Format,
) -> u8 {
    let prog = match open_programme(programme, format) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let dossier = match read_dossier(dossier_path) {
        Ok(d) => d,
        Err((code, msg)) => {
            eprintln!("erreur : {msg}");
            if format == Format::Json {
                let kind = if code == USAGE {
                    "pol::usage"
                } else {
                    "pol::dossier::json"
                };
                json_errors(prog.name(), vec![json!({"code": kind, "message": msg})]);
            }
            return code;
        }
    };
    // A golden dossier names its program: evaluating it with another one is a mistake.
    if let Some(message) = dossier
        .programme
        .as_deref()
        .and_then(|own| prog.misnamed(own))
    {
        return usage_message(programme, message, format);
    }
    if dossier.expected.is_some() || dossier.expected_error.is_some() {
        eprintln!(
            "note : pol eval affiche les résultats sans les comparer aux valeurs attendues du dossier ; pol test {} les vérifie",
            dossier_path.display()
        );
    }
    let date = match evaluation_date(date, &dossier) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("erreur : {e}");
            return USAGE;
        }
    };
    let outcome = prog.evaluate(&dossier.inputs, &Options::at(date).explained(explain_it));
    if let Err(errors) = &outcome.result {
        match format {
            Format::Texte => {
                eprintln!(
                    "le dossier {} ne peut pas être évalué :",
                    dossier_path.display()
                );
                eprint!("{}", outcome.text(prog.plan()));
            }
            Format::Json => json_errors(prog.name(), errors.iter().map(error_json).collect()),
        }
        return FAILED;
    }
    if prog.plan().outputs.is_empty() {
        eprintln!(
            "note : le programme « {} » n'a ni « sorties » ni décision : rien à afficher (déclarez « sorties … » dans son en-tête)",
            prog.name()
        );
    }
    match format {
        Format::Texte => print_text(&prog, &outcome, &dossier),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&outcome.to_json(prog.plan())).unwrap_or_default()
        ),
    }
    if outcome.is_ok() {
        OK
    } else {
        FAILED
    }
}

fn print_text(prog: &Programme, outcome: &Outcome, dossier: &Dossier) {
    let plan = prog.plan();
    outln!(
        "Programme {}{} — évalué au {}",
        plan.name,
        plan.title
            .as_ref()
            .map(|t| format!(" « {t} »"))
            .unwrap_or_default(),
        outcome.date
    );
    // `daté par`: the rules are those of the dossier's own date.
    if let (Some(slot), Some(rules)) = (plan.dated_by, outcome.rules_date) {
        if rules != outcome.date {
            outln!(
                "Règles en vigueur le {rules} (date du dossier : « {} »)",
                plan.def(slot).name
            );
        }
    }
    if let Some(d) = &dossier.description {
        outln!("Dossier : {d}");
    }
    outln!();
    out!("{}", outcome.text(plan));
}
