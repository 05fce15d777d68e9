//! Parsing never fails and recovers at item boundaries; the formatter is canonical,
//! idempotent, and keeps the tree and every comment.

mod common;
use common::*;
use pol_compiler::format::format_source;
use pol_compiler::syntax::parse;

#[test]
fn three_independent_mistakes_give_three_diagnostics_and_keep_the_rest() {
    let src = "\
entrée dépenses : argent
règle a : argent = (dépenses +
règle b : argent = dépenses × 50 %
règle c : argent = si vrai alors 1 $ sinon
règle d : argent = dépenses
condition e « raison » : d >= 500 $ 42
règle f : argent = d
";
    let parsed = parse(src);
    assert_eq!(parsed.errors.len(), 3, "{:#?}", parsed.errors);
    let names: Vec<String> = parsed
        .items
        .iter()
        .filter_map(|i| i.item.kind.defined_name().map(|n| n.text.clone()))
        .collect();
    // `e` has trailing garbage on its line: it is broken, the others are kept.
    assert_eq!(names, vec!["dépenses", "b", "d", "f"]);
    // Each message says what was expected, in words.
    assert!(
        parsed.errors[0]
            .message
            .starts_with("attendu : une expression"),
        "{}",
        parsed.errors[0].message
    );
}

#[test]
fn syntax_messages_use_words_not_grammar_rules() {
    let d = diagnostics("règle : argent = 1 $");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "attendu : un nom ; trouvé : « : »");
    let e = diagnostics("règle x argent = 1 $");
    assert!(
        e[0].message.contains("« = »") && e[0].message.contains("« : »"),
        "{}",
        e[0].message
    );
    let f = diagnostics("truc machin");
    assert!(
        f[0].message.starts_with("attendu : le début d'un élément"),
        "{}",
        f[0].message
    );
}

#[test]
fn keywords_cannot_be_names() {
    let d = diagnostics("règle si : entier = 1");
    assert_eq!(d[0].code, "pol::syntaxe");
}

fn without_spans(src: &str) -> String {
    let parsed = parse(src);
    let s = format!(
        "{:?}",
        parsed.items.iter().map(|i| &i.item).collect::<Vec<_>>()
    );
    // Spans depend on layout; the tree does not.
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map(|e| e + 1).unwrap_or(after.len());
        out.push_str("Span");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

const MESSY: &str = "\
# Un commentaire de tête
programme   essai «  Essai   de  format »
   source « MAPAQ »
 en vigueur du 2023-12-05 au 2026-03-31
énumération   T :   a|b |c
structure S :
     x : entier
     y : booléen = faux
entrée s : S
entrée   montant : argent
§ « 1.1 »
## Une règle.
règle   taux : pourcentage = 50 % + ( 15 % si s.y sinon 0 % )
règle aide : argent = min( montant × taux , 40 000 $ )
règle longue : booléen = s.y ou s.x > 3 ou s.x < 1 ou montant > 1 000 $ ou montant < 10 $ ou taux > 60 %
règle choix : entier = selon s.y : cas vrai : 1 cas faux : 2
table t ( k : T ) : argent
  | a | 1 $ |
  | b | 10 000 $ |
  | _ | 0 $ |
# entre deux éléments
condition c « raison » : aide >= 500 $
décision d = toutes les conditions
règle avec_commentaire : entier =
  1 + # un commentaire dans l'élément
  2
";

#[test]
fn formatting_is_idempotent_and_keeps_the_tree() {
    let once = format_source(MESSY).expect("formatable");
    let twice = format_source(&once).expect("formatable");
    assert_eq!(once, twice);
    assert_eq!(without_spans(MESSY), without_spans(&once));
    // Comments are all kept.
    for c in [
        "# Un commentaire de tête",
        "# entre deux éléments",
        "# un commentaire dans l'élément",
    ] {
        assert!(once.contains(c), "commentaire perdu : {c}\n{once}");
    }
}

#[test]
fn formatting_lays_out_the_canonical_way() {
    let once = format_source(MESSY).unwrap();
    assert!(once.contains("programme essai « Essai de format »\n  source « MAPAQ »\n  en vigueur du 2023-12-05 au 2026-03-31\n"), "{once}");
    assert!(once.contains("énumération T : a | b | c\n"), "{once}");
    assert!(
        once.contains("entrée s : S\nentrée montant : argent\n"),
        "{once}"
    );
    assert!(
        once.contains("règle taux : pourcentage = 50 % + (15 % si s.y sinon 0 %)\n"),
        "{once}"
    );
    assert!(
        once.contains("règle longue : booléen =\n  s.y ou s.x > 3 ou s.x < 1 ou"),
        "{once}"
    );
    assert!(
        once.contains(
            "règle choix : entier =\n  selon s.y :\n    cas vrai : 1\n    cas faux : 2\n"
        ),
        "{once}"
    );
    assert!(
        once.contains("  | a | 1 $      |\n  | b | 10 000 $ |\n"),
        "{once}"
    );
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    assert_eq!(format_source("règle x = (1"), None);
}

#[test]
fn every_shipped_policy_is_formatted_and_round_trips() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["policies", "stdlib"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "pol") {
                    files.push(p);
                }
            }
        }
    }
    assert!(files.len() >= 3, "{files:?}");
    for f in files {
        let text = pol_compiler::syntax::normalize(&std::fs::read_to_string(&f).unwrap());
        let once =
            format_source(&text).unwrap_or_else(|| panic!("{} ne s'analyse pas", f.display()));
        assert_eq!(
            once,
            text,
            "{} n'est pas dans sa forme canonique (pol fmt)",
            f.display()
        );
        assert_eq!(
            format_source(&once).as_deref(),
            Some(once.as_str()),
            "{}",
            f.display()
        );
        assert_eq!(
            without_spans(&text),
            without_spans(&once),
            "{}",
            f.display()
        );
        // Every comment line survives.
        for line in text.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(
                once.contains(line.trim()),
                "{} : commentaire perdu {line}",
                f.display()
            );
        }
    }
}

