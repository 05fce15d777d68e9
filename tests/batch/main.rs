//! `pol eval --lot` driven as a process: results in order on any number of threads, the same
//! outcomes as `pol eval`, a progress bar on a terminal, a French summary, nothing lost.

#[path = "../support/mod.rs"]
mod support;

use std::path::PathBuf;

use support::{code, pol, repo, stderr, stdout};

#[test]
fn batch_results_never_overwrite_the_dossiers() {
    let dir = tempfile::tempdir().unwrap();
    let lot = dir.path().join("lot.jsonl");
    std::fs::write(&lot, "{\"x\": 1}\n").unwrap();
    let prog = dir.path().join("p.pol");
    std::fs::write(
        &prog,
        "programme p « P »\n  en vigueur du 2000-01-01 au 2099-12-31\n  sorties r\nentrée x : entier\nrègle r = x\n",
    )
    .unwrap();
    let hard = dir.path().join("lien.jsonl");
    std::fs::hard_link(&lot, &hard).unwrap();
    for out in [&lot, &hard] {
        let o = pol(
            &[
                "eval",
                prog.to_str().unwrap(),
                "--lot",
                lot.to_str().unwrap(),
                "--sortie",
                out.to_str().unwrap(),
                "--date",
                "2025-01-01",
            ],
            dir.path(),
        );
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(
            stderr(&o).contains("est le fichier des dossiers"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read_to_string(&lot).unwrap(), "{\"x\": 1}\n");
    }
}

#[test]
fn a_batch_gives_the_same_lines_in_the_same_order_on_any_number_of_threads() {
    // Every golden dossier of 1.1 as a batch line (its own date being the deposit's, the
    // batch date is the evaluation date), with a blank line and a line that is not JSON.
    let dir = tempfile::tempdir().unwrap();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/dossiers/prime-vert"))
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("1.1-"))
        .collect();
    paths.sort();
    let mut lines = Vec::new();
    for p in paths {
        let d: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let mut e = d["entrées"].clone();
        e["id"] = serde_json::json!(p.file_name().unwrap().to_string_lossy());
        lines.push(e.to_string());
    }
    lines.insert(10, String::new());
    lines.insert(20, "pas du JSON".into());
    let lot = dir.path().join("lot.jsonl");
    std::fs::write(&lot, lines.join("\n") + "\n").unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(format!("r{threads}.jsonl"));
        let o = pol(
            &[
                "eval",
                "prime-vert/sous_volet_1_1.pol",
                "--lot",
                lot.to_str().unwrap(),
                "--sortie",
                out.to_str().unwrap(),
                "--date",
                "2025-06-01",
                "--identifiant",
                "id",
                "--fils",
                threads,
            ],
            &repo(),
        );
        assert_eq!(code(&o), 1, "one line is not JSON: {}", stderr(&o));
        assert!(stderr(&o).contains("erreur : ligne 21 :"), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("erreur : ligne 11 : la ligne est vide"),
            "{}",
            stderr(&o)
        );
        std::fs::read_to_string(out).unwrap()
    };
    let one = run("1");
    assert_eq!(one, run("3"), "the same result lines, in the same order");
    let records: Vec<&str> = one.lines().collect();
    // One result per line, blank ones included, in input order: the ids come back as they
    // went, and a line that is not a dossier says its number.
    assert_eq!(records.len(), lines.len());
    let first: serde_json::Value = serde_json::from_str(records[0]).unwrap();
    assert_eq!(first["id"], "1.1-01-desherbage-taux-de-base.json");
    for (i, line) in [(10, 11), (20, 21)] {
        let r: serde_json::Value = serde_json::from_str(records[i]).unwrap();
        assert_eq!(r["ligne"], line, "{r}");
        assert_eq!(r["erreurs"][0]["code"], "pol::dossier::json", "{r}");
    }
    // 1.1-01: 10 000 $ × 50 % = 5 000 $, as in its golden dossier.
    assert_eq!(first["aide"], "5000.00");
    let o = pol(
        &[
            "eval",
            "prime-vert",
            "--lot",
            "x",
            "--sortie",
            "y",
            "--date",
            "2025-06-01",
            "--fils",
            "0",
        ],
        &repo(),
    );
    assert_eq!(code(&o), 2);
}

