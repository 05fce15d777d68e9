//! pest errors rephrased the way an analyst would say them: what was expected, in words.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::diagnostics::{codes, Diagnostic};
use crate::syntax::ast::Span;

/// The word a keyword rule stands for.
pub(super) fn keyword_word(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::kw_programme => "programme",
        Rule::kw_source => "source",
        Rule::kw_en => "en",
        Rule::kw_vigueur => "vigueur",
        Rule::kw_du => "du",
        Rule::kw_au => "au",
        Rule::kw_sorties => "sorties",
        Rule::kw_date => "daté",
        Rule::kw_par => "par",
        Rule::kw_version => "version",
        Rule::kw_importer => "importer",
        Rule::kw_enumeration => "énumération",
        Rule::kw_structure => "structure",
        Rule::kw_entree => "entrée",
        Rule::kw_remplace => "remplace",
        Rule::kw_regle => "règle",
        Rule::kw_condition => "condition",
        Rule::kw_conditions => "conditions",
        Rule::kw_decision => "décision",
        Rule::kw_toutes => "toutes",
        Rule::kw_les => "les",
        Rule::kw_exception => "exception",
        Rule::kw_table => "table",
        Rule::kw_liste => "liste",
        Rule::kw_de => "de",
        Rule::kw_a => "à",
        Rule::kw_si => "si",
        Rule::kw_alors => "alors",
        Rule::kw_sinon => "sinon",
        Rule::kw_selon => "selon",
        Rule::kw_cas => "cas",
        Rule::kw_et => "et",
        Rule::kw_ou => "ou",
        Rule::kw_ou_filter => "où",
        Rule::kw_non => "non",
        Rule::kw_dans => "dans",
        Rule::kw_pour => "pour",
        Rule::kw_chaque => "chaque",
        Rule::kw_vrai => "vrai",
        Rule::kw_faux => "faux",
        _ => return None,
    })
}

/// What a grammar rule is, for a reader of the policy.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::name | Rule::named_type => "un nom",
        Rule::expr
        | Rule::if_expr
        | Rule::postfix_if
        | Rule::disjunction
        | Rule::conjunction
        | Rule::negation
        | Rule::comparison
        | Rule::additive
        | Rule::multiplicative
        | Rule::unary
        | Rule::postfix
        | Rule::paren_expr
        | Rule::list_expr
        | Rule::selon_expr
        | Rule::quantity
        | Rule::number
        | Rule::int_part
        | Rule::bool_lit
        | Rule::element => "une expression",
        Rule::comprehension => "« pour chaque … dans … »",
        Rule::list_type | Rule::unit_type | Rule::unit_expr | Rule::unit_atom => "un type",
        Rule::text | Rule::guillemet_inner | Rule::quote_inner => "un texte entre « »",
        Rule::date_lit => "une date (AAAA-MM-JJ)",
        Rule::cmp_op => "une comparaison (=, <, <=, >, >=, ≠)",
        Rule::add_op | Rule::mul_op => "un opérateur (+, -, ×, /)",
        Rule::item | Rule::item_body | Rule::preamble => {
            "le début d'un élément (règle, condition, entrée, structure…)"
        }
        Rule::doc_line => "un commentaire de documentation (##)",
        Rule::citation => "une citation (§ « … »)",
        Rule::table_row => "une ligne de table (| … |)",
        Rule::table_cell | Rule::wildcard | Rule::range_pattern => "une cellule de table",
        Rule::table_param => "un paramètre (nom : type)",
        Rule::selon_arm => "un cas (cas … : …)",
        Rule::selon_default => "« sinon : … »",
        Rule::pattern => "une valeur d'énumération",
        Rule::struct_field => "un champ (nom : type)",
        Rule::enum_variant | Rule::enum_first => "une valeur d'énumération",
        Rule::module_path => "un nom de module",
        Rule::field_access => "« . »",
        Rule::call_args => "« ( »",
        Rule::programme_clause | Rule::source_clause | Rule::period_clause | Rule::dated_clause => {
            "une clause du programme (source, en vigueur du … au …, sorties, daté par)"
        }
        Rule::outputs_clause => "« sorties »",
        Rule::all_conditions | Rule::listed_conditions => {
            "« toutes les conditions » ou « conditions a, b »"
        }
        Rule::percent => "« % »",
        Rule::EOI => "la fin du fichier",
        _ => return None,
    })
}

