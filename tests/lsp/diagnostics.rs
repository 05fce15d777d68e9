//! Diagnostics pushed on open and on every change, across files, and the server under a stream of edits.

use std::process::Command;

use serde_json::{json, Value};

use crate::client::*;
use crate::snapshot;

#[test]
fn diagnostics_follow_edits_with_utf16_positions() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let broken = PROGRAMME.replace(
        "min(dépenses × 50 %, plafond)",
        "min(dépenses × 50 %, plafon)",
    );
    open(&mut ed, &programme, &broken);
    let d = ed.diagnostics_for(&programme);
    snapshot!("diagnostics", snap(&json!(d), &root));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "pol::nom::inconnu");
    assert!(d[0]["message"]
        .as_str()
        .unwrap()
        .contains("voulez-vous dire « plafond » ?"));
    // Line 8 (0-based), after « règle aide : argent = min(dépenses × 50 %, »: UTF-16 columns.
    let line = broken.lines().nth(8).unwrap();
    let col: usize = line[..line.find("plafon").unwrap()]
        .chars()
        .map(char::len_utf16)
        .sum();
    assert_eq!(d[0]["range"]["start"], json!({"line": 8, "character": col}));

    // An incremental edit that inserts the missing letter.
    ed.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri(&programme), "version": 2},
            "contentChanges": [{"range": {"start": {"line": 8, "character": col + 6}, "end": {"line": 8, "character": col + 6}}, "text": "d"}]
        }),
    );
    assert!(ed.diagnostics_for(&programme).is_empty());
    ed.stop();
}

#[test]
fn renaming_a_rule_in_one_file_flags_its_uses_in_another() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(
        &mut ed,
        &commun,
        &COMMUN.replace("règle plafond", "règle plafond_objectif"),
    );
    let d = ed.diagnostics_for(&programme);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "pol::nom::inconnu");
    ed.stop();
}

#[test]
fn a_rule_typed_character_by_character_never_breaks_the_server() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &programme, PROGRAMME);
    // Typed at the end of the file, one character per edit, accents and an emoji included,
    // with a few corrections on the way.
    // Three rules and three conditions, typed one after the other.
    let typed: String = (1..=3)
        .map(|k| format!("\n§ « Bonification — relève agricole 🌾 »\nrègle aide_bonifiée_{k} : argent = si dépenses > 1 000 $ alors aide × 115 % sinon aide\ncondition minimum_{k} « L'aide doit atteindre 500 $ » : aide_bonifiée_{k} >= 500 $\n"))
        .collect();
    let mut text = PROGRAMME.to_string();
    let mut version = 1;
    let mut edits = 0;
    for (i, ch) in typed.chars().enumerate() {
        let line = text.matches('\n').count();
        let col: usize = text
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .chars()
            .map(char::len_utf16)
            .sum();
        let pos = json!({"line": line, "character": col});
        version += 1;
        ed.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&programme), "version": version}, "contentChanges": [{"range": {"start": pos, "end": pos}, "text": ch.to_string()}]}),
        );
        text.push(ch);
        edits += 1;
        // Every 7 characters, type a wrong letter and erase it.
        if i % 7 == 3 {
            let line = text.matches('\n').count();
            let col: usize = text
                .rsplit('\n')
                .next()
                .unwrap_or("")
                .chars()
                .map(char::len_utf16)
                .sum();
            version += 1;
            ed.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri(&programme), "version": version}, "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": "x"}]}),
            );
            version += 1;
            ed.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri(&programme), "version": version}, "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": ""}]}),
            );
            edits += 2;
        }
        // A request between edits always gets an answer.
        if i % 25 == 0 {
            let r = ed.request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri(&programme)}}),
            );
            assert!(r.get("error").is_none(), "{r}");
        }
    }
    assert!(edits >= 500, "{edits}");
    // The last diagnostics published for the file are those of the final text: none.
    ed.settle();
    let want = uri(&programme);
    let last = ed
        .pending
        .iter()
        .rev()
        .find(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(want)
        })
        .map(|m| m["params"]["diagnostics"].clone());
    assert_eq!(last, Some(json!([])));
    // The final text, as the server sees it, has the diagnostics `pol check` gives on disk.
    let symbols = ed.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "essai",
            "dépenses",
            "aide",
            "aide_bonifiée_1",
            "minimum_1",
            "aide_bonifiée_2",
            "minimum_2",
            "aide_bonifiée_3",
            "minimum_3"
        ]
    );
    ed.stop();
    std::fs::write(&programme, &text).unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_pol"))
        .args(["check", "policies", "--format", "json"])
        .current_dir(&root)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(report["erreurs"], 0, "{report}");
}

#[test]
fn requests_overtaken_by_edits_are_answered_or_cancelled_never_lost() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut big = String::from(PROGRAMME);
    for i in 0..1000 {
        big.push_str(&format!("\nrègle r{i} : argent = aide + {i} $\n"));
    }
    let mut ed = Editor::start(&root);
    open(&mut ed, &programme, &big);
    let mut ids = Vec::new();
    for v in 0..10 {
        let id = 1000 + v;
        ed.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/semanticTokens/full", "params": {"textDocument": {"uri": uri(&programme)}}}));
        ids.push(id);
        let text = format!("{big}\nrègle ajout{v} : argent = aide\n");
        ed.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&programme), "version": v + 2}, "contentChanges": [{"text": text}]}),
        );
    }
    let (mut answered, mut cancelled) = (0, 0);
    for id in ids {
        let r = loop {
            let m = ed.recv();
            if m["id"] == json!(id) {
                break m;
            }
            ed.pending.push(m);
        };
        if r.get("result").is_some() {
            answered += 1;
        } else {
            assert_eq!(r["error"]["code"], -32801, "{r}");
            cancelled += 1;
        }
    }
    assert_eq!(answered + cancelled, 10);
    ed.stop();
}

#[test]
fn an_edit_publishes_only_the_diagnostics_that_changed() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    // The programme has an error of its own, published at startup.
    let broken = PROGRAMME.replace("dépenses × 50 %", "dépenses × 50 % + inconnu");
    std::fs::write(&programme, &broken).unwrap();
    let mut ed = Editor::start(&root);
    assert_eq!(ed.diagnostics_for(&programme).len(), 1);
    open(&mut ed, &commun, COMMUN);
    assert!(ed.diagnostics_for(&commun).is_empty());
    ed.settle();
    ed.pending.clear();
    // A value changed in commun: its own list, and nothing for the programme, unchanged.
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&commun), "version": 2},
               "contentChanges": [{"text": COMMUN.replace("40 000", "45 000")}]}),
    );
    assert!(ed.diagnostics_for(&commun).is_empty());
    assert!(!ed.published_for(&programme), "{:?}", ed.pending);
    // The rule renamed: the programme's diagnostics change, and are published.
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&commun), "version": 3},
               "contentChanges": [{"text": COMMUN.replace("plafond", "plafond_objectif")}]}),
    );
    assert_eq!(ed.diagnostics_for(&programme).len(), 2);
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&commun), "version": 4}, "contentChanges": [{"text": COMMUN}]}),
    );
    assert_eq!(ed.diagnostics_for(&programme).len(), 1);
    ed.stop();
}
