//! Every construct of the language, in its accepted and its rejected forms.

mod common;
use common::*;
use serde_json::json;

const ENUM: &str = "énumération Pratique : désherbage | lutte_biologique | semis | épandage\n";

#[test]
fn selon_covers_every_variant() {
    let src = format!(
        "{ENUM}entrée p : Pratique
règle taux : pourcentage = selon p :
  cas lutte_biologique : 70 %
  cas désherbage, semis, épandage : 50 %
"
    );
    assert_clean(&src);
    assert_eq!(
        eval(&src, json!({"p": "lutte_biologique"}), "2025-06-01", "taux").unwrap(),
        json!("70 %")
    );
    assert_eq!(
        eval(&src, json!({"p": "semis"}), "2025-06-01", "taux").unwrap(),
        json!("50 %")
    );
}

#[test]
fn selon_missing_a_variant_is_reported_with_the_missing_ones() {
    let src = format!("{ENUM}entrée p : Pratique\nrègle t : pourcentage = selon p : cas semis : 1 % cas épandage : 2 %\n");
    let d = diagnostics(&src);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "pol::selon::non_exhaustif");
    assert!(
        d[0].message.contains("désherbage, lutte_biologique"),
        "{}",
        d[0].message
    );
}

#[test]
fn selon_with_sinon_repeated_or_unknown_arms() {
    let ok = format!("{ENUM}entrée p : Pratique\nrègle t : pourcentage = selon p : cas semis : 1 % sinon : 2 %\n");
    assert_clean(&ok);
    let repeated = format!("{ENUM}entrée p : Pratique\nrègle t : pourcentage = selon p : cas semis : 1 % cas semis : 2 % sinon : 0 %\n");
    assert_eq!(codes(&repeated), vec!["pol::selon::cas_répété"]);
    let unknown = format!(
        "{ENUM}entrée p : Pratique\nrègle t : pourcentage = selon p : cas semi : 1 % sinon : 0 %\n"
    );
    let d = diagnostics(&unknown);
    assert_eq!(d[0].code, "pol::nom::inconnu");
    assert_eq!(d[0].help.as_deref(), Some("voulez-vous dire « semis » ?"));
    let useless =
        "entrée b : booléen\nrègle t : entier = selon b : cas vrai : 1 cas faux : 2 sinon : 3";
    assert_eq!(codes(useless), vec!["pol::selon::cas_répété"]);
}

#[test]
fn tables_with_several_keys() {
    // Annexe 1: flat amounts, bonified amounts in parentheses.
    let src = "\
énumération Honoraires : conception | attestation
table forfait (h : Honoraires, bonifié : booléen) : argent
  | conception  | faux | 560 $ |
  | conception  | vrai | 680 $ |
  | attestation | faux | 560 $ |
  | attestation | vrai | 680 $ |
entrée h : Honoraires
entrée b : booléen
règle montant : argent = forfait(h, b)
";
    assert_clean(src);
    assert_eq!(
        eval(
            src,
            json!({"h": "attestation", "b": true}),
            "2025-06-01",
            "montant"
        )
        .unwrap(),
        json!("680.00")
    );
    assert_eq!(
        eval(
            src,
            json!({"h": "conception", "b": false}),
            "2025-06-01",
            "montant"
        )
        .unwrap(),
        json!("560.00")
    );
}

#[test]
fn table_rows_with_ranges_and_wildcards() {
    // Cohort tiers by number of farms (annexe 3 shape).
    let src = "\
table palier (fermes : entier) : argent
  | 5 à 7   | 10 000 $ |
  | 8 à 11  | 14 000 $ |
  | 12 à 15 | 18 000 $ |
entrée n : entier
règle montant : argent = palier(n)
";
    assert_clean(src);
    let at = |n: i64| eval(src, json!({"n": n}), "2025-06-01", "montant");
    assert_eq!(at(5).unwrap(), json!("10000.00"));
    assert_eq!(at(7).unwrap(), json!("10000.00"));
    assert_eq!(at(8).unwrap(), json!("14000.00"));
    assert_eq!(at(15).unwrap(), json!("18000.00"));
    let e = at(16).unwrap_err();
    assert_eq!(e[0], "pol::éval::table");
    assert!(e[1].contains("fermes = 16"), "{}", e[1]);
}

