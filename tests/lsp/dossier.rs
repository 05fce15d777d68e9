//! Code lenses on golden dossiers and rules, the active dossier and its values on hover.

use serde_json::json;

use crate::client::*;
use crate::snapshot;

#[test]
fn code_lenses_the_active_dossier_and_its_values_on_hover() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let dossiers = root.join("tests/dossiers/essai");
    std::fs::create_dir_all(&dossiers).unwrap();
    let d = dossiers.join("d.json");
    // 10 000 × 50 % = 5 000, under the 40 000 $ cap.
    std::fs::write(
        &d,
        r#"{"programme": "essai/programme.pol", "date": "2025-06-01", "entrées": {"dépenses": "10000.00"}, "attendu": {"aide": "5000.00"}}"#,
    )
    .unwrap();
    // The programme names its output, for the summary.
    let with_outputs = PROGRAMME.replace("au 2026-03-31\n", "au 2026-03-31\n  sorties aide\n");
    std::fs::write(&programme, &with_outputs).unwrap();
    let mut ed = Editor::start(&root);
    let lens = ed.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&d)}}),
    );
    let cmd = &lens["result"][0]["command"];
    assert_eq!(cmd["title"], "Évaluer ce dossier");
    let run = ed.request(
        "workspace/executeCommand",
        json!({"command": cmd["command"], "arguments": cmd["arguments"]}),
    );
    assert_eq!(run["result"]["résumé"], "aide = 5 000,00 $", "{run}");

    open(&mut ed, &programme, &with_outputs);
    let line = with_outputs.lines().nth(9).unwrap();
    let col: usize = line[..line.find("aide").unwrap()]
        .chars()
        .map(char::len_utf16)
        .sum::<usize>()
        + 1;
    let hover = ed.request("textDocument/hover", json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": 9, "character": col}}));
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("**Dossier actif** (d.json) : 5 000,00 $"),
        "{text}"
    );

    let lenses = ed.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    snapshot!("lentilles", snap(&lenses["result"], &root));
    let titles = lens_titles(&lenses);
    assert_eq!(titles, vec!["Impact de la modification", "1 dossier doré"]);

    // The golden dossier changes on disk (it now names a programme that does not exist), then
    // the policy is edited: the lenses count the dossier as it is now, not as first read.
    std::fs::write(
        &d,
        r#"{"programme": "essai/absent.pol", "date": "2025-06-01", "entrées": {"dépenses": "10000.00"}, "attendu": {"aide": "5000.00"}}"#,
    )
    .unwrap();
    let edited = with_outputs.replace("50 %", "50 % ");
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&programme), "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let lenses = ed.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    let titles = lens_titles(&lenses);
    assert_eq!(
        titles,
        vec!["Impact de la modification", "aucun dossier doré"]
    );
    ed.stop();
}

#[test]
fn hover_on_an_amended_rule_names_the_version_in_force_for_the_active_dossier() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let modification = commun.with_file_name("modification.pol");
    std::fs::write(
        &modification,
        "version 2025-04-25 « Modifié le 25 avril 2025 »\nimporter commun\n\n§ « Modification du 25 avril 2025 »\nremplace règle plafond : argent = 50 000 $\n",
    )
    .unwrap();
    let with_outputs = PROGRAMME
        .replace("au 2026-03-31\n", "au 2026-03-31\n  sorties aide\n")
        .replace(
            "importer commun\n",
            "importer commun\nimporter modification\n",
        );
    std::fs::write(&programme, &with_outputs).unwrap();
    let dossiers = root.join("tests/dossiers/essai");
    std::fs::create_dir_all(&dossiers).unwrap();
    let d = dossiers.join("d.json");
    std::fs::write(
        &d,
        r#"{"programme": "essai/programme.pol", "date": "2025-06-01", "entrées": {"dépenses": "200000.00"}}"#,
    )
    .unwrap();
    let mut ed = Editor::start(&root);
    let lens = ed.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&d)}}),
    );
    snapshot!("lentille_d_un_dossier", snap(&lens["result"], &root));
    let cmd = lens["result"][0]["command"].clone();
    let run = ed.request(
        "workspace/executeCommand",
        json!({"command": cmd["command"], "arguments": cmd["arguments"]}),
    );
    snapshot!("évaluation_d_un_dossier", snap(&run["result"], &root));
    // 200 000 × 50 % = 100 000, capped by the amended 50 000 $.
    assert_eq!(run["result"]["résumé"], "aide = 50 000,00 $", "{run}");

    open(&mut ed, &programme, &with_outputs);
    let line = with_outputs
        .lines()
        .position(|l| l.starts_with("règle aide"))
        .unwrap();
    let col = with_outputs
        .lines()
        .nth(line)
        .unwrap()
        .find("plafond")
        .unwrap();
    let col = with_outputs.lines().nth(line).unwrap()[..col]
        .encode_utf16()
        .count()
        + 2;
    let hover = ed.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": line, "character": col}}),
    );
    snapshot!("survol_d_une_règle_modifiée", snap(&hover["result"], &root));
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("Remplacée à partir du 2025-04-25 (essai/modification.pol) : argent"),
        "{text}"
    );
    assert!(text.contains("§ Modification du 25 avril 2025"), "{text}");
    assert!(
        text.contains("**En vigueur le 2025-06-01** (dossier actif) : la version du 2025-04-25"),
        "{text}"
    );
    assert!(
        text.contains("**Dossier actif** (d.json) : 50 000,00 $"),
        "{text}"
    );
    assert!(!text.contains("/tmp"), "{text}");
    ed.stop();
}

/// The titles of a `textDocument/codeLens` answer, in order.
fn lens_titles(lenses: &serde_json::Value) -> Vec<&str> {
    lenses["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect()
}
