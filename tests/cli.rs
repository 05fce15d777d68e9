//! The command line, driven as a process, the way developers and CI use it.

use std::path::{Path, PathBuf};

#[path = "support/mod.rs"]
mod support;

use support::{code, pol, repo, stderr, stdout};

#[test]
fn check_is_clean_on_the_shipped_policies() {
    let o = pol(&["check"], &repo());
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("0 erreur"), "{}", stdout(&o));
}

#[test]
fn a_copy_with_three_independent_mistakes_gets_three_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies").join("prime-vert");
    std::fs::create_dir_all(&policies).unwrap();
    let src = repo().join("policies/prime-vert");
    for f in ["commun.pol", "sous_volet_1_1.pol"] {
        std::fs::copy(src.join(f), policies.join(f)).unwrap();
    }
    let path = policies.join("sous_volet_1_1.pol");
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text
        // 1. a syntax error
        .replace(
            "règle plafond_par_demandeur : argent = 40 000 $",
            "règle plafond_par_demandeur : argent = 40 000 $ +",
        )
        // 2. a unit error
        .replace(
            "règle plafond_par_branche : argent = 40 000 $",
            "règle plafond_par_branche : argent = 40 000 $/ha",
        )
        // 3. a misspelt name
        .replace(
            "règle aide_calculée : argent = aide_sur_dépenses_après_cumul + aide_forfaitaire",
            "règle aide_calculée : argent = aide_sur_dépenses_après_cumul + aide_forfaitair",
        );
    assert_ne!(text, broken);
    std::fs::write(&path, broken).unwrap();
    let o = pol(&["check", "policies"], dir.path());
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("3 erreurs"), "{out}");
    assert!(out.contains("pol::syntaxe"), "{out}");
    assert!(out.contains("pol::type::unités"), "{out}");
    assert!(
        out.contains("voulez-vous dire « aide_forfaitaire » ?"),
        "{out}"
    );

    let json = pol(&["check", "policies", "--format", "json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["erreurs"], 3);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 3);
    assert!(v["diagnostics"][0]["ligne"].as_u64().unwrap() > 1);
}

#[test]
fn every_golden_dossier_passes() {
    let o = pol(&["test", "tests/dossiers"], &repo());
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}{}", stderr(&o));
    assert!(out.contains(" 0 échoué"), "{out}");
    let passed: usize = out
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed >= 25, "au moins 25 dossiers dorés attendus : {out}");
}

#[test]
fn eval_shows_the_decision_the_amounts_and_the_explanation() {
    let dossier = repo().join("tests/dossiers/prime-vert");
    let first = std::fs::read_dir(&dossier)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .min()
        .expect("au moins un dossier");
    let o = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_1.pol",
            first.to_str().unwrap(),
            "--expliquer",
        ],
        &repo(),
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("décision admissible :"), "{out}");
    assert!(out.contains("règle aide = "), "{out}");
    assert!(out.contains("§ "), "{out}");
    let j = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_1.pol",
            first.to_str().unwrap(),
            "--format",
            "json",
            "--expliquer",
        ],
        &repo(),
    );
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
    assert!(v["sorties"]["aide"].is_string());
    assert!(v["explications"]["aide"]["étapes"].is_array());
}

#[test]
fn an_explanation_names_the_fields_of_an_input_that_were_read() {
    let dossier = "tests/dossiers/prime-vert/1.2-15-bail-de-quatre-ans.json";
    let o = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_2.pol",
            dossier,
            "--expliquer",
        ],
        &repo(),
    );
    let out = stdout(&o);
    assert!(
        out.contains("entrée projet.durée_résiduelle_du_bail = 4 ans"),
        "{out}"
    );
    assert!(
        out.contains("entrée projet.immobilisation_en_location = vrai"),
        "{out}"
    );
    assert!(
        !out.contains("entrée projet = {"),
        "la structure entière ne doit pas être répétée : {out}"
    );
    let j = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_2.pol",
            dossier,
            "--format",
            "json",
            "--expliquer",
        ],
        &repo(),
    );
    let text = String::from_utf8_lossy(&j.stdout);
    assert!(
        text.contains("\"nom\": \"projet.durée_résiduelle_du_bail\""),
        "{text}"
    );
}

fn write_dossier(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("d.json");
    std::fs::write(&p, body).unwrap();
    p
}

