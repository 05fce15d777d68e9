//! A small programme, for formatting edits, errors on one side, renames, batches and refusals.

use serde_json::Value as Json;

use crate::*;

/// A small programme, its dossiers and a git repository, for the cases Prime-Vert does not
/// reach.
fn small_repo(policy: &str, dossiers: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies/essai")).unwrap();
    std::fs::create_dir_all(dir.path().join("tests/dossiers/essai")).unwrap();
    std::fs::write(dir.path().join("policies/essai/programme.pol"), policy).unwrap();
    for (name, body) in dossiers {
        std::fs::write(dir.path().join("tests/dossiers/essai").join(name), body).unwrap();
    }
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    dir
}

const SMALL: &str = "programme essai « Essai »
  en vigueur du 2025-01-01 au 2025-12-31
  sorties admissible, aide

entrée dépenses : argent
entrée parts : entier = 1

§ « Article 2 »
règle part : argent = dépenses × 50 %

§ « Article 3 »
règle aide : argent = part

§ « Article 4 »
condition assez « L'aide doit atteindre 100 $ » : aide >= 100 $

décision admissible = toutes les conditions
";

fn dossier(dépenses: &str, parts: u32) -> String {
    format!(
        r#"{{"programme": "essai/programme.pol", "date": "2025-06-01", "entrées": {{"dépenses": "{dépenses}", "parts": {parts}}}, "attendu": {{"aide": "0.00"}}}}"#
    )
}