#[test]
fn table_problems_are_reported() {
    let dup = "table t (b : booléen) : entier\n  | vrai | 1 |\n  | vrai | 2 |\n  | faux | 3 |";
    assert_eq!(codes(dup), vec!["pol::table"], "{}", rendered(dup));
    let incomplete = "table t (b : booléen) : entier\n  | vrai | 1 |";
    let d = diagnostics(incomplete);
    assert_eq!(d.len(), 1);
    assert!(!d[0].is_error());
    assert!(d[0].message.contains("(faux)"), "{}", d[0].message);
    let arity = "table t (b : booléen) : entier\n  | vrai | 1 | 2 |\n  | faux | 3 |";
    // The malformed row is refused, so the table also misses its « vrai » row (a warning).
    assert_eq!(codes(arity), vec!["pol::table", "pol::table"]);
    // Rows are tried in order: the first that matches applies.
    let overlap =
        "table t (n : entier) : entier\n  | 1 à 5 | 1 |\n  | 5 à 9 | 2 |\nrègle x : entier = t(5)";
    assert_eq!(
        eval(overlap, json!({}), "2025-06-01", "x").unwrap(),
        json!(1)
    );
}

#[test]
fn exceptions_override_the_general_rule() {
    // Base rate 50 %, but 70 % for biological control.
    let src = format!(
        "{ENUM}entrée p : Pratique
règle taux_de_base : pourcentage = 50 %
exception taux_de_base « lutte biologique » si p = lutte_biologique alors 70 %
"
    );
    assert_clean(&src);
    assert_eq!(
        eval(
            &src,
            json!({"p": "lutte_biologique"}),
            "2025-06-01",
            "taux_de_base"
        )
        .unwrap(),
        json!("70 %")
    );
    assert_eq!(
        eval(&src, json!({"p": "semis"}), "2025-06-01", "taux_de_base").unwrap(),
        json!("50 %")
    );
}

#[test]
fn conflicting_exceptions_are_reported_not_resolved_silently() {
    let src = "\
entrée cuma : booléen
entrée relève : booléen
règle plafond : argent = 40 000 $
exception plafond « CUMA » si cuma alors 120 000 $
exception plafond « relève » si relève alors 50 000 $
";
    assert_clean(src);
    assert_eq!(
        eval(
            src,
            json!({"cuma": true, "relève": false}),
            "2025-06-01",
            "plafond"
        )
        .unwrap(),
        json!("120000.00")
    );
    let e = eval(
        src,
        json!({"cuma": true, "relève": true}),
        "2025-06-01",
        "plafond",
    )
    .unwrap_err();
    assert_eq!(e[0], "pol::exception::conflit");
}

#[test]
fn exceptions_with_the_same_condition_are_a_static_conflict() {
    let src = "entrée cuma : booléen\nrègle plafond : argent = 40 000 $\nexception plafond si cuma alors 120 000 $\nexception plafond si cuma alors 100 000 $";
    assert_eq!(codes(src), vec!["pol::exception::conflit"]);
}

#[test]
fn exception_problems_are_reported() {
    assert_eq!(
        codes("règle taux : pourcentage = 50 %\nexception tau si vrai alors 70 %"),
        vec!["pol::nom::inconnu"]
    );
    assert_eq!(
        codes("règle taux : pourcentage = 50 %\nexception taux si vrai alors 70 $"),
        vec!["pol::type::unités"]
    );
    assert_eq!(
        codes("entrée e : entier\nexception e si vrai alors 1"),
        vec!["pol::exception"]
    );
}