#[test]
fn every_golden_dossier_gives_the_same_outcome_through_the_batch_as_through_eval() {
    use std::collections::BTreeMap;
    // Every golden dossier of every programme, grouped by programme and evaluation date (a
    // batch has one date), through `pol eval --lot`; each line compared with `pol eval
    // --format json` on the same dossier.
    let mut groups: BTreeMap<(String, String), Vec<(PathBuf, serde_json::Value)>> = BTreeMap::new();
    let mut stack = vec![repo().join("tests/dossiers")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let d: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let key = (
                d["programme"].as_str().unwrap().to_string(),
                d["date"].as_str().unwrap().to_string(),
            );
            groups.entry(key).or_default().push((p, d));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for ((programme, date), dossiers) in &groups {
        let lot = dir.path().join("lot.jsonl");
        let out = dir.path().join("out.jsonl");
        let lines: Vec<String> = dossiers
            .iter()
            .map(|(_, d)| d["entrées"].to_string())
            .collect();
        std::fs::write(&lot, lines.join("\n") + "\n").unwrap();
        pol(
            &[
                "eval",
                programme,
                "--lot",
                lot.to_str().unwrap(),
                "--sortie",
                out.to_str().unwrap(),
                "--date",
                date,
            ],
            &repo(),
        );
        let records: Vec<serde_json::Value> = std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(records.len(), dossiers.len(), "{programme} {date}");
        for ((path, _), record) in dossiers.iter().zip(&records) {
            let o = pol(
                &[
                    "eval",
                    programme,
                    path.to_str().unwrap(),
                    "--format",
                    "json",
                ],
                &repo(),
            );
            let eval: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let name = path.display();
            if let Some(errors) = eval["erreurs"].as_array() {
                let codes = |v: &[serde_json::Value]| {
                    v.iter().map(|e| e["code"].clone()).collect::<Vec<_>>()
                };
                assert_eq!(
                    codes(errors),
                    codes(record["erreurs"].as_array().unwrap()),
                    "{name}"
                );
            } else {
                for (k, v) in eval["sorties"].as_object().unwrap() {
                    assert_eq!(&record[k], v, "{name} : {k}");
                }
                let motifs = eval["motifs"].as_object().unwrap();
                let names = |m: &serde_json::Value| -> serde_json::Value {
                    match m.as_array() {
                        Some(a) => a.iter().map(|c| c["condition"].clone()).collect(),
                        None => m.clone(),
                    }
                };
                let expected: serde_json::Value = match motifs.len() {
                    1 => names(motifs.values().next().unwrap()),
                    _ => motifs
                        .iter()
                        .map(|(k, m)| (k.clone(), names(m)))
                        .collect::<serde_json::Map<_, _>>()
                        .into(),
                };
                assert_eq!(record["motifs"], expected, "{name}");
            }
            compared += 1;
        }
    }
    assert!(compared >= 390, "{compared}");
}

/// The inputs of a golden dossier of 1.1, as one batch line.
fn line_of(dossier: &str, id: &str) -> String {
    let path = repo().join("tests/dossiers/prime-vert").join(dossier);
    let d: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut e = d["entrées"].clone();
    e["id"] = serde_json::json!(id);
    e.to_string()
}

fn policy() -> String {
    repo()
        .join("policies/prime-vert/sous_volet_1_1.pol")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn results_go_to_standard_output_with_a_french_summary_and_every_bad_line_its_own_record() {
    let dir = tempfile::tempdir().unwrap();
    // 1.1-01: 10 000 $ of désherbage at 50 %, admissible. 1.1-06: 999,97 $ at 50 % gives
    // 499,99 $, under the 500 $ minimum: refused. A blank line, a line that is not UTF-8, a
    // CRLF ending.
    let mut lot = Vec::new();
    lot.extend(line_of("1.1-01-desherbage-taux-de-base.json", "a").as_bytes());
    lot.extend(b"\r\n");
    lot.extend(line_of("1.1-06-minimum-500-manque-un-cent.json", "b").as_bytes());
    lot.extend(b"\n\n{\"id\": \"\xff\"}\n");
    lot.extend(line_of("1.1-01-desherbage-taux-de-base.json", "c").as_bytes());
    std::fs::write(dir.path().join("lot.jsonl"), lot).unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "eval",
            "POLICY",
            "--lot",
            "lot.jsonl",
            "--sortie",
            "-",
            "--date",
            "2025-06-01",
            "--identifiant",
            "id",
        ];
        a.extend(extra);
        a
    };
    let p = policy();
    let with_policy = |a: Vec<&'static str>| {
        a.into_iter()
            .map(|x| if x == "POLICY" { p.as_str() } else { x })
            .collect::<Vec<_>>()
    };
    let o = pol(&with_policy(args(&[])), dir.path());
    assert_eq!(code(&o), 1, "one line is in error: {}", stderr(&o));
    assert!(
        !dir.path().join("-").exists(),
        "« - » is standard output, not a file"
    );
    let records: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<Option<&str>> = records.iter().map(|r| r["id"].as_str()).collect();
    // The blank line and the line that is not UTF-8 get their records, without identifier
    // (none could be read) but with their line numbers.
    assert_eq!(ids, [Some("a"), Some("b"), None, None, Some("c")]);
    assert_eq!(records[0]["aide"], "5000.00");
    assert_eq!(
        records[1]["motifs"],
        serde_json::json!(["au_moins_500_dollars"])
    );
    for (i, line) in [(2, 3), (3, 4)] {
        assert_eq!(records[i]["ligne"], line, "{}", records[i]);
        assert_eq!(records[i]["erreurs"][0]["code"], "pol::dossier::json");
    }
    let err = stderr(&o);
    assert!(
        err.contains("erreur : ligne 4 : la ligne n'est pas du texte UTF-8 valide"),
        "{err}"
    );
    assert!(
        err.contains("erreur : ligne 3 : la ligne est vide"),
        "{err}"
    );
    assert!(err.contains("5 dossiers évalués en "), "{err}");
    assert!(err.contains(") : 2 en erreur"), "{err}");
    assert!(err.contains("  admissible : 2 oui, 1 non"), "{err}");
    assert!(
        err.contains("chemin ordinaire (erreurs, formes rares) : 1"),
        "{err}"
    );
    assert!(
        !err.contains("setup_s") && !err.contains("· reste"),
        "no timings, no bar in a pipe: {err}"
    );
    // The raw timings, for harnesses, only when asked: the last line of standard error.
    let o = pol(&with_policy(args(&["--chronos"])), dir.path());
    let last: serde_json::Value = serde_json::from_str(stderr(&o).lines().last().unwrap()).unwrap();
    for key in ["setup_s", "eval_s", "io_s", "fils"] {
        assert!(last[key].is_number(), "{last}");
    }
}