const LATE: &str = r#"{
  "programme": "prime-vert/sous_volet_1_1.pol",
  "date": "2026-03-01",
  "entrées": {
    "demandeur": {"type": "exploitation_agricole"},
    "date_dépôt": "2026-02-16",
    "objectif": "pesticides",
    "dépenses": [{"pratique": "désherbage", "montant": "10000.00"}],
    "projet": {"réalisé_au_québec": true, "durée_prévue": "12 mois"}
  },
  "attendu": {"admissible": {"valeur": true, "motifs": []}, "aide": "5000.00"}
}"#;

#[test]
fn a_failing_golden_dossier_shows_expected_actual_and_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let d = write_dossier(dir.path(), LATE);
    let o = pol(&["test", d.to_str().unwrap()], &repo());
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("ÉCHOUÉ"), "{out}");
    assert!(
        out.contains("admissible : attendu vrai, obtenu faux"),
        "{out}"
    );
    assert!(out.contains("conditions non remplies attendues [], obtenues [dépôt_au_plus_tard_le_15_février_2026]"), "{out}");
    assert!(
        out.contains("aide : attendu 5 000,00 $, obtenu 0,00 $"),
        "{out}"
    );
    assert!(out.contains("explication de la valeur obtenue"), "{out}");
    assert!(out.contains("0 réussi, 1 échoué"), "{out}");
}

#[test]
fn a_golden_dossier_can_expect_an_error_and_fails_when_it_does_not_come() {
    let dir = tempfile::tempdir().unwrap();
    let expecting = |code: &str, date: &str| {
        LATE.replace(
            r#""attendu": {"admissible": {"valeur": true, "motifs": []}, "aide": "5000.00"}"#,
            &format!(r#""erreur_attendue": "{code}""#),
        )
        .replace(r#""date": "2026-03-01""#, &format!(r#""date": "{date}""#))
    };
    let d = write_dossier(
        dir.path(),
        &expecting("pol::dossier::entrée_manquante", "2026-03-01")
            .replace(r#""objectif": "pesticides","#, ""),
    );
    let o = pol(&["test", d.to_str().unwrap()], &repo());
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("1 réussi, 0 échoué"), "{}", stdout(&o));
    // The dossier evaluates fine: expecting an error is then a failure, and says so.
    let d = write_dossier(
        dir.path(),
        &expecting("pol::dossier::entrée_manquante", "2026-03-01"),
    );
    let o = pol(&["test", d.to_str().unwrap()], &repo());
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains(
            "attendu l'erreur [pol::dossier::entrée_manquante], mais l'évaluation a réussi"
        ),
        "{}",
        stdout(&o)
    );
    // Both expectations at once are refused.
    let both = LATE.replace(
        r#""attendu":"#,
        r#""erreur_attendue": "pol::dossier::type", "attendu":"#,
    );
    let d = write_dossier(dir.path(), &both);
    let o = pol(&["test", d.to_str().unwrap()], &repo());
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("soit des valeurs, soit une erreur"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn eval_reports_dossier_errors_in_french_with_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_dossier(
        dir.path(),
        &LATE.replace(
            "\"objectif\": \"pesticides\"",
            "\"objectif\": \"pesticide\", \"inconnu\": 1",
        ),
    );
    let o = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_1.pol",
            bad.to_str().unwrap(),
        ],
        &repo(),
    );
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(err.contains("voulez-vous dire \"pesticides\""), "{err}");
    assert!(
        err.contains("le champ « inconnu » du dossier n'est pas déclaré"),
        "{err}"
    );

    let missing = pol(
        &["eval", "prime-vert/sous_volet_1_1.pol", "nulle-part.json"],
        &repo(),
    );
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("impossible de lire"),
        "{}",
        stderr(&missing)
    );

    let ok = write_dossier(dir.path(), LATE);
    let bad_date = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_1.pol",
            ok.to_str().unwrap(),
            "--date",
            "2026-02-30",
        ],
        &repo(),
    );
    assert_eq!(code(&bad_date), 2);
    // Prime-Vert is dated by the deposit: the deposit date picks the rules.
    let deposited = |d: &str| {
        write_dossier(
            dir.path(),
            &LATE.replace(
                r#""date_dépôt": "2026-02-16""#,
                &format!(r#""date_dépôt": "{d}""#),
            ),
        )
    };
    let outside = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_1.pol",
            deposited("2026-04-01").to_str().unwrap(),
        ],
        &repo(),
    );
    assert_eq!(code(&outside), 1);
    assert!(
        stderr(&outside).contains("hors de la période d'application"),
        "{}",
        stderr(&outside)
    );
    let before = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_1.pol",
            deposited("2025-01-15").to_str().unwrap(),
        ],
        &repo(),
    );
    assert_eq!(code(&before), 1);
    assert!(
        stderr(&before).contains("n'est pas encodée"),
        "{}",
        stderr(&before)
    );

    let unknown_programme = pol(&["eval", "inexistant", ok.to_str().unwrap()], &repo());
    assert_eq!(code(&unknown_programme), 2);

    // With --format json, a dossier that cannot be evaluated is still answered in JSON.
    let json_err = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_1.pol",
            deposited("2025-01-15").to_str().unwrap(),
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(code(&json_err), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json_err)).expect("JSON");
    assert_eq!(v["erreurs"][0]["code"], "pol::dossier::version_non_encodée");

    // A golden dossier evaluated with another program is refused, not silently run.
    let other = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_2.pol",
            ok.to_str().unwrap(),
        ],
        &repo(),
    );
    assert_eq!(code(&other), 2);
    assert!(
        stderr(&other).contains("écrit pour le programme « prime-vert/sous_volet_1_1.pol »"),
        "{}",
        stderr(&other)
    );
}