#[test]
fn decisions_collect_every_failed_condition() {
    let src = "\
entrée dépenses : argent
entrée date_dépôt : date
condition à_temps « La demande doit être déposée au plus tard le 15 février 2026 » : date_dépôt <= 2026-02-15
condition minimum « La demande doit atteindre 500 $ » : dépenses × 50 % >= 500 $
décision admissible = toutes les conditions
décision à_temps_seulement = conditions à_temps
";
    assert_clean(src);
    let late_and_small = json!({"dépenses": "100.00", "date_dépôt": "2026-03-01"});
    assert_eq!(
        eval(src, late_and_small.clone(), "2026-03-02", "admissible").unwrap(),
        json!(false)
    );
    let ok = json!({"dépenses": "1000.00", "date_dépôt": "2026-02-15"});
    assert_eq!(
        eval(src, ok, "2026-03-02", "admissible").unwrap(),
        json!(true)
    );
    assert_eq!(
        codes("condition c « r » : vrai\ndécision d = conditions c, inconnue"),
        vec!["pol::nom::inconnu"]
    );
}

#[test]
fn lists_sums_counts_filters() {
    let src = "\
structure Dépense :
  montant : argent
  admissible : booléen
entrée dépenses : liste de Dépense
règle total : argent = somme(d.montant pour chaque d dans dépenses où d.admissible)
règle nombre_admissibles : entier = nombre(d pour chaque d dans dépenses où d.admissible)
règle plus_grande : argent = maximum(d.montant pour chaque d dans dépenses)
règle plus_petite : argent = minimum([d.montant pour chaque d dans dépenses])
règle toutes_admissibles : booléen = tous(d.admissible pour chaque d dans dépenses)
règle une : booléen = existe(d.admissible pour chaque d dans dépenses)
règle plafonnée : argent = min(total, 1 000 $)
";
    assert_clean(src);
    let inputs = json!({"dépenses": [
        {"montant": "600.00", "admissible": true},
        {"montant": 450.5, "admissible": true},
        {"montant": "99.99", "admissible": false}
    ]});
    let v = |r: &str| eval(src, inputs.clone(), "2025-06-01", r).unwrap();
    assert_eq!(v("total"), json!("1050.50"));
    assert_eq!(v("nombre_admissibles"), json!(2));
    assert_eq!(v("plus_grande"), json!("600.00"));
    assert_eq!(v("plus_petite"), json!("99.99"));
    assert_eq!(v("toutes_admissibles"), json!(false));
    assert_eq!(v("une"), json!(true));
    assert_eq!(v("plafonnée"), json!("1000.00"));
    let empty = eval(src, json!({"dépenses": []}), "2025-06-01", "plus_grande").unwrap_err();
    assert_eq!(empty[0], "pol::éval::liste_vide");
    assert_eq!(
        eval(src, json!({"dépenses": []}), "2025-06-01", "total").unwrap(),
        json!("0.00")
    );
}

#[test]
fn a_sum_over_a_comprehension_reports_an_element_s_error_before_its_own_overflow() {
    // The elements are computed before they are added up: a missing amount in the third
    // element is the error, even though the first two already overflow what money holds
    // (5 × 10²⁶ $ each; the largest is 7,9 × 10²⁶ $). Folded as they come or from a list
    // already built, the same error.
    let src = "\
structure Dépense :
  montant : argent
entrée dépenses : liste de Dépense
règle total : argent = somme(d.montant pour chaque d dans dépenses)
règle montants : liste de argent = [d.montant pour chaque d dans dépenses]
règle total_de_la_liste : argent = somme(montants)
";
    assert_clean(src);
    let huge = json!({"montant": "500000000000000000000000000.00"});
    for rule in ["total", "total_de_la_liste"] {
        let missing = json!({"dépenses": [huge, huge, {}]});
        let e = eval(src, missing, "2025-06-01", rule).unwrap_err();
        assert_eq!(e[0], "pol::dossier::entrée_manquante", "{rule}: {e:?}");
        let e = eval(src, json!({"dépenses": [huge, huge]}), "2025-06-01", rule).unwrap_err();
        assert_eq!(e[0], "pol::éval::dépassement", "{rule}: {e:?}");
    }
}

