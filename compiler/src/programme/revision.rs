//! Another revision of a policy tree: the same tree at a git revision (read with the `git`
//! command), or another copy of it in a folder. Loaded at the same root as the working tree,
//! so that a file has one path on both sides.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::db::Database;
use crate::files::{find_files, io_words};

/// Where the other side of a comparison comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// A git revision of the repository holding the tree (`HEAD`, a branch, a commit).
    Git(String),
    /// A folder holding another copy of the tree (`policies/`, or a folder that has one).
    Folder(PathBuf),
}

impl Base {
    /// A folder if one exists at that path, else a git revision.
    pub fn parse(arg: &str) -> Base {
        let p = PathBuf::from(arg);
        if p.is_dir() {
            Base::Folder(p)
        } else {
            Base::Git(arg.to_string())
        }
    }

    /// The base as said to the user.
    pub fn describe(&self) -> String {
        match self {
            Base::Git(rev) => format!("la révision git « {rev} »"),
            Base::Folder(p) => format!("le dossier « {} »", p.display()),
        }
    }
}

/// The `.pol` files of the tree rooted at `root` as they are at `base`: paths under `root`
/// and texts. A file that is not UTF-8 is an error naming it.
pub fn base_files(root: &Path, base: &Base) -> Result<Vec<(PathBuf, String)>, String> {
    match base {
        Base::Git(rev) => git_files(root, rev),
        Base::Folder(dir) => folder_files(root, dir),
    }
}

/// A database rooted at `root` holding the tree as it is at `base`.
pub fn load_base(root: &Path, base: &Base) -> Result<Database, String> {
    let mut db = Database::new(root);
    for (path, text) in base_files(root, base)? {
        db.set_file(path, &text);
    }
    Ok(db)
}

fn folder_files(root: &Path, dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let other = super::locate::workspace_policies(dir);
    let other = std::fs::canonicalize(&other).unwrap_or(other);
    let mut out = Vec::new();
    for f in find_files(&other, "pol").map_err(|e| e.0)? {
        let text = std::fs::read_to_string(&f)
            .map_err(|e| format!("impossible de lire « {} » : {}", f.display(), io_words(&e)))?;
        let rel = f.strip_prefix(&other).unwrap_or(&f);
        out.push((root.join(rel), text));
    }
    Ok(out)
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(git_missing)?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn git_missing(e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "la commande git est introuvable : installez git, ou comparez à un dossier (--base DOSSIER)"
            .into()
    } else {
        format!("impossible de lancer git : {}", io_words(&e))
    }
}

fn git_files(root: &Path, rev: &str) -> Result<Vec<(PathBuf, String)>, String> {
    let top = git(root, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        format!(
            "« {} » n'est pas dans un dépôt git : comparez à un dossier (--base DOSSIER)",
            root.display()
        )
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let commit = format!("{rev}^{{commit}}");
    git(&top, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
        format!(
            "la révision git « {rev} » est inconnue du dépôt {}",
            top.display()
        )
    })?;
    let prefix = root.strip_prefix(&top).unwrap_or(Path::new(""));
    let mut spec = prefix.display().to_string();
    if spec.is_empty() {
        spec.push('.');
    }
    let listing = git(
        &top,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "--full-tree",
            rev,
            "--",
            &spec,
        ],
    )?;
    let names: Vec<String> = listing
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .filter(|n| n.ends_with(".pol"))
        .collect();
    let texts = cat_files(&top, rev, &names)?;
    Ok(names
        .iter()
        .zip(texts)
        .map(|(n, t)| (top.join(n), t))
        .collect())
}

/// The texts of files at a revision, read through one `git cat-file --batch`.
fn cat_files(top: &Path, rev: &str, names: &[String]) -> Result<Vec<String>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(git_missing)?;
    let mut stdin = child.stdin.take().ok_or("git ne lit pas sa requête")?;
    let requests: String = names.iter().map(|n| format!("{rev}:{n}\n")).collect();
    // Written from another thread: git answers while it reads, and a pipe holds little.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut reader = BufReader::new(child.stdout.take().ok_or("git ne répond pas")?);
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("lecture de git : {}", io_words(&e)))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("git ne donne pas « {name} » à la révision « {rev} »"))?;
        let mut bytes = vec![0; size + 1];
        reader
            .read_exact(&mut bytes)
            .map_err(|e| format!("lecture de git : {}", io_words(&e)))?;
        bytes.pop();
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("« {name} » à la révision « {rev} » n'est pas du texte UTF-8"))?;
        out.push(text);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(out)
}
