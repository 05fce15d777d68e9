//! The language server, driven over stdio exactly as an editor does: initialize, initialized,
//! didOpen, didChange, requests, shutdown, exit.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

struct Editor {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    pending: Vec<Value>,
    next_id: i64,
}

impl Editor {
    fn start(root: &Path) -> Editor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pol"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("pol lsp démarre");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    if tx.send(v).is_err() {
                        return;
                    }
                }
            }
        });
        let mut editor = Editor {
            child,
            stdin,
            incoming: rx,
            pending: Vec::new(),
            next_id: 1,
        };
        let uri = uri(root);
        let init = editor.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": {}, "workspaceFolders": [{"uri": uri, "name": "essai"}]}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "pol");
        editor.notify("initialized", json!({}));
        editor
    }

    fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv(&mut self) -> Value {
        self.incoming
            .recv_timeout(Duration::from_secs(20))
            .expect("le serveur répond en moins de 20 s")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.recv();
            if msg["id"] == json!(id) && msg.get("method").is_none() {
                return msg;
            }
            self.pending.push(msg);
        }
    }

    /// Reads everything the server sends until it has been quiet for half a second.
    fn settle(&mut self) {
        while let Ok(m) = self.incoming.recv_timeout(Duration::from_millis(500)) {
            self.pending.push(m);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `file`.
    fn diagnostics_for(&mut self, file: &Path) -> Vec<Value> {
        let want = uri(file);
        loop {
            let pos = self.pending.iter().position(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == json!(want)
            });
            if let Some(i) = pos {
                let m = self.pending.remove(i);
                return m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            let msg = self.recv();
            self.pending.push(msg);
        }
    }

    fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success());
    }
}

/// A response as a stable snapshot: pretty JSON with the temporary folder replaced.
fn snap(v: &Value, root: &Path) -> String {
    let text = serde_json::to_string_pretty(v).unwrap();
    text.replace(&uri(root), "file://<racine>")
        .replace(&root.display().to_string(), "<racine>")
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display()).replace(' ', "%20")
}

const COMMUN: &str = "\
## Le plafond par objectif.
§ « Montant maximal d'aide financière »
règle plafond : argent = 40 000 $
";

const PROGRAMME: &str = "\
programme essai « Essai »
  en vigueur du 2023-12-05 au 2026-03-31

importer commun

entrée dépenses : argent

# une règle de l'analyste, avec des accents : é è ê 🌾
règle aide : argent = min(dépenses × 50 %, plafond)
";

fn workspace() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let prog = root.join("policies/essai");
    std::fs::create_dir_all(&prog).unwrap();
    let commun = prog.join("commun.pol");
    let programme = prog.join("programme.pol");
    std::fs::write(&commun, COMMUN).unwrap();
    std::fs::write(&programme, PROGRAMME).unwrap();
    (dir, commun, programme)
}

fn open(editor: &mut Editor, path: &Path, text: &str) {
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "pol", "version": 1, "text": text}}),
    );
}

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
    insta::assert_snapshot!("diagnostics", snap(&json!(d), &root));
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
fn hover_definition_symbols_and_formatting() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &programme, PROGRAMME);
    let line = PROGRAMME.lines().nth(8).unwrap();
    let col: usize = line[..line.find("plafond").unwrap()]
        .chars()
        .map(char::len_utf16)
        .sum::<usize>()
        + 2;
    let at = json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": 8, "character": col}});

    let hover = ed.request("textDocument/hover", at.clone());
    insta::assert_snapshot!("survol", snap(&hover["result"], &root));
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("règle plafond : argent"), "{text}");
    assert!(text.contains("Le plafond par objectif."), "{text}");
    assert!(
        text.contains("§ Montant maximal d'aide financière"),
        "{text}"
    );

    let def = ed.request("textDocument/definition", at);
    insta::assert_snapshot!("définition", snap(&def["result"], &root));
    assert_eq!(def["result"]["uri"], json!(uri(&commun)));
    assert_eq!(
        def["result"]["range"]["start"],
        json!({"line": 2, "character": 6})
    );

    let symbols = ed.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    insta::assert_snapshot!("plan_du_fichier", snap(&symbols["result"], &root));
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["essai", "dépenses", "aide"]);

    let messy = PROGRAMME.replace("règle aide : argent =", "règle   aide :   argent =");
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&programme), "version": 2}, "contentChanges": [{"text": messy}]}),
    );
    let edits = ed.request("textDocument/formatting", json!({"textDocument": {"uri": uri(&programme)}, "options": {"tabSize": 2, "insertSpaces": true}}));
    insta::assert_snapshot!("mise_en_forme", snap(&edits["result"], &root));
    let edits = edits["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], json!(PROGRAMME));
    ed.stop();
}

