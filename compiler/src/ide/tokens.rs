//! Highlighting classes of every token.

use crate::check::scope::{module_scope, DefKind, Lookup};
use crate::db::{Db, SourceFile};

/// What a token is, for highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Highlight {
    Keyword,
    Number,
    Unit,
    Text,
    Comment,
    Operator,
    Module,
    /// An input.
    Input,
    /// A rule, condition or decision.
    Rule,
    Table,
    Function,
    Type,
    Variant,
    Field,
    /// A comprehension variable, or anything not found in scope.
    Local,
}

/// The tokens of a file that overlap `range` (bytes; `0..usize::MAX` for all), with their
/// highlight class (file-absolute byte ranges, in order).
pub fn semantic_tokens(
    db: &dyn Db,
    file: SourceFile,
    range: std::ops::Range<usize>,
) -> Vec<(usize, usize, Highlight)> {
    use crate::syntax::tokens::TokenClass;
    let text = file.text(db);
    let scope = module_scope(db, file);
    crate::db::file_tokens(db, file)
        .iter()
        .filter(|(start, end, _)| *end > range.start && *start < range.end)
        .map(|&(start, end, class)| {
            let h = match class {
                TokenClass::Keyword => Highlight::Keyword,
                TokenClass::Number | TokenClass::Date => Highlight::Number,
                TokenClass::Unit => Highlight::Unit,
                TokenClass::Text => Highlight::Text,
                TokenClass::Comment | TokenClass::Documentation => Highlight::Comment,
                TokenClass::Operator => Highlight::Operator,
                TokenClass::Module => Highlight::Module,
                TokenClass::Name => {
                    let name = &text[start..end];
                    let after_dot = text[..start].trim_end().ends_with('.');
                    let before_paren = text[end..].trim_start().starts_with('(');
                    if after_dot {
                        Highlight::Field
                    } else if let Lookup::Found(b) = scope.lookup(name) {
                        match b.kind {
                            DefKind::Input => Highlight::Input,
                            DefKind::Rule | DefKind::Condition | DefKind::Decision => {
                                Highlight::Rule
                            }
                            DefKind::Table => Highlight::Table,
                            DefKind::Enum | DefKind::Struct => Highlight::Type,
                            DefKind::Programme => Highlight::Module,
                        }
                    } else if scope.variants.contains_key(name) {
                        Highlight::Variant
                    } else if crate::check::BUILTIN_TYPES.contains(&name) {
                        Highlight::Type
                    } else if before_paren && crate::types::Builtin::from_name(name).is_some() {
                        Highlight::Function
                    } else {
                        Highlight::Local
                    }
                }
            };
            (start, end, h)
        })
        .collect()
}
