//! Completion, inlay hints, folding, workspace symbols, quick fixes and semantic tokens.

use serde_json::json;

use crate::client::*;
use crate::snapshot;

#[test]
fn completion_inlay_hints_folding_and_workspace_symbols() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let src = format!(
        "{PROGRAMME}\nstructure Demandeur :\n  relève : booléen\n  superficie : ha\nentrée demandeur : Demandeur\nrègle double = aide × 2\nrègle r : booléen = demandeur.\n"
    );
    open(&mut ed, &programme, &src);
    let last = src.lines().count() - 1;
    let col = src
        .lines()
        .last()
        .unwrap()
        .chars()
        .map(char::len_utf16)
        .sum::<usize>();
    let fields = ed.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": last, "character": col}}),
    );
    snapshot!("complétion_des_champs", snap(&fields["result"], &root));
    let labels: Vec<&str> = fields["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["relève", "superficie"]);
    let names = ed.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": 8, "character": 0}}),
    );
    let labels: Vec<&str> = names["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    for want in [
        "plafond",
        "dépenses",
        "aide",
        "règle",
        "min(",
        "argent",
        "$/ha",
    ] {
        assert!(labels.contains(&want), "{want} manque dans {labels:?}");
    }

    let hints = ed.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri(&programme)}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}}),
    );
    snapshot!("types_déduits", snap(&hints["result"], &root));
    let hints = hints["result"].as_array().unwrap();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(hints[0]["label"], " : argent");

    let folds = ed.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    snapshot!("repliement", snap(&folds["result"], &root));
    assert!(folds["result"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["startLine"] == 0 && f["endLine"] == 1));

    let syms = ed.request("workspace/symbol", json!({"query": "plaf"}));
    snapshot!("symboles_de_l_espace", snap(&syms["result"], &root));
    let syms = syms["result"].as_array().unwrap();
    assert_eq!(syms.len(), 1);
    assert_eq!(syms[0]["name"], "plafond");
    ed.stop();
}

#[test]
fn code_actions_apply_the_suggestion_and_add_missing_selon_arms() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let src = format!(
        "{}\nénumération O : pesticides | sols | eau\nentrée o : O\nrègle p : argent = selon o : cas pesticides : 1 $\n",
        PROGRAMME.replace("plafond)", "plafon)")
    );
    open(&mut ed, &programme, &src);
    let diags = ed.diagnostics_for(&programme);
    assert_eq!(diags.len(), 2, "{diags:?}");
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    let actions = ed.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&programme)}, "range": whole, "context": {"diagnostics": diags}}),
    );
    snapshot!("corrections_rapides", snap(&actions["result"], &root));
    let actions = actions["result"].as_array().unwrap();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Remplacer par « plafond »",
            "Ajouter les cas manquants (valeurs à compléter)"
        ]
    );
    let selon_edit = &actions[1]["edit"]["changes"][uri(&programme)][0];
    // Arms written on one line: the new ones follow on that line, with a value to write.
    assert_eq!(
        selon_edit["newText"],
        " cas sols : à_compléter cas eau : à_compléter"
    );
    assert_eq!(
        selon_edit["range"]["start"],
        json!({"line": 12, "character": src.lines().nth(12).unwrap().encode_utf16().count()})
    );
    ed.stop();
}

