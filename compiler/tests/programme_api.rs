//! The programme API as a library user meets it: a shipped programme opened by its path or
//! its declared name, dossiers evaluated through the one entry point, the batch line written
//! directly and through the outcome's JSON alike.

use std::path::{Path, PathBuf};

mod common;

use pol_compiler::programme::{Options, Programme};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn a_programme_opens_by_path_or_declared_name_and_knows_its_dossiers() {
    let by_path = Programme::open("prime-vert/sous_volet_1_1.pol", &[&root()]).unwrap();
    let by_name = Programme::open("prime_vert_1_1", &[&root()]).unwrap();
    assert_eq!(by_path.name(), "prime_vert_1_1");
    assert_eq!(
        by_name.entry().path(by_name.db()),
        by_path.entry().path(by_path.db())
    );
    assert!(by_path.is_named("prime-vert/sous_volet_1_1.pol"));
    assert!(by_path.is_named("prime_vert_1_1"));
    assert!(!by_path.is_named("prime_vert_1_2"));
    assert!(by_path.golden_dossiers().ends_with("tests/dossiers"));
    let e = Programme::open("prime_vert_1_11", &[&root()]).unwrap_err();
    assert!(
        e.to_string()
            .contains("voulez-vous dire « prime_vert_1_1 » ?"),
        "{e}"
    );
}

/// What a golden dossier, the language server or a request names stays inside the policy
/// tree; the command line's own argument may be any path.
#[test]
fn a_programme_named_by_a_dossier_stays_inside_the_policy_tree() {
    let prog = Programme::open("prime_vert_1_1", &[&root()]).unwrap();
    for name in [
        "/",
        "..",
        "../policies/prime-vert/sous_volet_1_1.pol",
        "prime-vert/../prime-vert",
    ] {
        assert!(!prog.is_named(name), "{name}");
        let e = Programme::open_named(name, &[&root()]).unwrap_err();
        assert!(e.to_string().contains("refusé"), "{name} : {e}");
    }
    let named = Programme::open_named("prime-vert/sous_volet_1_1.pol", &[&root()]).unwrap();
    assert_eq!(named.name(), "prime_vert_1_1");
    let explicit = root().join("bench/prime_vert_1_1_banc.pol");
    assert!(Programme::open(explicit.to_str().unwrap(), &[&root()]).is_ok());
}

#[test]
fn the_batch_line_written_directly_is_the_outcome_json_of_every_golden_dossier() {
    let mut seen = 0;
    for (f, prog, d) in common::golden_dossiers() {
        let date = d.date.expect("a golden dossier gives its date");
        let outcome = prog.evaluate(&d.inputs, &Options::at(date));
        for id in [None, Some(("id", serde_json::json!("x-1")))] {
            let mut direct = Vec::new();
            let text = id.as_ref().map(|(_, v)| v.to_string());
            let raw = id.as_ref().map(|(k, _)| *k).zip(text.as_deref());
            outcome.write_batch_record(prog.plan(), raw, &mut direct);
            let mut through_json =
                serde_json::to_vec(&outcome.batch_record(prog.plan(), id)).unwrap();
            through_json.push(b'\n');
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                String::from_utf8(through_json).unwrap(),
                "{}",
                f.display()
            );
        }
        seen += 1;
    }
    assert!(seen >= 393, "{seen}");
}

/// Evaluations that record nothing run the plan's compiled expressions; explanations walk
/// the tree. Both give every golden dossier the same outputs, values, errors and motives.
#[test]
fn every_golden_dossier_has_the_same_outcome_compiled_and_walked() {
    let mut seen = 0;
    for (f, prog, d) in common::golden_dossiers() {
        let options = Options::at(d.date.expect("a golden dossier gives its date"));
        let compiled = prog.evaluate(&d.inputs, &options);
        let mut walked = prog.evaluate(&d.inputs, &options.explained(true));
        if let Ok(outputs) = &mut walked.result {
            for o in outputs {
                assert!(o.explanation.take().is_some(), "{}", f.display());
            }
        }
        assert_eq!(compiled, walked, "{}", f.display());
        seen += 1;
    }
    assert!(seen >= 393, "{seen}");
}

/// What the editor's lenses count: the rules, conditions and decisions a dossier's
/// evaluation computes to a value, read from the compiled run's memory, are those the
/// walker's coverage records.
#[test]
fn every_golden_dossier_evaluates_the_same_definitions_compiled_and_walked() {
    use pol_compiler::check::scope::DefKind;
    use pol_compiler::eval::start;
    use pol_compiler::programme::Outcome;
    let mut seen = 0;
    for (f, prog, d) in common::golden_dossiers() {
        let plan = prog.plan();
        let counted = |s: &u32| {
            matches!(
                plan.def(*s).kind,
                DefKind::Rule | DefKind::Condition | DefKind::Decision
            )
        };
        let options = Options::at(d.date.expect("a golden dossier gives its date"));
        let (Ok(mut compiled), Ok(mut walked)) = (
            start(plan, &d.inputs, &options),
            start(plan, &d.inputs, &options),
        ) else {
            continue;
        };
        walked.record_coverage();
        Outcome::of(&mut compiled);
        Outcome::of(&mut walked);
        let coverage = walked.take_coverage().evaluated;
        let from_memory: Vec<_> = compiled.evaluated().into_iter().filter(counted).collect();
        let covered: Vec<_> = coverage.into_iter().filter(counted).collect();
        assert!(!covered.is_empty(), "{}", f.display());
        assert_eq!(from_memory, covered, "{}", f.display());
        seen += 1;
    }
    assert!(seen >= 378, "{seen}");
}
