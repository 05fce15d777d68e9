//! Units are checked by the type checker; money is exact and rounded to the cent, half away
//! from zero, wherever an operation produces it.

mod common;
use common::*;
use serde_json::json;

#[test]
fn money_per_hectare_times_hectares_is_money() {
    let src = "règle aide : argent = 2 500 $/ha × 2,3 ha";
    assert_clean(src);
    assert_eq!(value(src, "aide"), json!("5750.00"));
}

#[test]
fn money_per_cubic_metre_times_cubic_metres_is_money() {
    let src = "règle aide : argent = 4,50 $/m³ × 1 000 m³";
    assert_clean(src);
    assert_eq!(value(src, "aide"), json!("4500.00"));
}

#[test]
fn money_per_square_metre_times_cubic_metres_is_a_unit_error() {
    let d = diagnostics("règle aide : argent = 5 $/m² × 10 m³");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "pol::type::unités");
    assert!(d[0].message.contains("$·m"), "{}", d[0].message);
}

#[test]
fn adding_money_and_hectares_is_a_unit_error() {
    assert_eq!(codes("règle x = 5 $ + 2 ha"), vec!["pol::type::unités"]);
}

#[test]
fn hectares_and_square_metres_are_not_converted_silently() {
    assert_eq!(
        codes("règle x : booléen = 1 ha > 300 m²"),
        vec!["pol::type::unités"]
    );
}

#[test]
fn seed_units_all_multiply_out_to_money() {
    // 0,05 $/entaille, 25 $/ruche, 12 $/unité, 210 $/kg (annexes of the seeds).
    let src = "\
règle érable : argent = 0,05 $/entaille × 1 000 entailles
règle ruches : argent = 25 $/ruche × 40 ruches
règle arbres : argent = 12 $/unité × 150 unités
règle semences : argent = 210 $/kg × 2,5 kg
";
    assert_clean(src);
    assert_eq!(value(src, "érable"), json!("50.00"));
    assert_eq!(value(src, "ruches"), json!("1000.00"));
    assert_eq!(value(src, "arbres"), json!("1800.00"));
    assert_eq!(value(src, "semences"), json!("525.00"));
}

#[test]
fn a_cent_around_the_500_dollar_threshold() {
    // 999,99 $ × 50 % = 499,995 $, rounded half away from zero: 500,00 $.
    let src = "\
règle aide : argent = 999,99 $ × 50 %
condition minimum « au moins 500 $ » : aide >= 500 $
règle sous : argent = 999,97 $ × 50 %
condition minimum_sous « au moins 500 $ » : sous >= 500 $
";
    assert_eq!(value(src, "aide"), json!("500.00"));
    assert_eq!(value(src, "minimum"), json!(true));
    // 999,97 × 50 % = 499,985 → 499,99 $: one cent short.
    assert_eq!(value(src, "sous"), json!("499.99"));
    assert_eq!(value(src, "minimum_sous"), json!(false));
}

#[test]
fn rounding_of_negative_money_is_away_from_zero() {
    let src = "règle r : argent = -0,05 $ × 50 %";
    assert_eq!(value(src, "r"), json!("-0.03"));
}

#[test]
fn percentages_add_as_points() {
    let src = "\
règle taux : pourcentage = 50 % + 15 %
règle aide : argent = 19 500 $ × taux
";
    assert_eq!(value(src, "taux"), json!("65 %"));
    assert_eq!(value(src, "aide"), json!("12675.00"));
}

#[test]
fn a_percentage_plus_a_plain_number_is_refused_with_help() {
    let d = diagnostics("règle t : pourcentage = 50 % + 0,15");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "pol::type::unités");
    assert!(d[0].help.as_deref().unwrap_or("").contains("15 %"));
}

#[test]
fn money_literals_have_at_most_two_decimals() {
    assert_eq!(
        codes("règle x : argent = 4,505 $"),
        vec!["pol::syntaxe::nombre"]
    );
}

