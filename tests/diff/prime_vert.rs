//! Prime-Vert: the cap, two rules at once, a rate, a dated amendment.

use serde_json::Value as Json;

use crate::*;

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