#[test]
fn dossiers_are_read_strictly_and_reported_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let run = |body: &str| {
        let d = write_dossier(dir.path(), body);
        pol(
            &["eval", "prime-vert/sous_volet_1_1.pol", d.to_str().unwrap()],
            &repo(),
        )
    };
    // A key written twice is refused with its path, never "the last one wins".
    let twice = run(&LATE.replace(
        r#""demandeur": {"type": "exploitation_agricole"}"#,
        r#""demandeur": {"type": "cuma", "type": "exploitation_agricole"}"#,
    ));
    assert_eq!(code(&twice), 1);
    assert!(
        stderr(&twice).contains("la clé « type » est écrite deux fois dans « entrées.demandeur »"),
        "{}",
        stderr(&twice)
    );
    // A byte-order mark, as some Windows editors write, is accepted.
    let bom = run(&format!("\u{FEFF}{LATE}"));
    assert_eq!(code(&bom), 0, "{}", stderr(&bom));
    // Broken JSON is explained in French, with its line and column.
    let broken = run(&LATE.replace(
        r#""objectif": "pesticides","#,
        r#""objectif": "pesticides""#,
    ));
    assert_eq!(code(&broken), 1);
    let err = stderr(&broken);
    assert!(err.contains("JSON invalide, ligne"), "{err}");
    assert!(err.contains("« , » ou « } » attendu"), "{err}");
    assert!(!err.contains("expected"), "{err}");
    // --sortie belongs to --lot.
    let d = write_dossier(dir.path(), LATE);
    let o = pol(
        &[
            "eval",
            "prime-vert/sous_volet_1_1.pol",
            d.to_str().unwrap(),
            "--sortie",
            "r.jsonl",
        ],
        &repo(),
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--sortie ne s'emploie qu'avec --lot"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_names_what_it_cannot_check_and_checks_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::write(policies.join("a.pol"), "règle a : entier = b\n").unwrap();
    std::fs::write(policies.join("notes.txt"), "rien").unwrap();
    let twice = pol(&["check", "policies/a.pol", "policies/a.pol"], dir.path());
    assert_eq!(code(&twice), 1);
    assert!(
        stdout(&twice).contains("1 fichier vérifié : 1 erreur"),
        "{}",
        stdout(&twice)
    );
    let txt = pol(&["check", "policies/notes.txt"], dir.path());
    assert_eq!(code(&txt), 2);
    assert!(
        stderr(&txt).contains("n'est pas un fichier .pol"),
        "{}",
        stderr(&txt)
    );
    // A file that is not UTF-8 is named; the others are still checked.
    std::fs::write(policies.join("latin1.pol"), b"r\xe8gle x = 1\n").unwrap();
    let o = pol(&["check", "policies"], dir.path());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("latin1.pol") && stderr(&o).contains("UTF-8"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("1 fichier vérifié : 1 erreur"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn usage_errors_are_in_french() {
    let o = pol(&["vérifier"], &repo());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("commande inconnue « vérifier »"),
        "{}",
        stderr(&o)
    );
    let h = pol(&["--help"], &repo());
    assert_eq!(code(&h), 0);
    let help = stdout(&h);
    assert!(
        help.contains("Utilisation") && help.contains("Commandes"),
        "{help}"
    );
    assert!(help.contains("Évalue un dossier"), "{help}");
}

#[test]
fn fmt_check_passes_on_the_shipped_policies_and_flags_a_messy_file() {
    let o = pol(&["fmt", "--check"], &repo());
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.pol");
    std::fs::write(&f, "règle   a : argent =   1 $\n").unwrap();
    let c = pol(&["fmt", "--check", f.to_str().unwrap()], dir.path());
    assert_eq!(code(&c), 1);
    assert!(stdout(&c).contains("à reformater"), "{}", stdout(&c));
    let w = pol(&["fmt", f.to_str().unwrap()], dir.path());
    assert_eq!(code(&w), 0);
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "règle a : argent = 1 $\n"
    );
}

#[test]
fn the_readme_tour_works_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("```pol\n").expect("un bloc pol dans le README") + 7;
    let end = start + readme[start..].find("```").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let prog = dir.path().join("policies/essai");
    std::fs::create_dir_all(&prog).unwrap();
    std::fs::write(prog.join("programme.pol"), &readme[start..end]).unwrap();
    let check = pol(&["check", "policies/essai"], dir.path());
    assert_eq!(code(&check), 0, "{}", stdout(&check));
    let fmt = pol(&["fmt", "--check", "policies/essai"], dir.path());
    assert_eq!(code(&fmt), 0, "{}", stdout(&fmt));
    std::fs::write(
        dir.path().join("d.json"),
        r#"{"dépenses": "19500.00", "date_dépôt": "2026-02-15", "relève": true}"#,
    )
    .unwrap();
    let eval = pol(
        &[
            "eval",
            "essai",
            "d.json",
            "--date",
            "2025-06-01",
            "--expliquer",
        ],
        dir.path(),
    );
    assert_eq!(code(&eval), 0, "{}{}", stdout(&eval), stderr(&eval));
    // 19 500 $ × (50 % + 15 %) = 12 675 $, under the 40 000 $ cap.
    assert!(
        stdout(&eval).contains("aide = 12 675,00 $"),
        "{}",
        stdout(&eval)
    );
}

