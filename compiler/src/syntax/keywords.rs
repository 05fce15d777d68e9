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

/// Every word that cannot be a name (the grammar's `keyword`): the item keywords and the
/// words of expressions.
pub const RESERVED: &[&str] = &[
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
