//! Queries for editors, in the compiler's own terms (byte offsets, spans, definitions): what
//! is under the cursor, where it is defined, what to show on hover, the outline of a file.
//! The language server converts these to LSP types; nothing here knows about LSP.

use crate::check::scope::{file_defs, module_scope, DefKind, Lookup};
use crate::check::{check_item, item_type};
use crate::db::{item_ast, item_names, parse_file, Db, ItemKey, SourceFile};
use crate::syntax::ast::{ItemKind, Span};
use crate::types::{DefRef, TExpr, TKind};

/// A definition and the span of its name (file-absolute).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub def: DefRef,
    pub kind: DefKind,
    pub name_span: Span,
    /// For a value of an enumeration: its index (`def` is then the enumeration).
    pub variant: Option<u32>,
}

fn kind_of(db: &dyn Db, def: &DefRef) -> Option<DefKind> {
    file_defs(db, def.file)
        .defs
        .iter()
        .find(|(n, _, _)| **n == *def.name)
        .map(|(_, k, _)| *k)
}

/// Where a definition's name is written.
pub fn target(db: &dyn Db, def: &DefRef) -> Option<Target> {
    let kind = kind_of(db, def)?;
    let parsed = parse_file(db, def.file);
    let names = item_names(db, def.file);
    let i = names.iter().position(|n| **n == *def.name)?;
    let pi = &parsed.items[i];
    let name = pi.item.kind.defined_name()?;
    Some(Target {
        def: def.clone(),
        kind,
        name_span: name.span.shift(pi.offset),
        variant: None,
    })
}

/// Where a value of an enumeration is written.
pub fn variant_target(db: &dyn Db, enum_def: &DefRef, index: u32) -> Option<Target> {
    let key = ItemKey::new(db, enum_def.file, enum_def.name.to_string());
    let item = item_ast(db, key)?;
    let ItemKind::Enum(e) = &item.kind else {
        return None;
    };
    let v = e.variants.get(index as usize)?;
    let offset = crate::db::item_offset(db, enum_def.file, &enum_def.name);
    Some(Target {
        def: enum_def.clone(),
        kind: DefKind::Enum,
        name_span: v.name.span.shift(offset),
        variant: Some(index),
    })
}

/// The definition named or referenced at `offset`, with the span of the name under the cursor.
pub fn definition_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<(Target, Span)> {
    let parsed = parse_file(db, file);
    let names = item_names(db, file);
    for (pi, key_name) in parsed.items.iter().zip(names) {
        let local = offset.checked_sub(pi.offset)?;
        if !pi.item.span.contains(local) {
            continue;
        }
        // The item's own name.
        if let Some(n) = pi.item.kind.defined_name() {
            if n.span.contains(local) {
                let def = DefRef {
                    file,
                    name: n.text.as_str().into(),
                };
                return target(db, &def).map(|t| (t, n.span.shift(pi.offset)));
            }
        }
        // An exception's target.
        if let ItemKind::Exception(e) = &pi.item.kind {
            if e.target.span.contains(local) {
                if let Lookup::Found(b) = module_scope(db, file).lookup(&e.target.text) {
                    return target(db, &b.def).map(|t| (t, e.target.span.shift(pi.offset)));
                }
            }
        }
        // A reference inside the body.
        let checked = check_item(db, ItemKey::new(db, file, key_name.clone()));
        let mut found: Option<(DefRef, Span, Option<u32>)> = None;
        checked.visit_exprs(&mut |e| find_ref(e, local, &mut found));
        return match found? {
            (def, span, Some(i)) => variant_target(db, &def, i).map(|t| (t, span.shift(pi.offset))),
            (def, span, None) => target(db, &def).map(|t| (t, span.shift(pi.offset))),
        };
    }
    None
}

