//! Helpers shared by the compiler's integration tests: in-memory programs, checking and
//! evaluation in one call.
#![allow(dead_code)]

use chrono::NaiveDate;
use pol_compiler::check::file_diagnostics;
use pol_compiler::db::{Database, SourceFile};
use pol_compiler::diagnostics::{render, Diagnostic, Report};
use pol_compiler::eval::{compile_program, start, CompileError};
use serde_json::Value as Json;

pub const ROOT: &str = "/mémoire/policies";

/// The programme header the evaluation helpers add when a source has none.
pub const HEADER: &str = "programme essai « Essai »\n  en vigueur du 2000-01-01 au 2099-12-31\n\n";

/// A database holding the given files (paths relative to the policy root).
pub fn db_with(files: &[(&str, &str)]) -> (Database, Vec<SourceFile>) {
    let mut db = Database::new(ROOT);
    let handles = files
        .iter()
        .map(|(p, t)| db.set_file(format!("{ROOT}/{p}"), t))
        .collect();
    (db, handles)
}

/// Every diagnostic of a one-file policy.
pub fn diagnostics(src: &str) -> Vec<Diagnostic> {
    let (db, files) = db_with(&[("p.pol", src)]);
    file_diagnostics(&db, files[0]).clone()
}

/// The codes of the diagnostics of a one-file policy.
pub fn codes(src: &str) -> Vec<&'static str> {
    diagnostics(src).iter().map(|d| d.code).collect()
}

/// Asserts that a one-file policy has no diagnostic at all.
#[track_caller]
pub fn assert_clean(src: &str) {
    let d = diagnostics(src);
    assert!(d.is_empty(), "diagnostics inattendus :\n{}", rendered(src));
}

/// The diagnostics of a one-file policy, rendered as the terminal shows them (no colour).
pub fn rendered(src: &str) -> String {
    let (db, files) = db_with(&[("p.pol", src)]);
    let source = std::sync::Arc::new(pol_compiler::diagnostics::Source::new("p.pol", src));
    let reports: Vec<Report> = file_diagnostics(&db, files[0])
        .iter()
        .map(|d| Report::new(d.clone(), &source))
        .collect();
    render(&reports, false)
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Evaluates `rule` of a program made of `files` (the first is the entry; a programme header
/// is added to it if it has none) on `inputs` at `at`. Returns the value as dossier JSON, or
/// the error codes.
pub fn eval_files(
    files: &[(&str, &str)],
    inputs: Json,
    at: &str,
    rule: &str,
) -> Result<Json, Vec<String>> {
    let mut owned: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    if !owned[0].1.contains("programme ") {
        owned[0].1 = format!("{HEADER}{}", owned[0].1);
    }
    let refs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (db, handles) = db_with(&refs);
    let plan = match compile_program(&db, handles[0]) {
        Ok(p) => p,
        Err(CompileError::NotAProgramme) => return Err(vec!["pas un programme".into()]),
        Err(CompileError::Diagnostics(d)) => {
            return Err(d
                .iter()
                .flat_map(|(_, ds)| ds.iter().map(|x| x.code.to_string()))
                .collect())
        }
    };
    let Json::Object(map) = inputs else {
        panic!("inputs must be an object")
    };
    let slot = plan
        .slot(rule)
        .unwrap_or_else(|| panic!("pas de règle {rule}"));
    // Compiled (nothing recorded) and walked (explanations on): the same value or error.
    let options = pol_compiler::eval::Options::at(date(at));
    let [compiled, walked] = [false, true].map(|explain| {
        start(&plan, &map, &options.explained(explain)).map(|mut ev| ev.value(slot))
    });
    assert_eq!(
        compiled, walked,
        "évaluation compilée et parcourue de {rule}"
    );
    let def = plan.def(slot);
    match compiled.map_err(|es| es.iter().map(|e| e.code().to_string()).collect::<Vec<_>>())? {
        Ok(v) => Ok(pol_compiler::eval::dossier::to_json(&v, &def.ty, &plan)),
        Err(e) => Err(vec![e.code().to_string(), e.to_string()]),
    }
}

/// `eval_files` on one file.
pub fn eval(src: &str, inputs: Json, at: &str, rule: &str) -> Result<Json, Vec<String>> {
    eval_files(&[("p.pol", src)], inputs, at, rule)
}

/// The value of a rule that reads no input.
#[track_caller]
pub fn value(src: &str, rule: &str) -> Json {
    match eval(src, serde_json::json!({}), "2025-06-01", rule) {
        Ok(v) => v,
        Err(e) => panic!("évaluation de {rule} en échec : {e:?}\n{}", rendered(src)),
    }
}

/// The repository's root, where `policies/` and `tests/dossiers/` are.
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every golden dossier of every shipped programme, with its programme opened.
pub fn golden_dossiers() -> Vec<(
    std::path::PathBuf,
    pol_compiler::programme::Programme,
    pol_compiler::programme::Dossier,
)> {
    let mut programmes: std::collections::HashMap<String, pol_compiler::programme::Programme> =
        Default::default();
    let mut out = Vec::new();
    let mut dirs = vec![repo_root().join("tests/dossiers")];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for f in entries {
            if f.is_dir() {
                dirs.push(f);
                continue;
            }
            if f.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let d = pol_compiler::programme::parse_dossier(&std::fs::read_to_string(&f).unwrap())
                .unwrap();
            let name = d
                .programme
                .clone()
                .expect("a golden dossier names its programme");
            let prog = programmes
                .entry(name.clone())
                .or_insert_with(|| {
                    pol_compiler::programme::Programme::open(&name, &[&repo_root()]).unwrap()
                })
                .clone();
            out.push((f, prog, d));
        }
    }
    out
}
