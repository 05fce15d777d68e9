//! Reading dossiers (exact money, strict types, unknown fields reported), laziness, and
//! versions in force at the evaluation date.

mod common;
use common::*;
use serde_json::json;

const PROGRAM: &str = "\
énumération TypeDemandeur : exploitation_agricole | cuma
structure Demandeur :
  type : TypeDemandeur
  relève_agricole : booléen
entrée demandeur : Demandeur
entrée dépenses : argent
entrée superficie : ha
entrée taux_particulier : pourcentage = 50 %
règle aide : argent = dépenses × taux_particulier
règle cuma : booléen = demandeur.type = cuma
règle surface_suffisante : booléen = superficie > 25 ha
";

#[test]
fn money_is_exact_from_a_string_or_a_number() {
    let from_string = eval(
        PROGRAM,
        json!({"dépenses": "19500.01"}),
        "2025-06-01",
        "aide",
    )
    .unwrap();
    // 19 500,01 × 50 % = 9 750,005 → 9 750,01 $ (half away from zero).
    assert_eq!(from_string, json!("9750.01"));
    let from_number: serde_json::Value = serde_json::from_str(r#"{"dépenses": 19500.01}"#).unwrap();
    assert_eq!(
        eval(PROGRAM, from_number, "2025-06-01", "aide").unwrap(),
        json!("9750.01")
    );
    let french = eval(
        PROGRAM,
        json!({"dépenses": "19 500,01 $"}),
        "2025-06-01",
        "aide",
    )
    .unwrap();
    assert_eq!(french, json!("9750.01"));
}

#[test]
fn money_with_more_than_two_decimals_is_refused() {
    let e = eval(
        PROGRAM,
        json!({"dépenses": "19500.001"}),
        "2025-06-01",
        "aide",
    )
    .unwrap_err();
    assert_eq!(e, vec!["pol::dossier::type"]);
}

#[test]
fn percentages_must_say_percent() {
    assert_eq!(
        eval(
            PROGRAM,
            json!({"dépenses": "100.00", "taux_particulier": "65 %"}),
            "2025-06-01",
            "aide"
        )
        .unwrap(),
        json!("65.00")
    );
    let e = eval(
        PROGRAM,
        json!({"dépenses": "100.00", "taux_particulier": 0.65}),
        "2025-06-01",
        "aide",
    )
    .unwrap_err();
    assert_eq!(e, vec!["pol::dossier::type"]);
}

#[test]
fn a_missing_input_that_is_not_needed_is_not_an_error() {
    // `aide` needs neither the applicant nor the area.
    assert_eq!(
        eval(
            PROGRAM,
            json!({"dépenses": "1000.00"}),
            "2025-06-01",
            "aide"
        )
        .unwrap(),
        json!("500.00")
    );
    // A structure field that is not read may be absent too.
    assert_eq!(
        eval(
            PROGRAM,
            json!({"demandeur": {"type": "cuma"}}),
            "2025-06-01",
            "cuma"
        )
        .unwrap(),
        json!(true)
    );
}

#[test]
fn a_missing_input_that_is_needed_names_its_json_path() {
    let e = eval(PROGRAM, json!({}), "2025-06-01", "aide").unwrap_err();
    assert_eq!(e[0], "pol::dossier::entrée_manquante");
    assert!(e[1].contains("« dépenses »"), "{}", e[1]);
    let f = eval(
        PROGRAM,
        json!({"demandeur": {"relève_agricole": true}}),
        "2025-06-01",
        "cuma",
    )
    .unwrap_err();
    assert!(f[1].contains("« demandeur.type »"), "{}", f[1]);
}

#[test]
fn unknown_dossier_fields_are_reported_never_dropped() {
    let e = eval(PROGRAM, json!({"dépense": "1.00"}), "2025-06-01", "aide").unwrap_err();
    assert_eq!(e, vec!["pol::dossier::champ_inconnu"]);
    let f = eval(
        PROGRAM,
        json!({"demandeur": {"type": "cuma", "releve": true}}),
        "2025-06-01",
        "cuma",
    )
    .unwrap_err();
    assert_eq!(f, vec!["pol::dossier::champ_inconnu"]);
}

#[test]
fn wrong_types_name_the_path_and_the_expected_type() {
    let (db, files) = db_with(&[("p.pol", &format!("{HEADER}{PROGRAM}"))]);
    let plan = pol_compiler::eval::compile_program(&db, files[0]).unwrap();
    let inputs =
        json!({"demandeur": {"type": "coop", "relève_agricole": "oui"}, "superficie": "3 m²"});
    let errors = pol_compiler::eval::start(
        &plan,
        inputs.as_object().unwrap(),
        &pol_compiler::eval::Options::at(date("2025-06-01")),
    )
    .err()
    .unwrap();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 3, "{text:#?}");
    assert!(text[0].contains("« demandeur.type » doit être une valeur de TypeDemandeur (exploitation_agricole, cuma)"), "{}", text[0]);
    assert!(
        text[1].contains("« demandeur.relève_agricole » doit être un booléen"),
        "{}",
        text[1]
    );
    assert!(
        text[2].contains("« superficie » doit être une quantité en ha")
            && text[2].contains("l'unité attendue est ha"),
        "{}",
        text[2]
    );
}

