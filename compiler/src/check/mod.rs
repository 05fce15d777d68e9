//! Checking: types and units, exhaustiveness, tables, exceptions, decisions, versions and
//! rule cycles, as per-item salsa queries.

mod calls;
pub mod cycles;
pub mod expr;
mod record;
pub mod scope;
mod selon;
mod tables;
mod tree;
mod versions;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use crate::db::{item_ast, item_offset, parse_file, Db, ItemKey, SourceFile};
use crate::diagnostics::{codes, suggest, Diagnostic};
use crate::syntax::ast::{Cell, DecisionBody, ItemKind, Span, TypeExpr};
use crate::types::{DefRef, TExpr, Ty};
use expr::{unit_type, ExprChecker};
use scope::{file_defs, import_candidates, module_scope, resolved_imports, DefKind, Lookup, Scope};

/// The value of the arms a quick fix adds: a name no policy defines, so that `pol check`
/// reports each arm until the analyst writes its value.
pub const TO_COMPLETE: &str = "à_compléter";

/// The built-in type names.
pub const BUILTIN_TYPES: &[&str] = &[
    "booléen",
    "entier",
    "décimal",
    "argent",
    "pourcentage",
    "texte",
    "date",
    "durée",
];

/// Resolves a written type in a file's scope.
pub fn resolve_type(scope: &Scope, t: &TypeExpr, diags: &mut Vec<Diagnostic>) -> Ty {
    match t {
        TypeExpr::Unit(u, _) => unit_type(u),
        TypeExpr::List(inner, _) => Ty::List(Box::new(resolve_type(scope, inner, diags))),
        TypeExpr::Named(n) => match n.text.as_str() {
            "booléen" => Ty::Bool,
            "entier" => Ty::Int,
            "décimal" => Ty::Dec,
            "argent" => Ty::money(),
            "pourcentage" => Ty::Pct,
            "texte" => Ty::Text,
            "date" => Ty::Date,
            "durée" => Ty::Duration,
            name => match scope.lookup(name) {
                Lookup::Found(b) if b.broken => Ty::Error,
                Lookup::Found(b) if b.kind == DefKind::Enum => Ty::Enum(b.def.clone()),
                Lookup::Found(b) if b.kind == DefKind::Struct => Ty::Struct(b.def.clone()),
                Lookup::Found(b) => {
                    diags.push(
                        Diagnostic::error(
                            codes::UNKNOWN_TYPE,
                            format!("{} « {name} » n'est pas un type", b.kind.noun()),
                            n.span,
                        )
                        .with_label("pas un type"),
                    );
                    Ty::Error
                }
                _ => {
                    let mut cands: Vec<&str> = BUILTIN_TYPES.to_vec();
                    cands.extend(
                        scope
                            .names
                            .iter()
                            .filter(|(_, b)| b.iter().any(|b| b.kind.is_type()))
                            .map(|(n, _)| n.as_str()),
                    );
                    let mut d = Diagnostic::error(
                        codes::UNKNOWN_TYPE,
                        format!("le type « {name} » est inconnu"),
                        n.span,
                    )
                    .with_label("type inconnu");
                    if let Some(s) = suggest(name, cands) {
                        d = d.with_suggestion(s);
                    }
                    diags.push(d);
                    Ty::Error
                }
            },
        },
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct EnumInfo {
    pub variants: Vec<String>,
    pub labels: Vec<Option<String>>,
}

#[salsa::tracked(returns(clone))]
pub fn enum_info<'db>(db: &'db dyn Db, key: ItemKey<'db>) -> Arc<EnumInfo> {
    let mut info = EnumInfo::default();
    if let Some(item) = item_ast(db, key) {
        if let ItemKind::Enum(e) = &item.kind {
            for v in &e.variants {
                info.variants.push(v.name.text.clone());
                info.labels.push(v.label.clone());
            }
        }
    }
    Arc::new(info)
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldInfo {
    pub name: String,
    pub ty: Ty,
    pub default: Option<TExpr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct StructInfo {
    pub fields: Vec<FieldInfo>,
    pub diagnostics: Vec<Diagnostic>,
}

#[salsa::tracked(returns(clone))]
pub fn struct_info<'db>(db: &'db dyn Db, key: ItemKey<'db>) -> Arc<StructInfo> {
    let mut info = StructInfo::default();
    let Some(item) = item_ast(db, key) else {
        return Arc::new(info);
    };
    let ItemKind::Struct(s) = &item.kind else {
        return Arc::new(info);
    };
    let file = key.file(db);
    let scope = module_scope(db, file);
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for f in &s.fields {
        if let Some(prev) = seen.insert(&f.name.text, f.name.span) {
            info.diagnostics.push(
                Diagnostic::error(
                    codes::DUPLICATE,
                    format!("le champ « {} » est défini deux fois", f.name.text),
                    f.name.span,
                )
                .with_label("deuxième définition")
                .with_secondary(prev, "première définition"),
            );
        }
        let ty = resolve_type(scope, &f.ty, &mut info.diagnostics);
        let default = f.default.as_ref().map(|d| {
            let mut c = ExprChecker::new(db, file, scope);
            c.allow_refs = false;
            let t = c.check_against(
                d,
                &ty,
                &format!("la valeur par défaut de « {} »", f.name.text),
            );
            info.diagnostics.append(&mut c.diags);
            t
        });
        info.fields.push(FieldInfo {
            name: f.name.text.clone(),
            ty,
            default,
        });
    }
    Arc::new(info)
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct TableSig {
    pub params: Vec<Ty>,
    pub result: Ty,
    pub diagnostics: Vec<Diagnostic>,
}

#[salsa::tracked(returns(clone))]
pub fn table_signature<'db>(db: &'db dyn Db, key: ItemKey<'db>) -> Arc<TableSig> {
    let mut sig = TableSig::default();
    if let Some(item) = item_ast(db, key) {
        if let ItemKind::Table(t) = &item.kind {
            let scope = module_scope(db, key.file(db));
            for (_, ty) in &t.params {
                let ty = resolve_type(scope, ty, &mut sig.diagnostics);
                sig.params.push(ty);
            }
            sig.result = resolve_type(scope, &t.ty, &mut sig.diagnostics);
        }
    }
    Arc::new(sig)
}

fn item_type_cycle<'db>(_db: &'db dyn Db, _id: salsa::Id, _key: ItemKey<'db>) -> Ty {
    Ty::Error
}

/// The type of a definition: declared, or inferred from the body of a rule written without
/// one. Inference never goes through `check_item`, so that a cycle between unannotated rules
/// stays inside this query (it gives `Ty::Error`); the cycle itself is reported by
/// `file_diagnostics`.
#[salsa::tracked(returns(clone), cycle_result = item_type_cycle)]
pub fn item_type<'db>(db: &'db dyn Db, key: ItemKey<'db>) -> Ty {
    let Some(item) = item_ast(db, key) else {
        return Ty::Error;
    };
    let scope = module_scope(db, key.file(db));
    let mut sink = Vec::new();
    match &item.kind {
        ItemKind::Rule(r) => match &r.ty {
            Some(t) => resolve_type(scope, t, &mut sink),
            None if cycles::untyped_cycle_members(db, key.file(db)).contains(&r.name.text) => {
                Ty::Error
            }
            None => {
                let mut c = ExprChecker::new(db, key.file(db), scope);
                c.check(&r.body, None).ty
            }
        },
        ItemKind::Input(i) => resolve_type(scope, &i.ty, &mut sink),
        ItemKind::Condition(_) => Ty::Bool,
        ItemKind::Decision(_) => Ty::Decision,
        ItemKind::Table(_) => table_signature(db, key).result.clone(),
        _ => Ty::Error,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CheckedCell {
    Any,
    Eq(TExpr),
    Range(TExpr, TExpr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CheckedRow {
    pub keys: Vec<CheckedCell>,
    pub value: TExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Detail {
    #[default]
    None,
    Exception {
        target: Option<DefRef>,
        condition: TExpr,
    },
    Table {
        rows: Vec<CheckedRow>,
    },
    Decision {
        conditions: Vec<DefRef>,
    },
    Programme {
        outputs: Vec<DefRef>,
        /// The `date` input named by `daté par`.
        dated_by: Option<DefRef>,
    },
}

/// One item, checked: its type, its typed body, details per kind, and its diagnostics
/// (item-relative spans).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct CheckedItem {
    pub ty: Ty,
    pub body: Option<TExpr>,
    pub detail: Detail,
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckedItem {
    /// Every definition the item reads (body, exception condition, table cells, decision).
    /// Calls `f` on every typed expression of the item: its body, an exception's condition,
    /// a table's cells and values.
    pub fn visit_exprs(&self, f: &mut dyn FnMut(&TExpr)) {
        if let Some(b) = &self.body {
            f(b);
        }
        match &self.detail {
            Detail::Exception { condition, .. } => f(condition),
            Detail::Table { rows } => {
                for r in rows {
                    f(&r.value);
                    for k in &r.keys {
                        match k {
                            CheckedCell::Eq(e) => f(e),
                            CheckedCell::Range(a, b) => {
                                f(a);
                                f(b);
                            }
                            CheckedCell::Any => {}
                        }
                    }
                }
            }
            Detail::None | Detail::Decision { .. } | Detail::Programme { .. } => {}
        }
    }

    /// Every definition the item reads (expressions, and a decision's conditions).
    pub fn refs(&self) -> Vec<DefRef> {
        let mut out = Vec::new();
        self.visit_exprs(&mut |e| e.visit_refs(&mut |d, _| out.push(d.clone())));
        if let Detail::Decision { conditions } = &self.detail {
            out.extend(conditions.iter().cloned());
        }
        out
    }
}

#[salsa::tracked(returns(clone))]
pub fn check_item<'db>(db: &'db dyn Db, key: ItemKey<'db>) -> Arc<CheckedItem> {
    let Some(item) = item_ast(db, key) else {
        return Arc::default();
    };
    let file = key.file(db);
    let scope = module_scope(db, file);
    let mut out = CheckedItem::default();
    let mut c = ExprChecker::new(db, file, scope);
    match &item.kind {
        ItemKind::Rule(r) => {
            let declared = r.ty.as_ref().map(|t| resolve_type(scope, t, &mut c.diags));
            let body = match &declared {
                Some(t) => c.check_against(&r.body, t, &format!("la règle « {} »", r.name.text)),
                None => c.check(&r.body, None),
            };
            out.ty = declared.unwrap_or_else(|| body.ty.clone());
            out.body = Some(body);
        }
        ItemKind::Condition(cd) => {
            out.ty = Ty::Bool;
            out.body = Some(c.check_against(
                &cd.body,
                &Ty::Bool,
                &format!("la condition « {} »", cd.name.text),
            ));
        }
        ItemKind::Input(i) => {
            out.ty = resolve_type(scope, &i.ty, &mut c.diags);
            if let Some(d) = &i.default {
                c.allow_refs = false;
                out.body = Some(c.check_against(
                    d,
                    &out.ty,
                    &format!("la valeur par défaut de « {} »", i.name.text),
                ));
            }
        }
        ItemKind::Decision(d) => {
            out.ty = Ty::Decision;
            let conditions = match &d.body {
                DecisionBody::All(span) => {
                    if scope.conditions.is_empty() {
                        c.diags.push(
                            Diagnostic::warning(codes::TYPE_MISMATCH, "aucune condition n'est définie : cette décision est toujours favorable", *span)
                                .with_label("aucune condition"),
                        );
                    }
                    scope.conditions.clone()
                }
                DecisionBody::Listed(names) => {
                    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
                    for n in names {
                        if let Some(prev) = seen.insert(&n.text, n.span) {
                            c.diags.push(
                                Diagnostic::error(
                                    codes::DUPLICATE,
                                    format!("la condition « {} » est nommée deux fois", n.text),
                                    n.span,
                                )
                                .with_label("deuxième mention")
                                .with_secondary(prev, "première mention"),
                            );
                        }
                    }
                    names
                        .iter()
                        .filter_map(|n| match scope.lookup(&n.text) {
                            Lookup::Found(b) if b.kind == DefKind::Condition => Some(b.def.clone()),
                            Lookup::Found(b) => {
                                c.diags.push(
                                    Diagnostic::error(
                                        codes::TYPE_MISMATCH,
                                        format!(
                                            "{} « {} » n'est pas une condition",
                                            b.kind.noun(),
                                            n.text
                                        ),
                                        n.span,
                                    )
                                    .with_label("pas une condition"),
                                );
                                None
                            }
                            _ => {
                                let mut dg = Diagnostic::error(
                                    codes::UNKNOWN_NAME,
                                    format!("la condition « {} » est inconnue", n.text),
                                    n.span,
                                )
                                .with_label("condition inconnue");
                                if let Some(s) =
                                    suggest(&n.text, scope.conditions.iter().map(|d| &*d.name))
                                {
                                    dg = dg.with_suggestion(s);
                                }
                                c.diags.push(dg);
                                None
                            }
                        })
                        .collect()
                }
            };
            out.detail = Detail::Decision { conditions };
        }
        ItemKind::Exception(e) => {
            let target = match scope.lookup(&e.target.text) {
                Lookup::Found(b) if b.kind == DefKind::Rule => Some(b.def.clone()),
                Lookup::Found(b) => {
                    c.diags.push(
                        Diagnostic::error(
                            codes::EXCEPTION,
                            format!(
                                "une exception s'applique à une règle, pas à {} « {} »",
                                b.kind.noun(),
                                e.target.text
                            ),
                            e.target.span,
                        )
                        .with_label("pas une règle"),
                    );
                    None
                }
                _ => {
                    let mut dg = Diagnostic::error(
                        codes::UNKNOWN_NAME,
                        format!("la règle « {} » est inconnue", e.target.text),
                        e.target.span,
                    )
                    .with_label("règle inconnue");
                    let rules = scope
                        .names
                        .iter()
                        .filter(|(_, b)| b.iter().any(|b| b.kind == DefKind::Rule))
                        .map(|(n, _)| n.as_str());
                    if let Some(s) = suggest(&e.target.text, rules) {
                        dg = dg.with_suggestion(s);
                    }
                    c.diags.push(dg);
                    None
                }
            };
            let ty = match &target {
                Some(t) => item_type(db, ItemKey::new(db, t.file, &*t.name)),
                None => Ty::Error,
            };
            let condition =
                c.check_against(&e.condition, &Ty::Bool, "la condition d'une exception");
            out.body = Some(c.check_against(
                &e.body,
                &ty,
                &format!("l'exception à « {} »", e.target.text),
            ));
            out.ty = ty;
            out.detail = Detail::Exception { target, condition };
        }
        ItemKind::Table(t) => {
            let sig = table_signature(db, key);
            c.diags.extend(sig.diagnostics.iter().cloned());
            out.ty = sig.result.clone();
            let mut rows = Vec::new();
            for row in &t.rows {
                if row.keys.len() != sig.params.len() {
                    c.diags.push(
                        Diagnostic::error(
                            codes::TABLE,
                            format!(
                                "cette ligne a {} clé{} ; la table « {} » en attend {}",
                                row.keys.len(),
                                if row.keys.len() > 1 { "s" } else { "" },
                                t.name.text,
                                sig.params.len()
                            ),
                            row.span,
                        )
                        .with_label("nombre de cellules incorrect"),
                    );
                    continue;
                }
                let mut keys = Vec::new();
                for (cell, (pty, (pname, _))) in
                    row.keys.iter().zip(sig.params.iter().zip(&t.params))
                {
                    let what = format!("la clé « {} »", pname.text);
                    keys.push(match cell {
                        Cell::Any(_) => CheckedCell::Any,
                        Cell::Value(e) => CheckedCell::Eq(c.check_against(e, pty, &what)),
                        Cell::Range(a, b) => {
                            if !(pty.is_numeric() || matches!(pty, Ty::Date | Ty::Error)) {
                                c.diags.push(
                                    Diagnostic::error(codes::TABLE, format!("un intervalle « a à b » ne s'applique qu'à des nombres ou des dates, pas à {pty}"), Span { start: a.span.start, end: b.span.end })
                                        .with_label("intervalle"),
                                );
                            }
                            CheckedCell::Range(c.check_against(a, pty, &what), c.check_against(b, pty, &what))
                        }
                    });
                }
                let value = c.check_against(
                    &row.value,
                    &sig.result,
                    &format!("la valeur de la table « {} »", t.name.text),
                );
                rows.push(CheckedRow {
                    keys,
                    value,
                    span: row.span,
                });
            }
            tables::table_row_checks(db, &sig.params, &rows, &t.name.text, &mut c.diags);
            out.detail = Detail::Table { rows };
        }
        ItemKind::Struct(_) => {
            c.diags
                .extend(struct_info(db, key).diagnostics.iter().cloned());
        }
        ItemKind::Enum(e) => {
            let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
            for v in &e.variants {
                if let Some(prev) = seen.insert(&v.name.text, v.name.span) {
                    c.diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE,
                            format!("la valeur « {} » est définie deux fois", v.name.text),
                            v.name.span,
                        )
                        .with_label("deuxième définition")
                        .with_secondary(prev, "première définition"),
                    );
                }
            }
        }
        ItemKind::Programme(p) => {
            if let Some((a, b, span)) = p.period {
                if a > b {
                    c.diags.push(
                        Diagnostic::error(
                            codes::PROGRAMME,
                            format!(
                                "la période d'application finit ({b}) avant de commencer ({a})"
                            ),
                            span,
                        )
                        .with_label("période vide"),
                    );
                }
            }
            c.diags
                .extend(versions::version_problems(db, key.file(db), p));
            let mut seen_outputs: BTreeMap<&str, Span> = BTreeMap::new();
            for n in &p.outputs {
                if let Some(prev) = seen_outputs.insert(&n.text, n.span) {
                    c.diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE,
                            format!("la sortie « {} » est nommée deux fois", n.text),
                            n.span,
                        )
                        .with_label("deuxième mention")
                        .with_secondary(prev, "première mention"),
                    );
                }
            }
            let outputs = p
                .outputs
                .iter()
                .filter_map(|n| match scope.lookup(&n.text) {
                    Lookup::Found(b) if b.kind.is_value() => Some(b.def.clone()),
                    _ => {
                        c.diags.push(
                            Diagnostic::error(codes::UNKNOWN_NAME, format!("la sortie « {} » n'est ni une règle, ni une condition, ni une décision connue", n.text), n.span)
                                .with_label("sortie inconnue"),
                        );
                        None
                    }
                })
                .collect();
            let dated_by = p
                .dated_by
                .as_ref()
                .and_then(|n| versions::dating_input(db, scope, n, &mut c.diags));
            out.detail = Detail::Programme { outputs, dated_by };
        }
        ItemKind::Version(_) | ItemKind::Import(_) => {}
    }
    out.diagnostics = c.diags;
    Arc::new(out)
}

