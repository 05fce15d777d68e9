//! `pol eval`: one dossier, its decision, the conditions not met, the amounts, and on
//! request the explanation of each.

use std::path::Path;

use chrono::NaiveDate;
use pol_compiler::check::scope::DefKind;
use pol_compiler::eval::dossier::{parse_dossier, to_json, Dossier};
use pol_compiler::eval::explain::{explain, render_text, to_json_tree};
use pol_compiler::eval::value::Shown;
use pol_compiler::eval::{compile_program, start, CompileError, Evaluator, Plan, Slot};
use serde_json::{json, Map, Value as Json};

use super::{render_file, usage_error, FAILED, OK, USAGE};
use crate::workspace::{io_words, resolve_programme, shown_path, UsageError};
use crate::Format;

/// Compiles a program or prints why it cannot be.
pub fn compile(
    db: &pol_compiler::db::Database,
    entry: pol_compiler::db::SourceFile,
) -> Result<std::sync::Arc<Plan>, u8> {
    match compile_program(db, entry) {
        Ok(plan) => Ok(plan),
        Err(CompileError::NotAProgramme) => Err(usage_error(UsageError(format!(
            "« {} » ne déclare pas de programme",
            shown_path(entry.path(db))
        )))),
        Err(CompileError::Diagnostics(files)) => {
            eprintln!("le programme contient des erreurs ; corrigez-les d'abord (pol check) :");
            for (f, diags) in files {
                eprint!("{}", render_file(db, f, &diags));
            }
            Err(FAILED)
        }
    }
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    pol_compiler::eval::dossier::parse_date(s)
        .ok_or_else(|| format!("« {s} » n'est pas une date AAAA-MM-JJ existante"))
}

/// The conditions of a decision that are not met, as JSON.
pub fn reasons_json(ev: &mut Evaluator<'_>, decision: Slot) -> Json {
    let plan = ev.plan;
    match ev.failed_conditions(decision) {
        Ok(failed) => Json::Array(
            failed
                .iter()
                .map(|c| {
                    let d = plan.def(*c);
                    let v = ev.version_index(*c);
                    json!({
                        "condition": d.name.to_string(),
                        "raison": ev.reason(*c),
                        "citations": d.versions.get(v).map(|v| v.citations.clone()).unwrap_or_default(),
                    })
                })
                .collect(),
        ),
        Err(e) => json!({ "erreur": e.to_string(), "code": e.code() }),
    }
}

