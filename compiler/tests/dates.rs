//! Dates and durations: month-end clamping, inclusive deadlines, "dans les six mois".

mod common;
use common::*;
use serde_json::json;

#[test]
fn adding_a_month_clamps_to_the_end_of_the_month() {
    let src = "\
règle a : date = 2025-01-31 + 1 mois
règle b : date = 2024-01-31 + 1 mois
règle c : date = 2025-03-31 - 1 mois
règle d : date = 2023-08-31 + 6 mois
règle e : date = 2024-02-29 + 1 an
";
    assert_clean(src);
    assert_eq!(value(src, "a"), json!("2025-02-28"));
    assert_eq!(value(src, "b"), json!("2024-02-29"));
    assert_eq!(value(src, "c"), json!("2025-02-28"));
    assert_eq!(value(src, "d"), json!("2024-02-29"));
    assert_eq!(value(src, "e"), json!("2025-02-28"));
}

#[test]
fn deadlines_are_inclusive() {
    // « au plus tard le 15 février 2026 » (Prime-Vert, 1.1).
    let src = "\
entrée date_dépôt : date
condition à_temps « déposée au plus tard le 15 février 2026 » : date_dépôt <= 2026-02-15
";
    let at = |d: &str| eval(src, json!({"date_dépôt": d}), "2026-02-20", "à_temps").unwrap();
    assert_eq!(at("2026-02-15"), json!(true));
    assert_eq!(at("2026-02-16"), json!(false));
}

#[test]
fn within_six_months_following_a_date_means_on_or_before_date_plus_six_months() {
    let src = "\
entrée obtention : date
entrée dépôt : date
condition dans_les_six_mois « dans les six mois suivant l'obtention » : dépôt <= obtention + 6 mois
";
    let at = |o: &str, d: &str| {
        eval(
            src,
            json!({"obtention": o, "dépôt": d}),
            "2025-06-01",
            "dans_les_six_mois",
        )
        .unwrap()
    };
    assert_eq!(at("2024-08-31", "2025-02-28"), json!(true));
    assert_eq!(at("2024-08-31", "2025-03-01"), json!(false));
    assert_eq!(at("2024-03-15", "2024-09-15"), json!(true));
    assert_eq!(at("2024-03-15", "2024-09-16"), json!(false));
}

#[test]
fn days_between_dates_compare_with_day_durations() {
    // FADQ IASC: 90-day and 30-day delays.
    let src = "\
entrée avis : date
entrée réponse : date
règle délai : durée = réponse - avis
condition dans_les_90_jours « réponse dans les 90 jours » : délai <= 90 jours
";
    let at = |a: &str, r: &str| {
        eval(
            src,
            json!({"avis": a, "réponse": r}),
            "2025-06-01",
            "dans_les_90_jours",
        )
        .unwrap()
    };
    assert_eq!(at("2025-01-01", "2025-04-01"), json!(true)); // 90 days
    assert_eq!(at("2025-01-01", "2025-04-02"), json!(false)); // 91 days
    assert_eq!(
        eval(
            src,
            json!({"avis": "2025-01-01", "réponse": "2025-04-02"}),
            "2025-06-01",
            "délai"
        )
        .unwrap(),
        json!("91 jours")
    );
}

#[test]
fn months_and_days_do_not_compare() {
    for src in [
        "règle x : booléen = 30 jours < 1 mois",
        "règle x : booléen = 365 jours = 1 an",
        "règle x : booléen = 30 jours ≠ 1 mois",
    ] {
        let r = eval(src, json!({}), "2025-06-01", "x");
        assert_eq!(r.unwrap_err()[0], "pol::éval::durées", "{src}");
    }
    assert_eq!(
        value("règle x : booléen = 24 mois = 2 ans", "x"),
        json!(true)
    );
}

#[test]
fn a_computed_date_stays_within_years_0_to_9999_as_dates_are_written() {
    // Past 9999 the date would print as « +10000-01-01 », which no dossier can read back.
    for src in [
        "règle x : date = 9999-12-31 + 1 jour",
        "règle x : date = 9999-12-01 + 1 mois",
        "règle x : date = 0000-01-01 - 1 jour",
        "règle x : date = date(10000, 1, 1)",
    ] {
        let r = eval(src, json!({}), "2025-06-01", "x").unwrap_err();
        assert_eq!(
            r,
            [
                "pol::éval::date",
                "la date calculée sort du calendrier de pol (de l'an 0 à l'an 9999) — en calculant « x » (policies/p.pol:4)"
            ],
            "{src}"
        );
    }
    assert_eq!(
        value("règle x : date = 9999-12-30 + 1 jour", "x"),
        json!("9999-12-31")
    );
}

