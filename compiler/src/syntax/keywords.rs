//! The language's words, in one place (they mirror `keyword` and the item keywords of
//! `grammar.pest`): for messages, suggestions and completion.

/// The words that start an item.
pub const ITEM_KEYWORDS: &[&str] = &[
    "programme",
    "version",
    "importer",
    "énumération",
    "structure",
    "entrée",
    "règle",
    "condition",
    "décision",
    "exception",
    "remplace",
    "table",
];

/// The other words that cannot be names: those of expressions and decisions.
pub const EXPRESSION_WORDS: &[&str] = &[
    "selon",
    "cas",
    "sinon",
    "si",
    "alors",
    "et",
    "ou",
    "où",
    "non",
    "vrai",
    "faux",
    "dans",
    "pour",
    "chaque",
    "liste",
    "toutes",
    "conditions",
];

/// Every word that cannot be a name (the grammar's `keyword`).
pub fn reserved() -> impl Iterator<Item = &'static str> {
    ITEM_KEYWORDS.iter().chain(EXPRESSION_WORDS).copied()
}

/// Whether `word` cannot be a name.
pub fn is_reserved(word: &str) -> bool {
    reserved().any(|w| w == word)
}
