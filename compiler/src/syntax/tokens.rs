//! Lexical classes of a file's tokens, for editors' highlighting. Walks the same pest grammar
//! as the parser; names are classified later, against the scope (see `ide::semantic_tokens`).

use pest::iterators::Pair;
use pest::Parser;

use super::{PolParser, Rule};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenClass {
    Keyword,
    Name,
    Module,
    Number,
    Unit,
    Text,
    Date,
    Operator,
    Comment,
    Documentation,
}

/// A token: `(start, end, class)`, in bytes.
pub type Token = (usize, usize, TokenClass);

fn walk(pair: Pair<'_, Rule>, out: &mut Vec<Token>) {
    let span = pair.as_span();
    let class = match pair.as_rule() {
        r if super::errors::keyword_word(r).is_some() => Some(TokenClass::Keyword),
        Rule::ident => Some(TokenClass::Name),
        Rule::module_path => Some(TokenClass::Module),
        Rule::number => Some(TokenClass::Number),
        Rule::unit_atom | Rule::percent => Some(TokenClass::Unit),
        Rule::text => Some(TokenClass::Text),
        Rule::date_lit => Some(TokenClass::Date),
        Rule::cmp_op | Rule::add_op | Rule::mul_op | Rule::neg_op => Some(TokenClass::Operator),
        Rule::doc_line => Some(TokenClass::Documentation),
        Rule::citation => {
            // `§` itself; the text inside is walked as a child.
            out.push((
                span.start(),
                span.start() + '§'.len_utf8(),
                TokenClass::Keyword,
            ));
            None
        }
        _ => None,
    };
    match class {
        Some(c) => out.push((span.start(), span.end(), c)),
        None => {
            for p in pair.into_inner() {
                walk(p, out);
            }
        }
    }
}

/// The classified tokens of a text, in order. Comments are found by a scan that skips
/// strings; a file that does not parse has only its comments and the tokens of the items
/// that do. The compiler lexes files by chunks (`db::file_tokens`), which gives the same.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    if let Ok(pairs) = PolParser::parse(Rule::file, text) {
        for p in pairs.flatten() {
            if p.as_rule() == Rule::item {
                walk(p, &mut out);
            }
        }
    }
    for r in super::comments::comment_ranges(text) {
        out.push((r.start, r.end, TokenClass::Comment));
    }
    out.sort_by_key(|t| t.0);
    out.dedup_by_key(|t| t.0);
    out
}