#[test]
fn a_date_that_does_not_exist_is_a_diagnostic() {
    assert_eq!(
        codes("règle x : date = 2026-02-30"),
        vec!["pol::syntaxe::date"]
    );
}

#[test]
fn the_evaluation_date_is_an_input_not_the_clock() {
    let src = "condition en_cours « avant la fin » : date_d_évaluation <= 2026-03-31";
    assert_eq!(
        eval(src, json!({}), "2026-03-31", "en_cours").unwrap(),
        json!(true)
    );
    assert_eq!(
        eval(src, json!({}), "2026-04-01", "en_cours").unwrap(),
        json!(false)
    );
}

#[test]
fn years_and_fractional_durations() {
    let src = "règle a : date = 2020-01-15 + 5 ans\nrègle an : entier = année(a)";
    assert_eq!(value(src, "a"), json!("2025-01-15"));
    assert_eq!(value(src, "an"), json!(2025));
    assert_eq!(
        codes("règle d : durée = 1,5 mois"),
        vec!["pol::syntaxe::nombre"]
    );
}

#[test]
fn dossier_dates_are_written_in_full() {
    use pol_compiler::eval::dossier::parse_date;
    assert_eq!(parse_date("2025-02-03"), Some(date("2025-02-03")));
    assert_eq!(parse_date("2025-2-3"), None);
    assert_eq!(parse_date("2025-02-30"), None);
    assert_eq!(parse_date("25-02-03"), None);
    assert_eq!(parse_date("2025/02/03"), None);
}

#[test]
fn durations_too_long_to_count_are_errors_not_clamped() {
    assert_eq!(
        codes("règle a = 3000000000 jours"),
        vec!["pol::syntaxe::nombre"]
    );
    assert_eq!(
        codes("règle a = 200000000 ans"),
        vec!["pol::syntaxe::nombre"]
    );
    let src = "entrée délai : durée\nrègle long : booléen = délai > 90 jours";
    let e = eval(
        src,
        json!({"délai": "99999999999999 jours"}),
        "2025-06-01",
        "long",
    )
    .unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("pol::dossier::type"), "{e:?}");
}

#[test]
fn a_date_is_built_from_a_year_a_month_and_a_day() {
    // « le 15 mai de l'année visée » and « le 30 juin de l'année suivante » (FADQ, 1.6, 1.14).
    let src = "\
entrée année_visée : entier
règle limite : date = date(année_visée, 5, 15)
règle fin : date = date(année_visée + 1, 6, 30)
règle bissextile : date = date(année_visée, 2, 29)
";
    assert_clean(src);
    let at = |year: i64, rule: &str| eval(src, json!({"année_visée": year}), "2025-06-01", rule);
    assert_eq!(at(2024, "limite").unwrap(), json!("2024-05-15"));
    assert_eq!(at(2024, "fin").unwrap(), json!("2025-06-30"));
    assert_eq!(at(2024, "bissextile").unwrap(), json!("2024-02-29"));
    // 2025 is not a leap year: no 29 February, an error rather than a clamped date.
    assert_eq!(at(2025, "bissextile").unwrap_err()[0], "pol::éval::date");
}

#[test]
fn a_date_that_no_calendar_has_is_refused_when_written_out() {
    assert_eq!(
        codes("entrée n : entier\nrègle a : date = date(n, 13, 1)\n"),
        ["pol::type::incompatible"]
    );
    assert_eq!(
        codes("règle a : date = date(2025, 2, 30)\n"),
        ["pol::type::incompatible"]
    );
    assert_eq!(
        codes("règle a : date = date(2025, 2)\n"),
        ["pol::type::arguments"]
    );
    assert_eq!(
        codes("règle a : date = date(2025, 2, 1,5)\n"),
        ["pol::type::incompatible"]
    );
}