#[test]
fn comments_at_the_end_of_an_item_line_are_kept() {
    let src = "entrée e : argent = 0 $   # fin e\nrègle a : argent = 1 $   # fin a\ncondition d « r » : a > 0 $  # fin d\n\n# seul\nrègle b = 2 # dernier\n";
    let once = format_source(src).unwrap();
    for c in ["# fin e", "# fin a", "# fin d", "# seul", "# dernier"] {
        assert!(once.contains(c), "{c} perdu :\n{once}");
    }
    assert!(once.contains("règle a : argent = 1 $  # fin a\n"), "{once}");
    assert_eq!(format_source(&once).unwrap(), once, "idempotent");
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_text() {
    let parsed = pol_compiler::syntax::parse(&pol_compiler::syntax::normalize(
        "\u{FEFF}règle a : entier = 1\n",
    ));
    assert!(!parsed.has_errors(), "{:?}", parsed.errors);
}

#[test]
fn common_mistakes_are_named_where_they_are() {
    fn message_at(src: &str) -> (String, &str) {
        let d = diagnostics(src);
        assert_eq!(d.len(), 1, "{d:?}");
        (
            d[0].message.clone(),
            &src[d[0].primary.span.start as usize..],
        )
    }
    // The missing « : » is pointed at after the reason, not at the keyword.
    let (m, at) = message_at("condition d « x » vrai");
    assert_eq!(m, "attendu : « : » ou « = » ; trouvé : « vrai »");
    assert_eq!(at, "vrai");
    let (m, at) = message_at("entrée g argent");
    assert_eq!(m, "attendu : « : » ; trouvé : « argent »");
    assert_eq!(at, "argent");
    // A reserved word, a text left open, a keyword without its accent.
    let (m, _) = message_at("règle si = 1");
    assert_eq!(
        m,
        "« si » est un mot réservé du langage : il ne peut pas servir de nom"
    );
    let (m, _) = message_at("règle a = « texte");
    assert_eq!(m, "ce texte n'est jamais fermé : il manque « » »");
    let d = diagnostics("regle a = 1\nentree b : argent");
    assert_eq!(d.len(), 2, "deux fautes, deux messages : {d:?}");
    assert_eq!(d[0].help.as_deref(), Some("voulez-vous dire « règle » ?"));
    assert_eq!(d[1].help.as_deref(), Some("voulez-vous dire « entrée » ?"));
    // In the middle of a file, the end of the item is expected, not the end of the file.
    let d = diagnostics("règle a = 50 %%\nrègle b = 1");
    assert!(
        d[0].message.contains("la fin de l'élément"),
        "{}",
        d[0].message
    );
    assert!(!d[0].message.contains("fin du fichier"), "{}", d[0].message);
    // A structure field without its « : ».
    let d = diagnostics("structure S :\n  x booléen");
    assert_eq!(d[0].message, "il manque « : » entre « x » et « booléen »");
    // An unclosed parenthesis says so first.
    let d = diagnostics("règle a = (1 + 2");
    assert!(
        d[0].message.starts_with("attendu : « ) »"),
        "{}",
        d[0].message
    );
}

#[test]
fn amounts_are_written_the_french_way_and_line_endings_are_kept() {
    let once = format_source(
        "règle a : argent = 4.50 $ + 1000000 $ + 2500 $\nrègle b : booléen = 2026 > 1999\n",
    )
    .unwrap();
    assert!(once.contains("4,50 $ + 1 000 000 $ + 2500 $"), "{once}");
    assert!(
        once.contains("2026 > 1999"),
        "une année reste une année : {once}"
    );
    let crlf = format_source("règle a : argent = 1 $\r\n\r\n# fin\r\nrègle b = 2\r\n").unwrap();
    assert!(crlf.contains("règle a : argent = 1 $\r\n"), "{crlf:?}");
    assert!(!crlf.replace("\r\n", "").contains('\n'), "{crlf:?}");
    assert_eq!(format_source(&crlf).unwrap(), crlf);
}

#[test]
fn a_text_holding_a_closing_guillemet_keeps_its_straight_quotes() {
    let src = "programme p \"titre « court »\"\n  source \"MAPAQ »\"\n§ \"art. 1 »\"\ncondition c \"un » dedans\" : vrai\nrègle u : texte = \"a » b\"\n";
    let once = format_source(src).unwrap();
    assert!(once.contains("règle u : texte = \"a » b\""), "{once}");
    assert!(once.contains("condition c \"un » dedans\""), "{once}");
    assert!(!pol_compiler::syntax::parse(&once).has_errors(), "{once}");
    assert_eq!(format_source(&once).unwrap(), once);
}

#[test]
fn a_file_of_comments_only_keeps_them_all() {
    let once = format_source("# un\n# deux\n\n# trois\n").unwrap();
    assert_eq!(once, "# un\n# deux\n\n# trois\n");
}

#[test]
fn two_items_on_one_line_are_reported() {
    let d = diagnostics("règle a = 1 règle b = 2");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0].message,
        "cet élément doit commencer au début d'une ligne"
    );
}
