//! Names: what each file defines, how its imports resolve, and what is in scope in it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::db::{item_ast, item_names, parse_file, Db, ItemKey, SourceFile, STD_PREFIX};
use crate::syntax::ast::ItemKind;
use crate::types::DefRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefKind {
    Programme,
    Enum,
    Struct,
    Input,
    Rule,
    Condition,
    Decision,
    Table,
}

impl DefKind {
    /// The word that declares it: `règle`, `condition`, `énumération`…
    pub fn word(self) -> &'static str {
        match self {
            DefKind::Programme => "programme",
            DefKind::Enum => "énumération",
            DefKind::Struct => "structure",
            DefKind::Input => "entrée",
            DefKind::Rule => "règle",
            DefKind::Condition => "condition",
            DefKind::Decision => "décision",
            DefKind::Table => "table",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            DefKind::Programme => "le programme",
            DefKind::Enum => "l'énumération",
            DefKind::Struct => "la structure",
            DefKind::Input => "l'entrée",
            DefKind::Rule => "la règle",
            DefKind::Condition => "la condition",
            DefKind::Decision => "la décision",
            DefKind::Table => "la table",
        }
    }

    /// Whether the name denotes a value (usable in an expression).
    pub fn is_value(self) -> bool {
        matches!(
            self,
            DefKind::Input | DefKind::Rule | DefKind::Condition | DefKind::Decision
        )
    }

    pub fn is_type(self) -> bool {
        matches!(self, DefKind::Enum | DefKind::Struct)
    }
}

/// What a file defines, in source order. Holds no spans: an edit inside an item leaves it
/// equal, and nothing downstream of it re-runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FileDefs {
    /// `(name, kind, replaces)`; duplicates are kept (the first one wins, the others are
    /// reported).
    pub defs: Vec<(String, DefKind, bool)>,
    /// Item-key names of the exceptions, with their target.
    pub exceptions: Vec<(String, String)>,
    pub imports: Vec<Vec<String>>,
    pub version: Option<NaiveDate>,
    /// Definitions that did not parse: `(name, kind)`.
    pub broken: Vec<(String, DefKind)>,
}

#[salsa::tracked(returns(ref))]
pub fn file_defs(db: &dyn Db, file: SourceFile) -> FileDefs {
    let parsed = parse_file(db, file);
    let names = item_names(db, file);
    let mut out = FileDefs::default();
    for (pi, key) in parsed.items.iter().zip(names) {
        let item = &pi.item;
        let kind = match &item.kind {
            ItemKind::Programme(_) => DefKind::Programme,
            ItemKind::Enum(_) => DefKind::Enum,
            ItemKind::Struct(_) => DefKind::Struct,
            ItemKind::Input(_) => DefKind::Input,
            ItemKind::Rule(_) => DefKind::Rule,
            ItemKind::Condition(_) => DefKind::Condition,
            ItemKind::Decision(_) => DefKind::Decision,
            ItemKind::Table(_) => DefKind::Table,
            ItemKind::Exception(e) => {
                out.exceptions.push((key.clone(), e.target.text.clone()));
                continue;
            }
            ItemKind::Import(i) => {
                out.imports.push(i.path.clone());
                continue;
            }
            ItemKind::Version(v) => {
                out.version.get_or_insert(v.date);
                continue;
            }
        };
        out.defs.push((key.clone(), kind, item.replaces));
    }
    for (kw, name) in &parsed.broken {
        let kind = match kw.as_str() {
            "énumération" => DefKind::Enum,
            "structure" => DefKind::Struct,
            "entrée" => DefKind::Input,
            "condition" => DefKind::Condition,
            "décision" => DefKind::Decision,
            "table" => DefKind::Table,
            _ => DefKind::Rule,
        };
        out.broken.push((name.clone(), kind));
    }
    out
}

/// The candidate paths for `importer a.b`, from file `from`, in order.
pub fn import_candidates(db: &dyn Db, from: SourceFile, path: &[String]) -> Vec<PathBuf> {
    let rel: PathBuf = path.iter().collect::<PathBuf>().with_extension("pol");
    if path.first().map(String::as_str) == Some("std") {
        let rest: PathBuf = path[1..].iter().collect::<PathBuf>().with_extension("pol");
        return vec![PathBuf::from(STD_PREFIX).join(rest)];
    }
    let mut out = Vec::new();
    if let Some(dir) = from.path(db).parent() {
        out.push(dir.join(&rel));
    }
    out.push(db.workspace().root(db).join(&rel));
    out.dedup();
    out
}

/// Each import of the file, resolved to a file of the workspace (or not found).
#[salsa::tracked(returns(ref))]
pub fn resolved_imports(db: &dyn Db, file: SourceFile) -> Vec<Option<SourceFile>> {
    let files = db.workspace().files(db);
    file_defs(db, file)
        .imports
        .iter()
        .map(|path| {
            import_candidates(db, file, path)
                .iter()
                .find_map(|p| files.get(p).copied())
        })
        .collect()
}

/// The imports of `file` that lead back to it through other files: for each, its index among
/// the file's imports and the files on the way, from the imported one to the last before
/// `file`. A self-import is not one of them (it is reported as such). An amendment — a file
/// that declares its `version` — imports what it modifies, which imports it: its imports
/// are not followed, so that this cycle is the one allowed.
#[salsa::tracked(returns(ref))]
pub fn import_cycles(db: &dyn Db, file: SourceFile) -> Vec<(usize, Vec<SourceFile>)> {
    if file_defs(db, file).version.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, first) in resolved_imports(db, file).iter().enumerate() {
        if let Some(first) = first.filter(|f| *f != file) {
            if let Some(way) = way_back(db, first, file) {
                out.push((i, way));
            }
        }
    }
    out
}