#[test]
fn explicit_rounding_to_the_tenth() {
    // IASC: surfaces rounded to the tenth of a hectare, 0,54 → 0,5 (FADQ, section 3).
    let src = "\
règle a : ha = arrondi(0,54 ha, 1)
règle b : ha = arrondi(0,55 ha, 1)
règle c : décimal = arrondi(-0,55, 1)
règle d : décimal = arrondi_inférieur(2,99, 0)
règle e : décimal = arrondi_supérieur(2,01, 0)
";
    assert_clean(src);
    assert_eq!(value(src, "a"), json!(0.5));
    assert_eq!(value(src, "b"), json!(0.6));
    assert_eq!(value(src, "c"), json!(-0.6));
    assert_eq!(value(src, "d"), json!(2));
    assert_eq!(value(src, "e"), json!(3));
}

#[test]
fn absolute_value_takes_a_number_and_keeps_its_unit() {
    let src = "\
règle a : argent = valeur_absolue(-3,50 $)
règle b : ha = valeur_absolue(2 ha - 5 ha)
";
    assert_clean(src);
    assert_eq!(value(src, "a"), json!("3.50"));
    assert_eq!(value(src, "b"), json!(3));
    // Neither a boolean nor a text has an absolute value: it was returned unchanged.
    for arg in ["vrai", "« bonjour »", "2025-01-01", "3 mois"] {
        assert_eq!(
            codes(&format!("règle r = valeur_absolue({arg})")),
            vec!["pol::type::incompatible"],
            "{arg}"
        );
    }
}

#[test]
fn money_is_held_with_its_cents_up_to_the_largest_amount_pol_counts_exactly() {
    // 79 228 162 514 264 337 593 543 950 335 cents is the largest the decimals hold (2⁹⁶ − 1).
    let largest = "792 281 625 142 643 375 935 439 503,35 $";
    assert_clean(&format!("règle a : argent = {largest}"));
    assert_eq!(
        value(&format!("règle a : argent = {largest}"), "a"),
        json!("792281625142643375935439503.35")
    );
    // 29 digits were accepted and written without their cents.
    let d = diagnostics("règle a : argent = 79228162514264337593543950335 $");
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].message,
        format!("le montant 79228162514264337593543950335 $ dépasse {largest}, le plus grand que pol compte exactement au cent")
    );
    // A sum past it is an error, not an amount without cents.
    let r = eval(
        "entrée x : argent\nrègle a : argent = x + x",
        json!({"x": "500000000000000000000000000.00"}),
        "2025-06-01",
        "a",
    );
    assert_eq!(
        r.unwrap_err(),
        [
            "pol::éval::dépassement",
            &format!("le montant calculé dépasse {largest}, le plus grand que pol compte exactement au cent — en calculant « a » (policies/p.pol:5)")
        ]
    );
}

#[test]
fn a_dossier_amount_too_large_says_why() {
    let src = format!("{HEADER}entrée x : argent\nrègle a : argent = x");
    let (db, files) = db_with(&[("p.pol", &src)]);
    let plan = pol_compiler::eval::compile_program(&db, files[0]).unwrap();
    let refused = |x: serde_json::Value| -> String {
        let inputs = json!({ "x": x });
        let options = pol_compiler::eval::Options::at(date("2025-06-01"));
        match pol_compiler::eval::start(&plan, inputs.as_object().unwrap(), &options) {
            Ok(_) => panic!("{x} accepté"),
            Err(es) => es.iter().map(|e| e.to_string()).collect(),
        }
    };
    // Thirty digits: the reason was « au plus deux décimales » of the type's description.
    for x in [
        json!("123456789012345678901234567890.00"),
        serde_json::from_str("123456789012345678901234567890").unwrap(),
    ] {
        let e = refused(x.clone());
        assert!(
            e.ends_with("(ce nombre dépasse la précision exacte de pol (28 chiffres))"),
            "{x} : {e}"
        );
    }
    let e = refused(json!("79228162514264337593543950335"));
    assert!(
        e.ends_with("(le plus grand montant que pol compte exactement au cent est 792 281 625 142 643 375 935 439 503,35 $)"),
        "{e}"
    );
    // A mistyped grouping is not « too precise ».
    let e = refused(json!("19 5000,00"));
    assert!(!e.contains("précision"), "{e}");
}

