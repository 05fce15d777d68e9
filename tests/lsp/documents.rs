//! Which documents the server compiles, and where their text comes from: the editor's
//! documents, the files on disk, the standard library.

use serde_json::json;

use crate::client::*;

#[test]
fn documents_other_than_policies_are_never_compiled() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let readme = root.join("README.md");
    let dossier = root.join("tests/dossiers/essai/d.json");
    let mut ed = Editor::start(&root);
    ed.settle();
    ed.pending.clear();
    for (path, language, text) in [
        (&readme, "markdown", "# Titre\nDu texte.\n"),
        (&dossier, "json", r#"{"programme": "essai/programme.pol"}"#),
    ] {
        ed.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": language, "version": 1, "text": text}}),
        );
        ed.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": 2}, "contentChanges": [{"text": format!("{text}\n")}]}),
        );
    }
    // Still an open document: the dossier keeps its code lens.
    let lens = ed.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri(&dossier)}}),
    );
    assert_eq!(lens["result"][0]["command"]["title"], "Évaluer ce dossier");
    for path in [&readme, &dossier] {
        ed.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(path)}}),
        );
    }
    assert!(!ed.published_for(&readme), "{:?}", ed.pending);
    assert!(!ed.published_for(&dossier), "{:?}", ed.pending);
    let syms = ed.request("workspace/symbol", json!({"query": "Titre"}));
    assert_eq!(syms["result"], json!([]));
    // The policies are untouched.
    open(&mut ed, &programme, PROGRAMME);
    assert!(ed.diagnostics_for(&programme).is_empty());
    ed.stop();
}

#[test]
fn a_change_to_a_document_never_opened_starts_from_its_file_on_disk() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&commun), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "# ajouté\n"}]}),
    );
    // « plafond » is still defined: the edit applied to the file's text, not to nothing.
    let symbols = ed.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&commun)}}),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["plafond"]);
    assert!(ed.diagnostics_for(&commun).is_empty());
    open(&mut ed, &programme, PROGRAMME);
    assert!(ed.diagnostics_for(&programme).is_empty());
    ed.stop();
}

#[test]
fn an_unreadable_policy_file_is_reported_and_the_others_still_load() {
    let (dir, commun, _programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let broken = commun.with_file_name("cassé.pol");
    std::fs::write(&broken, b"r\xe8gle x = 1\n").unwrap();
    let mut ed = Editor::start(&root);
    let shown = ed.next_from_server("window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains("cassé.pol"), "{message}");
    assert!(message.contains("n'est pas du texte UTF-8"), "{message}");
    let syms = ed.request("workspace/symbol", json!({"query": "plaf"}));
    assert_eq!(syms["result"].as_array().unwrap().len(), 1, "{syms}");
    ed.stop();
}

#[test]
fn files_changed_on_disk_are_reloaded_when_the_editor_reports_them() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let caps = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut ed = Editor::start_with(&root, caps, &[]);
    // The server asks for a watcher on the policies.
    let register = ed.next_from_server("client/registerCapability");
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.pol"
    );
    open(&mut ed, &programme, PROGRAMME);
    assert!(ed.diagnostics_for(&programme).is_empty());
    // Another program renames the rule on disk; the editor reports it.
    std::fs::write(&commun, COMMUN.replace("plafond", "plafond_objectif")).unwrap();
    ed.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&commun), "type": 2}]}),
    );
    let d = ed.diagnostics_for(&programme);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "pol::nom::inconnu");
    // A new file on disk defines it again.
    let ajout = commun.with_file_name("ajout.pol");
    std::fs::write(&ajout, "règle autre = 1\n").unwrap();
    std::fs::write(&commun, COMMUN).unwrap();
    ed.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&commun), "type": 2}, {"uri": uri(&ajout), "type": 1}]}),
    );
    assert!(ed.diagnostics_for(&programme).is_empty());
    let syms = ed.request("workspace/symbol", json!({"query": "autre"}));
    assert_eq!(syms["result"].as_array().unwrap().len(), 1, "{syms}");
    // Deleted: forgotten.
    std::fs::remove_file(&ajout).unwrap();
    ed.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&ajout), "type": 3}]}),
    );
    ed.settle();
    let syms = ed.request("workspace/symbol", json!({"query": "autre"}));
    assert_eq!(syms["result"], json!([]));
    ed.stop();
}