fn found_at(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return "la fin du fichier".to_string();
    }
    if rest.starts_with(['\n', '\r']) {
        return "la fin de la ligne".to_string();
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let shown = if word.is_empty() {
        rest.chars().next().map(String::from).unwrap_or_default()
    } else {
        word
    };
    format!("« {shown} »")
}

fn token_len(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    let n: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum();
    if n > 0 {
        n
    } else {
        rest.chars()
            .next()
            .filter(|c| *c != '\n')
            .map(char::len_utf8)
            .unwrap_or(0)
    }
}

/// Mistakes common enough to be named rather than listed: a reserved word used as a name, a
/// text never closed, an item keyword typed without its accent.
fn plain_mistake(text: &str, pos: usize, span: Span, expected: &[String]) -> Option<Diagnostic> {
    let rest = text.get(pos..).unwrap_or("");
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if expected.iter().any(|e| e == "un nom") && super::keywords::is_reserved(&word) {
        return Some(
            Diagnostic::error(
                codes::SYNTAX,
                format!("« {word} » est un mot réservé du langage : il ne peut pas servir de nom"),
                span,
            )
            .with_label("mot réservé")
            .with_help(format!(
                "choisissez un autre nom, par exemple « {word}_1 » ou un nom plus parlant"
            )),
        );
    }
    for (open, close) in [("«", "»"), ("\"", "\"")] {
        let line = rest.split('\n').next().unwrap_or("");
        let unclosed = if open == "«" {
            rest.starts_with(open) && !rest[open.len()..].contains(close)
        } else {
            rest.starts_with(open) && !line[open.len()..].contains(close)
        };
        if unclosed {
            return Some(
                Diagnostic::error(
                    codes::SYNTAX,
                    format!("ce texte n'est jamais fermé : il manque « {close} »"),
                    Span::new(pos, pos + open.len()),
                )
                .with_label("texte ouvert ici")
                .with_help(format!("fermez-le par {close}")),
            );
        }
    }
    let item_start = expected
        .iter()
        .any(|e| e.starts_with("le début d'un élément"));
    // `  x booléen` under a structure: a field whose « : » is missing.
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let indented = pos > line_start && text[line_start..pos].trim().is_empty();
    let line = rest.split('\n').next().unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    let is_name = |w: &str| w.chars().all(|c| c.is_alphanumeric() || c == '_');
    if item_start && indented && words.len() == 2 && words.iter().all(|w| is_name(w)) {
        return Some(
            Diagnostic::error(
                codes::SYNTAX,
                format!("il manque « : » entre « {} » et « {} »", words[0], words[1]),
                span,
            )
            .with_label("« : » attendu")
            .with_help(format!("un champ s'écrit « {} : {} »", words[0], words[1])),
        );
    }
    if item_start {
        if let Some(kw) =
            crate::diagnostics::suggest(&word, super::keywords::ITEM_KEYWORDS.iter().copied())
                .filter(|kw| *kw != word)
        {
            return Some(
                Diagnostic::error(
                    codes::SYNTAX,
                    format!("« {word} » n'est pas un mot-clé du langage"),
                    span,
                )
                .with_label("mot-clé inconnu")
                .with_suggestion(kw),
            );
        }
    }
    None
}

