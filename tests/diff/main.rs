//! `pol diff`, driven as a process on copies of the policies made into git repositories.
//! Every expected figure is computed by hand from the rules and the golden dossiers, as the
//! comments say.

mod madi;
mod prime_vert;
mod small;
#[path = "../support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value as Json;
pub use support::{pol, repo};

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.email=essai@pol",
            "-c",
            "user.name=essai",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git se lance");
    assert!(o.status.success(), "git {args:?} : {}", text(&o));
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A copy of Prime-Vert and its golden dossiers, committed in a fresh git repository.
pub fn prime_vert_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("policies/prime-vert"),
        &dir.path().join("policies/prime-vert"),
    );
    copy_dir(
        &repo().join("tests/dossiers/prime-vert"),
        &dir.path().join("tests/dossiers/prime-vert"),
    );
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    dir
}

pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "« {from} » une seule fois dans {}",
        path.display()
    );
    std::fs::write(path, text.replace(from, to)).unwrap();
}

pub fn json_of(o: &Output) -> Json {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e} : {}", text(o)))
}

/// The listed dossiers of the first programme, by file name.
pub fn dossiers(report: &Json) -> Vec<(String, &Json)> {
    report["programmes"][0]["dossiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let name = d["dossier"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            (name, d)
        })
        .collect()
}

pub fn output<'a>(d: &'a Json, name: &str) -> Option<&'a Json> {
    d["sorties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["sortie"] == name)
}

pub fn causes(d: &Json) -> Vec<&str> {
    d["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["définition"].as_str().unwrap())
        .collect()
}

pub fn money_total<'a>(report: &'a Json, name: &str) -> &'a Json {
    report["programmes"][0]["montants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["sortie"] == name)
        .unwrap()
}

pub const V11: &str = "policies/prime-vert/sous_volet_1_1.pol";
