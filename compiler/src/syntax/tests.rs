use super::*;
use crate::syntax::ast::*;

const SAMPLE: &str = r#"
programme prime_vert « Programme Prime-Vert 2023-2026 »
  source « Cadre normatif, MAPAQ »
  en vigueur du 2023-12-05 au 2026-03-31
version 2025-04-25 « Cadre normatif modifié le 25 avril 2025 »

énumération TypeDemandeur : exploitation_agricole | cuma | agrotransformateur | obnl

structure Demandeur :
  type : TypeDemandeur
  relève_agricole : booléen = faux

entrée demandeur : Demandeur
entrée dépenses_admissibles : argent
entrée date_dépôt : date

## Le taux bonifié.
§ « Sous-volet 1.1 — bonification »
règle bonifiée : booléen =
  demandeur.relève_agricole ou demandeur.type = cuma

règle taux : pourcentage = 50 % + (15 % si bonifiée sinon 0 %)
règle aide : argent = min(dépenses_admissibles × taux, 40 000 $)
règle tarif : $/ha = 2 500 $/ha
condition dépôt_à_temps « La demande doit être déposée au plus tard le 15 février 2026 » :
  date_dépôt <= 2026-02-15
décision admissible = toutes les conditions
"#;

#[test]
fn sample_parses_without_errors() {
    let parsed = parse(SAMPLE);
    assert!(parsed.errors.is_empty(), "{:#?}", parsed.errors);
    assert_eq!(parsed.items.len(), 13);
    let rule = parsed
        .items
        .iter()
        .find_map(|i| match &i.item.kind {
            ItemKind::Rule(r) if r.name.text == "bonifiée" => Some((i, r)),
            _ => None,
        })
        .unwrap();
    assert_eq!(rule.0.item.docs, vec!["Le taux bonifié."]);
    assert_eq!(rule.0.item.citations, vec!["Sous-volet 1.1 — bonification"]);
}