/// Every diagnostic of a file, with file-absolute spans, in source order.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let parsed = parse_file(db, file);
    let mut out: Vec<Diagnostic> = parsed.errors.clone();
    let defs = file_defs(db, file);
    let names = crate::db::item_names(db, file);
    let scope = module_scope(db, file);

    // Imports.
    let resolved = resolved_imports(db, file);
    let mut first_def: FxHashMap<&str, (Span, &'static str)> = FxHashMap::default();
    let mut first_replacement: FxHashMap<&str, Span> = FxHashMap::default();
    let mut version_seen: Option<Span> = None;
    let mut programme_seen: Option<Span> = None;
    let mut imports_seen: BTreeMap<Vec<String>, Span> = BTreeMap::new();
    for (pi, key_name) in parsed.items.iter().zip(names) {
        let item = &pi.item;
        let offset = pi.offset;
        if matches!(item.kind, ItemKind::Import(_) | ItemKind::Version(_))
            && !item.citations.is_empty()
        {
            out.push(
                Diagnostic::warning(
                    codes::SYNTAX,
                    format!(
                        "une citation (§) n'accompagne qu'une définition : celle-ci, devant {}, n'apparaîtra nulle part",
                        if matches!(item.kind, ItemKind::Import(_)) { "un import" } else { "une version" }
                    ),
                    item.span.shift(offset),
                )
                .with_label("citation sans effet")
                .with_help("placez-la devant la règle ou la condition qu'elle justifie"),
            );
        }
        match &item.kind {
            ItemKind::Import(imp) => {
                let idx = defs.imports.iter().position(|p| *p == imp.path);
                let span = imp.span.shift(offset);
                if let Some(prev) = imports_seen.insert(imp.path.clone(), span) {
                    out.push(
                        Diagnostic::error(
                            codes::DUPLICATE,
                            format!("le module « {} » est déjà importé", imp.path.join(".")),
                            span,
                        )
                        .with_label("import répété")
                        .with_secondary(prev, "premier import"),
                    );
                } else if idx
                    .and_then(|i| resolved.get(i).copied().flatten())
                    .is_some_and(|f| f == file)
                {
                    out.push(
                        Diagnostic::error(
                            codes::IMPORT_CYCLE,
                            format!("ce fichier s'importe lui-même (« {} »)", imp.path.join(".")),
                            span,
                        )
                        .with_label("import de soi-même"),
                    );
                } else if let Some((_, way)) =
                    idx.and_then(|i| scope::import_cycles(db, file).iter().find(|(j, _)| *j == i))
                {
                    out.push(tree::import_cycle(db, file, way, span));
                }
                if let Some(None) = idx.map(|i| resolved.get(i).copied().flatten()) {
                    let tried: Vec<String> = import_candidates(db, file, &imp.path)
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect();
                    out.push(
                        Diagnostic::error(
                            codes::IMPORT_NOT_FOUND,
                            format!("le module « {} » est introuvable", imp.path.join(".")),
                            imp.span.shift(offset),
                        )
                        .with_label("module introuvable")
                        .with_help(format!("fichiers cherchés : {}", tried.join(", "))),
                    );
                }
            }
            ItemKind::Programme(p) => {
                if let Some(prev) = programme_seen {
                    out.push(
                        Diagnostic::error(
                            codes::PROGRAMME,
                            "un fichier ne déclare qu'un programme",
                            item.span.shift(offset),
                        )
                        .with_label("deuxième programme")
                        .with_secondary(prev, "premier programme")
                        .with_help("mettez chaque programme dans son propre fichier"),
                    );
                }
                programme_seen = Some(item.span.shift(offset));
                let name_span = p.name.span.shift(offset);
                out.extend(tree::same_name_elsewhere(db, file, &p.name.text, name_span));
            }
            ItemKind::Version(v) => {
                // An amendment that no file imports changes nothing: say so.
                let amends =
                    defs.defs.iter().any(|(_, _, r)| *r) && resolved.iter().any(Option::is_some);
                let imported_by_someone = amends
                    && db.workspace().files(db).values().any(|other| {
                        *other != file && resolved_imports(db, *other).contains(&Some(file))
                    });
                if amends && !imported_by_someone {
                    out.push(
                        Diagnostic::warning(
                            codes::VERSION,
                            "aucun fichier n'importe cette modification : ses remplacements ne s'appliquent à aucun programme",
                            item.span.shift(offset),
                        )
                        .with_label("modification inutilisée")
                        .with_help(format!(
                            "ajoutez « importer {} » dans le fichier du programme",
                            file.path(db)
                                .file_stem()
                                .map(|s| s.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        )),
                    );
                }
                if let Some(prev) = version_seen {
                    out.push(
                        Diagnostic::error(
                            codes::VERSION,
                            "un fichier ne déclare qu'une version",
                            item.span.shift(offset),
                        )
                        .with_label("deuxième version")
                        .with_secondary(prev, "première version"),
                    );
                }
                version_seen = Some(v.date_span.shift(offset));
            }
            _ => {}
        }
        if let Some(n) = item.kind.defined_name() {
            let abs = n.span.shift(offset);
            if item.replaces {
                if defs.version.is_none() {
                    out.push(
                        Diagnostic::error(codes::VERSION, format!("« remplace » n'a de sens que dans un fichier qui déclare sa version (version AAAA-MM-JJ) : à partir de quelle date « {} » est-elle remplacée ?", n.text), abs)
                            .with_label("remplacement sans date"),
                    );
                }
                let imported = resolved.iter().flatten().any(|f| {
                    *f != file
                        && file_defs(db, *f)
                            .defs
                            .iter()
                            .any(|(m, _, r)| *m == n.text && !r)
                });
                if let Some(prev) = first_replacement.insert(&n.text, abs) {
                    out.push(
                        Diagnostic::error(
                            codes::DUPLICATE,
                            format!(
                                "« {} » est déjà remplacée dans ce fichier : une version ne remplace une définition qu'une fois",
                                n.text
                            ),
                            abs,
                        )
                        .with_label("deuxième remplacement")
                        .with_secondary(prev, "premier remplacement"),
                    );
                } else if imported {
                    out.extend(versions::replacement_mismatch(db, file, &item.kind, n, abs));
                }
                if !imported {
                    out.push(
                        Diagnostic::error(
                            codes::VERSION,
                            format!(
                                "« {} » ne remplace rien : aucun module importé ne la définit",
                                n.text
                            ),
                            abs,
                        )
                        .with_label("rien à remplacer")
                        .with_help("importez le module qui définit la règle d'origine"),
                    );
                }
            } else if let Some((prev, noun)) = first_def.get(n.text.as_str()) {
                out.push(
                    Diagnostic::error(
                        codes::DUPLICATE,
                        format!("« {} » est déjà défini dans ce fichier ({noun})", n.text),
                        abs,
                    )
                    .with_label("deuxième définition")
                    .with_secondary(*prev, "première définition"),
                );
            } else {
                first_def.insert(&n.text, (abs, item.kind.noun()));
                if let Some(bs) = scope.names.get(&n.text) {
                    if let Some(other) = bs.iter().find(|b| b.def.file != file) {
                        out.push(
                            Diagnostic::error(
                                codes::DUPLICATE,
                                format!("« {} » est déjà défini dans le module importé {}", n.text, other.def.file.path(db).display()),
                                abs,
                            )
                            .with_label("définition en double")
                            .with_help("renommez l'une des deux définitions, ou écrivez « remplace » dans un fichier de version"),
                        );
                    }
                }
            }
        }
        let key = ItemKey::new(db, file, key_name.as_str());
        out.extend(
            check_item(db, key)
                .diagnostics
                .iter()
                .map(|d| d.clone().shifted(offset)),
        );
    }

    // Exceptions to the same rule with the same condition can never both be meant.
    let mut seen_conditions: BTreeMap<(String, String), Span> = BTreeMap::new();
    for pi in &parsed.items {
        if let ItemKind::Exception(e) = &pi.item.kind {
            let cond = crate::format::expr(&e.condition, 0);
            let span = e.condition.span.shift(pi.offset);
            if let Some(prev) = seen_conditions.get(&(e.target.text.clone(), cond.clone())) {
                out.push(
                    Diagnostic::error(
                        codes::EXCEPTION_CONFLICT,
                        format!(
                            "deux exceptions à « {} » ont la même condition : laquelle prévaut ?",
                            e.target.text
                        ),
                        span,
                    )
                    .with_label("même condition")
                    .with_secondary(*prev, "première exception")
                    .with_help("fusionnez-les, ou rendez leurs conditions exclusives"),
                );
            } else {
                seen_conditions.insert((e.target.text.clone(), cond), span);
            }
        }
    }

    // Rule cycles, reported once, at the member that sorts first.
    for cycle in cycles::file_cycles(db, file) {
        let Some(first) = cycle.first() else { continue };
        let name = first.name.to_string();
        let offset = item_offset(db, file, &name);
        let span = item_ast(db, ItemKey::new(db, file, name.as_str()))
            .and_then(|i| i.kind.defined_name().map(|n| n.span))
            .unwrap_or_default()
            .shift(offset);
        let mut path: Vec<String> = cycle.iter().map(|d| d.name.to_string()).collect();
        path.push(name.clone());
        out.push(
            Diagnostic::error(
                codes::CYCLE,
                format!("« {name} » dépend d'elle-même : {}", path.join(" → ")),
                span,
            )
            .with_label("définition circulaire")
            .with_help("une règle ne peut pas dépendre, même indirectement, de sa propre valeur"),
        );
    }
    out.sort_by_key(|d| (d.primary.span.start, d.primary.span.end));
    out
}
