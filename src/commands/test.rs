//! `pol test`: runs golden dossiers and compares every expected output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pol_compiler::check::scope::DefKind;
use pol_compiler::eval::coverage::{report, Ratio};
use pol_compiler::eval::dossier::expectations;
use pol_compiler::eval::explain::{explain, render_text};
use pol_compiler::eval::run::Coverage;
use pol_compiler::eval::value::Shown;
use pol_compiler::eval::{start, Options, Plan};
use pol_compiler::programme::Programme;

use super::eval::read_dossier;
use super::{reported, usage_error, FAILED, OK};
use crate::workspace::{find_files, shown_path};
use crate::Format;

struct Loaded {
    plan: Arc<Plan>,
    coverage: Coverage,
}

/// The outcome of one dossier: `Ok` or the lines that explain the failure.
fn run_one(path: &Path, programs: &mut HashMap<String, Option<Loaded>>) -> Result<(), Vec<String>> {
    let dossier = read_dossier(path).map_err(|(_, m)| vec![m])?;
    let Some(name) = dossier.programme.clone() else {
        return Err(vec!["le dossier n'indique pas son « programme »".into()]);
    };
    let Some(date) = dossier.date else {
        return Err(vec![
            "le dossier n'indique pas sa « date » d'évaluation".into()
        ]);
    };
    let raw_expected = match (&dossier.expected, &dossier.expected_error) {
        (Some(_), Some(_)) => {
            return Err(vec![
                "le dossier donne à la fois « attendu » et « erreur_attendue » : il attend soit des valeurs, soit une erreur".into(),
            ])
        }
        (None, None) => {
            return Err(vec![
                "le dossier n'a ni valeurs « attendu » ni « erreur_attendue »".into(),
            ])
        }
        (Some(e), None) => Some(e),
        (None, Some(_)) => None,
    };
    if raw_expected.is_some_and(|e| e.is_empty()) {
        return Err(vec![
            "« attendu » est vide : le dossier ne vérifie rien".into()
        ]);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let cwd = std::env::current_dir().unwrap_or_default();
    let loaded = programs.entry(name.clone()).or_insert_with(|| {
        // A dossier names its programme inside the policy tree, never elsewhere.
        let opened = Programme::open_named(&name, &[dir, &cwd]);
        let prog = reported(opened, &name, Format::Texte).ok()?;
        Some(Loaded {
            plan: prog.plan().clone(),
            coverage: Coverage::default(),
        })
    });
    let Some(loaded) = loaded else {
        return Err(vec![format!(
            "le programme « {name} » ne peut pas être chargé (voir plus haut)"
        )]);
    };
    let plan = &loaded.plan;
    let Some(raw_expected) = raw_expected else {
        let code = dossier.expected_error.as_deref().unwrap_or_default();
        return expect_error(plan, &dossier.inputs, date, code);
    };
    let expected = expectations(plan, raw_expected)?;
    let mut ev =
        start(plan, &dossier.inputs, &Options::at(date).explained(true)).map_err(|errs| {
            errs.iter()
                .map(|e| format!("erreur [{}] {e}", e.code()))
                .collect::<Vec<_>>()
        })?;
    ev.record_coverage();
    let mut problems = Vec::new();
    for exp in expected {
        let def = plan.def(exp.slot);
        let actual = ev.value(exp.slot);
        let mut bad = false;
        match &actual {
            Ok(v) if *v == exp.value => {}
            Ok(v) => {
                bad = true;
                problems.push(format!(
                    "{} : attendu {}, obtenu {}",
                    def.name,
                    Shown {
                        value: &exp.value,
                        ty: &def.ty,
                        plan
                    },
                    Shown {
                        value: v,
                        ty: &def.ty,
                        plan
                    }
                ));
            }
            Err(e) => {
                bad = true;
                problems.push(format!(
                    "{} : attendu {}, obtenu l'erreur [{}] {e}",
                    def.name,
                    Shown {
                        value: &exp.value,
                        ty: &def.ty,
                        plan
                    },
                    e.code()
                ));
            }
        }
        if let (Some(reasons), DefKind::Decision) = (&exp.reasons, def.kind) {
            let failed: Vec<String> = ev
                .failed_conditions(exp.slot)
                .map(|f| f.iter().map(|c| plan.def(*c).name.to_string()).collect())
                .unwrap_or_default();
            let mut want = reasons.clone();
            want.sort();
            let mut got = failed.clone();
            got.sort();
            if want != got {
                bad = true;
                problems.push(format!(
                    "{} : conditions non remplies attendues [{}], obtenues [{}]",
                    def.name,
                    reasons.join(", "),
                    failed.join(", ")
                ));
            }
        }
        if bad {
            let node = explain(&mut ev, exp.slot);
            problems.push(format!(
                "explication de la valeur obtenue de {} :",
                def.name
            ));
            problems.extend(render_text(&node).lines().map(|l| format!("  {l}")));
        }
    }
    loaded.coverage.merge(ev.take_coverage());
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A dossier that must end in the error `code`: at the start (dates, inputs) or while
/// computing any output.
fn expect_error(
    plan: &Plan,
    inputs: &serde_json::Map<String, serde_json::Value>,
    date: chrono::NaiveDate,
    code: &str,
) -> Result<(), Vec<String>> {
    let errors = match start(plan, inputs, &Options::at(date)) {
        Err(errs) => errs,
        Ok(mut ev) => plan
            .outputs
            .iter()
            .filter_map(|s| ev.value(*s).err())
            .collect(),
    };
    if errors.iter().any(|e| e.code() == code) {
        return Ok(());
    }
    if errors.is_empty() {
        return Err(vec![format!(
            "attendu l'erreur [{code}], mais l'évaluation a réussi"
        )]);
    }
    let mut lines = vec![format!("attendu l'erreur [{code}], obtenu :")];
    lines.extend(
        errors
            .iter()
            .map(|e| format!("  erreur [{}] {e}", e.code())),
    );
    Err(lines)
}

fn print_coverage(name: &str, loaded: &Loaded) {
    let r = report(&loaded.plan, &loaded.coverage);
    let line = |label: &str, ratio: Ratio| {
        format!(
            "  {label} : {}/{} ({} %)",
            ratio.covered,
            ratio.total,
            ratio.percent()
        )
    };
    outln!();
    outln!("Couverture de {name} :");
    outln!("{}", line("règles évaluées", r.rules));
    outln!("{}", line("conditions vues non remplies", r.conditions));
    outln!("{}", line("cas de « selon » pris", r.arms));
    outln!("{}", line("lignes de table utilisées", r.rows));
    if r.gaps.is_empty() {
        outln!("  tout est exercé par au moins un dossier");
        return;
    }
    outln!("  Non exercé, par section du texte :");
    for (section, gaps) in &r.gaps {
        outln!("    § {section}");
        for g in gaps {
            outln!("      {}  [{}:{}]", g.what, g.file, g.line);
        }
    }
}

pub fn run(paths: Vec<PathBuf>, coverage: bool) -> u8 {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("tests/dossiers")]
    } else {
        paths
    };
    let mut files = Vec::new();
    for p in &paths {
        match find_files(p, "json") {
            Ok(f) => files.extend(f),
            Err(e) => return usage_error(e),
        }
    }
    if files.is_empty() {
        eprintln!(
            "erreur : aucun dossier doré (.json) sous {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return super::USAGE;
    }
    let mut programs = HashMap::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    for f in &files {
        let shown = shown_path(&std::fs::canonicalize(f).unwrap_or(f.clone()));
        match run_one(f, &mut programs) {
            Ok(()) => {
                passed += 1;
                outln!("réussi  {shown}");
            }
            Err(lines) => {
                failed += 1;
                outln!("ÉCHOUÉ  {shown}");
                for l in lines {
                    outln!("    {l}");
                }
            }
        }
    }
    if coverage {
        let mut names: Vec<&String> = programs.keys().collect();
        names.sort();
        for name in names {
            if let Some(Some(loaded)) = programs.get(name) {
                print_coverage(name, loaded);
            }
        }
    }
    outln!();
    outln!(
        "{passed} réussi{}, {failed} échoué{}",
        if passed > 1 { "s" } else { "" },
        if failed > 1 { "s" } else { "" }
    );
    if failed == 0 {
        OK
    } else {
        FAILED
    }
}