/// Reports errors that stop a dossier before any output: French text on standard error,
/// or, with `--format json`, a JSON object on standard output for the tools that read it.
fn dossier_errors(format: Format, programme: &str, intro: &str, errors: &[(String, String)]) {
    match format {
        Format::Texte => {
            eprintln!("{intro}");
            for (code, message) in errors {
                eprintln!("  erreur [{code}] {message}");
            }
        }
        Format::Json => {
            let out = json!({
                "programme": programme,
                "erreurs": errors
                    .iter()
                    .map(|(code, message)| json!({"code": code, "message": message}))
                    .collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
}

/// The text report of one output: value, and for a decision the conditions not met.
pub fn output_text(ev: &mut Evaluator<'_>, slot: Slot, explain_it: bool) -> (String, bool) {
    let plan = ev.plan;
    let def = plan.def(slot);
    let mut out = String::new();
    let mut ok = true;
    match ev.value(slot) {
        Ok(v) => {
            if def.kind == DefKind::Decision {
                let yes = v.as_bool().unwrap_or(false);
                out.push_str(&format!(
                    "décision {} : {}\n",
                    def.name,
                    if yes {
                        "oui — toutes les conditions sont remplies"
                    } else {
                        "non"
                    }
                ));
                if let Ok(failed) = ev.failed_conditions(slot) {
                    for c in failed {
                        let d = plan.def(c);
                        let vi = ev.version_index(c);
                        let cite = d
                            .versions
                            .get(vi)
                            .map(|v| {
                                v.citations
                                    .iter()
                                    .map(|c| format!("§ {c}"))
                                    .collect::<Vec<_>>()
                                    .join(" ; ")
                            })
                            .unwrap_or_default();
                        out.push_str(&format!(
                            "  ✗ {} : {}",
                            d.name,
                            ev.reason(c).unwrap_or_default()
                        ));
                        if !cite.is_empty() {
                            out.push_str(&format!("  [{cite}]"));
                        }
                        out.push('\n');
                    }
                }
            } else {
                out.push_str(&format!(
                    "{} = {}\n",
                    def.name,
                    Shown {
                        value: &v,
                        ty: &def.ty,
                        plan
                    }
                ));
            }
        }
        Err(e) => {
            ok = false;
            out.push_str(&format!("{} : erreur [{}] {e}\n", def.name, e.code()));
        }
    }
    if explain_it {
        let node = explain(ev, slot);
        for line in render_text(&node).lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    (out, ok)
}

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

pub fn run(
    programme: &str,
    dossier_path: &Path,
    date: Option<&str>,
    explain_it: bool,
    format: Format,
) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_default();
    // With --format json, every failure is also answered in JSON on standard output.
    let json_usage = |message: String| {
        if matches!(format, Format::Json) {
            dossier_errors(
                format,
                programme,
                "",
                &[("pol::usage".into(), message.clone())],
            );
        }
        usage_error(UsageError(message))
    };
    let (db, entry) = match resolve_programme(programme, &[&cwd]) {
        Ok(x) => x,
        Err(e) => return json_usage(e.0),
    };
    let plan = match (format, compile_program(&db, entry)) {
        (Format::Json, Err(CompileError::Diagnostics(files))) => {
            let errors: Vec<(String, String)> = files
                .iter()
                .flat_map(|(f, diags)| {
                    let text = f.text(&db);
                    let path = shown_path(f.path(&db));
                    diags.iter().map(move |d| {
                        let (line, col) = pol_compiler::diagnostics::line_col(
                            text,
                            d.primary.span.start as usize,
                        );
                        (
                            d.code.to_string(),
                            format!("{path}:{line}:{col} : {}", d.message),
                        )
                    })
                })
                .collect();
            dossier_errors(format, programme, "", &errors);
            return FAILED;
        }
        (Format::Json, Err(CompileError::NotAProgramme)) => {
            return json_usage(format!(
                "« {} » ne déclare pas de programme",
                shown_path(entry.path(&db))
            ))
        }
        _ => match compile(&db, entry) {
            Ok(p) => p,
            Err(code) => return code,
        },
    };
    let dossier = match read_dossier(dossier_path) {
        Ok(d) => d,
        Err((code, msg)) => {
            eprintln!("erreur : {msg}");
            if matches!(format, Format::Json) {
                let kind = if code == USAGE {
                    "pol::usage"
                } else {
                    "pol::dossier::json"
                };
                dossier_errors(format, &plan.name, "", &[(kind.into(), msg)]);
            }
            return code;
        }
    };
    // A golden dossier names its program: evaluating it with another one is a mistake.
    if let Some(own) = &dossier.programme {
        let entry_path = entry.path(&db);
        let same = entry_path.ends_with(own)
            || entry_path.with_extension("").ends_with(own)
            || entry_path.parent().is_some_and(|d| d.ends_with(own));
        if !same {
            return json_usage(format!(
                "le dossier est écrit pour le programme « {own} », pas pour « {} »",
                shown_path(entry_path)
            ));
        }
    }
    if dossier.expected.is_some() || dossier.expected_error.is_some() {
        eprintln!(
            "note : pol eval affiche les résultats sans les comparer aux valeurs attendues du dossier ; pol test {} les vérifie",
            dossier_path.display()
        );
    }
    let date = match date.map(parse_date).transpose() {
        Ok(Some(d)) => d,
        Ok(None) => match dossier.date {
            Some(d) => d,
            None => {
                eprintln!("erreur : indiquez la date d'évaluation (--date AAAA-MM-JJ) ou une « date » dans le dossier");
                return USAGE;
            }
        },
        Err(e) => {
            eprintln!("erreur : --date : {e}");
            return USAGE;
        }
    };
    let mut ev = match start(&plan, &dossier.inputs, date, explain_it) {
        Ok(ev) => ev,
        Err(errors) => {
            let errors: Vec<(String, String)> = errors
                .iter()
                .map(|e| (e.code().to_string(), e.to_string()))
                .collect();
            dossier_errors(
                format,
                &plan.name,
                &format!(
                    "le dossier {} ne peut pas être évalué :",
                    dossier_path.display()
                ),
                &errors,
            );
            return FAILED;
        }
    };
    // `daté par`: the rules are those of the dossier's own date.
    let rules_note = plan
        .dated_by
        .filter(|_| ev.rules_date != date)
        .map(|s| (ev.rules_date, plan.def(s).name.clone()));
    let outputs = plan.outputs.clone();
    if outputs.is_empty() {
        eprintln!(
            "note : le programme « {} » n'a ni « sorties » ni décision : rien à afficher (déclarez « sorties … » dans son en-tête)",
            plan.name
        );
    }
    let mut all_ok = true;
    match format {
        Format::Texte => {
            println!(
                "Programme {}{} — évalué au {date}",
                plan.name,
                plan.title
                    .as_ref()
                    .map(|t| format!(" « {t} »"))
                    .unwrap_or_default()
            );
            if let Some((d, by)) = &rules_note {
                println!("Règles en vigueur le {d} (date du dossier : « {by} »)");
            }
            if let Some(d) = &dossier.description {
                println!("Dossier : {d}");
            }
            println!();
            for s in outputs {
                let (text, ok) = output_text(&mut ev, s, explain_it);
                all_ok &= ok;
                print!("{text}");
            }
        }
        Format::Json => {
            let mut sorties = Map::new();
            let mut motifs = Map::new();
            let mut explications = Map::new();
            for s in outputs {
                let def = plan.def(s);
                let name = def.name.to_string();
                match ev.value(s) {
                    Ok(v) => {
                        sorties.insert(name.clone(), to_json(&v, &def.ty, &plan));
                    }
                    Err(e) => {
                        all_ok = false;
                        sorties.insert(
                            name.clone(),
                            json!({ "erreur": e.to_string(), "code": e.code() }),
                        );
                    }
                }
                if def.kind == DefKind::Decision {
                    motifs.insert(name.clone(), reasons_json(&mut ev, s));
                }
                if explain_it {
                    let node = explain(&mut ev, s);
                    explications.insert(name, to_json_tree(&node));
                }
            }
            let mut out = json!({
                "programme": plan.name,
                "date": date.to_string(),
                "date_des_règles": ev.rules_date.to_string(),
                "sorties": sorties,
                "motifs": motifs,
            });
            if explain_it {
                out["explications"] = Json::Object(explications);
            }
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    if all_ok {
        OK
    } else {
        FAILED
    }
}