const BASE: &str = "\
programme pv « Programme »
  en vigueur du 2023-12-05 au 2026-03-31
version 2023-12-05 « Cadre normatif initial »
importer modification
règle plafond : argent = 40 000 $
entrée dépenses : argent
règle aide : argent = min(dépenses × 50 %, plafond)
";

const AMENDMENT: &str = "\
version 2025-04-25 « Cadre normatif modifié le 25 avril 2025 »
importer programme
§ « Modification du 25 avril 2025 »
remplace règle plafond : argent = 50 000 $
";

fn amended(at: &str) -> Result<serde_json::Value, Vec<String>> {
    eval_files(
        &[
            ("pv/programme.pol", BASE),
            ("pv/modification.pol", AMENDMENT),
        ],
        json!({"dépenses": "200000.00"}),
        at,
        "aide",
    )
}

#[test]
fn the_same_dossier_before_and_after_an_amendment() {
    assert_eq!(amended("2025-04-24").unwrap(), json!("40000.00"));
    assert_eq!(amended("2025-04-25").unwrap(), json!("50000.00"));
    assert_eq!(amended("2026-03-31").unwrap(), json!("50000.00"));
}

#[test]
fn a_date_outside_the_period_is_an_error() {
    assert_eq!(
        amended("2026-04-01").unwrap_err(),
        vec!["pol::dossier::date_hors_période"]
    );
    assert_eq!(
        amended("2023-12-04").unwrap_err(),
        vec!["pol::dossier::date_hors_période"]
    );
}

#[test]
fn a_date_before_the_oldest_encoded_version_is_refused_not_guessed() {
    let base = BASE.replace(
        "version 2023-12-05 « Cadre normatif initial »",
        "version 2025-01-01 « Texte modifié »",
    );
    let r = eval_files(
        &[
            ("pv/programme.pol", &base),
            ("pv/modification.pol", AMENDMENT),
        ],
        json!({"dépenses": "1.00"}),
        "2024-06-01",
        "aide",
    );
    assert_eq!(r.unwrap_err(), vec!["pol::dossier::version_non_encodée"]);
}

#[test]
fn replacing_needs_a_version_and_something_to_replace() {
    let no_version = "importer b\nremplace règle plafond : argent = 1 $";
    let (db, files) = db_with(&[
        ("a.pol", no_version),
        ("b.pol", "règle plafond : argent = 2 $"),
    ]);
    let d = pol_compiler::check::file_diagnostics(&db, files[0]);
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec!["pol::version"]
    );
    let nothing = "version 2025-01-01\nremplace règle inexistante : argent = 1 $";
    assert_eq!(codes(nothing), vec!["pol::version"]);
}

/// The codes of every file's diagnostics, in file order.
fn codes_of(files: &[(&str, &str)]) -> Vec<Vec<&'static str>> {
    let (db, handles) = db_with(files);
    handles
        .iter()
        .map(|f| {
            pol_compiler::check::file_diagnostics(&db, *f)
                .iter()
                .map(|d| d.code)
                .collect()
        })
        .collect()
}

const PROGRAMME: &str = "programme p « P »\n  en vigueur du 2023-12-05 au 2026-03-31\nversion 2023-12-05\nimporter modif\nentrée dépenses : argent\nrègle plafond : argent = 40 000 $\nrègle aide : argent = min(dépenses, plafond)\ntable forfait (n : entier) : argent\n  | 1 | 10 $ |\n";

