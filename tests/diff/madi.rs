//! MADI's real amendment of 2023-08-01, on the shipped policies.

use crate::*;

#[test]
fn the_madi_amendment_of_1_august_2023_changes_five_golden_dossiers() {
    // MADI's guide: « Jusqu'au 31 juillet 2023 », study expenses could be incurred after the
    // deposit form and before the written confirmation, and a project could be filed before
    // its PTE study (payment waiting for it). Under the rules of 2023-08-01 against those of
    // 2023-07-31, by hand: M-23 loses its 40 000 $ expense incurred on 2023-07-31 before the
    // confirmation (65 000 $ → 25 000 $) and M-32 its 60 000 $ incurred before any
    // confirmation (60 000 $ → 0 $); M-22 (a study five years old to the day), M-25 and M-26
    // (no study) could be filed before, and are refused after. M-24's early expenses precede
    // its own deposit: refused on both sides.
    let o = pol(
        &[
            "diff",
            "madi",
            "--règles-du",
            "2023-08-01",
            "--contre",
            "2023-07-31",
            "--format",
            "json",
        ],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json_of(&o);
    let p = &r["programmes"][0];
    assert_eq!(p["programme"], "madi");
    assert_eq!(p["modifiés"], 5, "{p}");
    let listed = dossiers(&r);
    let names: Vec<&str> = listed.iter().map(|(n, _)| &n[..4]).collect();
    assert_eq!(names, ["M-22", "M-23", "M-25", "M-26", "M-32"]);
    for (name, d) in &listed {
        if name.starts_with("M-23") || name.starts_with("M-32") {
            let delta = if name.starts_with("M-23") {
                "-40000.00"
            } else {
                "-60000.00"
            };
            assert_eq!(
                output(d, "dépenses_admissibles").unwrap()["écart"],
                delta,
                "{name}"
            );
            assert_eq!(causes(d), ["dépenses_retenues"], "{name}");
            assert!(d["causes"][0]["emplacement"]
                .as_str()
                .unwrap()
                .contains("modification_2023_08_01.pol:"));
        } else {
            let adm = output(d, "admissible").unwrap();
            assert_eq!(
                adm["conditions_ajoutées"],
                serde_json::json!(["étude_pte_préalable"]),
                "{name}"
            );
            assert_eq!(causes(d), ["étude_pte_préalable"], "{name}");
        }
    }
    assert_eq!(p["décisions"][0]["passent_à_non"], 3);
}