#[test]
fn membership_in_a_list_of_variants() {
    let src = format!("{ENUM}entrée p : Pratique\nrègle pesticides : booléen = p dans [désherbage, lutte_biologique]\n");
    assert_clean(&src);
    assert_eq!(
        eval(&src, json!({"p": "désherbage"}), "2025-06-01", "pesticides").unwrap(),
        json!(true)
    );
    assert_eq!(
        eval(&src, json!({"p": "semis"}), "2025-06-01", "pesticides").unwrap(),
        json!(false)
    );
}

#[test]
fn conditionals_both_forms() {
    let src = "\
entrée bonifié : booléen
règle a : pourcentage = 50 % + (15 % si bonifié sinon 0 %)
règle b : pourcentage = si bonifié alors 65 % sinon 50 %
";
    assert_clean(src);
    assert_eq!(
        eval(src, json!({"bonifié": true}), "2025-06-01", "a").unwrap(),
        json!("65 %")
    );
    assert_eq!(
        eval(src, json!({"bonifié": false}), "2025-06-01", "b").unwrap(),
        json!("50 %")
    );
    assert_eq!(
        codes("règle x = si vrai alors 1 $ sinon 2 %"),
        vec!["pol::type::incompatible"]
    );
    assert_eq!(
        codes("règle x = si 3 alors 1 sinon 2"),
        vec!["pol::type::incompatible"]
    );
}

#[test]
fn rules_without_a_type_are_inferred() {
    let src = "règle a = 2 500 $/ha × 2 ha\nrègle b : argent = a";
    assert_clean(src);
    assert_eq!(value(src, "b"), json!("5000.00"));
    assert_eq!(
        codes("règle a = 2 ha\nrègle b : argent = a"),
        vec!["pol::type::unités"]
    );
}

#[test]
fn unknown_names_suggest_the_closest() {
    let d =
        diagnostics("règle taux_de_base : pourcentage = 50 %\nrègle t : pourcentage = taux_de_bas");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "pol::nom::inconnu");
    assert_eq!(
        d[0].help.as_deref(),
        Some("voulez-vous dire « taux_de_base » ?")
    );
    let t = diagnostics("entrée x : argnt");
    assert_eq!(t[0].code, "pol::nom::type_inconnu");
    assert_eq!(t[0].help.as_deref(), Some("voulez-vous dire « argent » ?"));
    let f =
        diagnostics("structure S :\n  relève : booléen\nentrée s : S\nrègle r : booléen = s.relve");
    assert_eq!(f[0].code, "pol::nom::champ_inconnu");
    assert_eq!(f[0].help.as_deref(), Some("voulez-vous dire « relève » ?"));
}

#[test]
fn duplicates_are_reported() {
    assert_eq!(codes("règle a = 1\nrègle a = 2"), vec!["pol::nom::doublon"]);
    assert_eq!(
        codes("structure S :\n  a : entier\n  a : booléen"),
        vec!["pol::nom::doublon"]
    );
    assert_eq!(
        codes("énumération E : a | b | a"),
        vec!["pol::nom::doublon"]
    );
}

#[test]
fn rule_cycles_are_reported_once() {
    let d = diagnostics("règle a : entier = b + 1\nrègle b : entier = c\nrègle c : entier = a");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "pol::règle::cycle");
    assert!(d[0].message.contains("a → b → c → a"), "{}", d[0].message);
    // Unannotated rules in a cycle: still one diagnostic, no crash.
    assert_eq!(codes("règle a = b\nrègle b = a"), vec!["pol::règle::cycle"]);
    assert_eq!(codes("règle a = a + 1"), vec!["pol::règle::cycle"]);
}

