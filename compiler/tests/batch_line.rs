//! The batch reads each line straight into the plan's slots when it can, and the ordinary way
//! (JSON tree, then decoding) when it cannot. Both ways must give the same result line, byte
//! for byte. The golden dossiers of every programme and a set of unusual lines check it.

mod common;

use pol_compiler::eval::dossier::decode_inputs;
use pol_compiler::eval::{json, line};
use pol_compiler::programme::{evaluate, parse_date, Batch, Options, Programme, Tally};
use serde_json::Value as Json;

/// The result line the ordinary way gives: the line parsed, the identifier taken out, the
/// rest evaluated as `pol eval` evaluates a dossier.
fn ordinary(prog: &Programme, text: &str, options: &Options) -> Option<String> {
    let unreadable = |m: String| {
        // A line that is not a dossier says its number: these are all line 1.
        let record = serde_json::json!({"ligne": 1, "erreurs": [{"code": "pol::dossier::json", "message": m}]});
        Some(format!("{record}\n"))
    };
    let mut inputs = match json::parse(text) {
        Ok(Json::Object(inputs)) => inputs,
        Ok(_) => return unreadable("un objet JSON { … } est attendu".into()),
        Err(m) => return unreadable(m),
    };
    let id = inputs.remove("id").map(|v| v.to_string());
    let outcome = evaluate(prog.plan(), &inputs, options);
    let mut out = Vec::new();
    outcome.write_batch_record(prog.plan(), id.as_deref().map(|t| ("id", t)), &mut out);
    Some(String::from_utf8(out).unwrap())
}

/// The batch's result line, and whether it went the ordinary way.
fn batched(prog: &Programme, text: &str, options: &Options) -> (String, bool) {
    let batch = Batch::new(prog.plan(), *options, Some("id"));
    let mut tally = Tally::new(prog.plan());
    let r = batch.line(1, text, &mut tally);
    (String::from_utf8(r.record).unwrap(), tally.slow == 1)
}

#[test]
fn every_golden_dossier_is_read_directly_into_the_same_inputs_and_result_line() {
    let mut direct = 0;
    for (f, prog, d) in common::golden_dossiers() {
        let mut inputs = d.inputs.clone();
        inputs.insert(
            "id".into(),
            Json::from(f.file_stem().unwrap().to_string_lossy()),
        );
        let text = Json::Object(inputs).to_string();
        let read = line::read(prog.plan(), &line::Keys::of(prog.plan()), &text, Some("id"));
        match decode_inputs(prog.plan(), &d.inputs) {
            Ok(expected) => {
                let read =
                    read.unwrap_or_else(|| panic!("{} : lu par le chemin ordinaire", f.display()));
                assert_eq!(read.inputs, expected, "{}", f.display());
                direct += 1;
            }
            Err(_) => assert!(read.is_none(), "{}", f.display()),
        }
        let options = Options::at(d.date.unwrap());
        let (record, _) = batched(&prog, &text, &options);
        assert_eq!(
            Some(record),
            ordinary(&prog, &text, &options),
            "{}",
            f.display()
        );
    }
    assert!(direct >= 380, "{direct}");
}

const POLICY: &str = "programme essai « Essai »
  en vigueur du 2025-01-01 au 2025-12-31
  sorties admissible, aide, durée_retenue, taux_retenu, dépôt, nombre_de_lignes

énumération Pratique :
  | désherbage « Désherbage »
  | épandage « Épandage »

structure Ligne :
  pratique : Pratique
  montant : argent
  urgente : booléen = faux

entrée dépenses : liste de Ligne = []
entrée durée : durée
entrée taux : pourcentage = 50 %
entrée date_dépôt : date
entrée note : texte = « »
entrée superficie : ha = 0 ha

règle aide : argent = somme(l.montant × taux pour chaque l dans dépenses)
règle durée_retenue : durée = durée
règle taux_retenu : pourcentage = taux
règle dépôt : date = date_dépôt
règle nombre_de_lignes : entier = nombre(dépenses)

condition assez « L'aide doit atteindre 500 $ » : aide >= 500 $

décision admissible = toutes les conditions
";

fn essai() -> Programme {
    Programme::from_sources("/p", &[("/p/essai.pol", POLICY)]).expect("le programme se compile")
}

