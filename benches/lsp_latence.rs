//! Edit-to-diagnostics latency of `pol lsp`, measured as an editor feels it: the time from
//! sending a `didChange` to receiving the `publishDiagnostics` that follows, over stdio.
//!
//!     cargo bench --bench lsp_latence
//!
//! Two workspaces: the shipped `policies/`, and a generated one of 10 000 lines (20 files of
//! 500 lines, each importing the previous one and every rule using a rule of it, as policies
//! do). Three scenarios: a value edited in the shipped policies, a rule's body edited in the
//! middle of the generated workspace (its dependents in ten files), and a rule typed there
//! character by character (one `didChange` per character, accents included). Then the same
//! workspace as one file of 10 000 lines, and the three with the requests VS Code sends after
//! each keystroke (semantic tokens, code lenses, symbols, folding ranges, inlay hints): edit to
//! diagnostics, edit to the last answer, and edit to each request's answer (the server
//! answers them one after the other). Prints p50 and p95 of each (`N` sets the number of
//! edits, 200 by default).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display()).replace(' ', "%20")
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pol"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("pol lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0;
                loop {
                    let mut l = String::new();
                    if r.read_line(&mut l).unwrap_or(0) == 0 {
                        return;
                    }
                    let l = l.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l.strip_prefix("Content-Length: ") {
                        len = v.parse().unwrap_or(0);
                    }
                }
                let mut b = vec![0; len];
                if r.read_exact(&mut b).is_err() {
                    return;
                }
                if let Ok(v) = serde_json::from_slice(&b) {
                    let _ = tx.send(v);
                }
            }
        });
        let mut s = Server { child, stdin, rx };
        s.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": uri(root), "capabilities": {}}}));
        s.wait(|m| m["id"] == 1);
        s.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        s
    }

    fn send(&mut self, v: Value) {
        let b = serde_json::to_string(&v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", b.len(), b).unwrap();
        self.stdin.flush().unwrap();
    }

    fn wait(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .rx
                .recv_timeout(Duration::from_secs(60))
                .expect("réponse du serveur");
            if pred(&m) {
                return m;
            }
        }
    }

    fn drain(&mut self) {
        while self.rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
    }

    fn stop(mut self) {
        self.send(json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown"}));
        self.wait(|m| m["id"] == 99);
        self.send(json!({"jsonrpc": "2.0", "method": "exit"}));
        let _ = self.child.wait();
    }
}

/// `n` edits replacing line `line` of `text`, alternating two bodies.
fn alternating_edits(text: &str, line: u32, bodies: [&str; 2], n: usize) -> Vec<Value> {
    let mut cur_len = text
        .lines()
        .nth(line as usize)
        .unwrap()
        .chars()
        .map(char::len_utf16)
        .sum::<usize>();
    (0..n)
        .map(|i| {
            let body = bodies[i % 2];
            let change = json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": cur_len}}, "text": body});
            cur_len = body.chars().map(char::len_utf16).sum();
            change
        })
        .collect()
}

/// Times `n` edits of the line `line` of `file` (alternating two bodies), in milliseconds.
fn measure(root: &Path, file: &Path, line: u32, bodies: [&str; 2], n: usize) -> Vec<f64> {
    let text = std::fs::read_to_string(file).unwrap();
    let edits = alternating_edits(&text, line, bodies, n);
    time_edits(root, file, &text, edits, false).diagnostics
}

/// Times typing `typed` at the start of line `line` of `file`, one character per edit, then
/// deleting it back one character per edit (`n` edits in all), in milliseconds.
fn measure_typing(root: &Path, file: &Path, line: u32, typed: &str, n: usize) -> Vec<f64> {
    let text = std::fs::read_to_string(file).unwrap();
    let chars: Vec<char> = typed.chars().collect();
    let mut edits = Vec::with_capacity(n);
    let mut col = 0u32;
    while edits.len() < n {
        for c in &chars {
            edits.push(json!({"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": c.to_string()}));
            col += c.len_utf16() as u32;
        }
        for c in chars.iter().rev() {
            let start = col - c.len_utf16() as u32;
            edits.push(json!({"range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": col}}, "text": ""}));
            col = start;
        }
    }
    edits.truncate(n);
    time_edits(root, file, &text, edits, false).diagnostics
}

/// Times `n` edits of line `line` (alternating two bodies) with the editor's usual requests
/// after each: edit to diagnostics, and edit to the last answer.
fn measure_with_requests(
    root: &Path,
    file: &Path,
    line: u32,
    bodies: [&str; 2],
    n: usize,
) -> Timings {
    let text = std::fs::read_to_string(file).unwrap();
    let edits = alternating_edits(&text, line, bodies, n);
    time_edits(root, file, &text, edits, true)
}