/// The text with its accents decomposed (NFD): a letter, then a combining mark.
fn decomposed(text: &str) -> String {
    text.replace('é', "e\u{301}")
        .replace('è', "e\u{300}")
        .replace('ê', "e\u{302}")
}

#[test]
fn a_quick_fix_on_a_line_typed_with_decomposed_accents_keeps_the_line_intact() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    // The editor holds the text in NFD (é as e + U+0301), as some input methods type it.
    let nfd = decomposed(&PROGRAMME.replace("plafond)", "plafon)"));
    open(&mut ed, &programme, &nfd);
    let d = ed.diagnostics_for(&programme);
    assert_eq!(d.len(), 1, "{d:?}");
    let line = nfd.lines().nth(8).unwrap();
    let col = line[..line.find("plafon").unwrap()].encode_utf16().count();
    assert_eq!(d[0]["range"]["start"], json!({"line": 8, "character": col}));
    assert_eq!(
        d[0]["range"]["end"],
        json!({"line": 8, "character": col + 6})
    );
    let actions = ed.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&programme)}, "range": d[0]["range"], "context": {"diagnostics": d}}),
    );
    let edit = &actions["result"][0]["edit"]["changes"][uri(&programme)][0];
    // Applied to the editor's line, the fix gives the intended rule.
    let units: Vec<u16> = line.encode_utf16().collect();
    let (a, b) = (
        edit["range"]["start"]["character"].as_u64().unwrap() as usize,
        edit["range"]["end"]["character"].as_u64().unwrap() as usize,
    );
    let fixed = format!(
        "{}{}{}",
        String::from_utf16(&units[..a]).unwrap(),
        edit["newText"].as_str().unwrap(),
        String::from_utf16(&units[b..]).unwrap()
    );
    assert_eq!(
        fixed,
        decomposed("règle aide : argent = min(dépenses × 50 %, plafond)")
    );
    // Hover on « dépenses » in the NFD line finds the input.
    let at = line[..line.find("penses").unwrap()].encode_utf16().count();
    let hover = ed.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": 8, "character": at}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("entrée dépenses"), "{hover}");
    ed.stop();
}

#[test]
fn the_standard_library_opens_read_only_in_a_folder_of_the_user() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let cache = root.join("cache");
    let mut ed = Editor::start_with(&root, json!({}), &[("XDG_CACHE_HOME", &cache)]);
    let src = format!("{PROGRAMME}importer std.regions\nentrée région : RégionAdministrative\n");
    open(&mut ed, &programme, &src);
    let line = src.lines().count() - 1;
    let def = ed.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": line, "character": 20}}),
    );
    let target = def["result"]["uri"].as_str().unwrap().to_string();
    assert!(
        target.starts_with(&format!("{}/pol/std-", uri(&cache))),
        "{target}"
    );
    let path = std::path::PathBuf::from(target.trim_start_matches("file://"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
    // Opened in the editor: no module of its own, no diagnostics, no workspace symbols.
    open(&mut ed, &path, &text);
    assert!(!ed.published_for(&path), "{:?}", ed.pending);
    let syms = ed.request("workspace/symbol", json!({"query": "RégionAdministrative"}));
    assert_eq!(syms["result"], json!([]));
    // Hover works inside it; rename is refused with the reason.
    let decl = text
        .lines()
        .position(|l| l.contains("énumération RégionAdministrative"))
        .unwrap();
    let at = json!({"textDocument": {"uri": target}, "position": {"line": decl, "character": 15}});
    let hover = ed.request("textDocument/hover", at.clone());
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("énumération RégionAdministrative"),
        "{hover}"
    );
    let prep = ed.request("textDocument/prepareRename", at.clone());
    let mut rename = at;
    rename["newName"] = json!("Région");
    let renamed = ed.request("textDocument/rename", rename);
    for r in [prep, renamed] {
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("bibliothèque standard"),
            "{r}"
        );
    }
    ed.stop();
}