#[test]
fn references_and_rename_across_files_refusing_keywords_and_collisions() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &commun, COMMUN);
    // On « plafond » in commun.pol (line 2, « règle plafond »).
    let at =
        json!({"textDocument": {"uri": uri(&commun)}, "position": {"line": 2, "character": 8}});
    let mut with_decl = at.clone();
    with_decl["context"] = json!({"includeDeclaration": true});
    let refs = ed.request("textDocument/references", with_decl);
    insta::assert_snapshot!("références", snap(&refs["result"], &root));
    let uris: Vec<&str> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, vec![uri(&commun).as_str(), uri(&programme).as_str()]);

    let prep = ed.request("textDocument/prepareRename", at.clone());
    assert_eq!(prep["result"]["start"], json!({"line": 2, "character": 6}));

    let mut bad = at.clone();
    bad["newName"] = json!("si");
    let refused = ed.request("textDocument/rename", bad);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("n'est pas un nom valide"),
        "{refused}"
    );

    let mut clash = at.clone();
    clash["newName"] = json!("dépenses");
    let refused = ed.request("textDocument/rename", clash);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("déjà défini"),
        "{refused}"
    );

    let mut ok = at;
    ok["newName"] = json!("plafond_par_objectif");
    let edit = ed.request("textDocument/rename", ok);
    insta::assert_snapshot!("renommage", snap(&edit["result"], &root));
    let changes = edit["result"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["textDocument"]["uri"], json!(uri(&commun)));
    assert_eq!(changes[1]["textDocument"]["uri"], json!(uri(&programme)));
    assert_eq!(changes[1]["edits"][0]["newText"], "plafond_par_objectif");
    ed.stop();
}

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
    insta::assert_snapshot!("complétion_des_champs", snap(&fields["result"], &root));
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
    insta::assert_snapshot!("types_déduits", snap(&hints["result"], &root));
    let hints = hints["result"].as_array().unwrap();
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(hints[0]["label"], " : argent");

    let folds = ed.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    insta::assert_snapshot!("repliement", snap(&folds["result"], &root));
    assert!(folds["result"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["startLine"] == 0 && f["endLine"] == 1));

    let syms = ed.request("workspace/symbol", json!({"query": "plaf"}));
    insta::assert_snapshot!("symboles_de_l_espace", snap(&syms["result"], &root));
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
    insta::assert_snapshot!("corrections_rapides", snap(&actions["result"], &root));
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
    assert_eq!(selon_edit["newText"], " cas sols : 1 $ cas eau : 1 $");
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
    let data: Vec<u64> = r["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    // Decode to (line, column, length, type) and read the tokens back from the text.
    let lines: Vec<Vec<u16>> = PROGRAMME
        .lines()
        .map(|l| l.encode_utf16().collect())
        .collect();
    let (mut line, mut col) = (0u64, 0u64);
    let mut seen = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        let units = &lines[line as usize][col as usize..(col + t[2]) as usize];
        seen.push((String::from_utf16(units).unwrap(), legend[t[3] as usize]));
    }
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
    insta::assert_snapshot!("lentilles", snap(&lenses["result"], &root));
    let titles: Vec<&str> = lenses["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["1 dossier doré"]);
    ed.stop();
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
fn go_to_definition_of_imports_types_fields_and_the_standard_library() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let src = format!(
        "{PROGRAMME}importer std.regions\n\nstructure Demandeur :\n  relève : booléen\n\nentrée demandeur : Demandeur\nentrée région : RégionAdministrative\n\nrègle r : booléen = demandeur.relève et région = côte_nord\n"
    );
    open(&mut ed, &programme, &src);
    let at = |line: usize, needle: &str| {
        let l = src.lines().nth(line).unwrap();
        let col: usize = l[..l.find(needle).unwrap()]
            .chars()
            .map(char::len_utf16)
            .sum::<usize>()
            + 1;
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": line, "character": col}})
    };
    let line_of = |needle: &str| src.lines().position(|l| l.contains(needle)).unwrap();

    let import = ed.request("textDocument/definition", at(3, "commun"));
    assert_eq!(import["result"]["uri"], json!(uri(&commun)));

    let ty = ed.request(
        "textDocument/definition",
        at(line_of("entrée demandeur"), "Demandeur"),
    );
    assert_eq!(
        ty["result"]["range"]["start"]["line"],
        json!(line_of("structure Demandeur"))
    );

    let field = ed.request(
        "textDocument/definition",
        at(line_of("règle r :"), "relève"),
    );
    assert_eq!(
        field["result"]["range"]["start"],
        json!({"line": line_of("relève : booléen"), "character": 2})
    );

    let std = ed.request(
        "textDocument/definition",
        at(line_of("entrée région"), "RégionAdministrative"),
    );
    let target = std["result"]["uri"].as_str().unwrap();
    assert!(target.ends_with("/regions.pol"), "{target}");
    let path = target.trim_start_matches("file://").replace("%20", " ");
    assert!(std::fs::read_to_string(path)
        .unwrap()
        .contains("énumération RégionAdministrative"));
    ed.stop();
}

