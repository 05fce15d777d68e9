//! Completion proposals.

use crate::check::item_type;
use crate::check::scope::{module_scope, DefKind, Lookup};
use crate::db::{item_ast, Db, ItemKey, SourceFile};
use crate::syntax::ast::ItemKind;
use crate::syntax::keywords::reserved;
use crate::types::Ty;

/// A completion proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    /// `mot-clé`, `règle`, `champ`, `valeur`, `fonction`, `type`, `unité`…
    pub kind: &'static str,
    pub detail: Option<String>,
}

const UNITS: &[&str] = &[
    "$", "%", "ha", "m", "m²", "m³", "kg", "unité", "entaille", "ruche", "arbre", "jours", "mois",
    "ans", "$/ha", "$/m²", "$/m³", "$/unité", "$/kg",
];

/// Completions at `offset`: the fields of a structure after `nom.`, else every name in scope,
/// the keywords, functions, types and units.
pub fn completions(db: &dyn Db, file: SourceFile, offset: usize) -> Vec<Completion> {
    let text = file.text(db);
    let before = &text[..offset.min(text.len())];
    let scope = module_scope(db, file);
    // `a.b.` : walk the chain of names before the dot.
    let line = before.rsplit('\n').next().unwrap_or("");
    let trimmed = line.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_');
    if let Some(chain) = trimmed.strip_suffix('.') {
        let start = chain
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let locals = comprehension_vars(text, offset);
        let Some(ty) = chain_type_with(db, file, &chain[start..], &locals, 0) else {
            return Vec::new();
        };
        let crate::types::Ty::Struct(d) = &ty else {
            return Vec::new();
        };
        let info = crate::check::struct_info(db, ItemKey::new(db, d.file, &*d.name));
        return info
            .fields
            .iter()
            .map(|f| Completion {
                label: f.name.clone(),
                kind: "champ",
                detail: Some(f.ty.to_string()),
            })
            .collect();
    }
    // `cas ` in a `selon` on an enumeration: the values not yet written in its arms.
    if let Some(values) = selon_values(db, file, before) {
        return values;
    }
    let mut out: Vec<Completion> = Vec::new();
    for (name, bindings) in &scope.names {
        let Some(b) = bindings.first() else { continue };
        let detail = match b.kind {
            DefKind::Enum | DefKind::Struct | DefKind::Programme => None,
            _ => Some(item_type(db, ItemKey::new(db, b.def.file, &*b.def.name)).to_string()),
        };
        let kind = match b.kind {
            DefKind::Programme => "programme",
            DefKind::Enum | DefKind::Struct => "type",
            DefKind::Input => "entrée",
            DefKind::Rule => "règle",
            DefKind::Condition => "condition",
            DefKind::Decision => "décision",
            DefKind::Table => "table",
        };
        out.push(Completion {
            label: name.clone(),
            kind,
            detail,
        });
    }
    for (variant, enums) in &scope.variants {
        let detail = enums.first().map(|(d, _)| d.name.to_string());
        out.push(Completion {
            label: variant.clone(),
            kind: "valeur",
            detail,
        });
    }
    for (name, _) in crate::types::Builtin::ALL {
        out.push(Completion {
            label: format!("{name}("),
            kind: "fonction",
            detail: None,
        });
    }
    for t in crate::check::BUILTIN_TYPES {
        out.push(Completion {
            label: t.to_string(),
            kind: "type",
            detail: None,
        });
    }
    // `toutes` and `conditions` are offered as the phrase they make.
    let keywords = reserved()
        .filter(|k| !matches!(*k, "toutes" | "conditions"))
        .chain(["toutes les conditions"]);
    for k in keywords {
        out.push(Completion {
            label: k.to_string(),
            kind: "mot-clé",
            detail: None,
        });
    }
    for u in UNITS {
        out.push(Completion {
            label: u.to_string(),
            kind: "unité",
            detail: None,
        });
    }
    out
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The type of `a.b.c` (a value, then fields) in `file`'s scope.
fn chain_type(db: &dyn Db, file: SourceFile, chain: &str) -> Option<Ty> {
    chain_type_with(db, file, chain, &[], 0)
}

/// The type of `a.b.c`, where `a` may also be a comprehension's variable (`pour chaque a dans
/// liste`) among `locals`: the type of an element of its list.
fn chain_type_with(
    db: &dyn Db,
    file: SourceFile,
    chain: &str,
    locals: &[(&str, &str)],
    depth: usize,
) -> Option<Ty> {
    let parts: Vec<&str> = chain.split('.').collect();
    let first = *parts.first()?;
    let local = locals.iter().rev().find(|(v, _)| *v == first);
    let mut ty = match local {
        // Nested comprehensions name each other's variables; a variable bound to itself
        // (`pour chaque a dans a`) ends there.
        Some((_, list)) if depth < 8 => match chain_type_with(db, file, list, locals, depth + 1)? {
            Ty::List(inner) => *inner,
            _ => return None,
        },
        Some(_) => return None,
        None => {
            let scope = module_scope(db, file);
            match scope.lookup(first) {
                Lookup::Found(b) if b.kind.is_value() => {
                    item_type(db, ItemKey::new(db, b.def.file, &*b.def.name))
                }
                _ => return None,
            }
        }
    };
    for p in &parts[1..] {
        let Ty::Struct(d) = &ty else {
            return None;
        };
        let info = crate::check::struct_info(db, ItemKey::new(db, d.file, &*d.name));
        ty = info.fields.iter().find(|f| f.name == *p)?.ty.clone();
    }
    Some(ty)
}

/// The comprehensions' variables of the item around `offset`, with the list each ranges over:
/// `(variable, list)` for every `pour chaque variable dans list` written in the item (which
/// may still be incomplete: the text is read, not the syntax tree). An item starts at a line
/// that is not indented.
fn comprehension_vars(text: &str, offset: usize) -> Vec<(&str, &str)> {
    let offset = offset.min(text.len());
    let offset = (0..=offset)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let starts_item = |line: &str| !line.is_empty() && !line.starts_with(char::is_whitespace);
    let mut start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 && !starts_item(&text[start..]) {
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let mut end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    while end < text.len() && !starts_item(&text[end + 1..]) {
        end = text[end + 1..]
            .find('\n')
            .map_or(text.len(), |i| end + 1 + i);
    }
    let item = &text[start..end];
    let words: Vec<&str> = item
        .split(|c: char| !(ident_char(c) || c == '.'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(4)
        .filter(|w| w[0] == "chaque" && w[2] == "dans" && !w[1].contains('.'))
        .map(|w| (w[1], w[3].trim_end_matches('.')))
        .collect()
}

/// The position of the last whole word `word` in `text`.
fn last_word(text: &str, word: &str) -> Option<usize> {
    text.rmatch_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident_char) && !after.is_some_and(ident_char)
    })
}

/// After `cas` (and the values already listed on that arm) in a `selon` on an enumeration:
/// its values not yet written in the `selon`'s arms, in declaration order.
fn selon_values(db: &dyn Db, file: SourceFile, before: &str) -> Option<Vec<Completion>> {
    let line = before.rsplit('\n').next()?;
    let cas = last_word(line, "cas")?;
    let listed = &line[cas + 3..];
    if !listed.starts_with(char::is_whitespace)
        || !listed
            .chars()
            .all(|c| ident_char(c) || c == ',' || c.is_whitespace())
    {
        return None;
    }
    let selon = last_word(before, "selon")?;
    let rest = &before[selon + "selon".len()..];
    let scrutinee = rest.split([':', '\n']).next()?.trim();
    if scrutinee.is_empty() || !scrutinee.chars().all(|c| ident_char(c) || c == '.') {
        return None;
    }
    let Ty::Enum(d) = chain_type(db, file, scrutinee)? else {
        return None;
    };
    let key = ItemKey::new(db, d.file, &*d.name);
    let item = item_ast(db, key)?;
    let ItemKind::Enum(e) = &item.kind else {
        return None;
    };
    // Values written in the arms so far: after each `cas`, up to its `:`.
    let mut used: Vec<&str> = Vec::new();
    let mut arms = rest;
    while let Some(i) = first_word(arms, "cas") {
        let after = &arms[i + 3..];
        let end = after.find(':').unwrap_or(after.len());
        used.extend(
            after[..end]
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty()),
        );
        arms = &after[end..];
    }
    Some(
        e.variants
            .iter()
            .filter(|v| !used.contains(&v.name.text.as_str()))
            .map(|v| Completion {
                label: v.name.text.clone(),
                kind: "valeur",
                detail: Some(match &v.label {
                    Some(l) => format!("{} — « {l} »", d.name),
                    None => d.name.to_string(),
                }),
            })
            .collect(),
    )
}

/// The position of the first whole word `word` in `text`.
fn first_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident_char) && !after.is_some_and(ident_char)
    })
}
