//! The test client: spawns `pol lsp` and speaks JSON-RPC over stdio exactly as an editor
//! does, and the small workspace the tests share.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

pub struct Editor {
    pub child: Child,
    pub stdin: ChildStdin,
    pub incoming: Receiver<Value>,
    pub pending: Vec<Value>,
    pub next_id: i64,
}

impl Editor {
    pub fn start(root: &Path) -> Editor {
        Editor::start_with(root, json!({}), &[])
    }

    /// Starts the server with the editor's `capabilities` and extra environment variables.
    pub fn start_with(root: &Path, capabilities: Value, env: &[(&str, &Path)]) -> Editor {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pol"));
        command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("pol lsp démarre");
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
            json!({"processId": null, "rootUri": uri, "capabilities": capabilities, "workspaceFolders": [{"uri": uri, "name": "essai"}]}),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "pol");
        editor.notify("initialized", json!({}));
        editor
    }

    pub fn send(&mut self, msg: Value) {
        let body = serde_json::to_string(&msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next message from the server; its requests (registering a watcher…) are answered
    /// as an editor does.
    pub fn recv(&mut self) -> Value {
        let msg = self
            .incoming
            .recv_timeout(Duration::from_secs(20))
            .expect("le serveur répond en moins de 20 s");
        if msg.get("method").is_some() && msg.get("id").is_some() {
            self.send(json!({"jsonrpc": "2.0", "id": msg["id"], "result": null}));
        }
        msg
    }

    /// The next message with `method` sent by the server (a notification or a request).
    pub fn next_from_server(&mut self, method: &str) -> Value {
        loop {
            if let Some(i) = self.pending.iter().position(|m| m["method"] == method) {
                return self.pending.remove(i);
            }
            let msg = self.recv();
            self.pending.push(msg);
        }
    }

    /// Whether the server published diagnostics for `file` (among what it sent so far).
    pub fn published_for(&mut self, file: &Path) -> bool {
        self.settle();
        let want = uri(file);
        self.pending.iter().any(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(want)
        })
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
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
    pub fn settle(&mut self) {
        while let Ok(m) = self.incoming.recv_timeout(Duration::from_millis(500)) {
            if m.get("method").is_some() && m.get("id").is_some() {
                self.send(json!({"jsonrpc": "2.0", "id": m["id"], "result": null}));
            }
            self.pending.push(m);
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `file`.
    pub fn diagnostics_for(&mut self, file: &Path) -> Vec<Value> {
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

    pub fn stop(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success());
    }
}

/// A response as a stable snapshot: pretty JSON with the temporary folder replaced.
pub fn snap(v: &Value, root: &Path) -> String {
    let text = serde_json::to_string_pretty(v).unwrap();
    text.replace(&uri(root), "file://<racine>")
        .replace(&root.display().to_string(), "<racine>")
}

pub fn uri(p: &Path) -> String {
    format!("file://{}", p.display()).replace(' ', "%20")
}

pub const COMMUN: &str = "\
## Le plafond par objectif.
§ « Montant maximal d'aide financière »
règle plafond : argent = 40 000 $
";

pub const PROGRAMME: &str = "\
programme essai « Essai »
  en vigueur du 2023-12-05 au 2026-03-31

importer commun

entrée dépenses : argent

# une règle de l'analyste, avec des accents : é è ê 🌾
règle aide : argent = min(dépenses × 50 %, plafond)
";

pub fn workspace() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
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

pub fn open(editor: &mut Editor, path: &Path, text: &str) {
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(path), "languageId": "pol", "version": 1, "text": text}}),
    );
}

/// `(uri, line, character)` of each location, sorted.
pub fn places(v: &Value) -> Vec<(String, u64, u64)> {
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

/// Asserts an insta snapshot stored in `tests/snapshots/` under the name `lsp__<name>`.
#[macro_export]
macro_rules! snapshot {
    ($name:literal, $value:expr) => {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(concat!("lsp__", $name), $value);
        })
    };
}

/// A text with LSP edits (UTF-16 positions, not overlapping) applied, as an editor does.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[start..];
        let mut units = 0;
        for (i, c) in rest.char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, t);
    }
    out
}

/// Applies a rename's `documentChanges` to the files on disk (the editor saving them).
pub fn apply_to_disk(edit: &Value) {
    for change in edit["documentChanges"].as_array().unwrap() {
        let u = change["textDocument"]["uri"].as_str().unwrap();
        let path = std::path::PathBuf::from(u.trim_start_matches("file://").replace("%20", " "));
        let text = std::fs::read_to_string(&path).unwrap();
        let new = apply_edits(&text, change["edits"].as_array().unwrap());
        std::fs::write(&path, new).unwrap();
    }
}