#[test]
fn imports_resolve_in_the_tree_and_the_standard_library() {
    let (db, files) = db_with(&[
        ("prime-vert/programme.pol", "importer commun\nimporter std.regions\nentrée r : RégionAdministrative\nrègle p : argent = plafond\nrègle loin : booléen = r = côte_nord"),
        ("prime-vert/commun.pol", "règle plafond : argent = 40 000 $"),
    ]);
    assert!(pol_compiler::check::file_diagnostics(&db, files[0]).is_empty());
    let d = diagnostics("importer commun.inexistant");
    assert_eq!(d[0].code, "pol::import::introuvable");
    assert!(d[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("commun/inexistant.pol"));
}

#[test]
fn names_defined_twice_across_imports_are_reported() {
    let (db, files) = db_with(&[
        ("a.pol", "importer b\nrègle plafond : argent = 1 $"),
        ("b.pol", "règle plafond : argent = 2 $"),
    ]);
    let d = pol_compiler::check::file_diagnostics(&db, files[0]);
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec!["pol::nom::doublon"]
    );
}

#[test]
fn nfc_normalisation_makes_accents_typed_either_way_one_name() {
    // « relève » with a combining grave accent in the use, precomposed in the definition.
    let src = "entrée rele\u{0300}ve : booléen\nrègle r : booléen = relève";
    assert_clean(src);
}