#[test]
fn a_progress_bar_shows_when_standard_error_is_a_terminal() {
    // `script` gives the command a terminal, as a user's shell does.
    let dir = tempfile::tempdir().unwrap();
    let line = line_of("1.1-01-desherbage-taux-de-base.json", "x");
    std::fs::write(dir.path().join("lot.jsonl"), (line + "\n").repeat(6000)).unwrap();
    let command = format!(
        "{} eval {} --lot lot.jsonl --sortie r.jsonl --date 2025-06-01 --fils 1",
        env!("CARGO_BIN_EXE_pol"),
        policy()
    );
    let o = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .output()
        .expect("script (util-linux) se lance");
    let seen = String::from_utf8_lossy(&o.stdout).replace('\r', "\n");
    assert!(
        seen.contains(" dossiers · ") && seen.contains("· reste"),
        "{seen}"
    );
    assert!(seen.contains("6 000 dossiers évalués en "), "{seen}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("r.jsonl"))
            .unwrap()
            .lines()
            .count(),
        6000
    );
}

#[test]
fn dossiers_can_come_from_standard_input() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        line_of("1.1-06-minimum-500-manque-un-cent.json", "b"),
        line_of("1.1-01-desherbage-taux-de-base.json", "a"),
    ];
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pol"))
        .args([
            "eval",
            &policy(),
            "--lot",
            "-",
            "--sortie",
            "-",
            "--date",
            "2025-06-01",
            "--identifiant",
            "id",
        ])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("pol se lance");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(lines.join("\n").as_bytes()).unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let records: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // In input order: 1.1-06 is refused under the 500 $ minimum, 1.1-01 gets 5 000 $.
    assert_eq!(records[0]["id"], "b");
    assert_eq!(records[0]["admissible"], false);
    assert_eq!(records[1]["id"], "a");
    assert_eq!(records[1]["aide"], "5000.00");
    assert!(
        stderr(&o).contains("2 dossiers évalués en "),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("-").exists());
}