/// The files under `policies/` that declare a programme, by their path under `policies/`.
fn shipped_programmes() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![repo().join("policies")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "pol")
                && std::fs::read_to_string(&p)
                    .unwrap()
                    .lines()
                    .any(|l| l.starts_with("programme "))
            {
                let rel = p.strip_prefix(repo().join("policies")).unwrap();
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_shipped_programme_has_golden_dossiers_exercising_every_condition_and_table_row() {
    let o = pol(&["test", "tests/dossiers", "--couverture"], &repo());
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let out = stdout(&o);
    let programmes = shipped_programmes();
    assert!(programmes.len() >= 7, "{programmes:?}");
    for programme in programmes {
        let block = out
            .split("Couverture de ")
            .find(|b| b.starts_with(&format!("{programme} :")))
            .unwrap_or_else(|| panic!("aucun dossier doré n'exerce {programme}"));
        for what in ["conditions vues non remplies", "lignes de table utilisées"] {
            assert!(
                block
                    .lines()
                    .any(|l| l.contains(what) && l.ends_with("(100 %)")),
                "{programme} : {what}\n{block}"
            );
        }
    }
}

#[test]
fn a_programme_is_named_by_its_path_or_by_the_name_it_declares() {
    let d = "tests/dossiers/prime-vert/1.1-02-releve-desherbage-bonifie.json";
    for name in [
        "prime-vert/sous_volet_1_1.pol",
        "policies/prime-vert/sous_volet_1_1.pol",
        "prime_vert_1_1",
    ] {
        let o = pol(&["eval", name, d], &repo());
        assert_eq!(code(&o), 0, "{name} : {}", stderr(&o));
        // Relève: 50 % + 15 % of bonification on 19 500 $ of désherbage = 12 675 $.
        assert!(stdout(&o).contains("aide = 12 675,00 $"), "{}", stdout(&o));
    }
    let o = pol(&["eval", "prime_vert_1_11", d], &repo());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("voulez-vous dire « prime_vert_1_1 » ?"),
        "{}",
        stderr(&o)
    );
    // A golden dossier written for another programme is refused, naming both.
    let o = pol(&["eval", "prime_vert_1_2", d], &repo());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(
            "le dossier est écrit pour le programme « prime-vert/sous_volet_1_1.pol », pas pour « prime_vert_1_2 »"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn two_files_declaring_one_programme_name_are_an_error_naming_the_other() {
    // A dossier naming « p » was told « écrit pour le programme « p », pas pour « p » ».
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    let text = "programme p « P »\n  en vigueur du 2000-01-01 au 2099-12-31\n  sorties r\nentrée x : entier\nrègle r = x\n";
    std::fs::write(policies.join("a.pol"), text).unwrap();
    std::fs::write(policies.join("b.pol"), text).unwrap();
    let o = pol(&["check", "policies"], dir.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    for other in ["b.pol", "a.pol"] {
        assert!(
            stdout(&o).contains(&format!("le programme « p » est aussi déclaré par {other}")),
            "{}",
            stdout(&o)
        );
    }
    let dossier = dir.path().join("d.json");
    std::fs::write(&dossier, r#"{"programme": "p", "entrées": {"x": 1}}"#).unwrap();
    let o = pol(
        &["eval", "policies/a.pol", "d.json", "--date", "2025-01-01"],
        dir.path(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("le programme « p » est aussi déclaré par b.pol"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_golden_dossier_cannot_name_a_programme_outside_the_policy_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let policy = std::fs::read_to_string(repo().join("bench/prime_vert_1_1_banc.pol")).unwrap();
    for sub in ["policies", "outside", "tests/dossiers"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    std::fs::write(root.join("policies/p.pol"), &policy).unwrap();
    std::fs::write(root.join("outside/x.pol"), &policy).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("../outside", root.join("policies/lien")).unwrap();
    // No input given: the evaluation stops on the first input it needs.
    let dossier = |programme: &str| {
        format!(
            r#"{{"programme": "{programme}", "date": "2025-06-01", "entrées": {{}}, "erreur_attendue": "pol::dossier::entrée_manquante"}}"#
        )
    };
    let golden = root.join("tests/dossiers/a.json");
    std::fs::write(&golden, dossier("p.pol")).unwrap();
    let o = pol(&["test", "tests/dossiers"], root);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let mut escapes = vec![
        "/",
        "/usr",
        "../../..",
        "../outside/x.pol",
        "policies/../outside",
    ];
    if cfg!(unix) {
        escapes.push("lien/x.pol");
    }
    for name in escapes {
        std::fs::write(&golden, dossier(name)).unwrap();
        let o = pol(&["test", "tests/dossiers"], root);
        assert_eq!(code(&o), 1, "{name} : {}{}", stdout(&o), stderr(&o));
        assert!(
            stderr(&o).contains(&format!("programme « {name} » refusé")),
            "{name} : {}",
            stderr(&o)
        );
        assert!(stdout(&o).contains("ÉCHOUÉ"), "{name} : {}", stdout(&o));
    }
}

/// Standard output on a full disk: a French error and exit code 2 for every command, never
/// the standard library's panic (exit 3).
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_output_is_a_french_error() {
    let dossier = "tests/dossiers/prime-vert/1.1-02-releve-desherbage-bonifie.json";
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("x.pol");
    std::fs::write(&messy, "règle   a : argent =   1 $\n").unwrap();
    let messy = messy.to_str().unwrap();
    let commands: [&[&str]; 5] = [
        &["check", "policies"],
        &["eval", "prime_vert_1_1", dossier],
        &["eval", "prime_vert_1_1", dossier, "--format", "json"],
        &["test", "tests/dossiers/madi"],
        &["fmt", "--check", messy],
    ];
    for args in commands {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_pol"))
            .args(args)
            .current_dir(repo())
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(code(&o), 2, "{args:?} : {}", stderr(&o));
        assert!(
            stderr(&o).contains(
                "erreur : impossible d'écrire sur la sortie standard : le disque est plein"
            ),
            "{args:?} : {}",
            stderr(&o)
        );
    }
}
