//! Hover, go to definition, references and rename.

use serde_json::json;

use crate::client::*;
use crate::snapshot;

#[test]
fn hover_definition_symbols_and_formatting() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &programme, PROGRAMME);
    let line = PROGRAMME.lines().nth(8).unwrap();
    let col: usize = line[..line.find("plafond").unwrap()]
        .chars()
        .map(char::len_utf16)
        .sum::<usize>()
        + 2;
    let at = json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": 8, "character": col}});

    let hover = ed.request("textDocument/hover", at.clone());
    snapshot!("survol", snap(&hover["result"], &root));
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("règle plafond : argent"), "{text}");
    assert!(text.contains("Le plafond par objectif."), "{text}");
    assert!(
        text.contains("§ Montant maximal d'aide financière"),
        "{text}"
    );

    let def = ed.request("textDocument/definition", at);
    snapshot!("définition", snap(&def["result"], &root));
    assert_eq!(def["result"]["uri"], json!(uri(&commun)));
    assert_eq!(
        def["result"]["range"]["start"],
        json!({"line": 2, "character": 6})
    );

    let symbols = ed.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&programme)}}),
    );
    snapshot!("plan_du_fichier", snap(&symbols["result"], &root));
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["essai", "dépenses", "aide"]);

    let messy = PROGRAMME.replace("règle aide : argent =", "règle   aide :   argent =");
    ed.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&programme), "version": 2}, "contentChanges": [{"text": messy}]}),
    );
    let edits = ed.request("textDocument/formatting", json!({"textDocument": {"uri": uri(&programme)}, "options": {"tabSize": 2, "insertSpaces": true}}));
    snapshot!("mise_en_forme", snap(&edits["result"], &root));
    let edits = edits["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], json!(PROGRAMME));
    ed.stop();
}

#[test]
fn references_and_rename_across_files_refusing_keywords_and_collisions() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &commun, COMMUN);
    // On « plafond » in commun.pol (line 2, « règle plafond »).
    let at =
        json!({"textDocument": {"uri": uri(&commun)}, "position": {"line": 2, "character": 8}});
    let mut with_decl = at.clone();
    with_decl["context"] = json!({"includeDeclaration": true});
    let refs = ed.request("textDocument/references", with_decl);
    snapshot!("références", snap(&refs["result"], &root));
    let uris: Vec<&str> = refs["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, vec![uri(&commun).as_str(), uri(&programme).as_str()]);

    let prep = ed.request("textDocument/prepareRename", at.clone());
    assert_eq!(prep["result"]["start"], json!({"line": 2, "character": 6}));

    let mut bad = at.clone();
    bad["newName"] = json!("si");
    let refused = ed.request("textDocument/rename", bad);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("n'est pas un nom valide"),
        "{refused}"
    );

    let mut clash = at.clone();
    clash["newName"] = json!("dépenses");
    let refused = ed.request("textDocument/rename", clash);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("déjà défini"),
        "{refused}"
    );

    let mut ok = at;
    ok["newName"] = json!("plafond_par_objectif");
    let edit = ed.request("textDocument/rename", ok);
    snapshot!("renommage", snap(&edit["result"], &root));
    let changes = edit["result"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["textDocument"]["uri"], json!(uri(&commun)));
    assert_eq!(changes[1]["textDocument"]["uri"], json!(uri(&programme)));
    assert_eq!(changes[1]["edits"][0]["newText"], "plafond_par_objectif");
    ed.stop();
}