#[test]
fn missing_selon_arms_are_added_one_per_line_with_a_value_left_to_write() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let decl = "\nénumération O : pesticides | sols | eau\nentrée o : O\n";
    for (n, body) in [
        "règle p : argent =\n  selon o :\n    cas pesticides : 1 $\n",
        "règle p : argent =\n  (selon o :\n    cas pesticides : 1 $) + 2 $\n",
        "règle p : argent =\n  selon o :\n    cas pesticides : 1 $  # le plus courant\n\nrègle q = 1\n",
    ]
    .into_iter()
    .enumerate()
    {
        let src = format!("{PROGRAMME}{decl}{body}");
        open(&mut ed, &programme, &src);
        let diags = ed.diagnostics_for(&programme);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let actions = ed.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&programme)}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
        );
        let edit = &actions["result"][0]["edit"]["changes"][uri(&programme)];
        if n == 0 {
            snapshot!("cas_manquants_sur_leurs_lignes", snap(edit, &root));
        }
        let fixed = apply_edits(&src, edit.as_array().unwrap());
        let want = body
            .replacen(
                "1 $",
                "1 $\n    cas sols : à_compléter\n    cas eau : à_compléter",
                1,
            )
            .replace(
                "à_compléter  # le plus courant",
                "à_compléter",
            );
        if n == 2 {
            // The comment stays on the line of its arm.
            assert!(fixed.ends_with("cas pesticides : 1 $  # le plus courant\n    cas sols : à_compléter\n    cas eau : à_compléter\n\nrègle q = 1\n"), "{fixed}");
        } else {
            assert_eq!(fixed, format!("{PROGRAMME}{decl}{want}"));
        }
        // Each new arm is reported until its value is written: nothing compiles silently.
        open(&mut ed, &programme, &fixed);
        let after = ed.diagnostics_for(&programme);
        assert_eq!(after.len(), 2, "{fixed}\n{after:?}");
        assert!(after.iter().all(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("« à_compléter » est inconnu")));
    }
    ed.stop();
}

/// A JSON array of integers (the protocol's token data).
fn ints(v: &serde_json::Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

/// The protocol's relative tokens as absolute `(line, column, length, type)`.
fn absolute_tokens(result: &serde_json::Value) -> Vec<[u64; 4]> {
    let data = ints(&result["data"]);
    let (mut line, mut col) = (0u64, 0u64);
    let mut out = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        out.push([line, col, t[2], t[3]]);
    }
    out
}

#[test]
fn semantic_tokens_of_a_range_are_those_of_the_whole_file_on_its_lines() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    // Long enough to be cut into many chunks.
    let src = format!(
        "{PROGRAMME}{}",
        (0..200)
            .map(|i| format!(
                "§ « Section {i} »\nrègle r_{i} : argent = plafond × {i} % # note {i}\n\n"
            ))
            .collect::<String>()
    );
    open(&mut ed, &programme, &src);
    let doc = json!({"uri": uri(&programme)});
    let full = absolute_tokens(
        &ed.request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": doc}),
        )["result"],
    );
    let lines = src.lines().count() as u64;
    for (from, to) in [(0, 5), (40, 61), (lines - 30, lines), (7, 7)] {
        let r = ed.request(
            "textDocument/semanticTokens/range",
            json!({"textDocument": doc, "range": {"start": {"line": from, "character": 0}, "end": {"line": to, "character": 0}}}),
        );
        let want: Vec<[u64; 4]> = full
            .iter()
            .filter(|t| t[0] >= from && t[0] < to)
            .copied()
            .collect();
        assert_eq!(absolute_tokens(&r["result"]), want, "lines {from}..{to}");
        assert!(from == to || !want.is_empty(), "lines {from}..{to}");
    }
    ed.stop();
}

#[test]
fn semantic_tokens_delta_is_what_changed_since_the_last_result() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let rules = |extra: &str| {
        (0..200)
            .map(|i| {
                let tail = if i == 100 { extra } else { "" };
                format!("règle r_{i} : argent = plafond × {i} %{tail}\n\n")
            })
            .collect::<String>()
    };
    let src = format!("{PROGRAMME}{}", rules(""));
    open(&mut ed, &programme, &src);
    let doc = json!({"uri": uri(&programme)});
    let first = ed.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": doc}),
    );
    let first_id = first["result"]["resultId"].as_str().unwrap().to_string();
    let mut data = ints(&first["result"]["data"]);
    // One rule in the middle gains a term.
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&programme), "version": 2}, "contentChanges": [{"text": format!("{PROGRAMME}{}", rules(" + 1 $"))}]}),
    );
    let delta = ed.request(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": doc, "previousResultId": first_id}),
    );
    let edits = delta["result"]["edits"].as_array().expect("a delta");
    assert_eq!(edits.len(), 1);
    let (start, count) = (
        edits[0]["start"].as_u64().unwrap() as usize,
        edits[0]["deleteCount"].as_u64().unwrap() as usize,
    );
    let inserted = ints(&edits[0]["data"]);
    assert!(inserted.len() < 50, "{} integers resent", inserted.len());
    data.splice(start..start + count, inserted);
    let fresh = ed.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": doc}),
    );
    assert_eq!(data, ints(&fresh["result"]["data"]));
    // A result id that is not the last one gets every token.
    let stale = ed.request(
        "textDocument/semanticTokens/full/delta",
        json!({"textDocument": doc, "previousResultId": first_id}),
    );
    assert_eq!(ints(&stale["result"]["data"]), data);
    ed.stop();
}

