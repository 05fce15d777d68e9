//! The salsa database: inputs (source files, the workspace), the item-level queries every
//! later phase builds on, and the concrete database the CLI and the language server share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use salsa::{Durability, Setter};

use crate::syntax::tokens::Token;
use crate::syntax::{self, ast::Item, ParsedChunk, ParsedFile};

/// One `.pol` file: its path and its (NFC-normalised) text.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: PathBuf,
    #[returns(ref)]
    pub text: String,
}

/// The set of files the compiler knows: the policy tree and the embedded standard library.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub root: PathBuf,
    #[returns(ref)]
    pub files: BTreeMap<PathBuf, SourceFile>,
}

/// A named definition of a file. Unnamed items (exceptions) are named
/// `exception:<target>:<n>`.
#[salsa::interned(debug)]
pub struct ItemKey<'db> {
    #[returns(copy)]
    pub file: SourceFile,
    #[returns(ref)]
    pub name: String,
}

#[salsa::db]
pub trait Db: salsa::Database {
    fn workspace(&self) -> Workspace;
}

/// The prefix under which the standard library's files live in the workspace.
pub const STD_PREFIX: &str = "<std>";

/// The database. Cheap to clone (a handle on shared storage).
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    workspace: Option<Workspace>,
    log: Option<Arc<Mutex<Vec<String>>>>,
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn workspace(&self) -> Workspace {
        match self.workspace {
            Some(w) => w,
            // `Database::new` always sets it; unreachable in practice.
            None => unreachable!("la base est toujours créée avec un espace de travail"),
        }
    }
}

impl Database {
    /// A database rooted at `root`, with the standard library loaded (high durability).
    pub fn new(root: impl Into<PathBuf>) -> Database {
        Database::build(root.into(), None)
    }

    /// A database that records the name of every query it executes (for tests of
    /// incrementality).
    pub fn with_log(root: impl Into<PathBuf>) -> Database {
        Database::build(root.into(), Some(Arc::default()))
    }

    fn build(root: PathBuf, log: Option<Arc<Mutex<Vec<String>>>>) -> Database {
        let storage = match &log {
            None => salsa::Storage::new(None),
            Some(log) => {
                let log = log.clone();
                salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
                    if let salsa::EventKind::WillExecute { database_key } = event.kind {
                        if let Ok(mut l) = log.lock() {
                            l.push(format!("{database_key:?}"));
                        }
                    }
                })))
            }
        };
        let mut db = Database {
            storage,
            workspace: None,
            log,
        };
        let mut files = BTreeMap::new();
        for (name, text) in crate::stdlib::FILES {
            let path = Path::new(STD_PREFIX).join(name);
            let file = SourceFile::builder(path.clone(), syntax::normalize(text))
                .durability(Durability::HIGH)
                .new(&db);
            files.insert(path, file);
        }
        db.workspace = Some(Workspace::new(&db, root, files));
        db
    }

    /// Adds a file, or replaces its text if it is already known. Returns its handle.
    pub fn set_file(&mut self, path: impl Into<PathBuf>, text: &str) -> SourceFile {
        let path = path.into();
        let text = syntax::normalize(text);
        let ws = self.workspace();
        if let Some(&file) = ws.files(self).get(&path) {
            if file.text(self) != &text {
                file.set_text(self).to(text);
            }
            return file;
        }
        let file = SourceFile::new(self, path.clone(), text);
        let mut files = ws.files(self).clone();
        files.insert(path, file);
        ws.set_files(self).to(files);
        file
    }

    /// Forgets a file (deleted on disk, closed in the editor).
    pub fn remove_file(&mut self, path: &Path) {
        let ws = self.workspace();
        if ws.files(self).contains_key(path) {
            let mut files = ws.files(self).clone();
            files.remove(path);
            ws.set_files(self).to(files);
        }
    }

    pub fn file(&self, path: &Path) -> Option<SourceFile> {
        self.workspace().files(self).get(path).copied()
    }

    /// The policy files (not the standard library), in path order.
    pub fn policy_files(&self) -> Vec<SourceFile> {
        self.workspace()
            .files(self)
            .iter()
            .filter(|(p, _)| !p.starts_with(STD_PREFIX))
            .map(|(_, f)| *f)
            .collect()
    }

    /// The queries executed since the last call (only for a database made by `with_log`).
    pub fn take_log(&self) -> Vec<String> {
        self.log
            .as_ref()
            .and_then(|l| l.lock().ok().map(|mut v| std::mem::take(&mut *v)))
            .unwrap_or_default()
    }
}

/// A chunk of a file's text (`syntax::chunks`), interned by its text: a chunk an edit did not
/// touch is the same chunk, wherever it now stands, and is not parsed again.
#[salsa::interned]
struct ChunkText<'db> {
    #[returns(ref)]
    text: String,
    /// Whether an item starts right after the chunk (it is not the file's last).
    #[returns(copy)]
    followed: bool,
}

#[salsa::tracked(returns(ref))]
fn parse_chunk<'db>(db: &'db dyn Db, chunk: ChunkText<'db>) -> ParsedChunk {
    syntax::parse_chunk(chunk.text(db), chunk.followed(db))
}

