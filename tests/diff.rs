//! `pol diff`, driven as a process on copies of the policies made into git repositories.
//! Every expected figure is computed by hand from the rules and the golden dossiers, as the
//! comments say.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pol(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pol"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("pol se lance")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn git(dir: &Path, args: &[&str]) {
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

fn copy_dir(from: &Path, to: &Path) {
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
fn prime_vert_repo() -> tempfile::TempDir {
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

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "« {from} » une seule fois dans {}",
        path.display()
    );
    std::fs::write(path, text.replace(from, to)).unwrap();
}

fn json_of(o: &Output) -> Json {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e} : {}", text(o)))
}

/// The listed dossiers of the first programme, by file name.
fn dossiers(report: &Json) -> Vec<(String, &Json)> {
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

fn output<'a>(d: &'a Json, name: &str) -> Option<&'a Json> {
    d["sorties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["sortie"] == name)
}

fn causes(d: &Json) -> Vec<&str> {
    d["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["définition"].as_str().unwrap())
        .collect()
}

fn money_total<'a>(report: &'a Json, name: &str) -> &'a Json {
    report["programmes"][0]["montants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["sortie"] == name)
        .unwrap()
}

const V11: &str = "policies/prime-vert/sous_volet_1_1.pol";

#[test]
fn raising_the_cap_per_applicant_changes_exactly_the_capped_dossiers() {
    let dir = prime_vert_repo();
    edit(
        &dir.path().join(V11),
        "règle plafond_par_demandeur : argent = 40 000 $",
        "règle plafond_par_demandeur : argent = 50 000 $",
    );
    let o = pol(&["diff", "--format", "json", "--max", "100"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json_of(&o);
    assert_eq!(
        r["programmes"].as_array().unwrap().len(),
        1,
        "only 1.1 imports the edited file"
    );
    let p = &r["programmes"][0];
    assert_eq!(p["programme"], "prime_vert_1_1");
    assert_eq!(p["examinés"], 58);
    // marge_sous_le_plafond = max(0, plafond_par_demandeur − aide_antérieure_objectif) is an
    // output of 1.1: it rises by 10 000 $ for every dossier that reads the cap per applicant.
    // Four do not: the three CUMA dossiers for pesticides (1.1-11, -12, -13), whose margin is
    // min(120 000 $ − …, 40 000 $ par branche − …), and 1.1-56, deposited before the encoded
    // version on both sides.
    assert_eq!(p["modifiés"], 54);
    assert_eq!(p["inchangés"], 4);
    let listed = dossiers(&r);
    for unchanged in ["1.1-11-", "1.1-12-", "1.1-13-", "1.1-56-"] {
        assert!(
            !listed.iter().any(|(n, _)| n.starts_with(unchanged)),
            "{unchanged}"
        );
    }
    // The aid changes only where the cap binds (aide = min(aide_calculée, marge)):
    // 1.1-08: 100 000 $ × 50 % = 50 000 $, capped 40 000 $ → 50 000 $;
    // 1.1-09: 35 000 $ already received, 20 000 $ × 50 % = 10 000 $: 5 000 $ → 10 000 $;
    // 1.1-10: 40 000 $ already received: refused (plafond_non_atteint), then 10 000 $;
    // 1.1-14: CUMA for water, 38 000 $ received, 6 280 $ computed: 2 000 $ → 6 280 $;
    // 1.1-42: 41 275,70 $ computed, capped 40 000 $ → 41 275,70 $.
    let expected = [
        (
            "1.1-08-plafond-depasse.json",
            "40000.00",
            "50000.00",
            "10000.00",
        ),
        (
            "1.1-09-aide-anterieure-reduit-la-marge.json",
            "5000.00",
            "10000.00",
            "5000.00",
        ),
        (
            "1.1-10-plafond-deja-atteint.json",
            "0.00",
            "10000.00",
            "10000.00",
        ),
        (
            "1.1-14-cuma-eau-plafond-40000.json",
            "2000.00",
            "6280.00",
            "4280.00",
        ),
        (
            "1.1-42-eau-tous-les-forfaits-bonifies.json",
            "40000.00",
            "41275.70",
            "1275.70",
        ),
    ];
    let with_aid: Vec<&(String, &Json)> = listed
        .iter()
        .filter(|(_, d)| output(d, "aide").is_some())
        .collect();
    assert_eq!(with_aid.len(), expected.len(), "{with_aid:?}");
    for (name, before, after, delta) in expected {
        let d = listed
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| *d)
            .unwrap();
        let aide = output(d, "aide").unwrap();
        assert_eq!(
            (&aide["avant"], &aide["après"], &aide["écart"]),
            (&before.into(), &after.into(), &delta.into()),
            "{name}"
        );
        assert_eq!(causes(d), ["plafond_par_demandeur"], "{name}");
        let marge = output(d, "marge_sous_le_plafond").unwrap();
        assert_eq!(marge["écart"], "10000.00", "{name}");
    }
    // 1.1-10 becomes admissible: its only failed condition is met.
    let d10 = listed
        .iter()
        .find(|(n, _)| n.starts_with("1.1-10-"))
        .unwrap()
        .1;
    let adm = output(d10, "admissible").unwrap();
    assert_eq!(
        (&adm["avant"], &adm["après"]),
        (&Json::Bool(false), &Json::Bool(true))
    );
    assert_eq!(
        adm["conditions_retirées"],
        serde_json::json!(["plafond_non_atteint"])
    );
    let cause = &d10["causes"][0];
    assert_eq!(cause["changement"], "modifiée");
    assert_eq!(
        (&cause["avant"], &cause["après"]),
        (&"40 000,00 $".into(), &"50 000,00 $".into())
    );
    assert!(
        cause["citations"][0]
            .as_str()
            .unwrap()
            .contains("montant maximal"),
        "{cause}"
    );
    // Totals: 10 000 + 5 000 + 10 000 + 4 280 + 1 275,70 = 30 555,70 $ more aid, 5 gainers;
    // 54 × 10 000 $ more margin.
    let aide = money_total(&r, "aide");
    assert_eq!(
        (&aide["écart"], &aide["en_hausse"], &aide["en_baisse"]),
        (&"30555.70".into(), &5.into(), &0.into())
    );
    assert_eq!(
        money_total(&r, "marge_sous_le_plafond")["écart"],
        "540000.00"
    );
    assert_eq!(money_total(&r, "aide_calculée")["écart"], "0.00");
    // 1.1-56 stops before any output on both sides: left out of the totals, and said.
    assert_eq!(aide["sans_valeur"], 1);
    let decisions = &p["décisions"][0];
    assert_eq!(
        (&decisions["passent_à_oui"], &decisions["passent_à_non"]),
        (&1.into(), &0.into())
    );

    // The same in French for the terminal, with the cause and its section.
    let o = pol(&["diff"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    assert!(
        out.contains("58 dossiers examinés : 54 modifiés, 4 inchangés"),
        "{out}"
    );
    assert!(
        out.contains("aide : 40 000,00 $ → 50 000,00 $ (+10 000,00 $)"),
        "{out}"
    );
    assert!(out.contains("cause : plafond_par_demandeur (§ Sous-volet 1.1 — Calcul de l'aide financière : montant maximal d'aide financière) 40 000,00 $ → 50 000,00 $"), "{out}");
    assert!(
        out.contains(
            "aide : total 353 749,18 $ → 384 304,88 $ (+30 555,70 $) ; 5 en hausse, 0 en baisse"
        ),
        "{out}"
    );
    assert!(out.contains("… et 4 autres dossiers modifiés"), "{out}");
}

#[test]
fn each_dossier_names_only_the_changed_rule_on_its_own_path() {
    let dir = prime_vert_repo();
    let v11 = dir.path().join(V11);
    edit(
        &v11,
        "règle plafond_par_demandeur : argent = 40 000 $",
        "règle plafond_par_demandeur : argent = 50 000 $",
    );
    edit(
        &v11,
        "règle plafond_cuma : argent = 120 000 $",
        "règle plafond_cuma : argent = 130 000 $",
    );
    let o = pol(&["diff", "--format", "json", "--max", "100"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json_of(&o);
    let listed = dossiers(&r);
    // 1.1-11: a CUMA for pesticides with 90 000 $ received: its margin is
    // min(plafond_cuma − 90 000 $, 40 000 $) = 30 000 $ → 40 000 $; it never reads the cap per
    // applicant. Its computed aid is 65 000 $: 30 000 $ → 40 000 $.
    let d11 = listed
        .iter()
        .find(|(n, _)| n.starts_with("1.1-11-"))
        .unwrap()
        .1;
    assert_eq!(causes(d11), ["plafond_cuma"]);
    assert_eq!(output(d11, "aide").unwrap()["écart"], "10000.00");
    // 1.1-13 (a CUMA held by its branch cap) reads plafond_cuma, whose value changes, but
    // its margin does not: the dossier is unchanged, so it is not listed.
    assert!(!listed.iter().any(|(n, _)| n.starts_with("1.1-13-")));
    // Every other changed dossier names the cap per applicant only.
    for (name, d) in &listed {
        if !name.starts_with("1.1-11-") {
            assert_eq!(causes(d), ["plafond_par_demandeur"], "{name}");
        }
    }
    assert_eq!(r["programmes"][0]["modifiés"], 55);
}

#[test]
fn a_lower_rate_refuses_the_dossier_that_just_reached_500_dollars() {
    let dir = prime_vert_repo();
    edit(
        &dir.path().join(V11),
        "  | désherbage                      | 50 % |",
        "  | désherbage                      | 49 % |",
    );
    let o = pol(&["diff", "--format", "json", "--max", "100"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json_of(&o);
    let listed = dossiers(&r);
    // 1.1-05: 999,99 $ × 49 % = 489,995 1 → 490,00 $, under the 500 $ minimum: refused.
    let d05 = listed
        .iter()
        .find(|(n, _)| n.starts_with("1.1-05-"))
        .unwrap()
        .1;
    let adm = output(d05, "admissible").unwrap();
    assert_eq!(
        (&adm["avant"], &adm["après"]),
        (&Json::Bool(true), &Json::Bool(false))
    );
    assert_eq!(
        adm["conditions_ajoutées"],
        serde_json::json!(["au_moins_500_dollars"])
    );
    let aide = output(d05, "aide").unwrap();
    assert_eq!(
        (&aide["avant"], &aide["après"], &aide["écart"]),
        (&"500.00".into(), &"0.00".into(), &"-500.00".into())
    );
    let cause = &d05["causes"][0];
    assert_eq!(
        (&cause["définition"], &cause["genre"]),
        (&"taux_de_base".into(), &"table".into())
    );
    // The row used is named by its line (the désherbage row of the table).
    let line = std::fs::read_to_string(dir.path().join(V11))
        .unwrap()
        .lines()
        .position(|l| l.contains("| désherbage ") && l.contains("| 49 % |"))
        .unwrap()
        + 1;
    assert_eq!(
        cause["parties"],
        serde_json::json!([{"lignes_de_table": [line]}])
    );
    // 1.1-01: 10 000 $ × 49 % = 4 900 $: 100 $ less.
    let d01 = listed
        .iter()
        .find(|(n, _)| n.starts_with("1.1-01-"))
        .unwrap()
        .1;
    assert_eq!(output(d01, "aide").unwrap()["écart"], "-100.00");
    // No other désherbage dossier had an aid between 500 $ and 510,20 $ (the only amounts a
    // one-point cut can bring under 500 $), so one decision flips.
    let decisions = &r["programmes"][0]["décisions"][0];
    assert_eq!(
        (&decisions["passent_à_oui"], &decisions["passent_à_non"]),
        (&0.into(), &1.into())
    );
}

#[test]
fn an_amendment_is_compared_by_the_dates_of_its_rules_on_a_programme_dated_by_its_deposit() {
    let dir = prime_vert_repo();
    std::fs::write(
        dir.path()
            .join("policies/prime-vert/modification_2025_10_01.pol"),
        "version 2025-10-01 « Modification du 1er octobre 2025 »\nimporter sous_volet_1_1\n\n\
         § « Sous-volet 1.1 — Calcul de l'aide financière : montant maximal d'aide financière »\n\
         remplace règle plafond_par_demandeur : argent = 45 000 $\n",
    )
    .unwrap();
    edit(
        &dir.path().join(V11),
        "importer commun\n",
        "importer commun\nimporter modification_2025_10_01\n",
    );
    let o = pol(
        &[
            "diff",
            "prime-vert/sous_volet_1_1.pol",
            "--règles-du",
            "2025-10-01",
            "--contre",
            "2025-06-01",
            "--format",
            "json",
            "--max",
            "100",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json_of(&o);
    assert_eq!(r["avant"], "les règles du 2025-06-01");
    assert_eq!(r["après"], "les règles du 2025-10-01");
    let listed = dossiers(&r);
    // Under the rules of 2025-10-01 the cap is 45 000 $: the same capped dossiers as above,
    // by 5 000 $ at most. 1.1-08: 40 000 → 45 000; 1.1-09: 5 000 → 10 000; 1.1-10: 0 → 5 000;
    // 1.1-14: 2 000 → 6 280; 1.1-42: 40 000 → 41 275,70.
    for (prefix, delta) in [
        ("1.1-08-", "5000.00"),
        ("1.1-09-", "5000.00"),
        ("1.1-10-", "5000.00"),
        ("1.1-14-", "4280.00"),
        ("1.1-42-", "1275.70"),
    ] {
        let d = listed
            .iter()
            .find(|(n, _)| n.starts_with(prefix))
            .unwrap()
            .1;
        assert_eq!(output(d, "aide").unwrap()["écart"], delta, "{prefix}");
        let cause = &d["causes"][0];
        assert_eq!(cause["définition"], "plafond_par_demandeur");
        assert!(
            cause["emplacement"]
                .as_str()
                .unwrap()
                .ends_with("modification_2025_10_01.pol:5"),
            "{cause}"
        );
    }
    assert_eq!(money_total(&r, "aide")["écart"], "20555.70");
    // The rules date is chosen for both sides: 1.1-56, deposited on 2025-04-24, is evaluated
    // under each side's rules instead of being refused, and reads the cap like the others.
    assert!(listed.iter().any(|(n, _)| n.starts_with("1.1-56-")));
    // The same dates give no change at all.
    let same = pol(
        &[
            "diff",
            "prime_vert_1_1",
            "--règles-du",
            "2025-06-01",
            "--contre",
            "2025-06-01",
        ],
        dir.path(),
    );
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    assert!(text(&same).contains("0 modifié"), "{}", text(&same));
    // A date before the encoded version is an error of each dossier, on that side only.
    let early = pol(
        &[
            "diff",
            "prime_vert_1_1",
            "--règles-du",
            "2025-06-01",
            "--contre",
            "2024-06-01",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(early.status.code(), Some(1));
    let r = json_of(&early);
    let d = &r["programmes"][0]["dossiers"][0];
    assert!(
        d["erreurs_avant"][0]
            .as_str()
            .unwrap()
            .contains("pol::dossier::version_non_encodée"),
        "{d}"
    );
    assert_eq!(d["erreurs_après"], serde_json::json!([]));
}

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
    std::fs::write(&lot, "{\"id\": \"A-1\", \"dépenses\": \"100.00\"}\n{\"id\": \"A-2\", \"dépenses\": \"1000.00\"}\nce n'est pas du JSON\n{\"id\": \"A-4\", \"dépenses\": \"0.00\"}\n").unwrap();
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

#[test]
fn the_madi_amendment_of_1_august_2023_changes_five_golden_dossiers() {
    // MADI's guide: « Jusqu'au 31 juillet 2023 », study expenses could be incurred after the
    // deposit form and before the written confirmation, and a project could be filed before
    // its PTE study (payment waiting for it). Under the rules of 2023-08-01 against those of
    // 2023-07-31, by hand: M-23 loses its 40 000 $ expense incurred on 2023-07-31 before the
    // confirmation (65 000 $ → 25 000 $) and M-32 its 60 000 $ incurred before any
    // confirmation (60 000 $ → 0 $); M-22 (a study five years old to the day), M-25 and M-26
    // (no study) could be filed before, and are refused after. M-24's early expenses precede
    // its own deposit: refused on both sides.
    let o = pol(
        &[
            "diff",
            "madi",
            "--règles-du",
            "2023-08-01",
            "--contre",
            "2023-07-31",
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json_of(&o);
    let p = &r["programmes"][0];
    assert_eq!(p["programme"], "madi");
    assert_eq!(p["modifiés"], 5, "{p}");
    let listed = dossiers(&r);
    let names: Vec<&str> = listed.iter().map(|(n, _)| &n[..4]).collect();
    assert_eq!(names, ["M-22", "M-23", "M-25", "M-26", "M-32"]);
    for (name, d) in &listed {
        if name.starts_with("M-23") || name.starts_with("M-32") {
            let delta = if name.starts_with("M-23") {
                "-40000.00"
            } else {
                "-60000.00"
            };
            assert_eq!(
                output(d, "dépenses_admissibles").unwrap()["écart"],
                delta,
                "{name}"
            );
            assert_eq!(causes(d), ["dépenses_retenues"], "{name}");
            assert!(d["causes"][0]["emplacement"]
                .as_str()
                .unwrap()
                .contains("modification_2023_08_01.pol:"));
        } else {
            let adm = output(d, "admissible").unwrap();
            assert_eq!(
                adm["conditions_ajoutées"],
                serde_json::json!(["étude_pte_préalable"]),
                "{name}"
            );
            assert_eq!(causes(d), ["étude_pte_préalable"], "{name}");
        }
    }
    assert_eq!(p["décisions"][0]["passent_à_non"], 3);
}