#[test]
fn a_replacement_keeps_the_kind_and_type_of_what_it_replaces() {
    let ok = "version 2025-04-25\nimporter p\nremplace règle plafond : argent = 50 000 $";
    assert_eq!(
        codes_of(&[("p.pol", PROGRAMME), ("modif.pol", ok)]),
        vec![Vec::<&str>::new(), vec![]]
    );
    let other_type = "version 2025-04-25\nimporter p\nremplace règle plafond : booléen = vrai";
    assert_eq!(
        codes_of(&[("p.pol", PROGRAMME), ("modif.pol", other_type)])[1],
        vec!["pol::type::incompatible"]
    );
    let other_kind = "version 2025-04-25\nimporter p\nremplace condition plafond « x » : vrai";
    assert_eq!(
        codes_of(&[("p.pol", PROGRAMME), ("modif.pol", other_kind)])[1],
        vec!["pol::version"]
    );
    let other_keys =
        "version 2025-04-25\nimporter p\nremplace table forfait (n : booléen) : argent\n  | vrai | 1 $ |\n  | faux | 2 $ |";
    assert_eq!(
        codes_of(&[("p.pol", PROGRAMME), ("modif.pol", other_keys)])[1],
        vec!["pol::version"]
    );
    let twice = "version 2025-04-25\nimporter p\nremplace règle plafond : argent = 50 000 $\nremplace règle plafond : argent = 80 000 $";
    assert_eq!(
        codes_of(&[("p.pol", PROGRAMME), ("modif.pol", twice)])[1],
        vec!["pol::nom::doublon"]
    );
}

#[test]
fn versions_outside_the_period_or_in_conflict_are_reported_on_the_programme() {
    let with = |imports: &str| PROGRAMME.replace("importer modif\n", imports);
    let late = "version 2027-01-01\nimporter p\nremplace règle plafond : argent = 50 000 $";
    assert_eq!(
        codes_of(&[("p.pol", &with("importer modif\n")), ("modif.pol", late)])[0],
        vec!["pol::version"]
    );
    let early = "version 2020-01-01\nimporter p\nremplace règle plafond : argent = 50 000 $";
    assert_eq!(
        codes_of(&[("p.pol", &with("importer modif\n")), ("modif.pol", early)])[0],
        vec!["pol::version", "pol::version"],
        "hors période, et avant la version de base"
    );
    let a = "version 2025-04-25\nimporter p\nremplace règle plafond : argent = 50 000 $";
    let b = "version 2025-04-25\nimporter p\nremplace règle plafond : argent = 60 000 $";
    assert_eq!(
        codes_of(&[
            ("p.pol", &with("importer a\nimporter b\n")),
            ("a.pol", a),
            ("b.pol", b)
        ])[0],
        vec!["pol::version"]
    );
}

const DATED: &str = "\
programme pv « Programme »
  en vigueur du 2023-12-05 au 2026-03-31
  daté par date_dépôt
version 2025-01-01 « Cadre normatif »
importer modification
entrée date_dépôt : date
règle plafond : argent = 40 000 $
entrée dépenses : argent
règle aide : argent = min(dépenses × 50 %, plafond)
règle évaluée_le : date = date_d_évaluation
";

fn dated(deposit: Option<&str>, at: &str, rule: &str) -> Result<serde_json::Value, Vec<String>> {
    let mut inputs = json!({"dépenses": "200000.00"});
    if let Some(d) = deposit {
        inputs["date_dépôt"] = json!(d);
    }
    eval_files(
        &[
            ("pv/programme.pol", DATED),
            ("pv/modification.pol", AMENDMENT),
        ],
        inputs,
        at,
        rule,
    )
}

#[test]
fn a_programme_dated_by_an_input_applies_the_rules_of_that_date() {
    // Deposited before the amendment, evaluated after it: the rules of the deposit apply.
    assert_eq!(
        dated(Some("2025-04-24"), "2025-06-01", "aide").unwrap(),
        json!("40000.00")
    );
    assert_eq!(
        dated(Some("2025-04-25"), "2025-06-01", "aide").unwrap(),
        json!("50000.00")
    );
    // The evaluation date stays the evaluation date, even after the program's end.
    assert_eq!(
        dated(Some("2026-02-15"), "2026-05-01", "évaluée_le").unwrap(),
        json!("2026-05-01")
    );
    // A deposit before the oldest encoded version is refused, whatever the evaluation date.
    assert_eq!(
        dated(Some("2024-05-15"), "2025-06-01", "aide").unwrap_err(),
        vec!["pol::dossier::version_non_encodée"]
    );
    assert_eq!(
        dated(Some("2026-04-01"), "2026-04-02", "aide").unwrap_err(),
        vec!["pol::dossier::date_hors_période"]
    );
    // The dating input is always needed.
    assert_eq!(
        dated(None, "2025-06-01", "aide").unwrap_err(),
        vec!["pol::dossier::entrée_manquante"]
    );
}