/// The shortest chain of imports from `from` to `to` (breadth first), `from` first and the
/// file that imports `to` last; amendments are not gone through.
fn way_back(db: &dyn Db, from: SourceFile, to: SourceFile) -> Option<Vec<SourceFile>> {
    let mut came_from: rustc_hash::FxHashMap<SourceFile, SourceFile> = Default::default();
    let mut queue = std::collections::VecDeque::from([from]);
    came_from.insert(from, from);
    while let Some(f) = queue.pop_front() {
        if file_defs(db, f).version.is_some() {
            continue;
        }
        for next in resolved_imports(db, f).iter().flatten() {
            if *next == to {
                let (mut way, mut at) = (vec![f], f);
                while at != from {
                    at = *came_from.get(&at)?;
                    way.push(at);
                }
                way.reverse();
                return Some(way);
            }
            if !came_from.contains_key(next) {
                came_from.insert(*next, f);
                queue.push_back(*next);
            }
        }
    }
    None
}

/// Every file of the policy tree that declares a programme, with the name it declares, in
/// path order. Its value changes only when a `programme` line does: what reads it (a
/// programme's diagnostics) is not checked again at every keystroke elsewhere.
#[salsa::tracked(returns(ref))]
pub fn declared_programmes(db: &dyn Db, ws: crate::db::Workspace) -> Vec<(SourceFile, String)> {
    ws.files(db)
        .iter()
        .filter(|(p, _)| !p.starts_with(STD_PREFIX))
        .filter_map(|(_, f)| {
            parse_file(db, *f)
                .items
                .iter()
                .find_map(|i| match &i.item.kind {
                    ItemKind::Programme(p) => Some((*f, p.name.text.clone())),
                    _ => None,
                })
        })
        .collect()
}

/// The names a file's scope suggests for a mistyped one (its definitions, then the variants
/// of its enumerations), prepared once for all its unknown names.
#[salsa::tracked(returns(ref))]
pub fn scope_words(db: &dyn Db, file: SourceFile) -> crate::suggest::Words {
    let scope = module_scope(db, file);
    crate::suggest::Words::new(
        scope
            .names
            .keys()
            .chain(scope.variants.keys())
            .map(String::as_str),
    )
}

/// A name in scope.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Binding {
    pub def: DefRef,
    pub kind: DefKind,
    /// The definition did not parse: uses of the name are not reported again.
    pub broken: bool,
}

/// Everything visible in a file: its own definitions and those of the files it imports
/// directly. Replacing definitions (`remplace`) are not new names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Scope {
    pub names: BTreeMap<String, Vec<Binding>>,
    /// Enum variant name to the enums that have it (with the variant's index).
    pub variants: BTreeMap<String, Vec<(DefRef, u32)>>,
    /// Conditions in scope, in source order (own file first): `toutes les conditions`.
    pub conditions: Vec<DefRef>,
}

pub enum Lookup<'a> {
    Found(&'a Binding),
    Ambiguous(&'a [Binding]),
    Missing,
}

impl Scope {
    pub fn lookup(&self, name: &str) -> Lookup<'_> {
        match self.names.get(name).map(Vec::as_slice) {
            None | Some([]) => Lookup::Missing,
            Some([one]) => Lookup::Found(one),
            Some(many) => {
                // Several bindings of the same definition (imported twice) are one.
                if many.iter().all(|b| b.def == many[0].def) {
                    Lookup::Found(&many[0])
                } else {
                    Lookup::Ambiguous(many)
                }
            }
        }
    }
}

fn add_file(db: &dyn Db, scope: &mut Scope, file: SourceFile) {
    for (name, kind) in &file_defs(db, file).broken {
        let entry = scope.names.entry(name.clone()).or_default();
        if entry.is_empty() {
            entry.push(Binding {
                def: DefRef {
                    file,
                    name: Arc::from(name.as_str()),
                },
                kind: *kind,
                broken: true,
            });
        }
    }
    for (name, kind, replaces) in &file_defs(db, file).defs {
        if *replaces {
            continue;
        }
        let def = DefRef {
            file,
            name: Arc::from(name.as_str()),
        };
        let entry = scope.names.entry(name.clone()).or_default();
        if entry.iter().any(|b| b.def == def) {
            continue;
        }
        entry.push(Binding {
            def: def.clone(),
            kind: *kind,
            broken: false,
        });
        match kind {
            DefKind::Condition => scope.conditions.push(def),
            DefKind::Enum => {
                let key = ItemKey::new(db, file, name.as_str());
                if let Some(item) = item_ast(db, key) {
                    if let ItemKind::Enum(e) = &item.kind {
                        for (i, v) in e.variants.iter().enumerate() {
                            scope
                                .variants
                                .entry(v.name.text.clone())
                                .or_default()
                                .push((def.clone(), i as u32));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[salsa::tracked(returns(ref))]
pub fn module_scope(db: &dyn Db, file: SourceFile) -> Scope {
    let mut scope = Scope::default();
    add_file(db, &mut scope, file);
    for imported in resolved_imports(db, file).iter().flatten() {
        if *imported != file {
            add_file(db, &mut scope, *imported);
        }
    }
    scope
}
