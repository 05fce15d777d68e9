//! Differential testing of the evaluator, as Cedar does: programmes generated from a small
//! model of our own (well typed by construction), written as pol source and a dossier,
//! evaluated by pol through its programme API (compiled, and walked with explanations) and
//! by a deliberately naive tree walker written from `docs/langage.md` alone, which shares no
//! arithmetic with pol (exact `i128` rationals, its own civil calendar). Every output, every
//! decision's conditions not met and every evaluation error must agree.

#[path = "reference/gen.rs"]
mod gen;
#[path = "reference/model.rs"]
mod model;
#[path = "reference/naive.rs"]
mod naive;
#[path = "reference/render.rs"]
mod render;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use proptest::collection::vec;
use proptest::prelude::any;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value as Json};

use pol_compiler::check::file_diagnostics;
use pol_compiler::diagnostics::{render as render_diagnostics, Diagnostic, Report, Source};
use pol_compiler::eval::Options;
use pol_compiler::programme::{OpenError, Programme as PolProgramme};

use model::{ArOp, Body, Expr, Programme, Ty, Value};
use naive::{civil_from_days, days_from_civil, month_length, Events, Naive};
use render::{value_json, Render};

const ROOT: &str = "/mémoire/policies";
const PATH: &str = "/mémoire/policies/p.pol";

/// Every construct the generator makes; each must appear in at least one programme of a run.
const CONSTRUCTS: &[&str] = &[
    // Types of rules and inputs.
    "type_entier",
    "type_décimal",
    "type_pourcentage",
    "type_argent",
    "type_booléen",
    "type_date",
    "type_durée_jours",
    "type_durée_mois",
    "type_énumération",
    // Leaves.
    "entrée",
    "référence_à_une_règle",
    "date_d_évaluation",
    "littéral_milliers",
    "littéral_ans",
    // Arithmetic.
    "entier_+-×",
    "décimal_+-×",
    "décimal_×_pourcentage",
    "décimal_/_littéral",
    "pourcentage_+-×",
    "argent_+-",
    "argent_×_nombre_ou_pourcentage",
    "argent_/_littéral",
    "argent_arrondi_au_cent",
    "arrondi",
    "min",
    "max",
    "minimum_liste",
    "maximum_liste",
    "argent_moitié_de_cent",
    // Comparisons and logic.
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "≠",
    "et",
    "ou",
    "non",
    "si_alors_sinon",
    "a_si_c_sinon_b",
    "selon",
    "selon_sinon",
    "selon_sinon_pris",
    // Dates and durations.
    "date_+_jours",
    "date_+_mois",
    "date_-_durée",
    "durée_+_date",
    "date_-_date",
    "durée_+-_durée",
    "durée_×_entier",
    "mois_borné_à_sa_fin",
    "comparaison_de_durées",
    // Conditions, decision, table.
    "condition",
    "décision_conditions_listées",
    "décision_toutes_les_conditions",
    "décision_remplie",
    "décision_non_remplie",
    "décision_comme_booléen",
    "table",
    "table_consultée",
    // Evaluation errors predicted by the model.
    "erreur_date",
    "erreur_durées",
    "erreur_table",
];