/// A file's chunks (`syntax::chunks`), each with where it starts.
#[salsa::tracked(returns(ref))]
fn file_chunks<'db>(db: &'db dyn Db, file: SourceFile) -> Vec<(usize, ChunkText<'db>)> {
    let text = file.text(db);
    syntax::chunks::chunks(text)
        .into_iter()
        .map(|r| {
            let followed = r.end < text.len();
            (r.start, ChunkText::new(db, &text[r], followed))
        })
        .collect()
}

/// Parses a file, chunk by chunk. Re-executes on every edit of the file, but parses again
/// only the chunks the edit changed; everything after it works per item and is backdated when
/// the item's tree did not change.
#[salsa::tracked(returns(ref))]
pub fn parse_file(db: &dyn Db, file: SourceFile) -> ParsedFile {
    // One stack for every chunk: each would otherwise map its own.
    syntax::with_parse_stack(|| {
        let parsed: Vec<(usize, &ParsedChunk)> = file_chunks(db, file)
            .iter()
            .map(|(start, chunk)| (*start, parse_chunk(db, *chunk)))
            .collect();
        syntax::assemble(file.text(db), &parsed)
    })
}

#[salsa::tracked(returns(ref))]
fn chunk_tokens<'db>(db: &'db dyn Db, chunk: ChunkText<'db>) -> Vec<Token> {
    syntax::tokens::tokens(chunk.text(db))
}

/// The classified tokens of a file (for highlighting), chunk by chunk like its parse.
#[salsa::tracked(returns(ref))]
pub fn file_tokens(db: &dyn Db, file: SourceFile) -> Vec<Token> {
    syntax::with_parse_stack(|| {
        let mut out = Vec::new();
        for (start, chunk) in file_chunks(db, file) {
            out.extend(
                chunk_tokens(db, *chunk)
                    .iter()
                    .map(|(a, b, class)| (a + start, b + start, *class)),
            );
        }
        out
    })
}

/// The stable name of the `n`-th item of a parsed file, used as its `ItemKey`.
pub fn item_key_name(parsed: &ParsedFile, index: usize) -> String {
    use crate::syntax::ast::ItemKind;
    let item = &parsed.items[index].item;
    match &item.kind {
        ItemKind::Exception(e) => {
            let n = parsed.items[..index]
                .iter()
                .filter(|i| matches!(&i.item.kind, ItemKind::Exception(x) if x.target.text == e.target.text))
                .count();
            format!("exception:{}:{n}", e.target.text)
        }
        ItemKind::Version(_) => "version:".to_string(),
        ItemKind::Import(i) => format!("importer:{}", i.path.join(".")),
        kind => kind
            .defined_name()
            .map(|n| n.text.clone())
            .unwrap_or_default(),
    }
}

/// The stable names of a file's items, in order.
#[salsa::tracked(returns(ref))]
pub fn item_names(db: &dyn Db, file: SourceFile) -> Vec<String> {
    let parsed = parse_file(db, file);
    (0..parsed.items.len())
        .map(|i| item_key_name(parsed, i))
        .collect()
}

/// Where each stable name first stands among a file's items: one lookup per item instead of
/// a scan of the file (a file of n items would cost n² otherwise).
#[salsa::tracked(returns(ref))]
pub fn item_positions(db: &dyn Db, file: SourceFile) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (i, n) in item_names(db, file).iter().enumerate() {
        out.entry(n.clone()).or_insert(i);
    }
    out
}

fn item_index(db: &dyn Db, file: SourceFile, name: &str) -> Option<usize> {
    item_positions(db, file).get(name).copied()
}

/// One named item of a file, as a salsa tracked struct: its identity is its name, and its
/// tree a tracked field, so that a query reading the tree of one item depends on that item
/// alone, not on the whole file.
#[salsa::tracked]
struct FileItem<'db> {
    /// Untracked, hence its identity.
    #[returns(ref)]
    name: String,
    #[tracked]
    #[returns(clone)]
    ast: Arc<Item>,
}

/// A file's items by stable name (the first item of a name, as `item_positions`). Equal after
/// an edit that keeps the names: the items keep their identity, and only the tree of an
/// edited one changes.
#[salsa::tracked(returns(ref))]
fn file_items<'db>(db: &'db dyn Db, file: SourceFile) -> FxHashMap<String, FileItem<'db>> {
    let parsed = parse_file(db, file);
    let mut out = FxHashMap::default();
    for (item, name) in parsed.items.iter().zip(item_names(db, file)) {
        if !out.contains_key(name) {
            out.insert(
                name.clone(),
                FileItem::new(db, name.clone(), item.item.clone()),
            );
        }
    }
    out
}

/// The syntax tree of one item (spans relative to the item). Depends on that item only: an
/// edit elsewhere in the file re-runs nothing that depends on it.
#[salsa::tracked(returns(clone))]
pub fn item_ast<'db>(db: &'db dyn Db, key: ItemKey<'db>) -> Option<Arc<Item>> {
    let item = file_items(db, key.file(db)).get(key.name(db))?;
    Some(item.ast(db))
}

/// Where an item starts in its file (for turning relative spans into absolute ones).
pub fn item_offset(db: &dyn Db, file: SourceFile, name: &str) -> u32 {
    item_index(db, file, name)
        .map(|i| parse_file(db, file).items[i].offset)
        .unwrap_or(0)
}