#[test]
fn nesting_too_deep_is_a_diagnostic_not_a_crash() {
    let deep = format!("règle x : entier = {}1{}", "(".repeat(300), ")".repeat(300));
    let d = codes(&deep);
    assert_eq!(d, vec!["pol::syntaxe::imbrication"]);
    // Depth counts the tree, not the grammar's levels: ordinary nesting is accepted, and the
    // error node stands in without a follow-on type error.
    let nested = "structure D :\n  m : argent\n  x : booléen\n  y : booléen\nentrée l : liste de D = []\nrègle r : argent = max(min(arrondi(somme(d.m × (50 % + (15 % si (d.x et (d.y ou non d.x)) sinon 0 %)) pour chaque d dans l), 2), 40 000 $), 0 $)";
    assert_eq!(codes(nested), Vec::<String>::new());
    let calls = format!(
        "règle r : argent = {}1 ${}",
        "min(".repeat(40),
        ", 2 $)".repeat(40)
    );
    assert_eq!(codes(&calls), Vec::<String>::new());
    // A long flat chain is a left-deep tree: past the limit it is refused, not overflowed.
    let ok = format!("règle r : entier = {}", vec!["1"; 200].join(" + "));
    assert_eq!(codes(&ok), Vec::<String>::new());
    let long = format!("règle r : entier = {}", vec!["1"; 30_000].join(" + "));
    assert_eq!(codes(&long), vec!["pol::syntaxe::imbrication"]);
    let long_and = format!("règle r : booléen = {}", vec!["vrai"; 30_000].join(" et "));
    assert_eq!(codes(&long_and), vec!["pol::syntaxe::imbrication"]);
    let types = format!("entrée x : {}entier", "liste de ".repeat(5_000));
    assert_eq!(codes(&types), vec!["pol::syntaxe::imbrication"]);
    // Far deeper than the grammar can follow: still a diagnostic.
    let deeper = format!(
        "règle x : entier = {}1{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let run = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || codes(&deeper))
        .unwrap()
        .join()
        .unwrap();
    assert!(!run.is_empty());
}

#[test]
fn structures_with_defaults_and_nested_fields() {
    let src = "\
énumération TypeDemandeur : exploitation_agricole | cuma
structure Branche :
  exploitations : entier
structure Demandeur :
  type : TypeDemandeur
  relève : booléen = faux
  branche : Branche
entrée demandeur : Demandeur
règle petite_branche : booléen = demandeur.branche.exploitations < 3
règle relève : booléen = demandeur.relève
";
    assert_clean(src);
    let d = json!({"demandeur": {"type": "cuma", "branche": {"exploitations": 2}}});
    assert_eq!(
        eval(src, d.clone(), "2025-06-01", "petite_branche").unwrap(),
        json!(true)
    );
    assert_eq!(eval(src, d, "2025-06-01", "relève").unwrap(), json!(false));
}

#[test]
fn long_chains_of_rules_check_fast_and_evaluate_without_overflowing() {
    // 300 rules, each reading the previous one: checked in linear time; evaluating the last
    // one goes deeper than the evaluator accepts, which is an error, not a crash.
    let mut src = String::from("règle r0 : entier = 1\n");
    for i in 1..300 {
        src.push_str(&format!("règle r{i} : entier = r{} + 1\n", i - 1));
    }
    let run = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            assert_clean(&src);
            (
                value(&src, "r200"),
                eval(&src, json!({}), "2025-06-01", "r299"),
            )
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(run.0, json!(201));
    assert_eq!(run.1.unwrap_err()[0], "pol::éval::profondeur");
}

#[test]
fn hover_names_the_amendments_of_a_rule() {
    let (db, files) = db_with(&[
        ("pv/programme.pol", "programme pv « P »\n  en vigueur du 2023-12-05 au 2026-03-31\nimporter modification\n## Le plafond.\nrègle plafond : argent = 40 000 $\n"),
        ("pv/modification.pol", "version 2025-04-25\nimporter programme\nremplace règle plafond : argent = 50 000 $\n"),
    ]);
    let t = pol_compiler::ide::target(
        &db,
        &pol_compiler::types::DefRef {
            file: files[0],
            name: "plafond".into(),
        },
    )
    .unwrap();
    let text = pol_compiler::ide::hover_text(&db, &t);
    assert!(text.contains("règle plafond : argent"), "{text}");
    assert!(text.contains("Le plafond."), "{text}");
    assert!(
        text.contains("Remplacée à partir du 2025-04-25 (pv/modification.pol) : argent"),
        "{text}"
    );
}

#[test]
fn table_rows_that_can_never_apply_are_reported() {
    let table = |rows: &str| format!("table p (f : entier) : argent\n{rows}");
    assert_eq!(
        codes(&table("  | 5 à 7 | 10 000 $ |\n  | 5 à 7 | 11 000 $ |")),
        vec!["pol::table"],
        "même intervalle"
    );
    assert_eq!(
        codes(&table("  | 5 à 7 | 10 000 $ |\n  | 6 | 1 $ |")),
        vec!["pol::table"],
        "couverte par un intervalle plus haut"
    );
    assert_eq!(
        codes(&table("  | 3 à 1 | 15 000 $ |")),
        vec!["pol::table"],
        "intervalle à l'envers"
    );
    assert_eq!(
        codes(&table("  | _ | 1 $ |\n  | 2 | 2 $ |")),
        vec!["pol::table"],
        "après « _ »"
    );
    // Ranges that only touch, or a catch-all written last, are fine.
    assert_eq!(
        codes(&table(
            "  | 1 à 4 | 1 $ |\n  | 5 à 7 | 2 $ |\n  | 4 | 3 $ |"
        )),
        vec!["pol::table"]
    );
    assert_clean(&table(
        "  | 1 à 4 | 1 $ |\n  | 5 à 7 | 2 $ |\n  | _ | 0 $ |",
    ));
    assert_clean(
        "table q (f : entier, b : booléen) : argent\n  | 1 à 10 | vrai | 1 $ |\n  | 2 | faux | 2 $ |\n  | _ | _ | 0 $ |",
    );
}

#[test]
fn names_written_twice_in_one_place_are_reported() {
    assert_eq!(
        codes("condition c « x » : vrai\ndécision d = conditions c, c"),
        vec!["pol::nom::doublon"]
    );
    assert_eq!(
        codes("importer std.regions\nimporter std.regions"),
        vec!["pol::nom::doublon"]
    );
    assert_eq!(
        codes("programme a « A »\nprogramme b « B »"),
        vec!["pol::programme"]
    );
    let (db, files) = db_with(&[("moi.pol", "importer moi\nrègle r = 1")]);
    let d = pol_compiler::check::file_diagnostics(&db, files[0]);
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec!["pol::import::cycle"]
    );
}