/// The innermost reference (rule, input, table, enum type of a variant) whose span holds
/// `offset`.
fn find_ref(e: &TExpr, offset: u32, found: &mut Option<(DefRef, Span, Option<u32>)>) {
    if !e.span.contains(offset) {
        return;
    }
    match &e.kind {
        TKind::Ref(d) => *found = Some((d.clone(), e.span, None)),
        TKind::Variant(d, i) => *found = Some((d.clone(), e.span, Some(*i))),
        TKind::Table(d, args) => {
            // The table's name is the start of the call.
            let name_end = args.first().map(|a| a.span.start).unwrap_or(e.span.end);
            if offset < name_end {
                *found = Some((
                    d.clone(),
                    Span {
                        start: e.span.start,
                        end: e.span.start + d.name.len() as u32,
                    },
                    None,
                ));
            }
        }
        _ => {}
    }
    e.visit_children(&mut |c| find_ref(c, offset, found));
}

/// What to show when hovering a definition: its kind, name and type, its documentation and
/// its citations (Markdown).
pub fn hover_text(db: &dyn Db, t: &Target) -> String {
    let key = ItemKey::new(db, t.def.file, t.def.name.to_string());
    let item = item_ast(db, key);
    if let (Some(i), Some(item)) = (t.variant, item.as_ref()) {
        if let ItemKind::Enum(e) = &item.kind {
            if let Some(v) = e.variants.get(i as usize) {
                let mut out = format!("```pol\nvaleur {} de {}\n```", v.name.text, t.def.name);
                if let Some(l) = &v.label {
                    out.push_str(&format!("\n\n« {l} »"));
                }
                if !v.docs.is_empty() {
                    out.push_str(&format!("\n\n{}", v.docs.join("\n")));
                }
                return out;
            }
        }
    }
    let ty = match t.kind {
        DefKind::Enum | DefKind::Struct | DefKind::Programme => None,
        _ => Some(item_type(db, key)),
    };
    let noun = match t.kind {
        DefKind::Programme => "programme",
        DefKind::Enum => "énumération",
        DefKind::Struct => "structure",
        DefKind::Input => "entrée",
        DefKind::Rule => "règle",
        DefKind::Condition => "condition",
        DefKind::Decision => "décision",
        DefKind::Table => "table",
    };
    let mut out = match &ty {
        Some(ty) => format!("```pol\n{noun} {} : {ty}\n```", t.def.name),
        None => format!("```pol\n{noun} {}\n```", t.def.name),
    };
    if let Some(item) = item {
        if let ItemKind::Condition(c) = &item.kind {
            out.push_str(&format!("\n\n« {} »", c.reason));
        }
        if !item.docs.is_empty() {
            out.push_str("\n\n");
            out.push_str(&item.docs.join("\n"));
        }
        for c in &item.citations {
            out.push_str(&format!("\n\n§ {c}"));
        }
    }
    // Amendments that replace this definition from a date.
    let mut amendments: Vec<(chrono::NaiveDate, String)> = Vec::new();
    for (path, &f) in db.workspace().files(db).iter() {
        let defs = file_defs(db, f);
        let Some(date) = defs.version else { continue };
        let replaces_it = defs.defs.iter().any(|(n, _, r)| {
            *r && **n == *t.def.name
                && module_scope(db, f)
                    .names
                    .get(n)
                    .is_some_and(|bs| bs.iter().any(|b| b.def == t.def))
        });
        if replaces_it && f != t.def.file {
            amendments.push((date, path.display().to_string()));
        }
    }
    amendments.sort();
    for (date, path) in amendments {
        out.push_str(&format!("\n\nRemplacée à partir du {date} ({path})"));
    }
    out
}

/// One entry of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: DefKind,
    pub span: Span,
    pub name_span: Span,
}

/// The named definitions of a file, in order (file-absolute spans).
pub fn symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    let parsed = parse_file(db, file);
    let defs = file_defs(db, file);
    parsed
        .items
        .iter()
        .filter_map(|pi| {
            let n = pi.item.kind.defined_name()?;
            let kind = defs
                .defs
                .iter()
                .find(|(d, _, _)| *d == n.text)
                .map(|(_, k, _)| *k)?;
            Some(Symbol {
                name: n.text.clone(),
                kind,
                span: pi.item.span.shift(pi.offset),
                name_span: n.span.shift(pi.offset),
            })
        })
        .collect()
}