const TYPES: &str = "\
énumération Secteur :
  | grandes_cultures
  | horticole

structure Essai :
  secteur : Secteur
  superficie : ha
";

const SELON: &str = "\
programme prog « Essai »
  en vigueur du 2023-12-05 au 2026-03-31

importer commun

entrée essai : Essai

règle taux : pourcentage =
  selon essai.secteur :
    cas grandes_cultures : 50 %
    cas horticole : 25 %

règle horticole_seulement : booléen = essai.secteur = horticole
";

/// `(uri, line, character)` of each location, sorted.
fn places(v: &Value) -> Vec<(String, u64, u64)> {
    let mut out: Vec<(String, u64, u64)> = v
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap_or("").to_string(),
                l["range"]["start"]["line"].as_u64().unwrap_or(0),
                l["range"]["start"]["character"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn references_to_enumeration_values_and_structure_fields_across_files() {
    let (dir, commun, programme) = workspace();
    std::fs::write(&commun, TYPES).unwrap();
    std::fs::write(&programme, SELON).unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &commun, TYPES);
    open(&mut ed, &programme, SELON);
    let (c, p) = (uri(&commun), uri(&programme));
    let refs = |ed: &mut Editor, file: &str, line: u32, character: u32| {
        let r = ed.request(
            "textDocument/references",
            json!({"textDocument": {"uri": file}, "position": {"line": line, "character": character},
                   "context": {"includeDeclaration": true}}),
        );
        places(&r["result"])
    };
    // A value: from its declaration, from a `selon` arm and from an expression, the same places.
    let horticole = vec![(c.clone(), 2, 4), (p.clone(), 10, 8), (p.clone(), 12, 54)];
    assert_eq!(refs(&mut ed, &c, 2, 6), horticole);
    assert_eq!(refs(&mut ed, &p, 10, 9), horticole);
    assert_eq!(refs(&mut ed, &p, 12, 56), horticole);
    // A field: its declaration and both accesses.
    let secteur = vec![(c.clone(), 5, 2), (p.clone(), 8, 14), (p.clone(), 12, 44)];
    assert_eq!(refs(&mut ed, &c, 5, 3), secteur);
    assert_eq!(refs(&mut ed, &p, 12, 46), secteur);
    // Go to definition from a `selon` arm leads to the value's declaration.
    let def = ed.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": p}, "position": {"line": 10, "character": 9}}),
    );
    let def = if def["result"].is_array() {
        def["result"][0].clone()
    } else {
        def["result"].clone()
    };
    assert_eq!(def["uri"], json!(c), "{def}");
    assert_eq!(
        def["range"]["start"],
        json!({"line": 2, "character": 4}),
        "{def}"
    );
    // Renaming a value is refused with the reason: dossiers write it too.
    let refused = ed.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": p}, "position": {"line": 12, "character": 56}}),
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("dossiers JSON"),
        "{refused}"
    );
    ed.stop();
}
