//! Incrementality, observed through salsa's event log: an edit re-checks what depends on it
//! and nothing else.

use pol_compiler::check::file_diagnostics;
use pol_compiler::db::{Database, ItemKey, SourceFile};
use salsa::plumbing::AsId;

const SOURCE: &str = "\
entrée x : argent

règle a : argent = x × 2
règle b : argent = a + 1 $
règle c : argent = x + 3 $
# un commentaire d'analyste
règle d : argent = c
règle sans_type = a
règle lit_sans_type : argent = sans_type
";

fn checked_items(db: &Database, file: SourceFile, log: &[String]) -> Vec<String> {
    let names = ["x", "a", "b", "c", "d", "sans_type", "lit_sans_type"];
    let mut out = Vec::new();
    for n in names {
        let id = ItemKey::new(db, file, n.to_string()).as_id();
        let needle = format!("check_item({id:?})");
        if log.contains(&needle) {
            out.push(n.to_string());
        }
    }
    out
}

fn setup() -> (Database, SourceFile) {
    let mut db = Database::with_log("/mémoire/policies");
    let file = db.set_file("/mémoire/policies/p.pol", SOURCE);
    assert!(
        file_diagnostics(&db, file).is_empty(),
        "{:#?}",
        file_diagnostics(&db, file)
    );
    db.take_log();
    (db, file)
}

#[test]
fn editing_a_rule_body_rechecks_only_that_rule() {
    let (mut db, file) = setup();
    db.set_file("/mémoire/policies/p.pol", &SOURCE.replace("x × 2", "x × 3"));
    assert!(file_diagnostics(&db, file).is_empty());
    let log = db.take_log();
    // `b` reads `a`, but only through its declared type, which did not change.
    assert_eq!(checked_items(&db, file, &log), vec!["a"]);
}

#[test]
fn a_changed_type_rechecks_the_rules_that_read_it() {
    let (mut db, file) = setup();
    // `sans_type` has no declared type: making it a percentage changes what readers see.
    db.set_file(
        "/mémoire/policies/p.pol",
        &SOURCE.replace("règle sans_type = a", "règle sans_type = 15 %"),
    );
    let diags = file_diagnostics(&db, file);
    let log = db.take_log();
    assert_eq!(
        checked_items(&db, file, &log),
        vec!["sans_type", "lit_sans_type"]
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, "pol::type::unités");
}

#[test]
fn editing_a_comment_rechecks_nothing() {
    let (mut db, file) = setup();
    db.set_file(
        "/mémoire/policies/p.pol",
        &SOURCE.replace(
            "# un commentaire d'analyste",
            "# un commentaire plus long, qui décale tout",
        ),
    );
    assert!(file_diagnostics(&db, file).is_empty());
    let log = db.take_log();
    assert_eq!(checked_items(&db, file, &log), Vec::<String>::new());
}

#[test]
fn inserting_lines_above_rechecks_nothing_and_keeps_spans_right() {
    let (mut db, file) = setup();
    let edited = format!(
        "# en-tête ajouté\n\n{}",
        SOURCE.replace("règle d : argent = c", "règle d : argent = inconnu")
    );
    db.set_file("/mémoire/policies/p.pol", &edited);
    let diags = file_diagnostics(&db, file).clone();
    let log = db.take_log();
    assert_eq!(checked_items(&db, file, &log), vec!["d"]);
    assert_eq!(diags.len(), 1);
    let span = diags[0].primary.span;
    assert_eq!(&edited[span.range()], "inconnu");
}

#[test]
fn editing_a_rule_reparses_and_rereads_only_that_rule() {
    let (mut db, file) = setup();
    // A longer body moves every item after it: they are neither parsed nor read again.
    db.set_file(
        "/mémoire/policies/p.pol",
        &SOURCE.replace("x + 3 $", "x + 3 $ + 4 $"),
    );
    assert!(file_diagnostics(&db, file).is_empty());
    let log = db.take_log();
    let count = |query: &str| log.iter().filter(|l| l.starts_with(query)).count();
    assert_eq!(count("parse_chunk("), 1, "{log:#?}");
    assert_eq!(count("item_ast("), 1, "{log:#?}");
    assert_eq!(checked_items(&db, file, &log), vec!["c"]);
}

#[test]
fn editing_one_file_again_and_again_never_reparses_another() {
    let mut db = Database::with_log("/mémoire/policies");
    let other = db.set_file("/mémoire/policies/autre.pol", SOURCE);
    let file = db.set_file("/mémoire/policies/p.pol", SOURCE);
    assert!(file_diagnostics(&db, other).is_empty());
    assert!(file_diagnostics(&db, file).is_empty());
    // Enough edits for anything kept only a few revisions to be dropped.
    for k in 0..12 {
        db.set_file(
            "/mémoire/policies/p.pol",
            &SOURCE.replace("x × 2", &format!("x × {}", k + 3)),
        );
        db.take_log();
        assert!(file_diagnostics(&db, file).is_empty());
        assert!(file_diagnostics(&db, other).is_empty());
        let log = db.take_log();
        let parsed = log.iter().filter(|l| l.starts_with("parse_chunk(")).count();
        assert_eq!(parsed, 1, "edit {k}: {log:#?}");
    }
}
