//! Every class of diagnostic, rendered as the terminal shows it (snapshots of the French
//! report), and every class of evaluation error, as its message.

mod common;
use common::*;
use serde_json::json;

#[test]
fn syntax_error_says_what_was_expected() {
    insta::assert_snapshot!(rendered(
        "entrée dépenses : argent\nrègle aide : argent = dépenses ×\n"
    ));
}

#[test]
fn unknown_name_suggests_the_closest() {
    insta::assert_snapshot!(rendered(
        "règle taux_de_base : pourcentage = 50 %\nrègle taux : pourcentage = taux_de_bas + 15 %\n"
    ));
}

#[test]
fn type_mismatch() {
    insta::assert_snapshot!(rendered(
        "entrée date_dépôt : date\ncondition à_temps « déposée à temps » : date_dépôt + 1\n"
    ));
}

#[test]
fn unit_mismatch() {
    insta::assert_snapshot!(rendered(
        "entrée volume : m³\nrègle aide : argent = 5 $/m² × volume\n"
    ));
}

#[test]
fn non_exhaustive_selon() {
    insta::assert_snapshot!(rendered(
        "énumération Objectif : pesticides | sols | eau\nentrée o : Objectif\nrègle plafond : argent = selon o :\n  cas pesticides : 40 000 $\n  cas sols : 40 000 $\n"
    ));
}

#[test]
fn rule_cycle() {
    insta::assert_snapshot!(rendered(
        "règle aide : argent = min(plafond, 1 000 $)\nrègle plafond : argent = aide × 2\n"
    ));
}

#[test]
fn duplicate_definition() {
    insta::assert_snapshot!(rendered(
        "règle plafond : argent = 40 000 $\nrègle plafond : argent = 120 000 $\n"
    ));
}

#[test]
fn import_not_found() {
    insta::assert_snapshot!(rendered("importer commun.définitions\n"));
}

#[test]
fn nesting_too_deep() {
    let src = format!(
        "règle x : entier = {}1{}\n",
        "(".repeat(300),
        ")".repeat(300)
    );
    let out = rendered(&src);
    assert!(out.contains("pol::syntaxe::imbrication"), "{out}");
    assert!(
        out.contains("imbriquée trop profondément (plus de 256 niveaux)"),
        "{out}"
    );
    assert!(
        out.contains("découpez-la en plusieurs règles nommées"),
        "{out}"
    );
}

#[test]
fn conflicting_exceptions_at_evaluation() {
    let src = "entrée cuma : booléen\nentrée relève : booléen\nrègle plafond : argent = 40 000 $\nexception plafond « CUMA » si cuma alors 120 000 $\nexception plafond « relève » si relève alors 50 000 $\n";
    let e = eval(
        src,
        json!({"cuma": true, "relève": true}),
        "2025-06-01",
        "plafond",
    )
    .unwrap_err();
    insta::assert_snapshot!(e.join("\n"));
}

#[test]
fn evaluation_errors_name_the_input_its_path_and_the_date() {
    let src = "structure D :\n  type : entier\nentrée d : D\nentrée montant : argent\nrègle r : entier = d.type\nrègle m : argent = montant × 2\nrègle gros : décimal = 79 000 000 000 000 000 000 000 000 000 × 10\n";
    let (db, files) = db_with(&[("p.pol", &format!("{HEADER}{src}"))]);
    let plan = pol_compiler::eval::compile_program(&db, files[0]).unwrap();
    let start = |inputs: serde_json::Value, at: &str| {
        pol_compiler::eval::start(
            &plan,
            inputs.as_object().unwrap(),
            &pol_compiler::eval::Options::at(date(at)),
        )
        .err()
        .map(|es| {
            es.iter()
                .map(|e| format!("{} | {e}", e.code()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
    };
    let lines = [
        eval(src, json!({"d": {}}), "2025-06-01", "r")
            .unwrap_err()
            .join(" | "),
        start(json!({"montant": "abc", "d": {"type": 1.5}}), "2025-06-01"),
        start(json!({"montants": "1.00"}), "2025-06-01"),
        start(json!({}), "2150-01-01"),
        eval(src, json!({}), "2025-06-01", "gros")
            .unwrap_err()
            .join(" | "),
    ];
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn report_positions_count_characters_not_bytes() {
    // « é » and « × » are two bytes each: the column is still the 31st character.
    let out = rendered("entrée dépenses : argent\nrègle a : argent = dépenses × taux_de_bse\n");
    assert!(out.contains("p.pol:2:31]"), "{out}");
}

#[test]
fn an_overlong_line_is_reported_without_being_quoted() {
    let src = format!("règle r : texte = « {} » + ¤\n", "x".repeat(70_000));
    let out = rendered(&src);
    assert!(
        out.contains("pol::syntaxe"),
        "{}",
        &out[..out.len().min(500)]
    );
    assert!(
        out.contains("(p.pol:1:70026 ; ligne trop longue pour être citée)"),
        "{}",
        &out[..out.len().min(500)]
    );
    assert!(out.len() < 1_000, "la ligne n'est pas recopiée");
}