/// The constructs a programme contains (from its text) and met (from its evaluation).
fn constructs_of(p: &Programme, events: &Events) -> BTreeSet<&'static str> {
    // Events outside `CONSTRUCTS` are counted and shown, not required.
    let mut out: BTreeSet<&'static str> = events.iter().copied().collect();
    let types = p
        .inputs
        .iter()
        .map(|i| i.ty)
        .chain(p.rules.iter().map(|r| r.ty));
    for ty in types {
        out.insert(match ty {
            Ty::Int => "type_entier",
            Ty::Dec => "type_décimal",
            Ty::Pct => "type_pourcentage",
            Ty::Money => "type_argent",
            Ty::Bool => "type_booléen",
            Ty::Date => "type_date",
            Ty::Days => "type_durée_jours",
            Ty::Months => "type_durée_mois",
            Ty::Enum => "type_énumération",
        });
    }
    for r in &p.rules {
        if let Body::Selon { default, .. } = &r.body {
            out.insert("selon");
            if default.is_some() {
                out.insert("selon_sinon");
            }
        }
    }
    if !p.conditions.is_empty() {
        out.insert("condition");
    }
    if let Some(d) = &p.decision {
        out.insert(if d.listed.is_some() {
            "décision_conditions_listées"
        } else {
            "décision_toutes_les_conditions"
        });
    }
    if p.table.is_some() {
        out.insert("table");
    }
    for e in p.expressions() {
        e.walk(&mut |e| {
            let name = match e {
                Expr::Lit(Ty::Int | Ty::Money, Value::Num(r)) if r.numer() >= 1000 * r.denom() => {
                    "littéral_milliers"
                }
                Expr::Lit(Ty::Months, Value::Dur { months, .. })
                    if months % 12 == 0 && *months != 0 =>
                {
                    "littéral_ans"
                }
                Expr::Lit(..) => return,
                Expr::Input(_) => "entrée",
                Expr::Rule(_) => "référence_à_une_règle",
                Expr::EvalDate => "date_d_évaluation",
                Expr::Decision => "décision_comme_booléen",
                Expr::Arith(op, a, b, ty) => arith_construct(p, *op, a, b, *ty),
                Expr::Cmp(op, a, _) => {
                    if matches!(p.ty_of(a), Ty::Days | Ty::Months) {
                        out.insert("comparaison_de_durées");
                    }
                    render::cmp_symbol(*op)
                }
                Expr::And(..) => "et",
                Expr::Or(..) => "ou",
                Expr::Not(_) => "non",
                Expr::If { postfix: false, .. } => "si_alors_sinon",
                Expr::If { postfix: true, .. } => "a_si_c_sinon_b",
                Expr::MinMax {
                    max: false,
                    list: false,
                    ..
                } => "min",
                Expr::MinMax {
                    max: true,
                    list: false,
                    ..
                } => "max",
                Expr::MinMax { max: false, .. } => "minimum_liste",
                Expr::MinMax { max: true, .. } => "maximum_liste",
                Expr::Round(..) => "arrondi",
                Expr::Table(..) => "table_consultée",
            };
            out.insert(name);
        });
    }
    out
}

fn arith_construct(p: &Programme, op: ArOp, a: &Expr, b: &Expr, ty: Ty) -> &'static str {
    let (ta, tb) = (p.ty_of(a), p.ty_of(b));
    match (ty, op) {
        (Ty::Int, _) => "entier_+-×",
        (Ty::Dec, ArOp::Div) => "décimal_/_littéral",
        (Ty::Dec, ArOp::Mul) if ta == Ty::Pct || tb == Ty::Pct => "décimal_×_pourcentage",
        (Ty::Dec, _) => "décimal_+-×",
        (Ty::Pct, _) => "pourcentage_+-×",
        (Ty::Money, ArOp::Add | ArOp::Sub) => "argent_+-",
        (Ty::Money, ArOp::Mul) => "argent_×_nombre_ou_pourcentage",
        (Ty::Money, ArOp::Div) => "argent_/_littéral",
        (Ty::Date, ArOp::Sub) => "date_-_durée",
        (Ty::Date, _) if ta != Ty::Date => "durée_+_date",
        (Ty::Date, _) if tb == Ty::Months => "date_+_mois",
        (Ty::Date, _) => "date_+_jours",
        (Ty::Days, ArOp::Sub) if ta == Ty::Date => "date_-_date",
        (Ty::Days | Ty::Months, ArOp::Mul) => "durée_×_entier",
        (Ty::Days | Ty::Months, _) => "durée_+-_durée",
        (ty, op) => panic!("arithmetic {op:?} giving {ty:?}"),
    }
}