#[test]
fn a_formatting_or_comment_edit_changes_nothing_and_exits_0() {
    let dir = small_repo(SMALL, &[("a.json", &dossier("1000.00", 1))]);
    let path = dir.path().join("policies/essai/programme.pol");
    edit(
        &path,
        "règle part : argent = dépenses × 50 %",
        "## Une note.\nrègle part : argent =\n  dépenses   ×   50 %  # commentaire",
    );
    let o = pol(&["diff"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("1 dossier examiné : 0 modifié, 1 inchangé"),
        "{}",
        text(&o)
    );
    // Nothing edited at all: no programme differs.
    git(dir.path(), &["checkout", "--", "."]);
    let o = pol(&["diff"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o).contains("Aucun programme ne diffère"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_dossier_that_fails_on_one_side_is_a_change_with_its_error() {
    let dir = small_repo(
        SMALL,
        &[
            ("a.json", &dossier("1000.00", 2)),
            ("b.json", &dossier("1000.00", 0)),
        ],
    );
    let path = dir.path().join("policies/essai/programme.pol");
    edit(
        &path,
        "règle aide : argent = part",
        "règle aide : argent = part / parts",
    );
    let o = pol(&["diff", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json_of(&o);
    let listed = dossiers(&r);
    // a: 1 000 $ × 50 % = 500 $, then 500 $ / 2 = 250 $ (−250 $), still admissible.
    let a = listed.iter().find(|(n, _)| n == "a.json").unwrap().1;
    assert_eq!(output(a, "aide").unwrap()["écart"], "-250.00");
    assert_eq!(causes(a), ["aide"]);
    // b: 500 $ / 0 is an error after; the decision that reads aide fails with it.
    let b = listed.iter().find(|(n, _)| n == "b.json").unwrap().1;
    let aide = output(b, "aide").unwrap();
    assert_eq!(aide["après"]["code"], "pol::éval::division_par_zéro", "{b}");
    assert_eq!(aide["écart"], Json::Null);
    assert_eq!(money_total(&r, "aide")["sans_valeur"], 1);
    // In Markdown, for a merge-request comment: a table row per changed output.
    let md = text(&pol(&["diff", "--format", "markdown"], dir.path()));
    assert!(
        md.contains("| dossier | sortie | avant | après | écart | cause |"),
        "{md}"
    );
    assert!(
        md.contains("| aide | 500,00 $ | 250,00 $ | -250,00 $ |"),
        "{md}"
    );
}

#[test]
fn a_renamed_rule_is_reported_as_renamed() {
    let dir = small_repo(SMALL, &[("a.json", &dossier("1000.00", 1))]);
    let path = dir.path().join("policies/essai/programme.pol");
    // Renamed and changed at once would be two changes; a rename alone changes no value, so
    // the dossier changes only because aide reads the renamed rule with a new rate.
    edit(
        &path,
        "règle part : argent = dépenses × 50 %",
        "règle moitié : argent = dépenses × 50 %",
    );
    edit(
        &path,
        "règle aide : argent = part",
        "règle aide : argent = moitié × 2",
    );
    let r = json_of(&pol(&["diff", "--format", "json"], dir.path()));
    let a = dossiers(&r)[0].1;
    // 1 000 $ × 50 % × 2 = 1 000 $ (+500 $).
    assert_eq!(output(a, "aide").unwrap()["écart"], "500.00");
    let renamed: Vec<&Json> = a["causes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["changement"] == "renommée")
        .collect();
    assert_eq!(renamed.len(), 1, "{a}");
    assert_eq!(
        (&renamed[0]["définition"], &renamed[0]["ancien_nom"]),
        (&"moitié".into(), &"part".into())
    );
    assert!(causes(a).contains(&"aide"));
}

#[test]
fn a_batch_is_compared_line_by_line_with_its_identifiers() {
    let dir = small_repo(SMALL, &[]);
    let path = dir.path().join("policies/essai/programme.pol");
    edit(&path, "dépenses × 50 %", "dépenses × 60 %");
    let lot = dir.path().join("lot.jsonl");
    let mut lines = "{\"id\": \"A-1\", \"dépenses\": \"100.00\"}\n{\"id\": \"A-2\", \"dépenses\": \"1000.00\"}\nce n'est pas du JSON\n{\"id\": \"A-4\", \"dépenses\": \"0.00\"}\n".as_bytes().to_vec();
    // A blank line and a line that is not UTF-8: each said, neither stops the batch.
    lines.extend(b"  \n{\"id\": \"\xff\"}\n");
    std::fs::write(&lot, lines).unwrap();
    let o = pol(
        &[
            "diff",
            "essai",
            "--lot",
            "lot.jsonl",
            "--date",
            "2025-06-01",
            "--identifiant",
            "id",
            "--format",
            "json",
        ],
        dir.path(),
    );
    // A line that is not JSON is said and counted: the input was not read whole (exit 2).
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("ligne 3"), "{}", text(&o));
    assert!(
        text(&o).contains("erreur : ligne 5 : la ligne est vide ; non comparée"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o)
            .contains("erreur : ligne 6 : la ligne n'est pas du texte UTF-8 valide ; non comparée"),
        "{}",
        text(&o)
    );
    let r = json_of(&o);
    let p = &r["programmes"][0];
    assert_eq!((&p["examinés"], &p["modifiés"]), (&3.into(), &2.into()));
    let names: Vec<&str> = p["dossiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["dossier"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A-1", "A-2"]);
    // A-1: 50 $ → 60 $, under 100 $ on both sides; A-2: 500 $ → 600 $; A-4: 0 $ both sides.
    let aide = money_total(&r, "aide");
    assert_eq!(
        (&aide["avant"], &aide["après"], &aide["écart"]),
        (&"550.00".into(), &"660.00".into(), &"110.00".into())
    );
    // --max bounds the dossiers listed; the rest are counted.
    let o = pol(
        &[
            "diff",
            "essai",
            "--lot",
            "lot.jsonl",
            "--date",
            "2025-06-01",
            "--identifiant",
            "id",
            "--max",
            "1",
        ],
        dir.path(),
    );
    assert!(
        text(&o).contains("… et 1 autre dossier modifié"),
        "{}",
        text(&o)
    );
    // Without --identifiant the field is an input the programme does not declare: every
    // dossier stops on both sides with the same error. Not a change, but said.
    let o = pol(
        &[
            "diff",
            "essai",
            "--lot",
            "lot.jsonl",
            "--date",
            "2025-06-01",
        ],
        dir.path(),
    );
    assert!(
        text(&o).contains("3 dossiers examinés : 0 modifié, 3 inchangés"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("dossiers arrêtés avant toute sortie : 3 avant, 3 après"),
        "{}",
        text(&o)
    );
}

#[test]
fn diff_refuses_what_it_cannot_compare_in_french_with_exit_2() {
    let dir = small_repo(SMALL, &[("a.json", &dossier("1000.00", 1))]);
    // A side that does not check clean stops the diff with its diagnostics.
    let path = dir.path().join("policies/essai/programme.pol");
    edit(
        &path,
        "règle aide : argent = part",
        "règle aide : argent = partt",
    );
    let o = pol(&["diff"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("voulez-vous dire « part » ?"),
        "{}",
        text(&o)
    );
    // An unknown revision.
    git(dir.path(), &["checkout", "--", "."]);
    let o = pol(&["diff", "--base", "nulle-part"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("la révision git « nulle-part » est inconnue"),
        "{}",
        text(&o)
    );
    // Outside a git repository, with the way out.
    let plain = tempfile::tempdir().unwrap();
    copy_dir(&dir.path().join("policies"), &plain.path().join("policies"));
    let o = pol(&["diff"], plain.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("n'est pas dans un dépôt git : comparez à un dossier (--base DOSSIER)"),
        "{}",
        text(&o)
    );
    // … which works: another copy of the tree as the base.
    let o = pol(
        &["diff", "--base", dir.path().to_str().unwrap()],
        plain.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Dates go together, and compare one programme.
    let o = pol(&["diff", "essai", "--règles-du", "2025-06-01"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let o = pol(
        &[
            "diff",
            "--règles-du",
            "2025-06-01",
            "--contre",
            "2025-02-01",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("nommez-en un seul"), "{}", text(&o));
    let o = pol(
        &[
            "diff",
            "essai",
            "--règles-du",
            "2025-02-30",
            "--contre",
            "2025-02-01",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("--règles-du : « 2025-02-30 » n'est pas une date AAAA-MM-JJ existante"),
        "{}",
        text(&o)
    );
}