#[test]
fn unusual_lines_give_the_result_line_of_the_ordinary_way() {
    let prog = essai();
    let options = Options::at(parse_date("2025-06-01").unwrap());
    let base = r#""durée": "6 mois", "date_dépôt": "2025-05-01", "dépenses": [{"pratique": "désherbage", "montant": "1500.00"}]"#;
    // (line, read directly?)
    let lines: Vec<(String, bool)> = vec![
        (format!(r#"{{{base}, "id": "D-1"}}"#), true),
        (format!("\u{FEFF}{{{base}, \"id\": 7}}"), true),
        (format!(r#"  {{ {base} , "id" : 1.50 }}  "#), true),
        (format!(r#"{{{base}, "id": 1E5}}"#), false),
        (format!(r#"{{{base}, "id": -0}}"#), true),
        (format!(r#"{{{base}, "id": true}}"#), true),
        (format!(r#"{{{base}, "id": null}}"#), true),
        (format!(r#"{{{base}, "id": "é-1"}}"#), true),
        (format!(r#"{{{base}}}"#), true),
        (format!(r#"{{{base}, "taux": null, "note": null}}"#), true),
        (format!(r#"{{{base}, "taux": "15 %", "superficie": "2,5 ha", "note": "d\u00e9j\u00e0 \"vu\""}}"#), true),
        (r#"{"durée": "6 mois", "date_dépôt": "2025-05-01", "dépenses": [{"pratique": "épandage", "montant": 1500, "urgente": null}, {"montant": "19 500,00", "pratique": "désherbage", "urgente": true}]}"#.into(), true),
        (format!(r#"{{{base}, "superficie": 2.50}}"#), true),
        (format!(r#"{{{base}, "superficie": 3}}"#), true),
        (format!(r#"{{{base}, "superficie": -0.0}}"#), true),
        (format!(r#"{{{base}, "superficie": -0}}"#), false),
        (format!(r#"{{{base}, "superficie": 1E1}}"#), false),
        (format!(r#"{{{base}, "taux": "15\u0020%"}}"#), false),
        (format!(r#"{{{base}, "superficie": true}}"#), false),
        // The ordinary way: escapes in the identifier, an object as identifier, a key or a
        // text not in NFC, a key written twice, an unknown field, a wrong type, a missing
        // field, trailing text, a line that is not an object.
        (format!(r#"{{{base}, "id": "a\"b"}}"#), false),
        (format!(r#"{{{base}, "id": {{"n": 1}}}}"#), false),
        (format!("{{{base}, \"note\": \"de\u{301}ja\u{300}\"}}"), false),
        ("{\"dure\u{301}e\": \"6 mois\", \"date_dépôt\": \"2025-05-01\"}".into(), false),
        (format!(r#"{{{base}, "durée": "1 an"}}"#), false),
        (format!(r#"{{{base}, "id": 1, "id": 2}}"#), false),
        (format!(r#"{{{base}, "superficie": 3, "superficie": 3}}"#), false),
        (format!(r#"{{{base}, "superficie": null, "superficie": 3}}"#), false),
        (format!(r#"{{{base}, "inconnue": 1}}"#), false),
        (format!(r#"{{{base}, "taux": 15}}"#), false),
        (format!(r#"{{{base}, "superficie": "2 m²"}}"#), false),
        (r#"{"durée": "6 mois", "date_dépôt": "2025-05-01", "dépenses": [{"pratique": "désherbage", "montant": "1500.001"}]}"#.into(), false),
        (r#"{"durée": "6 mois", "date_dépôt": "2025-05-01", "dépenses": [{"pratique": "désherbage", "montant": "1500", "montant": "1"}]}"#.into(), false),
        (r#"{"durée": "6 mois", "date_dépôt": "2025-05-01", "dépenses": [{"pratique": "désherbage"}]}"#.into(), true),
        (r#"{"durée": "6 mois", "date_dépôt": "2025-05-01", "dépenses": [null]}"#.into(), false),
        (r#"{"durée": "6 mois", "date_dépôt": "2025-02-30"}"#.into(), false),
        (format!(r#"{{{base}}} x"#), false),
        // What the line reader takes or leaves byte by byte: blanks of every kind, escapes in
        // a text (decoded) or in a key (left), a lone surrogate, a control character, numbers
        // JSON refuses, an empty object, structures nested deeper than JSON readers allow.
        (format!("{{\t{base} ,\r\n\"id\":\t\"D-2\" }}"), true),
        (format!(r#"{{{base}, "note": "a\/b\tc\ud83d\ude00"}}"#), true),
        (format!(r#"{{{base}, "not\u0065": "x"}}"#), false),
        (format!(r#"{{{base}, "note": "\ud83d"}}"#), false),
        (format!("{{{base}, \"note\": \"a\u{1}b\"}}"), false),
        (format!(r#"{{{base}, "superficie": 01}}"#), false),
        (format!(r#"{{{base}, "superficie": 1.}}"#), false),
        (format!(r#"{{{base}, "superficie": .5}}"#), false),
        ("{}".into(), true),
        (format!(r#"{{{base}, "note": {}1{}}}"#, "[".repeat(200), "]".repeat(200)), false),
    ];
    for (text, direct) in &lines {
        let (record, slow) = batched(&prog, text, &options);
        assert_eq!(
            Some(record.clone()),
            ordinary(&prog, text, &options),
            "{text}"
        );
        assert_eq!(!slow, *direct, "{text} → {record}");
    }
}

#[test]
fn a_line_that_is_not_a_dossier_gets_an_error_record_and_is_counted() {
    let prog = essai();
    let options = Options::at(parse_date("2025-06-01").unwrap());
    let batch = Batch::new(prog.plan(), options, Some("id"));
    let mut tally = Tally::new(prog.plan());
    for (n, text) in [
        "[1, 2]",
        "{\"durée\": ",
        "{\"durée\": \"6 mois\", \"date_dépôt\": \"2025-05-01\"}",
    ]
    .iter()
    .enumerate()
    {
        let r = batch.line(n + 1, text, &mut tally);
        let record: Json = serde_json::from_slice(&r.record).unwrap();
        if n < 2 {
            assert!(r.failed);
            assert_eq!(
                record["erreurs"][0]["code"], "pol::dossier::json",
                "{record}"
            );
            assert!(r
                .message
                .unwrap()
                .starts_with(&format!("erreur : ligne {} : ", n + 1)));
        } else {
            assert!(!r.failed, "{record}");
            assert_eq!(record["admissible"], false);
        }
    }
    assert_eq!((tally.dossiers, tally.errors, tally.slow), (3, 2, 2));
    assert_eq!(tally.decisions.len(), 1);
    assert_eq!(
        (tally.decisions[0].accepted, tally.decisions[0].refused),
        (0, 1)
    );
}

#[test]
fn a_line_that_is_not_a_dossier_keeps_its_identifier_when_it_can_be_read() {
    let prog = essai();
    let options = Options::at(parse_date("2025-06-01").unwrap());
    let batch = Batch::new(prog.plan(), options, Some("id"));
    let mut tally = Tally::new(prog.plan());
    let cases: [(&[u8], Option<Json>); 6] = [
        (br#"{"id": "d", "dur"#, Some(Json::from("d"))),
        (br#"{"id": 7, "x": [1, 2"#, serde_json::from_str("7").ok()),
        // Not UTF-8 after the identifier: it is still read.
        (b"{\"id\": \"e\", \"x\": \"\xff\"}", Some(Json::from("e"))),
        // None can be read: nested, written twice, not UTF-8 itself, after the mistake.
        (br#"{"x": {"id": "dedans"}, oops"#, None),
        (br#"{"id": "a", "id": "b", "#, None),
        (b"{\"id\": \"\xff\"}", None),
    ];
    for (n, (bytes, id)) in cases.iter().enumerate() {
        let mut out = Vec::new();
        let message = batch.write_line(n + 1, bytes, &mut out, &mut tally);
        let record: Json = serde_json::from_slice(&out).unwrap();
        assert_eq!(record["ligne"], n + 1, "{record}");
        assert_eq!(record.get("id"), id.as_ref(), "{record}");
        assert_eq!(
            record["erreurs"][0]["code"], "pol::dossier::json",
            "{record}"
        );
        assert!(message.is_some());
    }
    assert_eq!((tally.dossiers, tally.errors), (6, 6));
}
