//! « Impact de la modification »: the editor's unsaved buffers compared with git HEAD, or with
//! the saved files outside a repository, over the golden dossiers.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::client::*;

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args([
            "-c",
            "user.email=essai@pol",
            "-c",
            "user.name=essai",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git se lance")
        .status
        .success();
    assert!(ok, "git {args:?}");
}

/// The shared workspace with its output named and two golden dossiers: 10 000 $ × 50 % =
/// 5 000 $ (under the cap) and 100 000 $ × 50 % = 50 000 $, capped at 40 000 $.
fn workspace_with_dossiers() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let with_outputs = PROGRAMME.replace("au 2026-03-31\n", "au 2026-03-31\n  sorties aide\n");
    std::fs::write(&programme, with_outputs).unwrap();
    let dossiers = root.join("tests/dossiers/essai");
    std::fs::create_dir_all(&dossiers).unwrap();
    for (name, amount) in [("petit.json", "10000.00"), ("plafonné.json", "100000.00")] {
        std::fs::write(
            dossiers.join(name),
            format!(r#"{{"programme": "essai/programme.pol", "date": "2025-06-01", "entrées": {{"dépenses": "{amount}"}}, "attendu": {{"aide": "0.00"}}}}"#),
        )
        .unwrap();
    }
    (dir, commun, programme)
}

/// Raises the cap in the editor, without saving.
fn raise_cap(ed: &mut Editor, commun: &Path) {
    open(ed, commun, COMMUN);
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(commun), "version": 2},
               "contentChanges": [{"text": COMMUN.replace("40 000 $", "50 000 $")}]}),
    );
}

fn impact(ed: &mut Editor, args: Value) -> Value {
    let answer = ed.request(
        "workspace/executeCommand",
        json!({"command": "pol.impactDeLaModification", "arguments": args}),
    );
    answer["result"].clone()
}

#[test]
fn the_unsaved_edit_is_measured_against_git_head_with_its_cause() {
    let (dir, commun, programme) = workspace_with_dossiers();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    git(&root, &["init", "-q"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "base"]);
    let mut ed = Editor::start(&root);
    // The lens on the programme line runs the command for that programme.
    let lenses = ed.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    let lens = &lenses["result"][0];
    assert_eq!(
        lens["command"]["title"], "Impact de la modification",
        "{lenses}"
    );
    assert_eq!(lens["range"]["start"]["line"], 0);
    // Nothing edited yet: no programme differs from HEAD.
    let r = impact(&mut ed, lens["command"]["arguments"].clone());
    assert_eq!(r["rapport"]["modifié"], false, "{r}");
    raise_cap(&mut ed, &commun);
    let r = impact(&mut ed, lens["command"]["arguments"].clone());
    assert_eq!(r["résumé"], "essai : 1 dossier modifié sur 2", "{r}");
    assert_eq!(r["rapport"]["avant"], "la révision git « HEAD »");
    // Only the capped dossier changes: 40 000 $ → 50 000 $, because of « plafond ».
    let listed = &r["rapport"]["programmes"][0]["dossiers"];
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let d = &listed[0];
    assert_eq!(d["sorties"][0]["écart"], "10000.00");
    assert_eq!(d["causes"][0]["définition"], "plafond");
    assert_eq!(
        d["causes"][0]["citations"][0],
        "Montant maximal d'aide financière"
    );
    // The changed dossier opens from its URI.
    let uri_of = r["dossiers"][0]["uri"].as_str().unwrap();
    assert_eq!(
        uri_of,
        format!("{}/tests/dossiers/essai/plafonn%C3%A9.json", uri(&root))
    );
    assert!(
        r["texte"].as_str().unwrap().contains("cause : plafond"),
        "{r}"
    );
    // The same without arguments: every programme that differs.
    let all = impact(&mut ed, json!([]));
    assert_eq!(all["résumé"], r["résumé"]);
    ed.stop();
}

#[test]
fn outside_a_repository_the_edit_is_measured_against_the_saved_files() {
    let (dir, commun, _programme) = workspace_with_dossiers();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    raise_cap(&mut ed, &commun);
    let r = impact(&mut ed, json!([]));
    assert_eq!(r["rapport"]["avant"], "les fichiers enregistrés", "{r}");
    assert_eq!(r["résumé"], "essai : 1 dossier modifié sur 2");
    ed.stop();
}