/// Converts a pest error on `text[base..]` into a diagnostic with an absolute span.
pub(super) fn from_pest(e: &Error<Rule>, text: &str, base: usize, len: usize) -> Diagnostic {
    let mut pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    } + base;
    // pest places the error where the last *rule* failed; the tokens it tried go further
    // (`condition d « x » vrai`: the missing « : » comes after « x », not at `condition`).
    // The furthest attempt is where the text stops making sense.
    // Only when pest fell back to the start of the item: elsewhere the furthest attempt may
    // be inside a look-ahead (`règle si`, where `si` is tried as a keyword).
    let attempts = e.parse_attempts();
    let at_item_start = matches!(&e.variant, ErrorVariant::ParsingError { positives, .. }
        if positives.iter().any(|r| matches!(r, Rule::item | Rule::item_body | Rule::preamble | Rule::kw_programme | Rule::kw_regle)));
    let further = attempts
        .as_ref()
        .map(|a| a.max_position + base)
        .filter(|p| *p > pos && at_item_start);
    if let Some(p) = further {
        pos = p;
    }
    // At the end of the chunk, point just after its last word rather than at the next line.
    let chunk_end = (base + len).min(text.len());
    if pos <= chunk_end
        && text
            .get(pos..chunk_end)
            .is_some_and(|r| r.trim().is_empty())
    {
        let before = text.get(base..pos).unwrap_or("");
        pos = base + before.trim_end().len();
    }
    let mut expected: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !expected.contains(&s) {
            expected.push(s);
        }
    };
    match &e.variant {
        ErrorVariant::ParsingError { .. } if further.is_some() => {
            for stack in attempts
                .as_ref()
                .map(|a| a.call_stacks())
                .unwrap_or_default()
            {
                if let Some(r) = stack.parent {
                    if let Some(w) = keyword_word(r) {
                        push(format!("« {w} »"));
                    } else if let Some(d) = describe(r) {
                        push(d.to_string());
                    }
                }
            }
        }
        ErrorVariant::ParsingError { positives, .. } => {
            for r in positives {
                if let Some(w) = keyword_word(*r) {
                    push(format!("« {w} »"));
                } else if let Some(d) = describe(*r) {
                    push(d.to_string());
                }
            }
        }
        ErrorVariant::CustomError { .. } => {
            // pest's own limit (its call depth, "stack limit reached"): the text nests too
            // deeply to be read at all.
            return Diagnostic::error(
                codes::DEPTH,
                "le texte est imbriqué trop profondément pour être analysé",
                Span::new(pos, pos + token_len(text, pos)),
            )
            .with_label("trop profond")
            .with_help("découpez l'expression en plusieurs règles nommées");
        }
    }
    if let Some(attempts) = &attempts {
        for t in attempts.expected_tokens() {
            let t = t.to_string();
            let t = t.trim();
            let is_word_or_symbol = !t.is_empty()
                && !t.contains("..")
                && t != "BUILTIN_RULE"
                && !t.starts_with('#')
                && !t.chars().all(|c| c.is_whitespace());
            if is_word_or_symbol {
                push(format!("« {t} »"));
            }
        }
    }
    // Tokens that merely start an expression add nothing to « une expression ».
    if expected.iter().any(|e| e == "une expression") {
        const STARTERS: &[&str] = &[
            "\"", "«", "(", "-", "[", "_", "faux", "vrai", "non", "selon", "si",
        ];
        expected.retain(|e| !STARTERS.iter().any(|s| *e == format!("« {s} »")));
    }
    // Every item keyword at once: say it in one phrase.
    if expected.iter().any(|e| e == "« énumération »")
        && expected.iter().any(|e| e == "« programme »")
    {
        expected.retain(|e| {
            !e.starts_with("« ")
                && !e.starts_with("un commentaire")
                && !e.starts_with("une citation")
        });
        expected.insert(
            0,
            "le début d'un élément (règle, condition, entrée, structure…)".to_string(),
        );
        expected.dedup();
    }
    // « _ » is only a word of its own in a table cell; elsewhere it is a letter of a name.
    if !expected.iter().any(|e| e == "une cellule de table") {
        expected.retain(|e| e != "« _ »");
    }
    // Unit words are what « un type » or « une expression » already says.
    if expected
        .iter()
        .any(|e| e == "un type" || e == "une expression")
    {
        expected.retain(|e| {
            let word = e.trim_start_matches("« ").trim_end_matches(" »");
            !(e.starts_with("« ") && (word == "%" || crate::units::Unit::atom(word).is_some()))
        });
    }
    // The chunk re-parsed alone ends where its item ends, not where the file does.
    let at_end = text.get(pos..).is_none_or(|r| r.trim().is_empty());
    if !at_end {
        for e in &mut expected {
            if e == "la fin du fichier" {
                *e = "la fin de l'élément".to_string();
            }
        }
    }
    // What the analyst most likely forgot comes first: a closing bracket.
    expected.sort_by_key(|e| !matches!(e.as_str(), "« ) »" | "« ] »" | "« » »"));
    expected.truncate(8);
    let span = Span::new(pos, pos + token_len(text, pos));
    if let Some(d) = plain_mistake(text, pos, span, &expected) {
        return d;
    }
    let message = if expected.is_empty() {
        format!("texte inattendu : {}", found_at(text, pos))
    } else {
        let list = match expected.len() {
            1 => expected[0].clone(),
            n => format!("{} ou {}", expected[..n - 1].join(", "), expected[n - 1]),
        };
        format!("attendu : {list} ; trouvé : {}", found_at(text, pos))
    };
    Diagnostic::error(
        codes::SYNTAX,
        message,
        Span::new(pos, pos + token_len(text, pos)),
    )
    .with_label("ici")
}