#[test]
fn go_to_definition_of_imports_types_fields_and_the_standard_library() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let src = format!(
        "{PROGRAMME}importer std.regions\n\nstructure Demandeur :\n  relève : booléen\n\nentrée demandeur : Demandeur\nentrée région : RégionAdministrative\n\nrègle r : booléen = demandeur.relève et région = côte_nord\n"
    );
    open(&mut ed, &programme, &src);
    let at = |line: usize, needle: &str| {
        let l = src.lines().nth(line).unwrap();
        let col: usize = l[..l.find(needle).unwrap()]
            .chars()
            .map(char::len_utf16)
            .sum::<usize>()
            + 1;
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": line, "character": col}})
    };
    let line_of = |needle: &str| src.lines().position(|l| l.contains(needle)).unwrap();

    let import = ed.request("textDocument/definition", at(3, "commun"));
    assert_eq!(import["result"]["uri"], json!(uri(&commun)));

    let ty = ed.request(
        "textDocument/definition",
        at(line_of("entrée demandeur"), "Demandeur"),
    );
    assert_eq!(
        ty["result"]["range"]["start"]["line"],
        json!(line_of("structure Demandeur"))
    );

    let field = ed.request(
        "textDocument/definition",
        at(line_of("règle r :"), "relève"),
    );
    assert_eq!(
        field["result"]["range"]["start"],
        json!({"line": line_of("relève : booléen"), "character": 2})
    );

    let std = ed.request(
        "textDocument/definition",
        at(line_of("entrée région"), "RégionAdministrative"),
    );
    let target = std["result"]["uri"].as_str().unwrap();
    assert!(target.ends_with("/regions.pol"), "{target}");
    let path = target.trim_start_matches("file://").replace("%20", " ");
    assert!(std::fs::read_to_string(path)
        .unwrap()
        .contains("énumération RégionAdministrative"));
    ed.stop();
}

const TYPES: &str = "\
énumération Secteur :
  | grandes_cultures
  | horticole

structure Essai :
  secteur : Secteur
  superficie : ha
";

const SELON: &str = "\
programme prog « Essai »
  en vigueur du 2023-12-05 au 2026-03-31

importer commun

entrée essai : Essai

règle taux : pourcentage =
  selon essai.secteur :
    cas grandes_cultures : 50 %
    cas horticole : 25 %

règle horticole_seulement : booléen = essai.secteur = horticole
";

#[test]
fn references_to_enumeration_values_and_structure_fields_across_files() {
    let (dir, commun, programme) = workspace();
    std::fs::write(&commun, TYPES).unwrap();
    std::fs::write(&programme, SELON).unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &commun, TYPES);
    open(&mut ed, &programme, SELON);
    let (c, p) = (uri(&commun), uri(&programme));
    let refs = |ed: &mut Editor, file: &str, line: u32, character: u32| {
        let r = ed.request(
            "textDocument/references",
            json!({"textDocument": {"uri": file}, "position": {"line": line, "character": character},
                   "context": {"includeDeclaration": true}}),
        );
        places(&r["result"])
    };
    // A value: from its declaration, from a `selon` arm and from an expression, the same places.
    let horticole = vec![(c.clone(), 2, 4), (p.clone(), 10, 8), (p.clone(), 12, 54)];
    assert_eq!(refs(&mut ed, &c, 2, 6), horticole);
    assert_eq!(refs(&mut ed, &p, 10, 9), horticole);
    assert_eq!(refs(&mut ed, &p, 12, 56), horticole);
    // A field: its declaration and both accesses.
    let secteur = vec![(c.clone(), 5, 2), (p.clone(), 8, 14), (p.clone(), 12, 44)];
    assert_eq!(refs(&mut ed, &c, 5, 3), secteur);
    assert_eq!(refs(&mut ed, &p, 12, 46), secteur);
    // Go to definition from a `selon` arm leads to the value's declaration.
    let def = ed.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": p}, "position": {"line": 10, "character": 9}}),
    );
    let def = if def["result"].is_array() {
        def["result"][0].clone()
    } else {
        def["result"].clone()
    };
    assert_eq!(def["uri"], json!(c), "{def}");
    assert_eq!(
        def["range"]["start"],
        json!({"line": 2, "character": 4}),
        "{def}"
    );
    // Renaming a value is refused with the reason: dossiers write it too.
    let refused = ed.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": p}, "position": {"line": 12, "character": 56}}),
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("dossiers JSON"),
        "{refused}"
    );
    ed.stop();
}