/// Every place a definition is written or used, in every policy file (file-absolute spans),
/// its own name first.
pub fn references(db: &dyn Db, def: &DefRef, files: &[SourceFile]) -> Vec<(SourceFile, Span)> {
    let mut out = Vec::new();
    if let Some(t) = target(db, def) {
        out.push((def.file, t.name_span));
    }
    for &file in files {
        let scope = module_scope(db, file);
        let resolves = |name: &str| matches!(scope.lookup(name), Lookup::Found(b) if b.def == *def);
        let parsed = parse_file(db, file);
        let names = item_names(db, file);
        for (pi, key_name) in parsed.items.iter().zip(names) {
            let mut spans: Vec<Span> = Vec::new();
            // Names written in the item's own syntax.
            match &pi.item.kind {
                ItemKind::Exception(e) if resolves(&e.target.text) => spans.push(e.target.span),
                ItemKind::Decision(d) => {
                    if let crate::syntax::ast::DecisionBody::Listed(ns) = &d.body {
                        spans.extend(ns.iter().filter(|n| resolves(&n.text)).map(|n| n.span));
                    }
                }
                ItemKind::Programme(p) => spans.extend(
                    p.outputs
                        .iter()
                        .filter(|n| resolves(&n.text))
                        .map(|n| n.span),
                ),
                _ => {}
            }
            for t in type_names(&pi.item.kind) {
                if resolves(&t.text) {
                    spans.push(t.span);
                }
            }
            // References the checker resolved.
            let checked = check_item(db, ItemKey::new(db, file, key_name.clone()));
            checked.visit_exprs(&mut |e| collect_refs(e, def, &mut spans));
            // A `remplace` of this definition is a reference too.
            if pi.item.replaces {
                if let Some(n) = pi.item.kind.defined_name() {
                    if file != def.file && resolves(&n.text) {
                        spans.push(n.span);
                    }
                }
            }
            for s in spans {
                let abs = s.shift(pi.offset);
                if !out.contains(&(file, abs)) {
                    out.push((file, abs));
                }
            }
        }
    }
    out
}

fn collect_refs(e: &TExpr, def: &DefRef, out: &mut Vec<Span>) {
    match &e.kind {
        TKind::Ref(d) if d == def => out.push(e.span),
        TKind::Table(d, _) if d == def => out.push(Span {
            start: e.span.start,
            end: e.span.start + d.name.len() as u32,
        }),
        _ => {}
    }
    e.visit_children(&mut |c| collect_refs(c, def, out));
}

/// The type names written in an item (for renaming enumerations and structures).
fn type_names(kind: &ItemKind) -> Vec<&crate::syntax::ast::Name> {
    use crate::syntax::ast::TypeExpr;
    fn walk<'a>(t: &'a TypeExpr, out: &mut Vec<&'a crate::syntax::ast::Name>) {
        match t {
            TypeExpr::Named(n) => out.push(n),
            TypeExpr::List(inner, _) => walk(inner, out),
            TypeExpr::Unit(..) => {}
        }
    }
    let mut out = Vec::new();
    match kind {
        ItemKind::Struct(s) => s.fields.iter().for_each(|f| walk(&f.ty, &mut out)),
        ItemKind::Input(i) => walk(&i.ty, &mut out),
        ItemKind::Rule(r) => {
            if let Some(t) = &r.ty {
                walk(t, &mut out)
            }
        }
        ItemKind::Table(t) => {
            t.params.iter().for_each(|(_, ty)| walk(ty, &mut out));
            walk(&t.ty, &mut out);
        }
        _ => {}
    }
    out
}

