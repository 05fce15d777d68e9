//! A file parsed chunk by chunk (as the database does, so that an edit re-parses one chunk)
//! gives the same items, errors, broken definitions and highlighted tokens as the whole file
//! parsed at once: on
//! every shipped policy, on corners of the grammar, and on the shipped policies damaged line
//! by line as an editor leaves them mid-keystroke.

mod common;

use pol_compiler::db::{file_tokens, parse_file, Database};
use pol_compiler::syntax::{self, chunks::chunks};

/// Parses `text` through the database (chunk by chunk) and at once, and compares.
#[track_caller]
fn assert_same(label: &str, text: &str) {
    let text = syntax::normalize(text);
    let mut db = Database::new("/mémoire/policies");
    let file = db.set_file("/mémoire/policies/p.pol", &text);
    assert_eq!(
        file_tokens(&db, file),
        &syntax::tokens::tokens(&text),
        "{label}: tokens by chunks differ"
    );
    let by_chunks = parse_file(&db, file);
    let whole = syntax::parse(&text);
    if by_chunks == &whole {
        return;
    }
    // The first difference, rather than two whole trees.
    let first = |a: &[String], b: &[String]| {
        let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        (i, a.get(i).cloned(), b.get(i).cloned())
    };
    let show = |p: &syntax::ParsedFile| {
        let mut v: Vec<String> = p
            .items
            .iter()
            .map(|i| format!("{} {:?}", i.offset, i.item))
            .collect();
        v.extend(p.errors.iter().map(|e| format!("erreur {e:?}")));
        v.extend(p.broken.iter().map(|b| format!("cassé {b:?}")));
        v
    };
    let cuts: Vec<_> = chunks(&text).iter().map(|r| r.start).collect();
    panic!(
        "{label}: chunked parse differs at {:?}\ncuts: {cuts:?}",
        first(&show(by_chunks), &show(&whole))
    );
}

fn shipped() -> Vec<(String, String)> {
    let root = common::repo_root();
    let mut out = Vec::new();
    for dir in ["policies", "bench"] {
        for entry in walk(&root.join(dir)) {
            let text = std::fs::read_to_string(&entry).unwrap();
            out.push((entry.display().to_string(), text));
        }
    }
    assert!(out.len() >= 10, "policies not found");
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "pol") {
            out.push(p);
        }
    }
    out
}

#[test]
fn every_shipped_policy_parses_the_same_by_chunks() {
    for (path, text) in shipped() {
        assert_same(&path, &text);
        assert!(
            chunks(&syntax::normalize(&text)).len() > 3,
            "{path}: expected the file to be cut"
        );
    }
}

#[test]
fn corners_of_the_grammar_parse_the_same_by_chunks() {
    let cases = [
        // `remplace` with its definition on the next line.
        "entrée a : argent\n\nremplace\nrègle b = 1 $\n\nrègle c = 2 $\n",
        "remplace # commentaire\n\nrègle b = 1 $\n",
        // A doc comment reaches its item over a comment and a blank line.
        "entrée a : argent\n\n## doc\n# commentaire\n\nrègle b = 1 $\n",
        "## doc\n\u{A0}\nrègle b = 1 $\n",
        // A citation over two lines.
        "entrée a : argent\n\n§ « une citation\nrègle sur deux lignes »\nrègle b = 1 $\n",
        // An unclosed text: the rest is one piece of garbage up to the next item.
        "condition c « raison\n\nrègle x = 1\n\nrègle y = 2\n",
        // Garbage before an item, with blank lines, comments and no-break spaces.
        "règle a = b ×\n\n\nrègle c = 1\n",
        "règle a = b ×  \r\n\r\nrègle c = 1\r\n",
        "règle a = ×\n# c\n\n## doc\nrègle b = 1\n",
        "règle a = ×\n\u{A0}\nrègle b = 1\n",
        "règle a = ×\n## doc\n# c\nrègle b = 1\n",
        "## orpheline\n\nrègle a = 1\n## orpheline à la fin\n",
        "§ « x » reste\n\nrègle a = 1\n",
        // An expression continued at the first column, doc lines of fields at the first column.
        "règle a : argent =\nmin(1 $,\n2 $)\n\nrègle b = 1\n",
        "structure S :\n  a : argent\n## doc du champ\nb : argent\n\nentrée s : S\n",
        "énumération E :\n  | x\n## doc de la règle\nrègle r = 1\n",
        // Two items on one line, and an item glued to garbage.
        "règle a = 1 règle b = 2\n\nrègle c = 3\n",
        "règle a = 1 )\nrègle b = 2\n",
        // Misspelt keywords, quotes, `#` inside texts.
        "regle a = 1\n\nentree b : argent\n\nrègle c = 1\n",
        "condition c \"raison # pas un commentaire\" : vrai\n\nrègle d = 1\n",
        "condition c « raison # pas un commentaire » : vrai\n\nrègle d = 1\n",
        "règle a = « texte\n\n## doc\nrègle b = 1\n",
        "",
        "\n\n\n",
        "# seulement un commentaire\n",
        "règle",
        "règle a = 1",
    ];
    for (i, case) in cases.iter().enumerate() {
        assert_same(&format!("case {i} {case:?}"), case);
    }
}

/// Lines an editor leaves in a file mid-keystroke.
const DAMAGE: &[&str] = &[
    "règle x = ×",
    "## doc",
    "§ « citation",
    "«",
    "»",
    "remplace",
    "# commentaire",
    "  | ligne",
    "règle",
    "\u{A0}",
    "entrée y : argent =",
    "table t (a : booléen) : entier",
];

#[test]
fn damaged_policies_parse_the_same_by_chunks() {
    let mut cases = 0;
    for (path, text) in shipped().into_iter().step_by(2) {
        let lines: Vec<&str> = text.lines().collect();
        for (k, at) in (0..lines.len()).step_by(23).enumerate() {
            let damage = DAMAGE[k % DAMAGE.len()];
            // Inserted before line `at`, and written over it.
            for replace in [false, true] {
                let mut edited: Vec<&str> = lines.clone();
                if replace {
                    edited[at] = damage;
                } else {
                    edited.insert(at, damage);
                }
                let label = format!("{path}, line {} {damage:?} (replace: {replace})", at + 1);
                assert_same(&label, &(edited.join("\n") + "\n"));
                cases += 1;
            }
        }
    }
    assert!(cases > 100, "{cases} cases");
}