#[test]
fn dated_by_must_name_a_date_input() {
    let header = "programme pv « P »\n  en vigueur du 2023-12-05 au 2026-03-31\n";
    let unknown = format!("{header}  daté par date_dépot\nentrée date_dépôt : date\n");
    let (db, files) = db_with(&[("p.pol", &unknown)]);
    let d = pol_compiler::check::file_diagnostics(&db, files[0]).clone();
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec!["pol::nom::inconnu"]
    );
    assert_eq!(
        d[0].help.as_deref(),
        Some("voulez-vous dire « date_dépôt » ?")
    );
    let not_date = format!("{header}  daté par montant\nentrée montant : argent\n");
    assert_eq!(codes(&not_date), vec!["pol::type::incompatible"]);
    let rule = format!("{header}  daté par d\nrègle d : date = 2025-01-01\n");
    assert_eq!(codes(&rule), vec!["pol::type::incompatible"]);
    let twice = format!("{header}  daté par d\n  daté par d\nentrée d : date\n");
    assert_eq!(codes(&twice), vec!["pol::programme"]);
    let period_twice = format!("{header}  en vigueur du 2020-01-01 au 2030-01-01\n");
    assert_eq!(codes(&period_twice), vec!["pol::programme"]);
}

/// A decision's value, its failed conditions with their reasons, and the rate.
type Outcome = (bool, Vec<(String, String)>, serde_json::Value);

/// The decision, its failed conditions with their reasons, and a rule, on a date.
fn amended_decision(
    amendment: &str,
    inputs: serde_json::Value,
    at: &str,
) -> Result<Outcome, Vec<String>> {
    let base = "programme pv « P »\n  en vigueur du 2023-12-05 au 2026-03-31\n  sorties admissible, taux\nversion 2023-12-05\nimporter modification\nentrée montant : argent\nentrée cuma : booléen = faux\ncondition c « au moins 10 $ » : montant >= 10 $\nrègle taux : pourcentage = 50 %\ndécision admissible = toutes les conditions\n";
    let (db, files) = db_with(&[
        ("pv/programme.pol", base),
        ("pv/modification.pol", amendment),
    ]);
    let plan =
        pol_compiler::eval::compile_program(&db, files[0]).map_err(|e| vec![format!("{e:?}")])?;
    let mut ev = pol_compiler::eval::start(
        &plan,
        inputs.as_object().unwrap(),
        &pol_compiler::eval::Options::at(date(at)),
    )
    .map_err(|e| e.iter().map(|e| e.code().to_string()).collect::<Vec<_>>())?;
    let decision = plan.outputs[0];
    let ok = ev.value(decision).map_err(|e| vec![e.code().to_string()])?;
    let failed = ev
        .failed_conditions(decision)
        .map_err(|e| vec![e.code().to_string()])?
        .into_iter()
        .map(|c| {
            (
                plan.def(c).name.to_string(),
                ev.reason(c).unwrap_or_default().to_string(),
            )
        })
        .collect();
    let taux = ev
        .value(plan.outputs[1])
        .map_err(|e| vec![e.code().to_string()])?;
    let taux = pol_compiler::eval::dossier::to_json(&taux, &plan.def(plan.outputs[1]).ty, &plan);
    Ok((ok.as_bool().unwrap_or(false), failed, taux))
}