/// Why a rename is refused, in French; `None` if `new_name` is acceptable for `def` in every
/// file that sees it.
pub fn rename_problem(
    db: &dyn Db,
    def: &DefRef,
    new_name: &str,
    files: &[SourceFile],
) -> Option<String> {
    if new_name == &*def.name {
        return None;
    }
    let parsed = crate::syntax::parse(&format!("règle {new_name} = 1"));
    let valid = parsed.errors.is_empty()
        && parsed.items.len() == 1
        && parsed.items[0]
            .item
            .kind
            .defined_name()
            .is_some_and(|n| n.text == new_name);
    if !valid {
        return Some(format!("« {new_name} » n'est pas un nom valide (lettres, chiffres et _, sans mot-clé comme « si » ou « règle »)"));
    }
    for &file in files {
        let scope = module_scope(db, file);
        let sees_def = matches!(scope.lookup(&def.name), Lookup::Found(b) if b.def == *def);
        if (sees_def || file == def.file) && scope.names.contains_key(new_name) {
            return Some(format!(
                "« {new_name} » est déjà défini et visible dans {} : le renommage créerait un conflit",
                file.path(db).display()
            ));
        }
    }
    None
}

/// A completion proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    /// `mot-clé`, `règle`, `champ`, `valeur`, `fonction`, `type`, `unité`…
    pub kind: &'static str,
    pub detail: Option<String>,
}