#[test]
fn a_malformed_message_is_answered_with_an_error_and_the_server_goes_on() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    ed.settle();
    use std::io::Write;
    // Not JSON, then JSON that is no JSON-RPC message.
    write!(ed.stdin, "Content-Length: 5\r\n\r\n{{oops").unwrap();
    write!(ed.stdin, "Content-Length: 8\r\n\r\n{{\"a\": 1}}").unwrap();
    ed.stdin.flush().unwrap();
    let mut errors = Vec::new();
    while errors.len() < 2 {
        let m = ed.recv();
        if m.get("error").is_some() {
            errors.push(m);
        }
    }
    assert_eq!(errors[0]["error"]["code"], -32700, "{errors:?}");
    assert_eq!(errors[0]["id"], serde_json::Value::Null);
    assert_eq!(
        errors[0]["error"]["message"],
        "message illisible : JSON invalide, ligne 1, colonne 2 : une clé s'écrit entre guillemets droits (\"clé\")"
    );
    assert_eq!(errors[1]["error"]["code"], -32600, "{errors:?}");
    // Still serving.
    let syms = ed.request("workspace/symbol", json!({"query": "plaf"}));
    assert_eq!(syms["result"].as_array().unwrap().len(), 1, "{syms}");
    open(&mut ed, &programme, PROGRAMME);
    assert!(ed.diagnostics_for(&programme).is_empty());
    ed.stop();
}

/// The next error the server answers, skipping what else it sends.
fn next_error(ed: &mut Editor) -> serde_json::Value {
    loop {
        let m = ed.recv();
        if m.get("error").is_some() {
            return m;
        }
    }
}

#[test]
fn an_unreadable_header_or_an_overlong_body_is_answered_and_the_server_goes_on() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    ed.settle();
    use std::io::Write;
    // A header line with a byte that is not UTF-8: the message is skipped, body and all.
    ed.stdin
        .write_all(b"Content-Length: 8\r\nX-\xff: 1\r\n\r\n{\"a\": 1}")
        .unwrap();
    ed.stdin.flush().unwrap();
    let e = next_error(&mut ed);
    assert_eq!(e["error"]["code"], -32700, "{e}");
    assert_eq!(
        e["error"]["message"],
        "en-tête illisible : ce n'est pas du texte UTF-8"
    );
    // A body above the limit (64 Mio): read and dropped, not kept.
    let len = (64 << 20) + 1;
    write!(ed.stdin, "Content-Length: {len}\r\n\r\n").unwrap();
    ed.stdin.write_all(&vec![b' '; len]).unwrap();
    ed.stdin.flush().unwrap();
    let e = next_error(&mut ed);
    assert_eq!(
        e["error"]["message"],
        format!("message de {len} octets ignoré : pol ne lit pas de message de plus de 64 Mio"),
        "{e}"
    );
    // A header line of a megabyte is cut, not kept.
    write!(
        ed.stdin,
        "X-Long: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(1 << 20)
    )
    .unwrap();
    ed.stdin.flush().unwrap();
    let e = next_error(&mut ed);
    assert_eq!(
        e["error"]["message"], "ligne d'en-tête de plus de 4096 octets",
        "{e}"
    );
    // Still serving.
    open(&mut ed, &programme, PROGRAMME);
    assert!(ed.diagnostics_for(&programme).is_empty());
    ed.stop();
}

#[test]
fn the_servers_error_messages_are_french() {
    let (dir, _commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &programme, PROGRAMME);
    let r = ed.request("pol/inexistant", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    assert_eq!(
        r["error"]["message"],
        "méthode inconnue : pol ne traite pas « pol/inexistant »"
    );
    let hover = |line: i64| json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": line, "character": 0}});
    let r = ed.request("textDocument/hover", hover(-1));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert_eq!(
        r["error"]["message"],
        "paramètres invalides : une valeur est hors de celles que le protocole LSP permet"
    );
    let r = ed.request(
        "textDocument/hover",
        json!({"position": {"line": 0, "character": 0}}),
    );
    assert_eq!(
        r["error"]["message"], "paramètres invalides : le champ « textDocument » manque",
        "{r}"
    );
    let r = ed.request("textDocument/hover", json!("texte"));
    assert_eq!(
        r["error"]["message"],
        "paramètres invalides : une valeur n'a pas le type que le protocole LSP demande",
        "{r}"
    );
    // The server's own messages are left as they are, and it goes on.
    assert!(ed.request("textDocument/hover", hover(0))["error"].is_null());
    ed.stop();
}