#[test]
fn semantic_tokens_classify_keywords_names_units_and_comments() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &programme, PROGRAMME);
    let legend = [
        "keyword",
        "number",
        "string",
        "comment",
        "operator",
        "namespace",
        "parameter",
        "variable",
        "function",
        "type",
        "enumMember",
        "property",
    ];
    let r = ed.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    // Read the tokens back from the text.
    let lines: Vec<Vec<u16>> = PROGRAMME
        .lines()
        .map(|l| l.encode_utf16().collect())
        .collect();
    let seen: Vec<(String, &str)> = absolute_tokens(&r["result"])
        .into_iter()
        .map(|[line, col, len, ty]| {
            let units = &lines[line as usize][col as usize..(col + len) as usize];
            (String::from_utf16(units).unwrap(), legend[ty as usize])
        })
        .collect();
    let has = |tok: &str, ty: &str| seen.iter().any(|(a, b)| a == tok && *b == ty);
    assert!(has("programme", "keyword"), "{seen:?}");
    assert!(has("règle", "keyword"), "{seen:?}");
    assert!(has("dépenses", "parameter"), "{seen:?}");
    assert!(has("plafond", "variable"), "{seen:?}");
    assert!(has("min", "function"), "{seen:?}");
    assert!(has("argent", "type"), "{seen:?}");
    assert!(has("50", "number"), "{seen:?}");
    assert!(has("commun", "namespace"), "{seen:?}");
    assert!(
        seen.iter()
            .any(|(a, b)| a.starts_with("# une règle") && *b == "comment"),
        "{seen:?}"
    );
    ed.stop();
}

#[test]
fn completion_after_cas_offers_the_values_not_yet_used_and_units_in_types() {
    let (dir, commun, programme) = workspace();
    std::fs::write(
        &commun,
        "énumération Secteur :\n  | grandes_cultures\n  | horticole « Horticulture »\n  | maraîcher\n\nstructure Essai :\n  secteur : Secteur\n",
    )
    .unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let src = "programme prog « Essai »\n  en vigueur du 2023-12-05 au 2026-03-31\n\nimporter commun\n\nentrée essai : Essai\n\nrègle taux : pourcentage =\n  selon essai.secteur :\n    cas grandes_cultures : 50 %\n    cas ";
    open(&mut ed, &programme, src);
    let end = |src: &str| {
        let last = src.lines().count() - 1;
        let col = src.rsplit('\n').next().unwrap().encode_utf16().count();
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": last, "character": col}})
    };
    let values = ed.request("textDocument/completion", end(src));
    snapshot!("complétion_des_cas", snap(&values["result"], &root));
    let labels: Vec<&str> = values["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["horticole", "maraîcher"]);
    assert_eq!(values["result"][0]["kind"], 20, "valeur d'énumération");

    // A unit in a type: `: ha`, `: $/ha` are proposed as units.
    let src = "entrée superficie : ";
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&programme), "version": 2}, "contentChanges": [{"text": src}]}),
    );
    let units = ed.request("textDocument/completion", end(src));
    let units: Vec<&str> = units["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == 11)
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    for want in ["ha", "$/ha", "m³", "$"] {
        assert!(units.contains(&want), "{want} manque dans {units:?}");
    }
    ed.stop();
}

#[test]
fn inlay_hints_are_those_of_the_requested_range() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let src = format!("{PROGRAMME}règle a = 1 $\nrègle b = 2 %\n");
    open(&mut ed, &programme, &src);
    let hints = |ed: &mut Editor, from: usize, to: usize| {
        let r = ed.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri(&programme)}, "range": {"start": {"line": from, "character": 0}, "end": {"line": to, "character": 0}}}),
        );
        r["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["label"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(hints(&mut ed, 0, 99), vec![" : argent", " : pourcentage"]);
    assert_eq!(hints(&mut ed, 10, 11), vec![" : pourcentage"]);
    assert!(hints(&mut ed, 0, 8).is_empty());
    ed.stop();
}