const KEYWORDS: &[&str] = &[
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
    "non",
    "vrai",
    "faux",
    "dans",
    "pour",
    "chaque",
    "où",
    "liste",
    "toutes les conditions",
];

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
        let parts: Vec<&str> = chain[start..].split('.').collect();
        let mut ty = match scope.lookup(parts[0]) {
            Lookup::Found(b) if b.kind.is_value() => {
                item_type(db, ItemKey::new(db, b.def.file, b.def.name.to_string()))
            }
            _ => return Vec::new(),
        };
        for p in &parts[1..] {
            let crate::types::Ty::Struct(d) = &ty else {
                return Vec::new();
            };
            let info = crate::check::struct_info(db, ItemKey::new(db, d.file, d.name.to_string()));
            match info.fields.iter().find(|f| f.name == *p) {
                Some(f) => ty = f.ty.clone(),
                None => return Vec::new(),
            }
        }
        let crate::types::Ty::Struct(d) = &ty else {
            return Vec::new();
        };
        let info = crate::check::struct_info(db, ItemKey::new(db, d.file, d.name.to_string()));
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
    let mut out: Vec<Completion> = Vec::new();
    for (name, bindings) in &scope.names {
        let Some(b) = bindings.first() else { continue };
        let detail = match b.kind {
            DefKind::Enum | DefKind::Struct | DefKind::Programme => None,
            _ => Some(
                item_type(db, ItemKey::new(db, b.def.file, b.def.name.to_string())).to_string(),
            ),
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
    for k in KEYWORDS {
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

/// Inferred types of rules written without one: `(offset after the name, type)`.
pub fn inlay_types(db: &dyn Db, file: SourceFile) -> Vec<(u32, String)> {
    let parsed = parse_file(db, file);
    parsed
        .items
        .iter()
        .filter_map(|pi| match &pi.item.kind {
            ItemKind::Rule(r) if r.ty.is_none() => {
                let ty = item_type(db, ItemKey::new(db, file, r.name.text.clone()));
                (!ty.is_error()).then(|| (pi.offset + r.name.span.end, format!(" : {ty}")))
            }
            _ => None,
        })
        .collect()
}

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

/// Every token of a file with its highlight class (file-absolute byte ranges, in order).
pub fn semantic_tokens(db: &dyn Db, file: SourceFile) -> Vec<(usize, usize, Highlight)> {
    use crate::syntax::tokens::{tokens, TokenClass};
    let text = file.text(db);
    let scope = module_scope(db, file);
    tokens(text)
        .into_iter()
        .map(|(start, end, class)| {
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

/// A dossier evaluated for the editor: the value of every definition of its program, and the
/// definitions its expectations exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DossierRun {
    /// The files of the program.
    pub files: Vec<SourceFile>,
    /// Definition name to its value as shown to a reader (or the error).
    pub values: std::collections::BTreeMap<String, String>,
    /// The definitions evaluated to check the dossier's expectations.
    pub exercised: std::collections::BTreeSet<String>,
    /// One line: the decisions and the outputs.
    pub summary: String,
}

/// Evaluates a dossier document of the policy tree rooted at `policies_root`. The error is a
/// French sentence for the editor's status line.
pub fn run_dossier(
    db: &dyn Db,
    policies_root: &std::path::Path,
    text: &str,
) -> Result<DossierRun, String> {
    use crate::eval::{compile_program, dossier, start, value::Shown, CompileError};
    let doc = dossier::parse_dossier(text)?;
    let name = doc
        .programme
        .clone()
        .ok_or("le dossier n'indique pas son « programme »")?;
    let date = doc
        .date
        .ok_or("le dossier n'indique pas sa « date » d'évaluation")?;
    let path = policies_root.join(&name);
    let files = db.workspace().files(db);
    let entry = match files.get(&path) {
        Some(f) => *f,
        None => *files
            .iter()
            .find(|(p, f)| {
                p.starts_with(&path)
                    && parse_file(db, **f)
                        .items
                        .iter()
                        .any(|i| matches!(i.item.kind, ItemKind::Programme(_)))
            })
            .map(|(_, f)| f)
            .ok_or_else(|| {
                format!(
                    "programme « {name} » introuvable sous {}",
                    policies_root.display()
                )
            })?,
    };
    let plan = match compile_program(db, entry) {
        Ok(p) => p,
        Err(CompileError::NotAProgramme) => {
            return Err(format!("« {name} » ne déclare pas de programme"))
        }
        Err(CompileError::Diagnostics(_)) => {
            return Err("le programme contient des erreurs (voir les diagnostics)".into())
        }
    };
    let mut ev = start(&plan, &doc.inputs, date, false).map_err(|es| {
        es.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(" ; ")
    })?;
    let mut run = DossierRun {
        files: crate::eval::plan::program_files(db, entry),
        ..DossierRun::default()
    };
    ev.record_coverage();
    if let Some(raw) = &doc.expected {
        if let Ok(expected) = dossier::expectations(&plan, raw) {
            for e in expected {
                let _ = ev.value(e.slot);
                let _ = ev.failed_conditions(e.slot);
            }
        }
    }
    let cov = ev.take_coverage();
    run.exercised = cov
        .evaluated
        .iter()
        .map(|s| plan.def(*s).name.to_string())
        .collect();
    for (i, def) in plan.defs.iter().enumerate() {
        if def.kind == DefKind::Table {
            continue;
        }
        let shown = match ev.value(i as u32) {
            Ok(v) => Shown {
                value: &v,
                ty: &def.ty,
                plan: &plan,
            }
            .to_string(),
            Err(e) => format!("erreur : {e}"),
        };
        run.values.insert(def.name.to_string(), shown);
    }
    run.summary = plan
        .outputs
        .iter()
        .map(|s| {
            let n = &plan.def(*s).name;
            format!(
                "{n} = {}",
                run.values.get(&**n).cloned().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    Ok(run)
}

/// Where « go to definition » leads from `offset`: `(file, span there, span of what is under
/// the cursor)`. Definitions and references, type names, structure fields, values named in
/// `selon` arms, and imports.
pub fn navigate_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<(SourceFile, Span, Span)> {
    if let Some((t, origin)) = definition_at(db, file, offset) {
        return Some((t.def.file, t.name_span, origin));
    }
    let parsed = parse_file(db, file);
    let names = item_names(db, file);
    let scope = module_scope(db, file);
    let pi_index = parsed
        .items
        .iter()
        .position(|pi| offset >= pi.offset && pi.item.span.contains(offset - pi.offset))?;
    let pi = &parsed.items[pi_index];
    let local = offset - pi.offset;
    // An import: the module's file.
    if let ItemKind::Import(imp) = &pi.item.kind {
        if imp.span.contains(local) {
            let i = file_defs(db, file)
                .imports
                .iter()
                .position(|p| *p == imp.path)?;
            let target = (*crate::check::scope::resolved_imports(db, file).get(i)?)?;
            return Some((target, Span::default(), imp.span.shift(pi.offset)));
        }
    }
    // A type name.
    for n in type_names(&pi.item.kind) {
        if n.span.contains(local) {
            if let Lookup::Found(b) = scope.lookup(&n.text) {
                let t = target(db, &b.def)?;
                return Some((t.def.file, t.name_span, n.span.shift(pi.offset)));
            }
        }
    }
    // A structure field: `demandeur.type`.
    let checked = check_item(db, ItemKey::new(db, file, names[pi_index].clone()));
    let mut found = None;
    checked.visit_exprs(&mut |e| find_field(e, local, &mut found));
    let Some((def, index, origin)) = found else {
        // A value named in a `selon` arm.
        let mut arm = None;
        checked.visit_exprs(&mut |e| {
            selon_arm_names(e, &mut |d, i, span| {
                if span.contains(local) {
                    arm = Some((d.clone(), i, span));
                }
            })
        });
        let (d, i, span) = arm?;
        let t = variant_target(db, &d, i)?;
        return Some((t.def.file, t.name_span, span.shift(pi.offset)));
    };
    let key = ItemKey::new(db, def.file, def.name.to_string());
    let item = item_ast(db, key)?;
    let ItemKind::Struct(s) = &item.kind else {
        return None;
    };
    let field = s.fields.get(index as usize)?;
    let offset_there = crate::db::item_offset(db, def.file, &def.name);
    Some((
        def.file,
        field.name.span.shift(offset_there),
        origin.shift(pi.offset),
    ))
}

/// The innermost field access whose field name holds `offset`: the structure, the field's
/// index, and the span of the field name.
fn find_field(e: &TExpr, offset: u32, found: &mut Option<(DefRef, u32, Span)>) {
    if !e.span.contains(offset) {
        return;
    }
    if let TKind::Field(base, index) = &e.kind {
        if let crate::types::Ty::Struct(d) = &base.ty {
            // The field name ends the expression: `base.nom`.
            let name_start = base.span.end + 1;
            if offset >= name_start {
                *found = Some((
                    d.clone(),
                    *index,
                    Span {
                        start: name_start,
                        end: e.span.end,
                    },
                ));
            }
        }
    }
    e.visit_children(&mut |c| find_field(c, offset, found));
}

/// What « find references » looks for: a definition, a value of an enumeration, or a field of
/// a structure (by index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Referenced {
    Def(DefRef),
    Variant(DefRef, u32),
    Field(DefRef, u32),
}

/// What is referenced at `offset`: a name, a value of an enumeration (in an expression, a
/// `selon` arm or its declaration) or a structure field (in an access or its declaration).
pub fn referenced_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<Referenced> {
    if let Some((t, _)) = definition_at(db, file, offset) {
        return Some(match t.variant {
            Some(i) => Referenced::Variant(t.def, i),
            None => Referenced::Def(t.def),
        });
    }
    let parsed = parse_file(db, file);
    let names = item_names(db, file);
    let index = parsed
        .items
        .iter()
        .position(|pi| offset >= pi.offset && pi.item.span.contains(offset - pi.offset))?;
    let pi = &parsed.items[index];
    let local = offset - pi.offset;
    let own = |n: &crate::syntax::ast::Name| DefRef {
        file,
        name: n.text.as_str().into(),
    };
    match &pi.item.kind {
        ItemKind::Enum(e) => {
            if let Some(i) = e.variants.iter().position(|v| v.name.span.contains(local)) {
                return Some(Referenced::Variant(own(&e.name), i as u32));
            }
        }
        ItemKind::Struct(s) => {
            if let Some(i) = s.fields.iter().position(|f| f.name.span.contains(local)) {
                return Some(Referenced::Field(own(&s.name), i as u32));
            }
        }
        _ => {}
    }
    let checked = check_item(db, ItemKey::new(db, file, names[index].clone()));
    let mut field = None;
    checked.visit_exprs(&mut |e| find_field(e, local, &mut field));
    if let Some((def, i, _)) = field {
        return Some(Referenced::Field(def, i));
    }
    let mut arm = None;
    checked.visit_exprs(&mut |e| {
        selon_arm_names(e, &mut |d, i, span| {
            if span.contains(local) {
                arm = Some(Referenced::Variant(d.clone(), i));
            }
        })
    });
    arm
}

/// Every place `what` appears in `files`, its declaration first.
pub fn references_to(
    db: &dyn Db,
    what: &Referenced,
    files: &[SourceFile],
) -> Vec<(SourceFile, Span)> {
    let (def, index, is_variant) = match what {
        Referenced::Def(d) => return references(db, d, files),
        Referenced::Variant(d, i) => (d, *i, true),
        Referenced::Field(d, i) => (d, *i, false),
    };
    let mut out = Vec::new();
    let key = ItemKey::new(db, def.file, def.name.to_string());
    let offset = crate::db::item_offset(db, def.file, &def.name);
    match item_ast(db, key).map(|i| i.kind.clone()) {
        Some(ItemKind::Enum(e)) if is_variant => {
            if let Some(v) = e.variants.get(index as usize) {
                out.push((def.file, v.name.span.shift(offset)));
            }
        }
        Some(ItemKind::Struct(s)) if !is_variant => {
            if let Some(f) = s.fields.get(index as usize) {
                out.push((def.file, f.name.span.shift(offset)));
            }
        }
        _ => return out,
    }
    for &file in files {
        let parsed = parse_file(db, file);
        let names = item_names(db, file);
        for (pi, key_name) in parsed.items.iter().zip(names) {
            let checked = check_item(db, ItemKey::new(db, file, key_name.clone()));
            let mut spans: Vec<Span> = Vec::new();
            checked.visit_exprs(&mut |e| {
                if is_variant {
                    collect_variants(e, def, index, &mut spans);
                    selon_arm_names(e, &mut |d, i, span| {
                        if d == def && i == index {
                            spans.push(span);
                        }
                    });
                } else {
                    collect_fields(e, def, index, &mut spans);
                }
            });
            for s in spans {
                let abs = s.shift(pi.offset);
                if !out.contains(&(file, abs)) {
                    out.push((file, abs));
                }
            }
        }
    }
    out
}

fn collect_variants(e: &TExpr, def: &DefRef, index: u32, out: &mut Vec<Span>) {
    if let TKind::Variant(d, i) = &e.kind {
        if d == def && *i == index {
            out.push(e.span);
        }
    }
    e.visit_children(&mut |c| collect_variants(c, def, index, out));
}

fn collect_fields(e: &TExpr, def: &DefRef, index: u32, out: &mut Vec<Span>) {
    if let TKind::Field(base, i) = &e.kind {
        if *i == index && matches!(&base.ty, crate::types::Ty::Struct(d) if d == def) {
            out.push(Span {
                start: base.span.end + 1,
                end: e.span.end,
            });
        }
    }
    e.visit_children(&mut |c| collect_fields(c, def, index, out));
}

/// The value names written in the arms of every `selon` on an enumeration inside `e`: calls
/// `f(enumeration, index, item-local span)`.
fn selon_arm_names(e: &TExpr, f: &mut dyn FnMut(&DefRef, u32, Span)) {
    if let TKind::Selon {
        scrutinee, arms, ..
    } = &e.kind
    {
        if let crate::types::Ty::Enum(d) = &scrutinee.ty {
            for (patterns, _) in arms {
                for (i, span) in patterns {
                    f(d, *i, *span);
                }
            }
        }
    }
    e.visit_children(&mut |c| selon_arm_names(c, f));
}
