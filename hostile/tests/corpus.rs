//! Replays the fuzzers' committed corpus (`fuzz/corpus/<cible>/`, seeded from the shipped
//! policies and golden dossiers, grown by fuzzing, with every input that ever broke a
//! property kept) through the same properties, on the stable toolchain: CI keeps every crash
//! ever found fixed.

use std::path::PathBuf;

/// The inputs of one target's corpus, with their names.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = pol_hostile::repo().join("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} : {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "corpus de {target} presque vide");
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Runs `property` on every input of `target`'s corpus, naming the one that fails.
fn replay(target: &str, property: fn(&[u8])) {
    for (path, bytes) in corpus(target) {
        let outcome = std::panic::catch_unwind(|| property(&bytes));
        assert!(
            outcome.is_ok(),
            "{target} : {} casse la propriété",
            path.display()
        );
    }
}

#[test]
fn every_checked_text_of_the_corpus_checks() {
    replay("verifier", pol_hostile::check_text);
}

#[test]
fn every_formatted_text_of_the_corpus_formats_to_itself_with_its_diagnostics() {
    replay("formater", pol_hostile::format_round_trip);
}

#[test]
fn every_dossier_of_the_corpus_gives_an_outcome_on_every_programme() {
    replay("dossier", pol_hostile::evaluate_dossier);
}

#[test]
fn every_edit_sequence_of_the_corpus_ends_as_a_fresh_check() {
    replay("modifications", pol_hostile::edit_sequence);
}