#[test]
fn what_an_amendment_adds_exists_only_from_its_date() {
    let amendment = "version 2025-01-01 « Modification »\nimporter programme\ncondition c2 « au moins 20 $ » : montant >= 20 $\nexception taux « CUMA » si cuma alors 90 %\n";
    let inputs = json!({"montant": "15.00", "cuma": true});
    // Before the amendment: neither the new condition nor the new exception.
    let (ok, failed, taux) = amended_decision(amendment, inputs.clone(), "2024-06-01").unwrap();
    assert!(ok);
    assert!(failed.is_empty());
    assert_eq!(taux, json!("50 %"));
    // From its date: both.
    let (ok, failed, taux) = amended_decision(amendment, inputs, "2025-01-01").unwrap();
    assert!(!ok);
    assert_eq!(
        failed,
        vec![("c2".to_string(), "au moins 20 $".to_string())]
    );
    assert_eq!(taux, json!("90 %"));
}

#[test]
fn a_replaced_condition_gives_the_reason_of_its_version() {
    let amendment = "version 2025-01-01 « Modification »\nimporter programme\nremplace condition c « au moins 20 $ » : montant >= 20 $\n";
    let inputs = json!({"montant": "15.00"});
    let (_, failed, _) = amended_decision(amendment, inputs.clone(), "2025-01-01").unwrap();
    assert_eq!(failed, vec![("c".to_string(), "au moins 20 $".to_string())]);
    let (ok, failed, _) = amended_decision(amendment, inputs, "2024-06-01").unwrap();
    assert!(ok, "15 $ satisfait l'ancienne condition");
    assert!(failed.is_empty());
    let inputs = json!({"montant": "5.00"});
    let (_, failed, _) = amended_decision(amendment, inputs, "2024-06-01").unwrap();
    assert_eq!(failed, vec![("c".to_string(), "au moins 10 $".to_string())]);
}

#[test]
fn dossier_amounts_are_grouped_by_thousands_and_names_normalised() {
    let src = "entrée dépenses : argent\nrègle r : argent = dépenses";
    assert_eq!(
        eval(src, json!({"dépenses": "19 500,00"}), "2025-06-01", "r").unwrap(),
        json!("19500.00")
    );
    let e = eval(src, json!({"dépenses": "19 5000,00"}), "2025-06-01", "r").unwrap_err();
    assert_eq!(e[0], "pol::dossier::type", "{e:?}");
    // The key typed with a combining accent (e + U+0301) is the same name.
    let decomposed = "de\u{301}penses";
    let mut inputs = serde_json::Map::new();
    inputs.insert(decomposed.to_string(), json!("10.00"));
    let text = serde_json::to_string(&serde_json::Value::Object(inputs)).unwrap();
    let parsed = pol_compiler::eval::json::parse(&text).unwrap();
    assert_eq!(
        eval(src, parsed, "2025-06-01", "r").unwrap(),
        json!("10.00")
    );
}

#[test]
fn an_amendment_nobody_imports_is_reported() {
    let programme = "programme p « P »\n  en vigueur du 2023-12-05 au 2026-03-31\nversion 2023-12-05\nrègle plafond : argent = 40 000 $\n";
    let orphan = "version 2025-04-25\nimporter p\nremplace règle plafond : argent = 50 000 $";
    assert_eq!(
        codes_of(&[("p.pol", programme), ("modif.pol", orphan)]),
        vec![vec![], vec!["pol::version"]]
    );
    let late_base = programme.replace("version 2023-12-05", "version 2027-01-01");
    assert_eq!(codes_of(&[("p.pol", &late_base)])[0], vec!["pol::version"]);
}

#[test]
fn a_key_written_twice_is_named_with_its_path() {
    let e = pol_compiler::eval::json::parse(r#"{"ds": [{"a": 1, "a": 2}]}"#).unwrap_err();
    assert!(
        e.contains("la clé « a » est écrite deux fois dans « ds[0] »"),
        "{e}"
    ); // « entrée » typed with a combining accent is the same key as with « é »: written twice.
    let e = pol_compiler::eval::json::parse("{\"d\": {\"entre\u{301}e\": 1, \"entrée\": 2}}")
        .unwrap_err();
    assert!(
        e.contains("la clé « entrée » est écrite deux fois dans « d »"),
        "{e}"
    );
    // Exact numbers, texts in NFC, nothing else changed.
    let v = pol_compiler::eval::json::parse(
        "\u{FEFF}{\"n\": 0.1000000000000000000001, \"t\": \"e\u{301}\"}",
    )
    .unwrap();
    assert_eq!(v["n"].to_string(), "0.1000000000000000000001");
    assert_eq!(v["t"], "é");
    assert!(pol_compiler::eval::json::parse("{} x")
        .unwrap_err()
        .contains("du texte suit la fin"));
}