#[test]
fn french_number_literals() {
    let src = "\
règle a : argent = 40 000 $
règle b : argent = 4,50 $
règle c : pourcentage = 15 %
règle d : $/entaille = 0,05 $/entaille
règle e : entier = 1 234 567
";
    assert_clean(src);
    assert_eq!(value(src, "a"), json!("40000.00"));
    assert_eq!(value(src, "b"), json!("4.50"));
    assert_eq!(value(src, "c"), json!("15 %"));
    assert_eq!(value(src, "d"), json!(0.05));
    assert_eq!(value(src, "e"), json!(1234567));
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let src = "règle x : décimal = 79 000 000 000 000 000 000 000 000 000 × 10";
    let r = eval(src, json!({}), "2025-06-01", "x");
    assert_eq!(r.unwrap_err()[0], "pol::éval::dépassement");
}

#[test]
fn division_by_zero_is_an_error() {
    let src = "entrée n : entier\nrègle x : décimal = 10 / n";
    let r = eval(src, json!({"n": 0}), "2025-06-01", "x");
    assert_eq!(r.unwrap_err()[0], "pol::éval::division_par_zéro");
}

#[test]
fn dividing_money_by_an_area_gives_a_rate() {
    let src = "règle r : $/ha = 1 000 $ / 4 ha\nrègle m : argent = r × 3 ha";
    assert_clean(src);
    assert_eq!(value(src, "r"), json!(250));
    assert_eq!(value(src, "m"), json!("750.00"));
}

#[test]
fn a_rate_per_unit_of_time_times_a_duration() {
    assert_eq!(
        value("règle r : argent = 100 $/an × 2 ans", "r"),
        json!("200.00")
    );
    assert_eq!(
        value("règle r : argent = 3 mois × 12,50 $/mois", "r"),
        json!("37.50")
    );
    assert_eq!(
        value("règle r : argent = 100 $/an × 24 mois", "r"),
        json!("200.00")
    );
    assert_eq!(
        value("règle r : argent = 7 $/jour × 30 jours", "r"),
        json!("210.00")
    );
    // 14 months are no whole number of years; a month is no number of days.
    let e = eval(
        "règle r : argent = 100 $/an × 14 mois",
        json!({}),
        "2025-06-01",
        "r",
    )
    .unwrap_err();
    assert_eq!(e[0], "pol::éval::durées");
    let e = eval(
        "règle r : argent = 7 $/jour × 1 mois",
        json!({}),
        "2025-06-01",
        "r",
    )
    .unwrap_err();
    assert_eq!(e[0], "pol::éval::durées");
    // A rate per hectare times a duration is still refused.
    assert_eq!(
        codes("règle r : argent = 100 $/ha × 2 ans"),
        vec!["pol::type::incompatible"]
    );
}

#[test]
fn results_beyond_exact_precision_are_errors_not_rounded_in_silence() {
    let big = "entrée n : décimal = 9 999 999 999 999 999 999 999 999 999\n";
    let e = eval(
        &format!("{big}règle r : décimal = n + 0,4"),
        json!({}),
        "2025-06-01",
        "r",
    )
    .unwrap_err();
    assert_eq!(e[0], "pol::éval::dépassement");
    let tiny = format!("règle r : décimal = {}", vec!["0,1"; 30].join(" × "));
    let e = eval(&tiny, json!({}), "2025-06-01", "r").unwrap_err();
    assert_eq!(e[0], "pol::éval::dépassement");
    // Sums and products that fit stay exact.
    assert_eq!(value("règle r : décimal = 0,1 + 0,2", "r"), json!(0.3));
    assert_eq!(
        value("règle r : argent = 999,99 $ × 50 %", "r"),
        json!("500.00")
    );
    assert_eq!(
        value("règle r : argent = somme([0,01 $, 0,02 $])", "r"),
        json!("0.03")
    );
}
