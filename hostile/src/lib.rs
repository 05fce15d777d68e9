//! What pol must do on any input, as functions that panic when it does not: the fuzz targets
//! (`fuzz/`, cargo-fuzz) try them on generated inputs, and `tests/corpus.rs` replays the
//! committed corpus on the stable toolchain, so that every input ever found to break one
//! stays fixed.
//!
//! - [`check_text`]: any text parses and checks (diagnostics, never a panic), and a
//!   programme in it compiles or says why.
//! - [`format_round_trip`]: formatting is idempotent and keeps the diagnostics.
//! - [`evaluate_dossier`]: any JSON, as a dossier of every shipped programme, gives an
//!   outcome or French errors, the same by the batch line, never an internal error.
//! - [`edit_sequence`]: the editor's incremental edits (UTF-16 positions, surrogate pairs,
//!   decomposed accents) leave the diagnostics a fresh check of the final text gives.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use pol_compiler::check::file_diagnostics;
use pol_compiler::db::Database;
use pol_compiler::eval::{compile_program, Options, Plan};
use pol_compiler::programme::{evaluate, Batch, Programme, Tally};

/// Where the in-memory policies live.
const ROOT: &str = "/fuzz/policies";

/// The text of arbitrary bytes, as an editor or a file read would give it.
fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The codes and messages of a text's diagnostics as one file of a policy tree.
fn diagnostics_of(text: &str) -> Vec<(&'static str, String)> {
    let mut db = Database::new(ROOT);
    let file = db.set_file(format!("{ROOT}/f.pol"), text);
    file_diagnostics(&db, file)
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

/// Any text checks: diagnostics, and for a programme a plan or its diagnostics.
pub fn check_text(data: &[u8]) {
    let text = text_of(data);
    let mut db = Database::new(ROOT);
    let file = db.set_file(format!("{ROOT}/f.pol"), &text);
    let _ = file_diagnostics(&db, file);
    let _ = compile_program(&db, file);
}

/// A text that formats formats to itself once formatted, and keeps its diagnostics (the
/// spans move, the codes and messages stay).
pub fn format_round_trip(data: &[u8]) {
    let text = pol_compiler::syntax::normalize(&text_of(data));
    let Some(formatted) = pol_compiler::format::format_source(&text) else {
        return;
    };
    let again = pol_compiler::format::format_source(&formatted);
    assert_eq!(
        again.as_deref(),
        Some(formatted.as_str()),
        "pol fmt n'est pas idempotent"
    );
    let mut before = diagnostics_of(&text);
    let mut after = diagnostics_of(&formatted);
    before.sort();
    after.sort();
    assert_eq!(before, after, "pol fmt change les diagnostics");
}

/// The plans of the shipped programmes, with their names, compiled once.
fn shipped() -> &'static [(String, Arc<Plan>)] {
    static PROGRAMMES: OnceLock<Vec<(String, Arc<Plan>)>> = OnceLock::new();
    PROGRAMMES.get_or_init(|| {
        let policies = repo().join("policies");
        let mut found = Vec::new();
        let mut stack = vec![policies];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == "pol") {
                    if let Ok(prog) = Programme::open(&p.to_string_lossy(), &[]) {
                        found.push((prog.name().to_string(), Arc::clone(prog.plan())));
                    }
                }
            }
        }
        assert!(found.len() >= 10, "programmes livrés introuvables");
        found
    })
}

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Any JSON as a dossier's inputs (an object's, or the `entrées` of a golden dossier's) of
/// every shipped programme: an outcome or French errors, never an internal error; and the
/// batch line of the same object gives one record, never a panic.
pub fn evaluate_dossier(data: &[u8]) {
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_slice::<serde_json::Value>(data)
    else {
        return;
    };
    let inputs = match doc.get("entrées") {
        Some(serde_json::Value::Object(e)) => e.clone(),
        _ => doc.clone(),
    };
    let line = serde_json::Value::Object(inputs.clone()).to_string();
    let Some(date) = chrono::NaiveDate::from_ymd_opt(2025, 6, 1) else {
        return;
    };
    for (name, plan) in shipped() {
        let outcome = evaluate(plan, &inputs, &Options::at(date));
        let json = outcome.to_json(plan).to_string();
        assert!(
            !json.contains("pol::interne"),
            "erreur interne sur {name} : {json}"
        );
        let batch = Batch::new(plan, Options::at(date), None);
        let mut tally = Tally::new(plan);
        let record = batch.line(1, &line, &mut tally).record;
        assert_eq!(
            record.iter().filter(|b| **b == b'\n').count(),
            1,
            "une ligne, un résultat"
        );
        assert!(
            !String::from_utf8_lossy(&record).contains("pol::interne"),
            "erreur interne du lot sur {name}"
        );
    }
}

/// What an edit inserts, chosen by a byte: text an editor types, decomposed accents, a
/// character outside the basic plane (two UTF-16 units), line endings, the language's words.
const PIECES: [&str; 16] = [
    "", "e", "e\u{301}", "é", "😀", "\n", "\r\n", " ", "règle ", "r = 1", "#", "«", "»", ":",
    "1 $", "si ",
];

/// A sequence of edits read from bytes, five at a time (start line, start character, length
/// of the range in characters, what to insert, a spare), applied to a seed policy as an
/// editor sends them; after each, the database is updated and checked as the language server
/// does. The last diagnostics equal those of a fresh check of the last text.
pub fn edit_sequence(data: &[u8]) {
    let mut text = String::from(
        "programme p « P »\n  en vigueur du 2020-01-01 au 2030-12-31\n  sorties aide\nentrée dépenses : argent\n§ « 1 »\nrègle aide : argent = dépenses × 50 %\n",
    );
    let path = format!("{ROOT}/p.pol");
    let mut db = Database::new(ROOT);
    let file = db.set_file(&path, &text);
    let _ = file_diagnostics(&db, file);
    for op in data.chunks(5).take(64) {
        let [line, character, len, piece, ..] = *op else {
            break;
        };
        let (line, character) = (u32::from(line % 12), u32::from(character % 48));
        let end = (line, character + u32::from(len % 8));
        pol_lsp::apply_edit(
            &mut text,
            (line, character),
            end,
            PIECES[usize::from(piece % 16)],
        );
        db.set_file(&path, &text);
        let _ = file_diagnostics(&db, file);
    }
    let incremental: Vec<_> = file_diagnostics(&db, file).clone();
    let mut fresh_db = Database::new(ROOT);
    let fresh_file = fresh_db.set_file(&path, &text);
    let fresh = file_diagnostics(&fresh_db, fresh_file);
    assert_eq!(
        &incremental, fresh,
        "les diagnostics après les modifications diffèrent d'une vérification à neuf"
    );
}