#[test]
fn semantic_tokens_of_a_long_line_with_emoji() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let terms: Vec<String> = (0..3000).map(|i| format!("dépenses × {i} %")).collect();
    let src = format!(
        "{PROGRAMME}règle longue = 0 $ # 🌾\nrègle r = {} # 🌾 fin\n",
        terms.join(" + ")
    );
    open(&mut ed, &programme, &src);
    let r = ed.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    let data = ints(&r["result"]["data"]);
    let lines: Vec<Vec<u16>> = src.lines().map(|l| l.encode_utf16().collect()).collect();
    let (mut line, mut col) = (0u64, 0u64);
    let mut last = String::new();
    let mut count = 0;
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        last =
            String::from_utf16(&lines[line as usize][col as usize..(col + t[2]) as usize]).unwrap();
        if line as usize == lines.len() - 1 && last == "dépenses" {
            count += 1;
        }
    }
    assert_eq!(count, 3000);
    assert_eq!(last, "# 🌾 fin");
    // The tokens of the shared example, as a snapshot.
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&programme), "version": 2}, "contentChanges": [{"text": PROGRAMME}]}),
    );
    let r = ed.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    // Decoded as `line:column text → type`, to be read.
    let legend = [
        "keyword",
        "number",
        "string",
        "comment",
        "operator",
        "namespace",
        "parameter",
        "variable",
        "function",
        "type",
        "enumMember",
        "property",
    ];
    let lines: Vec<Vec<u16>> = PROGRAMME
        .lines()
        .map(|l| l.encode_utf16().collect())
        .collect();
    let (mut line, mut col) = (0usize, 0usize);
    let mut decoded = String::new();
    for t in r["result"]["data"].as_array().unwrap().chunks(5) {
        let t: Vec<usize> = t.iter().map(|v| v.as_u64().unwrap() as usize).collect();
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        let text = String::from_utf16(&lines[line][col..col + t[2]]).unwrap();
        decoded.push_str(&format!("{line}:{col} {text} → {}\n", legend[t[3]]));
    }
    snapshot!("jetons_sémantiques", decoded);
    ed.stop();
}

/// The labels of the completions at the end of `needle` (its first occurrence) in `src`.
fn completion_labels(
    ed: &mut Editor,
    path: &std::path::Path,
    src: &str,
    needle: &str,
) -> Vec<String> {
    let i = src.find(needle).unwrap() + needle.len();
    let line = src[..i].matches('\n').count();
    let start = src[..i].rfind('\n').map_or(0, |n| n + 1);
    let col = src[start..i].encode_utf16().count();
    let r = ed.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": col}}),
    );
    r["result"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|c| c["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fields_are_completed_on_the_variables_of_comprehensions() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let decl = "\nstructure Dépense :\n  montant : argent\n  années : liste de Année\nstructure Année :\n  rang : entier\nentrée frais : liste de Dépense\n";
    for (body, needle, want) in [
        ("règle total : argent = somme(d. pour chaque d dans frais)\n", "somme(d.", vec!["montant", "années"]),
        ("règle total : argent = somme(d.mon pour chaque d dans frais)\n", "somme(d.", vec!["montant", "années"]),
        ("règle n : entier = nombre(d pour chaque d dans frais où d.)\n", "où d.", vec!["montant", "années"]),
        (
            "règle n : entier =\n  nombre(a pour chaque d dans frais\n    pour chaque a dans d.années où a.)\n",
            "où a.",
            vec!["rang"],
        ),
    ] {
        let src = format!("{PROGRAMME}{decl}{body}");
        open(&mut ed, &programme, &src);
        let mut got = completion_labels(&mut ed, &programme, &src, needle);
        got.sort();
        let mut want: Vec<String> = want.into_iter().map(String::from).collect();
        want.sort();
        assert_eq!(got, want, "{body}");
    }
    ed.stop();
}