/// What the model expects of every output: its JSON value, or the code of its error.
struct Expected {
    sorties: Vec<(String, Result<Json, &'static str>)>,
    /// The decision's conditions not met, as `[{condition, raison, citations}]`.
    motifs: Option<(String, Result<Json, &'static str>)>,
}

fn expected(p: &Programme, naive: &mut Naive<'_>) -> Expected {
    let mut sorties = Vec::new();
    for (i, r) in p.rules.iter().enumerate() {
        let v = naive
            .rule(i)
            .map(|v| value_json(r.ty, &v))
            .map_err(|e| e.code());
        sorties.push((r.name.clone(), v));
    }
    for (i, c) in p.conditions.iter().enumerate() {
        let v = naive
            .condition(i)
            .map(|v| value_json(Ty::Bool, &v))
            .map_err(|e| e.code());
        sorties.push((c.name.clone(), v));
    }
    let motifs = p.decision.as_ref().map(|d| {
        let r = naive.decision();
        sorties.push((
            d.name.clone(),
            r.clone().map(|(ok, _)| json!(ok)).map_err(|e| e.code()),
        ));
        let reasons = r
            .map(|(_, failed)| {
                Json::Array(
                    failed
                        .iter()
                        .map(|c| {
                            let c = &p.conditions[*c];
                            json!({"condition": c.name, "raison": c.reason, "citations": []})
                        })
                        .collect(),
                )
            })
            .map_err(|e| e.code());
        (d.name.clone(), reasons)
    });
    Expected { sorties, motifs }
}

/// Whether pol's JSON for one output agrees with the model's expectation.
fn agrees(got: Option<&Json>, want: &Result<Json, &'static str>) -> bool {
    match (got, want) {
        (Some(g), Ok(w)) => g == w,
        (Some(g), Err(code)) => g.get("code").and_then(Json::as_str) == Some(code),
        (None, _) => false,
    }
}

fn diagnostics_text(src: &str, diagnostics: &[Diagnostic]) -> String {
    let source = Arc::new(Source::new("p.pol", src));
    let reports: Vec<Report> = diagnostics
        .iter()
        .map(|d| Report::new(d.clone(), &source))
        .collect();
    render_diagnostics(&reports, false)
}

fn chrono_date(day: i64) -> chrono::NaiveDate {
    let (y, m, d) = civil_from_days(day);
    chrono::NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32).expect("an evaluation date")
}

type Counts = BTreeMap<&'static str, usize>;

/// What an outcome says, the places of its errors left out (formatting moves lines): each
/// output's value or error code, and the conditions not met (or the decision's error code).
fn meaning(outcome: &Json) -> Json {
    let mut m = outcome.clone();
    for part in ["sorties", "motifs"] {
        if let Some(Json::Object(values)) = m.get_mut(part) {
            for v in values.values_mut() {
                if let Some(code) = v.get("code").cloned() {
                    *v = json!({ "erreur": code });
                }
            }
        }
    }
    m
}

/// `pol fmt` of a clean programme is a programme that means the same: it checks clean and
/// gives the dossier the same outputs and reasons.
fn same_once_formatted(
    pol: &PolProgramme,
    src: &str,
    dossier: &serde_json::Map<String, Json>,
    date: chrono::NaiveDate,
) -> Result<(), TestCaseError> {
    let Some(formatted) = pol_compiler::format::format_source(src) else {
        return Err(TestCaseError::fail(format!(
            "pol fmt refuses a clean programme\n{src}"
        )));
    };
    let again = PolProgramme::from_sources(ROOT, &[(PATH, &formatted)]).map_err(|e| {
        TestCaseError::fail(format!(
            "pol fmt gives a programme with errors: {e}\n{formatted}"
        ))
    })?;
    let options = Options::at(date);
    let before = meaning(&pol.evaluate(dossier, &options).to_json(pol.plan()));
    let after = meaning(&again.evaluate(dossier, &options).to_json(again.plan()));
    if before != after {
        return Err(TestCaseError::fail(format!(
            "pol fmt changes what the programme gives\n--- source\n{src}\n--- formatted\n{formatted}\n--- before\n{before}\n--- after\n{after}"
        )));
    }
    Ok(())
}

fn check_case(tape: &[u32], counts: &RefCell<Counts>) -> Result<(), TestCaseError> {
    let prog = gen::programme(tape);
    let r = Render { prog: &prog };
    let src = r.source();
    let dossier = r.dossier();
    let mut naive = Naive::new(&prog);
    let want = expected(&prog, &mut naive);
    if naive.events.contains("trop_grand") {
        *counts
            .borrow_mut()
            .entry("(écartés : nombre trop grand pour le modèle)")
            .or_default() += 1;
        return Ok(());
    }
    let shown_dossier = serde_json::to_string_pretty(&dossier).unwrap_or_default();
    let pol = match PolProgramme::from_sources(ROOT, &[(PATH, &src)]) {
        Ok(p) => p,
        Err(OpenError::Diagnostics { files, .. }) => {
            let all: Vec<Diagnostic> = files.into_iter().flat_map(|(_, d)| d).collect();
            return Err(TestCaseError::fail(format!(
                "generator bug: the programme does not check\n{src}\n{}",
                diagnostics_text(&src, &all)
            )));
        }
        Err(e) => return Err(TestCaseError::fail(format!("{e}\n{src}"))),
    };
    let warnings = file_diagnostics(pol.db(), pol.entry());
    if !warnings.is_empty() {
        return Err(TestCaseError::fail(format!(
            "generator bug: the programme is not clean\n{src}\n{}",
            diagnostics_text(&src, warnings)
        )));
    }
    same_once_formatted(&pol, &src, &dossier, chrono_date(prog.eval_date))?;
    for explain in [false, true] {
        let options = Options::at(chrono_date(prog.eval_date)).explained(explain);
        let outcome = pol.evaluate(&dossier, &options);
        let got = outcome.to_json(pol.plan());
        let mut differences = Vec::new();
        for (name, w) in &want.sorties {
            let g = got.get("sorties").and_then(|s| s.get(name));
            if !agrees(g, w) {
                differences.push(format!("sortie {name}: pol {g:?}, modèle {w:?}"));
            }
        }
        if let Some((name, w)) = &want.motifs {
            let g = got.get("motifs").and_then(|s| s.get(name));
            if !agrees(g, w) {
                differences.push(format!("motifs de {name}: pol {g:?}, modèle {w:?}"));
            }
        }
        if !differences.is_empty() {
            return Err(TestCaseError::fail(format!(
                "pol and the reference model differ ({})\n--- source\n{src}\n--- dossier (évalué le {})\n{shown_dossier}\n--- différences\n{}\n--- pol\n{}",
                if explain { "walked, with explanations" } else { "compiled" },
                naive::date_text(prog.eval_date),
                differences.join("\n"),
                serde_json::to_string_pretty(&got).unwrap_or_default(),
            )));
        }
    }
    let mut counts = counts.borrow_mut();
    *counts.entry("(programmes comparés)").or_default() += 1;
    for c in constructs_of(&prog, &naive.events) {
        *counts.entry(c).or_default() += 1;
    }
    Ok(())
}

#[test]
fn pol_agrees_with_a_naive_reference_evaluator() {
    let config = Config {
        cases: 384,
        failure_persistence: None,
        max_shrink_iters: 1024,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let counts = RefCell::new(Counts::new());
    let result = runner.run(&vec(any::<u32>(), 300..700), |tape| {
        check_case(&tape, &counts)
    });
    let counts = counts.into_inner();
    eprintln!("programmes containing each construct:");
    for (c, n) in &counts {
        eprintln!("  {c:40} {n}");
    }
    if let Err(e) = result {
        panic!("{e}");
    }
    let missing: Vec<&&str> = CONSTRUCTS
        .iter()
        .filter(|c| !counts.contains_key(**c))
        .collect();
    assert!(
        missing.is_empty(),
        "constructs the generator never produced in this run: {missing:?}"
    );
}

/// The model's own calendar, checked day by day against counting months by hand: every day
/// number from year 0 to 9999 has the next day number as its successor date.
#[test]
fn the_reference_calendar_counts_every_day() {
    let mut day = days_from_civil(0, 1, 1);
    for y in 0..=9999 {
        for m in 1..=12 {
            for d in 1..=month_length(y, m) {
                assert_eq!(days_from_civil(y, m, d), day, "{y}-{m}-{d}");
                assert_eq!(civil_from_days(day), (y, m, d));
                day += 1;
            }
        }
    }
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(month_length(2024, 2), 29);
    assert_eq!(month_length(1900, 2), 28);
    assert_eq!(month_length(2000, 2), 29);
}

/// A few values of the model written by hand from the docs' examples.
#[test]
fn the_reference_model_follows_the_docs_examples() {
    use model::Rat;
    // `999,99 $ × 50 % = 499,995 $` gives `500,00 $`.
    let m = Rat::new(99_999, 100).mul(Rat::new(1, 2)).round_half_away(2);
    assert_eq!(m.fixed(2, '.'), "500.00");
    assert_eq!(Rat::new(-5, 1000).round_half_away(2).fixed(2, '.'), "-0.01");
    assert_eq!(
        Rat::new(54, 100).round_half_away(1).decimal('.').unwrap(),
        "0.5"
    );
    // `2025-01-31 + 1 mois = 2025-02-28`, `2024-01-31 + 1 mois = 2024-02-29`.
    let prog = Programme::default();
    let mut n = Naive::new(&prog);
    let plus_month = |n: &mut Naive<'_>, y, m, d| {
        let e = Expr::Arith(
            ArOp::Add,
            Box::new(Expr::Lit(Ty::Date, Value::Date(days_from_civil(y, m, d)))),
            Box::new(Expr::Lit(Ty::Months, Value::Dur { months: 1, days: 0 })),
            Ty::Date,
        );
        match n.eval(&e) {
            Ok(Value::Date(d)) => Ok(naive::date_text(d)),
            Err(e) => Err(e),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(plus_month(&mut n, 2025, 1, 31), Ok("2025-02-28".into()));
    assert_eq!(plus_month(&mut n, 2024, 1, 31), Ok("2024-02-29".into()));
    // Past year 9999 is an error (`pol::éval::date`).
    assert_eq!(plus_month(&mut n, 9999, 12, 1), Err(naive::Error::Date));
}