#[test]
fn imports_that_lead_back_to_their_file_are_a_cycle_but_an_amendment_and_its_programme_are_not() {
    let messages = |files: &[(&str, &str)]| -> Vec<Vec<String>> {
        let (db, ids) = db_with(files);
        ids.iter()
            .map(|f| {
                pol_compiler::check::file_diagnostics(&db, *f)
                    .iter()
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect()
            })
            .collect()
    };
    // a → b → c → a: each import on the way is the error, with the whole cycle; d, which
    // only imports into it, is not in it.
    assert_eq!(
        messages(&[
            ("a.pol", "importer b\nrègle ra = 1"),
            ("b.pol", "importer c\nrègle rb = 2"),
            ("c.pol", "importer a\nrègle rc = 3"),
            ("d.pol", "importer a\nrègle rd = 4"),
        ]),
        vec![
            vec!["pol::import::cycle les imports forment un cycle : a → b → c → a"],
            vec!["pol::import::cycle les imports forment un cycle : b → c → a → b"],
            vec!["pol::import::cycle les imports forment un cycle : c → a → b → c"],
            vec![],
        ]
    );
    // The amendment imports the programme it modifies, which imports it (as MADI's does).
    let clean: Vec<Vec<String>> = vec![vec![], vec![]];
    assert_eq!(
        messages(&[
            ("p.pol", "programme p « P »\n  en vigueur du 2020-01-01 au 2030-12-31\n  sorties r\nversion 2020-01-01 « origine »\nimporter m\nrègle r : entier = 1"),
            ("m.pol", "version 2024-01-01 « modification »\nimporter p\nremplace règle r : entier = 2"),
        ]),
        clean
    );
}

#[test]
fn a_long_list_is_shown_by_its_first_elements_and_its_length() {
    use pol_compiler::eval::value::Shown;
    let src =
        "entrée l : liste de entier = []\nrègle r : liste de entier = [x pour chaque x dans l]";
    let (db, files) = db_with(&[("p.pol", &format!("programme p « P »\n  sorties r\n{src}"))]);
    let plan = pol_compiler::eval::compile_program(&db, files[0]).unwrap();
    let list: Vec<i32> = (1..=25).collect();
    let inputs = json!({ "l": list });
    let mut ev = pol_compiler::eval::start(
        &plan,
        inputs.as_object().unwrap(),
        &pol_compiler::eval::Options::at(date("2025-06-01")),
    )
    .unwrap();
    let slot = plan.outputs[0];
    let v = ev.value(slot).unwrap();
    let shown = Shown {
        value: &v,
        ty: &plan.def(slot).ty,
        plan: &plan,
    }
    .to_string();
    assert!(shown.starts_with("[1, 2, 3"), "{shown}");
    assert!(
        shown.ends_with("20, … et 5 autres : 25 éléments en tout]"),
        "{shown}"
    );
}

#[test]
fn a_table_row_missing_its_last_bar_is_named() {
    let d = diagnostics("table p (f : entier) : argent\n  | 1 | 10 $\n  | 2 | 20 $ |");
    assert_eq!(
        d.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec!["pol::table"]
    );
    assert!(d[0].message.contains("finit par « | »"), "{}", d[0].message);
}

#[test]
fn checks_that_cannot_apply_say_so() {
    // A citation in front of an import leads nowhere.
    assert_eq!(
        codes("§ « art. 1 »\nimporter std.regions"),
        vec!["pol::syntaxe"]
    );
    // Too many combinations to prove a table complete: a warning, not silence.
    let keys: Vec<String> = (0..14).map(|i| format!("k{i} : booléen")).collect();
    let cells = vec!["vrai"; 14].join(" | ");
    let src = format!("table t ({}) : entier\n  | {cells} | 1 |", keys.join(", "));
    let d = diagnostics(&src);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].message.contains("trop de combinaisons"),
        "{}",
        d[0].message
    );
}

#[test]
fn a_long_cycle_of_rules_without_types_is_one_diagnostic() {
    let n = 2_000;
    let mut src: String = (0..n)
        .map(|i| format!("règle r{i} = r{} + 1\n", i + 1))
        .collect();
    src.push_str(&format!("règle r{n} = r0\n"));
    assert_eq!(codes(&src), vec!["pol::règle::cycle"]);
    // A comprehension's variable named like the rule is no cycle.
    assert_clean("entrée l : liste de entier = []\nrègle a = somme(a pour chaque a dans l)");
}

