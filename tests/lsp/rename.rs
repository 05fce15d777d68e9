//! Renaming what golden dossiers name: the dossiers' JSON is renamed in the same edit, so that
//! `pol test` still passes afterwards; built-in names are refused.

use serde_json::json;

use crate::client::*;

const PROG: &str = "\
programme essai « Essai »
  en vigueur du 2023-12-05 au 2026-03-31
  sorties admissible, aide

importer commun

entrée dépenses : argent

condition assez « Au moins 1 000 $ de dépenses » : dépenses >= 1 000 $

décision admissible = toutes les conditions

règle aide : argent = min(dépenses × 50 %, plafond) si admissible sinon 0 $
";

const DOSSIER: &str = r#"{
  "programme": "essai/programme.pol",
  "date": "2025-06-01",
  "entrées": {"dépenses": "500.00"},
  "attendu": {"admissible": {"valeur": false, "motifs": ["assez"]}, "aide": "0.00"}
}
"#;

fn pol_test(root: &std::path::Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pol"))
        .arg("test")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn position_of(text: &str, needle: &str) -> serde_json::Value {
    let i = text.find(needle).unwrap();
    let line = text[..i].matches('\n').count();
    let start = text[..i].rfind('\n').map_or(0, |n| n + 1);
    json!({"line": line, "character": text[start..i].encode_utf16().count() + 1})
}

#[test]
fn renaming_what_golden_dossiers_name_renames_it_in_the_dossiers_too() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    std::fs::write(&programme, PROG).unwrap();
    let dossiers = root.join("tests/dossiers/essai");
    std::fs::create_dir_all(&dossiers).unwrap();
    let dossier = dossiers.join("d.json");
    std::fs::write(&dossier, DOSSIER).unwrap();
    pol_test(&root);

    let mut text = PROG.to_string();
    for (needle, new_name) in [
        ("dépenses :", "frais"),
        ("assez «", "assez_de_frais"),
        ("admissible =", "recevable"),
        ("aide :", "aide_versée"),
    ] {
        let mut ed = Editor::start(&root);
        open(&mut ed, &programme, &text);
        let edit = ed.request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&programme)}, "position": position_of(&text, needle), "newName": new_name}),
        );
        let changes = edit["result"]["documentChanges"].as_array().unwrap();
        let in_dossier = changes
            .iter()
            .find(|c| c["textDocument"]["uri"] == json!(uri(&dossier)))
            .unwrap_or_else(|| panic!("{needle} : {edit}"));
        assert!(
            in_dossier["edits"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["newText"] == json!(format!("\"{new_name}\""))),
            "{edit}"
        );
        ed.stop();
        apply_to_disk(&edit["result"]);
        text = std::fs::read_to_string(&programme).unwrap();
        // The policies and every golden dossier still agree.
        pol_test(&root);
    }
    let renamed = std::fs::read_to_string(&dossier).unwrap();
    assert_eq!(
        renamed,
        DOSSIER
            .replace("\"dépenses\"", "\"frais\"")
            .replace("\"assez\"", "\"assez_de_frais\"")
            .replace("\"admissible\"", "\"recevable\"")
            .replace("\"aide\"", "\"aide_versée\"")
    );
}

#[test]
fn renaming_to_a_name_pol_defines_is_refused_in_french() {
    let (dir, commun, _programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &commun, COMMUN);
    for (new_name, what) in [
        ("min", "une fonction"),
        ("somme", "une fonction"),
        ("arrondi", "une fonction"),
        ("date_d_évaluation", "une valeur"),
        ("argent", "un type"),
        ("ha", "une unité"),
    ] {
        let r = ed.request(
            "textDocument/rename",
            json!({"textDocument": {"uri": uri(&commun)}, "position": {"line": 2, "character": 8}, "newName": new_name}),
        );
        let message = r["error"]["message"].as_str().unwrap_or("");
        assert!(
            message.contains(&format!("« {new_name} » est {what} de pol")),
            "{new_name} : {r}"
        );
    }
    ed.stop();
}
