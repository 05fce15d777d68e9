//! Golden dossiers evaluated for the editor.

use crate::check::scope::DefKind;
use crate::db::{parse_file, Db, SourceFile};
use crate::syntax::ast::ItemKind;

/// A dossier evaluated for the editor: the value of every definition of its program, and the
/// definitions its expectations exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DossierRun {
    /// The files of the program.
    pub files: Vec<SourceFile>,
    /// Definition name to its value as shown to a reader (or the error).
    pub values: std::collections::BTreeMap<String, String>,
    /// The definitions evaluated to check the dossier's expectations.
    pub exercised: std::collections::BTreeSet<String>,
    /// One line: the decisions and the outputs.
    pub summary: String,
    /// The date whose rules apply to the dossier (its evaluation date, or the one its
    /// programme is `daté par`).
    pub rules_date: Option<chrono::NaiveDate>,
}

/// Evaluates a dossier document of the policy tree rooted at `policies_root`. The error is a
/// French sentence for the editor's status line.
pub fn run_dossier(
    db: &dyn Db,
    policies_root: &std::path::Path,
    text: &str,
) -> Result<DossierRun, String> {
    use crate::eval::{compile_program, dossier, start, value::Shown, CompileError};
    let doc = dossier::parse_dossier(text)?;
    let name = doc
        .programme
        .clone()
        .ok_or("le dossier n'indique pas son « programme »")?;
    let date = doc
        .date
        .ok_or("le dossier n'indique pas sa « date » d'évaluation")?;
    let path = policies_root.join(&name);
    let files = db.workspace().files(db);
    let entry = match files.get(&path) {
        Some(f) => *f,
        None => *files
            .iter()
            .find(|(p, f)| {
                p.starts_with(&path)
                    && parse_file(db, **f)
                        .items
                        .iter()
                        .any(|i| matches!(i.item.kind, ItemKind::Programme(_)))
            })
            .map(|(_, f)| f)
            .ok_or_else(|| {
                format!(
                    "programme « {name} » introuvable sous {}",
                    policies_root.display()
                )
            })?,
    };
    let plan = match compile_program(db, entry) {
        Ok(p) => p,
        Err(CompileError::NotAProgramme) => {
            return Err(format!("« {name} » ne déclare pas de programme"))
        }
        Err(CompileError::Diagnostics(_)) => {
            return Err("le programme contient des erreurs (voir les diagnostics)".into())
        }
    };
    let mut ev = start(&plan, &doc.inputs, date, false).map_err(|es| {
        es.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(" ; ")
    })?;
    let mut run = DossierRun {
        files: crate::eval::plan::program_files(db, entry),
        rules_date: Some(ev.rules_date),
        ..DossierRun::default()
    };
    ev.record_coverage();
    if let Some(raw) = &doc.expected {
        if let Ok(expected) = dossier::expectations(&plan, raw) {
            for e in expected {
                let _ = ev.value(e.slot);
                let _ = ev.failed_conditions(e.slot);
            }
        }
    }
    let cov = ev.take_coverage();
    run.exercised = cov
        .evaluated
        .iter()
        .map(|s| plan.def(*s).name.to_string())
        .collect();
    for (i, def) in plan.defs.iter().enumerate() {
        if def.kind == DefKind::Table {
            continue;
        }
        let shown = match ev.value(i as u32) {
            Ok(v) => Shown {
                value: &v,
                ty: &def.ty,
                plan: &plan,
            }
            .to_string(),
            Err(e) => format!("erreur : {e}"),
        };
        run.values.insert(def.name.to_string(), shown);
    }
    run.summary = plan
        .outputs
        .iter()
        .map(|s| {
            let n = &plan.def(*s).name;
            format!(
                "{n} = {}",
                run.values.get(&**n).cloned().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    Ok(run)
}