const SCHEDULE: &str = "\
structure Versement :
  date : date
  montant : argent

entrée première_année : entier
entrée rétribution : argent

règle versements : liste de Versement =
  [Versement { date : date(a, 12, 15), montant : rétribution } pour chaque a dans intervalle(première_année, première_année + 4)]

règle total : argent = somme(v.montant pour chaque v dans versements)
règle dernier : date = maximum(v.date pour chaque v dans versements)
règle aucun : entier = nombre(intervalle(3, 1))
";

#[test]
fn a_schedule_is_a_list_of_structure_values_built_over_a_range_of_years() {
    // « La rétribution annuelle sera versée le 15 décembre de chaque année, à partir de
    // l'année d'implantation » for the five years of the agreement (ALUS Lanaudière, 6).
    assert_clean(SCHEDULE);
    let inputs = json!({"première_année": 2025, "rétribution": "1500.00"});
    let at = |rule: &str| eval(SCHEDULE, inputs.clone(), "2025-06-01", rule).unwrap();
    assert_eq!(at("total"), json!("7500.00"));
    assert_eq!(at("dernier"), json!("2029-12-15"));
    assert_eq!(
        at("versements")[0],
        json!({"date": "2025-12-15", "montant": "1500.00"})
    );
    assert_eq!(at("versements").as_array().unwrap().len(), 5);
    // A range that ends before it starts is empty.
    assert_eq!(at("aucun"), json!(0));
    // The formatter writes a structure value back as it reads.
    let once = pol_compiler::format::format_source(SCHEDULE).unwrap();
    assert!(
        once.contains("Versement { date : date(a, 12, 15), montant : rétribution }"),
        "{once}"
    );
    assert_eq!(pol_compiler::format::format_source(&once).unwrap(), once);
}

#[test]
fn a_structure_value_names_each_field_once_with_its_type() {
    let decl = "structure V :\n  date : date\n  montant : argent\n  note : texte = « »\n";
    let with = |body: &str| format!("{decl}règle r : V = {body}\n");
    // The default of a field left out is taken.
    assert_clean(&with("V { date : 2025-12-15, montant : 10 $ }"));
    assert_eq!(
        codes(&with("V { date : 2025-12-15 }")),
        ["pol::type::incompatible"]
    );
    assert_eq!(
        codes(&with(
            "V { date : 2025-12-15, montant : 10 $, montnt : 1 $ }"
        )),
        ["pol::nom::champ_inconnu"]
    );
    assert_eq!(
        codes(&with(
            "V { date : 2025-12-15, montant : 10 $, montant : 2 $ }"
        )),
        ["pol::nom::doublon"]
    );
    assert_eq!(
        codes(&with("V { date : 2025-12-15, montant : 10 }")),
        ["pol::type::unités"]
    );
    assert_eq!(
        codes(&with("W { date : 2025-12-15 }")),
        ["pol::nom::type_inconnu"]
    );
    assert_eq!(
        codes("règle r : entier = nombre(intervalle(1, 2,5))"),
        ["pol::type::incompatible"]
    );
    let long = "règle r : entier = nombre(intervalle(1, 20 000))";
    assert_eq!(
        eval(long, json!({}), "2025-06-01", "r").unwrap_err()[0],
        "pol::éval::intervalle"
    );
}

#[test]
fn the_deepest_expressions_compile_and_evaluate_on_a_small_stack() {
    // As deep as the grammar accepts, in a long chain of rules, evaluated (compiled and
    // walked) on a thread with the stack of an editor's worker: an answer, not an overflow.
    let sum = vec!["1"; 250].join(" + ");
    let nested = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    let mut src = format!("règle r0 : entier = {sum} + {nested}\n");
    for i in 1..60 {
        src.push_str(&format!(
            "règle r{i} : entier = r{} + {nested} - 1\n",
            i - 1
        ));
    }
    let run = std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || value(&src, "r59"))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(run, json!(251));
}