#[test]
fn hover_on_types_fields_imports_and_built_in_types() {
    let (dir, commun, programme) = workspace();
    std::fs::write(&commun, TYPES).unwrap();
    std::fs::write(&programme, SELON).unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &programme, SELON);
    let p = uri(&programme);
    let mut hover = |line: u32, character: u32| {
        let r = ed.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": p}, "position": {"line": line, "character": character}}),
        );
        r["result"].clone()
    };
    // `entrée essai : Essai`: the structure.
    let ty = hover(5, 16);
    let text = ty["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("structure Essai"), "{ty}");
    assert_eq!(ty["range"]["start"], json!({"line": 5, "character": 15}));
    // `essai.secteur`: the field, its type and its structure.
    let field = hover(8, 15);
    snapshot!("survol_d_un_champ", snap(&field, &root));
    let text = field["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("champ secteur : Secteur"), "{field}");
    assert!(text.contains("structure Essai"), "{field}");
    // `importer commun`: the module and its file, relative to the policies.
    let import = hover(3, 10);
    let text = import["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("importer commun"), "{import}");
    assert!(text.contains("essai/commun.pol"), "{import}");
    assert!(!text.contains(&root.display().to_string()), "{import}");
    // A built-in type.
    let builtin = hover(7, 14);
    let text = builtin["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("type pourcentage"), "{builtin}");
    ed.stop();
}

#[test]
fn references_from_a_type_use_and_renames_refused_on_fields_and_keywords() {
    let (dir, commun, programme) = workspace();
    std::fs::write(&commun, TYPES).unwrap();
    std::fs::write(&programme, SELON).unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    open(&mut ed, &programme, SELON);
    let (c, p) = (uri(&commun), uri(&programme));
    let at = |line: u32, character: u32| {
        json!({"textDocument": {"uri": p}, "position": {"line": line, "character": character},
               "context": {"includeDeclaration": true}})
    };
    // From `: Essai`, its declaration and its use.
    let refs = ed.request("textDocument/references", at(5, 16));
    snapshot!("références_d_un_type", snap(&refs["result"], &root));
    assert_eq!(
        places(&refs["result"]),
        vec![(c.clone(), 4, 10), (p.clone(), 5, 15)]
    );
    // Definition of a type from its use, into the other file.
    let def = ed.request("textDocument/definition", at(5, 16));
    snapshot!("définition_d_un_type", snap(&def["result"], &root));
    // A field is written in dossiers too: renaming it is refused, with the reason.
    let mut rename = at(8, 15);
    rename["newName"] = json!("filière");
    let refused = ed.request("textDocument/rename", rename);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("un champ de structure ne se renomme pas"),
        "{refused}"
    );
    // On a keyword: nothing to rename.
    let keyword = ed.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": p}, "position": {"line": 7, "character": 2}}),
    );
    assert!(
        keyword["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("placez le curseur sur le nom"),
        "{keyword}"
    );
    ed.stop();
}

#[test]
fn hover_on_enumeration_values_and_references_from_an_import() {
    let (dir, commun, programme) = workspace();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let mut ed = Editor::start(&root);
    let src = format!(
        "{PROGRAMME}\nénumération O : pesticides | sols | eau\nentrée o : O\nrègle p : argent =\n  selon o :\n    cas pesticides : 1 $\n    cas sols, eau : 2 $\n"
    );
    open(&mut ed, &programme, &src);
    let at = |needle: &str| {
        let i = src.find(needle).unwrap() + 1;
        let line = src[..i].matches('\n').count();
        let start = src[..i].rfind('\n').map_or(0, |n| n + 1);
        json!({"textDocument": {"uri": uri(&programme)}, "position": {"line": line, "character": src[start..i].encode_utf16().count()}})
    };
    for needle in ["sols |", "pesticides :", "eau : 2"] {
        let hover = ed.request("textDocument/hover", at(needle));
        let text = hover["result"]["contents"]["value"].as_str().unwrap_or("");
        assert!(text.contains("O"), "{needle} : {hover}");
        assert!(
            text.contains(needle.split([' ', ':']).next().unwrap()),
            "{needle} : {hover}"
        );
    }
    // On the `importer commun` line: the module's file, then every import of it.
    let mut refs = at("importer commun");
    refs["context"] = json!({"includeDeclaration": true});
    let found = ed.request("textDocument/references", refs);
    assert_eq!(
        places(&found["result"]),
        vec![(uri(&commun), 0, 0), (uri(&programme), 3, 9)],
        "{found}"
    );
    ed.stop();
}
