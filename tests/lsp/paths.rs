//! One identity per file, whatever path the editor reaches it by: a workspace opened through a
//! symbolic link behaves as the same workspace opened directly, and answers keep the editor's
//! spelling of its URIs.

use serde_json::json;

use crate::client::*;

#[cfg(unix)]
#[test]
fn a_workspace_reached_through_a_symbolic_link_keeps_one_identity_per_file() {
    let (dir, _commun, _programme) = workspace();
    let real = std::fs::canonicalize(dir.path()).unwrap();
    let outer = tempfile::tempdir().unwrap();
    let link = std::fs::canonicalize(outer.path()).unwrap().join("lien");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let dossiers = real.join("tests/dossiers/essai");
    std::fs::create_dir_all(&dossiers).unwrap();
    std::fs::write(
        dossiers.join("d.json"),
        r#"{"programme": "essai/programme.pol", "date": "2025-06-01", "entrées": {"dépenses": "10000.00"}, "attendu": {"aide": "5000.00"}}"#,
    )
    .unwrap();
    // The editor only knows the link.
    let commun = link.join("policies/essai/commun.pol");
    let programme = link.join("policies/essai/programme.pol");
    let dossier = link.join("tests/dossiers/essai/d.json");
    let mut ed = Editor::start(&link);
    ed.settle();
    open(&mut ed, &programme, PROGRAMME);
    open(&mut ed, &commun, COMMUN);
    ed.settle();
    ed.pending.clear();

    // Cross-file diagnostics: renaming the rule in one file flags its use in the other.
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&commun), "version": 2},
               "contentChanges": [{"text": COMMUN.replace("plafond", "plafond_objectif")}]}),
    );
    let d = ed.diagnostics_for(&programme);
    assert_eq!(d.len(), 1, "{d:?}");
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&commun), "version": 3}, "contentChanges": [{"text": COMMUN}]}),
    );
    assert!(ed.diagnostics_for(&programme).is_empty());
    ed.settle();
    // Nothing is ever published under the resolved path.
    let resolved = uri(&real);
    for m in &ed.pending {
        assert!(!m.to_string().contains(&resolved), "{m}");
    }

    // Definition, in the editor's spelling.
    let line = PROGRAMME.lines().nth(8).unwrap();
    let col = line[..line.find("plafond").unwrap()].encode_utf16().count() + 1;
    let def = ed.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": 8, "character": col}}),
    );
    assert_eq!(def["result"]["uri"], json!(uri(&commun)), "{def}");

    // Workspace symbols: once each, under the link.
    let syms = ed.request("workspace/symbol", json!({"query": "plaf"}));
    let found = syms["result"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{syms}");
    assert_eq!(found[0]["location"]["uri"], json!(uri(&commun)));

    // The golden dossier evaluates and its rule's lens counts it.
    let run = ed.request(
        "workspace/executeCommand",
        json!({"command": "pol.évaluerDossier", "arguments": [uri(&dossier)]}),
    );
    assert!(run.get("error").is_none(), "{run}");
    let lens = ed.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&dossier)}}),
    );
    assert_eq!(
        lens["result"][0]["command"]["title"],
        "Dossier actif — réévaluer"
    );
    let lenses = ed.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    assert_eq!(
        lenses["result"][1]["command"]["title"], "1 dossier doré",
        "{lenses}"
    );
    // The impact lens names the programme by the editor's spelling too.
    assert_eq!(
        lenses["result"][0]["command"]["arguments"][0],
        json!(uri(&programme))
    );
    ed.stop();
}