/// Edit to diagnostics, edit to the last answer, and edit to each request's answer; the
/// answers that were errors (a request cancelled by an edit, for one).
struct Timings {
    diagnostics: Vec<f64>,
    answered: Vec<f64>,
    by_method: BTreeMap<&'static str, Vec<f64>>,
    errors: usize,
}

/// What an editor asks after each keystroke, as VS Code does for a visible document (the
/// tokens as a delta from the last result, once there is one).
const AFTER_EACH_EDIT: &[&str] = &[
    "textDocument/semanticTokens/full",
    "textDocument/codeLens",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/inlayHint",
];

/// Opens `file` and times each change, from sending it to the diagnostics of `file`. With
/// `requests`, the editor's usual requests follow each change, and the second list holds
/// the time until the last of their answers.
fn time_edits(
    root: &Path,
    file: &Path,
    text: &str,
    changes: Vec<Value>,
    requests: bool,
) -> Timings {
    let mut s = Server::start(root);
    let u = uri(file);
    s.send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": u, "languageId": "pol", "version": 1, "text": text}}}));
    s.drain();
    let lines = text.lines().count() as u32;
    let (mut times, mut answered) = (Vec::with_capacity(changes.len()), Vec::new());
    let mut by_method: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    let mut errors = 0;
    let mut next_id = 1000;
    // Tokens are asked again as VS Code does: what changed since the last result.
    let (mut tokens_id, mut tokens_request): (Option<String>, u64) = (None, 0);
    for (i, change) in changes.into_iter().enumerate() {
        let t = Instant::now();
        s.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": u, "version": i + 2},
                "contentChanges": [change]
            }}),
        );
        let ids: Vec<(u64, &'static str)> = if requests {
            AFTER_EACH_EDIT
                .iter()
                .map(|method| {
                    next_id += 1;
                    let mut params = json!({"textDocument": {"uri": u}});
                    let mut method = *method;
                    if method == "textDocument/inlayHint" {
                        params["range"] = json!({"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}});
                    }
                    if method == "textDocument/semanticTokens/full" {
                        tokens_request = next_id;
                        if let Some(previous) = &tokens_id {
                            method = "textDocument/semanticTokens/full/delta";
                            params["previousResultId"] = json!(previous);
                        }
                    }
                    s.send(json!({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params}));
                    (next_id, method)
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut pending: BTreeMap<u64, &'static str> = ids.into_iter().collect();
        let mut diagnosed = None;
        while diagnosed.is_none() || !pending.is_empty() {
            let m = s.wait(|_| true);
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(u) {
                diagnosed.get_or_insert(t.elapsed().as_secs_f64() * 1000.0);
            }
            if let Some(id) = m["id"].as_u64() {
                if let Some(method) = pending.remove(&id) {
                    let ms = t.elapsed().as_secs_f64() * 1000.0;
                    by_method.entry(method).or_default().push(ms);
                    errors += usize::from(!m["error"].is_null());
                }
                if id == tokens_request {
                    tokens_id = m["result"]["resultId"].as_str().map(str::to_string);
                }
            }
        }
        times.push(diagnosed.unwrap_or_default());
        if requests {
            answered.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        // Let every publication of this edit arrive before the next one.
        s.drain();
    }
    s.stop();
    Timings {
        diagnostics: times,
        answered,
        by_method,
        errors,
    }
}

fn report(label: &str, mut t: Vec<f64>) {
    t.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| t[((t.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{label} : {} modifications, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        t.len(),
        q(0.5),
        q(0.95),
        q(1.0)
    );
}

/// Prints what `measure_with_requests` measured.
fn report_with_requests(label: &str, t: Timings) {
    report(
        &format!("{label}, avec les requêtes de l'éditeur : diagnostics"),
        t.diagnostics,
    );
    report(
        &format!("{label}, avec les requêtes de l'éditeur : toutes les réponses"),
        t.answered,
    );
    for (method, times) in t.by_method {
        report(&format!("{label}, réponse à {method}"), times);
    }
    println!("{label}, réponses en erreur : {}", t.errors);
}

fn generated_workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("policies/gros");
    std::fs::create_dir_all(&root).unwrap();
    for f in 0..20 {
        let mut s = String::new();
        if f > 0 {
            s.push_str(&format!("importer module_{}\n\n", f - 1));
        }
        s.push_str(&format!("entrée montant_{f} : argent\n\n"));
        let mut lines = s.lines().count();
        let mut r = 0;
        while lines < 500 {
            // Every rule uses the imported file's rule of the same rank.
            let used = if f > 0 {
                format!("r_{}_{r}", f - 1)
            } else {
                format!("{r} $")
            };
            s.push_str(&format!(
                "§ « Section {f}.{r} »\nrègle r_{f}_{r} : argent = montant_{f} × 50 % + {used}\n\n"
            ));
            lines += 3;
            r += 1;
        }
        std::fs::write(root.join(format!("module_{f}.pol")), s).unwrap();
    }
    let dir_path = std::fs::canonicalize(dir.path()).unwrap();
    (dir, dir_path)
}

/// The generated workspace's twenty modules as one file of about 10 000 lines.
fn generated_single_file() -> (tempfile::TempDir, PathBuf) {
    let (keep, root) = generated_workspace();
    let dir = root.join("policies/gros");
    let mut all = String::new();
    for f in 0..20 {
        let text = std::fs::read_to_string(dir.join(format!("module_{f}.pol"))).unwrap();
        all.extend(
            text.lines()
                .filter(|l| !l.starts_with("importer"))
                .map(|l| format!("{l}\n")),
        );
        std::fs::remove_file(dir.join(format!("module_{f}.pol"))).unwrap();
    }
    std::fs::write(dir.join("tout.pol"), all).unwrap();
    (keep, root)
}

/// 40 000 comment lines after a rule (issue 14: 35 s per keystroke), the rule edited.
fn hostile_comments(n: usize) {
    let comments = tempfile::tempdir().unwrap();
    let dir = comments.path().join("policies");
    std::fs::create_dir(&dir).unwrap();
    let text: String = std::iter::once("règle a : entier = 1\n".to_string())
        .chain((0..40_000).map(|i| format!("# commentaire {i}\n")))
        .chain(std::iter::once("règle b : entier = 2\n".to_string()))
        .collect();
    std::fs::write(dir.join("commentaires.pol"), text).unwrap();
    report(
        "40 000 lignes de commentaire après une règle",
        measure(
            comments.path(),
            &dir.join("commentaires.pol"),
            0,
            ["règle a : entier = 1", "règle a : entier = 2"],
            n,
        ),
    );
}

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let n = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let pv = repo.join("policies/prime-vert/sous_volet_1_1.pol");
    let line = std::fs::read_to_string(&pv)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("règle plafond_par_demandeur"))
        .unwrap() as u32;
    report(
        "policies/ (Prime-Vert)",
        measure(
            &repo,
            &pv,
            line,
            [
                "règle plafond_par_demandeur : argent = 40 000 $",
                "règle plafond_par_demandeur : argent = 40 001 $",
            ],
            n,
        ),
    );
    hostile_comments(n);
    let (_keep, root) = generated_workspace();
    let file = root.join("policies/gros/module_10.pol");
    let total: usize = (0..20)
        .map(|f| {
            std::fs::read_to_string(root.join(format!("policies/gros/module_{f}.pol")))
                .unwrap()
                .lines()
                .count()
        })
        .sum();
    let line = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("règle r_10_50 "))
        .unwrap() as u32;
    report(
        &format!("espace généré ({total} lignes, 20 fichiers)"),
        measure(
            &root,
            &file,
            line,
            [
                "règle r_10_50 : argent = montant_10 × 50 % + r_9_50 + 1 $",
                "règle r_10_50 : argent = montant_10 × 50 % + r_9_50 + 2 $",
            ],
            n,
        ),
    );
    report(
        &format!("espace généré ({total} lignes), frappe caractère par caractère"),
        measure_typing(
            &root,
            &file,
            line,
            "règle élevée : argent = r_9_50 × 2 + montant_10\n",
            n,
        ),
    );
    let (_keep_one, one) = generated_single_file();
    let big = one.join("policies/gros/tout.pol");
    let big_text = std::fs::read_to_string(&big).unwrap();
    let line = big_text
        .lines()
        .position(|l| l.starts_with("règle r_10_50 "))
        .unwrap() as u32;
    report(
        &format!("un seul fichier de {} lignes", big_text.lines().count()),
        measure(
            &one,
            &big,
            line,
            [
                "règle r_10_50 : argent = montant_10 × 50 % + r_9_50 + 1 $",
                "règle r_10_50 : argent = montant_10 × 50 % + r_9_50 + 2 $",
            ],
            n,
        ),
    );
    // As VS Code asks after each keystroke: tokens, lenses, symbols, folding, inlay hints.
    let with_requests = |label: &str, root: &Path, file: &Path, marker: &str, bodies: [&str; 2]| {
        let line = std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .position(|l| l.starts_with(marker))
            .unwrap() as u32;
        report_with_requests(label, measure_with_requests(root, file, line, bodies, n));
    };
    with_requests(
        "policies/ (Prime-Vert)",
        &repo,
        &pv,
        "règle plafond_par_demandeur",
        [
            "règle plafond_par_demandeur : argent = 40 000 $",
            "règle plafond_par_demandeur : argent = 40 001 $",
        ],
    );
    let bodies = [
        "règle r_10_50 : argent = montant_10 × 50 % + r_9_50 + 1 $",
        "règle r_10_50 : argent = montant_10 × 50 % + r_9_50 + 2 $",
    ];
    with_requests("espace généré", &root, &file, "règle r_10_50 ", bodies);
    with_requests("un seul fichier", &one, &big, "règle r_10_50 ", bodies);
}
