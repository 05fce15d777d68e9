//! The language server: LSP requests and notifications mapped onto the compiler's queries.
//!
//! One database holds the workspace's policies, the editor's open documents taking the place
//! of their files on disk. The lock is never held across an `.await`: each handler updates or
//! queries the database, converts the answer to LSP types, releases the lock, then replies.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use pol_compiler::check::file_diagnostics;
use pol_compiler::check::scope::DefKind;
use pol_compiler::db::{Database, SourceFile, STD_PREFIX};
use pol_compiler::diagnostics::{Diagnostic as PolDiagnostic, Severity};
use pol_compiler::format::format_source;
use pol_compiler::ide;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::position::LineIndex;

/// Values of enumerations are also written in dossiers (JSON): renaming them in the policies
/// alone would break every dossier that uses them.
const VARIANT_RENAME: &str = "une valeur d'énumération ne se renomme pas depuis l'éditeur : les dossiers JSON l'écrivent aussi ; renommez-la dans la politique et dans les dossiers";

#[derive(Default)]
struct State {
    db: Option<Database>,
    /// The editor's text of each open document, as sent (edits apply to it).
    open: HashMap<PathBuf, String>,
    /// Files that had diagnostics at the last publication (to clear them when fixed).
    with_diagnostics: HashSet<PathBuf>,
    /// Bumped at every change: a publication for an older state is dropped, so that the
    /// editor never ends on stale diagnostics.
    generation: u64,
    /// The workspace folder, and the policy root inside it.
    root: Option<PathBuf>,
    policies: Option<PathBuf>,
    /// The dossier chosen with « Évaluer ce dossier », and its evaluation (with the generation
    /// it was computed at).
    active: Option<(PathBuf, u64, Option<ide::DossierRun>)>,
    /// Golden dossiers evaluated for code lenses, at a generation.
    golden: Option<(u64, Vec<ide::DossierRun>)>,
}

/// The command that makes a golden dossier the active one.
pub const EVALUATE_COMMAND: &str = "pol.évaluerDossier";

pub struct Backend {
    client: Client,
    state: Mutex<State>,
}

fn uri_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

/// The standard library, written once to a folder of its own so that editors can open it
/// (its sources are embedded in the binary).
fn std_dir() -> Option<&'static Path> {
    static DIR: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pol-std-{}", env!("CARGO_PKG_VERSION")));
        std::fs::create_dir_all(&dir).ok()?;
        for (name, text) in pol_compiler::stdlib::FILES {
            std::fs::write(dir.join(name), text).ok()?;
        }
        Some(dir)
    })
    .as_deref()
}

fn path_uri(p: &Path) -> Option<Uri> {
    match p.strip_prefix(STD_PREFIX) {
        Ok(rel) => Uri::from_file_path(std_dir()?.join(rel)),
        Err(_) => Uri::from_file_path(p),
    }
}

fn to_lsp(d: &PolDiagnostic, idx: &LineIndex<'_>, uri: &Uri) -> Diagnostic {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\naide : {h}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: idx.range(l.span.start as usize, l.span.end as usize),
            },
            message: l.message.clone(),
        })
        .collect();
    Diagnostic {
        range: idx.range(d.primary.span.start as usize, d.primary.span.end as usize),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("pol".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}

/// The semantic token types the server uses, in legend order.
const LEGEND: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::NUMBER,
    SemanticTokenType::STRING,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::TYPE,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::PROPERTY,
];

fn legend_index(h: ide::Highlight) -> u32 {
    use ide::Highlight as H;
    match h {
        H::Keyword => 0,
        H::Number => 1,
        H::Text => 2,
        H::Comment => 3,
        H::Operator => 4,
        H::Module => 5,
        H::Input => 6,
        H::Rule | H::Local => 7,
        H::Table | H::Function => 8,
        H::Type | H::Unit => 9,
        H::Variant => 10,
        H::Field => 11,
    }
}

fn symbol_kind(k: DefKind) -> SymbolKind {
    match k {
        DefKind::Programme => SymbolKind::MODULE,
        DefKind::Enum => SymbolKind::ENUM,
        DefKind::Struct => SymbolKind::STRUCT,
        DefKind::Input => SymbolKind::VARIABLE,
        DefKind::Rule => SymbolKind::FUNCTION,
        DefKind::Condition | DefKind::Decision => SymbolKind::BOOLEAN,
        DefKind::Table => SymbolKind::ARRAY,
    }
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            client,
            state: Mutex::new(State::default()),
        }
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        // A panic while holding the lock would poison it; recover the state rather than
        // stopping every later request.
        let mut guard = match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Runs a read-only query on a snapshot of the database, off the editor's thread. An edit
    /// arriving meanwhile cancels it (salsa unwinds the snapshot), and the editor is told the
    /// content changed, so that it asks again.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut State) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        let mut snapshot = self.with_state(|st| State {
            db: st.db.clone(),
            open: st.open.clone(),
            root: st.root.clone(),
            policies: st.policies.clone(),
            generation: st.generation,
            ..State::default()
        });
        let job = tokio::task::spawn_blocking(move || {
            salsa::Cancelled::catch(std::panic::AssertUnwindSafe(move || f(&mut snapshot)))
        });
        match job.await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(_cancelled)) => Err(tower_lsp_server::jsonrpc::Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32801),
                message: "le document a changé pendant le calcul".into(),
                data: None,
            }),
            Err(_) => Err(tower_lsp_server::jsonrpc::Error::internal_error()),
        }
    }

    /// The diagnostics of every policy file, converted; open documents and files fixed since
    /// the last time get an empty list.
    fn collect_diagnostics(state: &mut State) -> Vec<(Uri, Vec<Diagnostic>)> {
        let Some(db) = state.db.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut now = HashSet::new();
        for file in db.policy_files() {
            let path = file.path(db).clone();
            let Some(uri) = path_uri(&path) else { continue };
            let text = file.text(db);
            let idx = LineIndex::new(text);
            let diags: Vec<Diagnostic> = file_diagnostics(db, file)
                .iter()
                .map(|d| to_lsp(d, &idx, &uri))
                .collect();
            if !diags.is_empty() {
                now.insert(path.clone());
                out.push((uri, diags));
            } else if state.with_diagnostics.contains(&path) || state.open.contains_key(&path) {
                // Open documents always get their (possibly empty) list.
                out.push((uri, Vec::new()));
            }
        }
        state.with_diagnostics = now;
        out
    }

    async fn publish(&self, (generation, all): (u64, Vec<(Uri, Vec<Diagnostic>)>)) {
        for (uri, diags) in all {
            if self.with_state(|st| st.generation) != generation {
                return;
            }
            self.client.publish_diagnostics(uri, diags, None).await;
        }
    }

    /// A new state of the workspace, and its diagnostics.
    fn changed(st: &mut State) -> (u64, Vec<(Uri, Vec<Diagnostic>)>) {
        st.generation += 1;
        (st.generation, Self::collect_diagnostics(st))
    }

    /// Replaces a document's text (after `edit`, applied under the same lock as the update, so
    /// that concurrent changes never interleave) and republishes diagnostics.
    async fn update(&self, path: PathBuf, edit: impl FnOnce(&mut String)) {
        let all = self.with_state(|st| {
            let mut text = st.open.get(&path).cloned().unwrap_or_default();
            edit(&mut text);
            let db = st
                .db
                .get_or_insert_with(|| Database::new(path.parent().unwrap_or(Path::new("/"))));
            db.set_file(&path, &text);
            st.open.insert(path, text);
            Self::changed(st)
        });
        self.publish(all).await;
    }

    /// The definition at a position, with the file and its line index.
    fn target_at(st: &State, pos: &TextDocumentPositionParams) -> Option<(ide::Target, Range)> {
        let (file, _) = Self::file_at(st, &pos.text_document.uri)?;
        let db = st.db.as_ref()?;
        let idx = LineIndex::new(file.text(db));
        let (target, span) = ide::definition_at(db, file, idx.offset(pos.position) as u32)?;
        Some((target, idx.range(span.start as usize, span.end as usize)))
    }

    /// Every place a definition appears, as LSP locations grouped by URI.
    fn locations(db: &Database, what: &ide::Referenced) -> Vec<(Uri, Range)> {
        let files = db.policy_files();
        ide::references_to(db, what, &files)
            .into_iter()
            .filter_map(|(f, span)| {
                let uri = path_uri(f.path(db))?;
                let idx = LineIndex::new(f.text(db));
                Some((uri, idx.range(span.start as usize, span.end as usize)))
            })
            .collect()
    }

    /// The text of a document: the editor's if it is open, else the file on disk.
    fn document_text(st: &State, path: &Path) -> Option<String> {
        st.open
            .get(path)
            .cloned()
            .or_else(|| std::fs::read_to_string(path).ok())
    }

    /// The active dossier's evaluation, recomputed if the workspace changed since.
    fn active_run(st: &mut State) -> Option<(PathBuf, &ide::DossierRun)> {
        let (path, generation, _) = st.active.as_ref()?;
        let path = path.clone();
        if *generation != st.generation {
            let text = Self::document_text(st, &path)?;
            let run = ide::run_dossier(st.db.as_ref()?, st.policies.as_ref()?, &text).ok();
            st.active = Some((path.clone(), st.generation, run));
        }
        let run = st.active.as_ref()?.2.as_ref()?;
        Some((path, run))
    }

    /// Every golden dossier of the workspace (`tests/` folder), evaluated once per generation.
    fn golden_runs(st: &mut State) -> &[ide::DossierRun] {
        let fresh = st.golden.as_ref().is_some_and(|(g, _)| *g == st.generation);
        if !fresh {
            let mut runs = Vec::new();
            if let (Some(root), Some(policies), Some(db)) =
                (st.root.as_ref(), st.policies.as_ref(), st.db.as_ref())
            {
                let tests = root.join("tests");
                let files = pol_compiler::files::find_files(&tests, "json").unwrap_or_default();
                for f in files {
                    let text = st
                        .open
                        .get(&f)
                        .cloned()
                        .or_else(|| std::fs::read_to_string(&f).ok());
                    if let Some(Ok(run)) = text.map(|t| ide::run_dossier(db, policies, &t)) {
                        runs.push(run);
                    }
                }
            }
            st.golden = Some((st.generation, runs));
        }
        st.golden.as_ref().map(|(_, r)| r.as_slice()).unwrap_or(&[])
    }

    fn file_at(st: &State, uri: &Uri) -> Option<(SourceFile, PathBuf)> {
        let path = uri_path(uri)?;
        let db = st.db.as_ref()?;
        Some((db.file(&path)?, path))
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| uri_path(&f.uri))
            .or_else(|| params.root_uri.as_ref().and_then(uri_path));
        self.with_state(|st| {
            st.root = root.clone();
            st.policies = root.as_ref().map(|r| {
                if r.join("policies").is_dir() {
                    r.join("policies")
                } else {
                    r.clone()
                }
            });
            st.db = Some(match &root {
                Some(r) => {
                    let policies = if r.join("policies").is_dir() {
                        r.join("policies")
                    } else {
                        r.clone()
                    };
                    pol_compiler::files::load(&policies)
                        .unwrap_or_else(|_| Database::new(&policies))
                }
                None => Database::new("/"),
            });
        });
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "pol".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into()]),
                    ..CompletionOptions::default()
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![EVALUATE_COMMAND.into()],
                    ..ExecuteCommandOptions::default()
                }),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: SemanticTokensLegend {
                                token_types: LEGEND.to_vec(),
                                token_modifiers: Vec::new(),
                            },
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            work_done_progress_options: WorkDoneProgressOptions::default(),
                        },
                    ),
                ),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let all = self.with_state(Self::changed);
        self.publish(all).await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let Some(path) = uri_path(&params.text_document.uri) else {
            return;
        };
        let text = params.text_document.text;
        self.update(path, move |t| *t = text).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let Some(path) = uri_path(&params.text_document.uri) else {
            return;
        };
        let changes = params.content_changes;
        self.update(path, move |text| {
            for change in changes {
                match change.range {
                    Some(range) => {
                        let (a, b) = {
                            let idx = LineIndex::new(text.as_str());
                            (idx.offset(range.start), idx.offset(range.end))
                        };
                        text.replace_range(a.min(b)..a.max(b), &change.text);
                    }
                    None => *text = change.text,
                }
            }
        })
        .await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = uri_path(&params.text_document.uri) else {
            return;
        };
        // Back to the file on disk (or gone, if it was never saved).
        let all = self.with_state(|st| {
            st.open.remove(&path);
            if let Some(db) = st.db.as_mut() {
                match std::fs::read_to_string(&path) {
                    Ok(t) => {
                        db.set_file(&path, &t);
                    }
                    Err(_) => db.remove_file(&path),
                }
            }
            Self::changed(st)
        });
        self.publish(all).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        Ok(self.with_state(|st| {
            let (file, _) = Self::file_at(st, &pos.text_document.uri)?;
            let db = st.db.as_ref()?;
            let idx = LineIndex::new(file.text(db));
            let offset = idx.offset(pos.position) as u32;
            let (target, span) = ide::definition_at(db, file, offset)?;
            let mut value = ide::hover_text(db, &target);
            let range = Some(idx.range(span.start as usize, span.end as usize));
            if let Some((path, run)) = Self::active_run(st) {
                if run.files.contains(&target.def.file) {
                    if let Some(v) = run.values.get(&*target.def.name) {
                        let name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        value.push_str(&format!("\n\n**Dossier actif** ({name}) : {v}"));
                    }
                }
            }
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                }),
                range,
            })
        }))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        self.read(move |st| {
            let (file, _) = Self::file_at(st, &pos.text_document.uri)?;
            let db = st.db.as_ref()?;
            let idx = LineIndex::new(file.text(db));
            let (tfile, span, _) = ide::navigate_at(db, file, idx.offset(pos.position) as u32)?;
            let uri = path_uri(tfile.path(db))?;
            let tidx = LineIndex::new(tfile.text(db));
            Some(GotoDefinitionResponse::Scalar(Location {
                uri,
                range: tidx.range(span.start as usize, span.end as usize),
            }))
        })
        .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.read(move |st| {
            let (file, _) = Self::file_at(st, &params.text_document.uri)?;
            let db = st.db.as_ref()?;
            let text = file.text(db);
            let formatted = format_source(text)?;
            if formatted == *text {
                return Some(Vec::new());
            }
            let idx = LineIndex::new(text);
            Some(vec![TextEdit {
                range: idx.range(0, text.len()),
                new_text: formatted,
            }])
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.read(move |st| {
            let (file, _) = Self::file_at(st, &params.text_document.uri)?;
            let db = st.db.as_ref()?;
            let idx = LineIndex::new(file.text(db));
            #[allow(deprecated)]
            let symbols = ide::symbols(db, file)
                .into_iter()
                .map(|s| DocumentSymbol {
                    name: s.name,
                    detail: None,
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    range: idx.range(s.span.start as usize, s.span.end as usize),
                    selection_range: idx
                        .range(s.name_span.start as usize, s.name_span.end as usize),
                    children: None,
                })
                .collect();
            Some(DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        self.read(move |st| {
            let pos = &params.text_document_position;
            let (file, _) = Self::file_at(st, &pos.text_document.uri)?;
            let db = st.db.as_ref()?;
            let offset = LineIndex::new(file.text(db)).offset(pos.position) as u32;
            let what = ide::referenced_at(db, file, offset)?;
            let mut locs = Self::locations(db, &what);
            if !params.context.include_declaration && !locs.is_empty() {
                locs.remove(0);
            }
            Some(
                locs.into_iter()
                    .map(|(uri, range)| Location { uri, range })
                    .collect(),
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let found = self.with_state(|st| {
            let (target, range) = Self::target_at(st, &params)?;
            Some((
                target
                    .def
                    .file
                    .path(st.db.as_ref()?)
                    .starts_with(STD_PREFIX),
                target.variant.is_some(),
                range,
            ))
        });
        match found {
            Some((false, false, range)) => Ok(Some(PrepareRenameResponse::Range(range))),
            Some((_, true, _)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                VARIANT_RENAME,
            )),
            Some((true, false, _)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "les définitions de la bibliothèque standard ne se renomment pas",
            )),
            None => Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "placez le curseur sur le nom d'une règle, d'une entrée, d'une condition, d'une table ou d'un type",
            )),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let outcome = self.with_state(|st| {
            let (target, _) = Self::target_at(st, &params.text_document_position)?;
            let db = st.db.as_ref()?;
            if target.variant.is_some() {
                return Some(Err(VARIANT_RENAME.to_string()));
            }
            if let Some(problem) =
                ide::rename_problem(db, &target.def, &params.new_name, &db.policy_files())
            {
                return Some(Err(problem));
            }
            // One edit per file, in a stable order (the definition's file first).
            let mut per_file: Vec<(Uri, Vec<TextEdit>)> = Vec::new();
            for (uri, range) in Self::locations(db, &ide::Referenced::Def(target.def.clone())) {
                let edit = TextEdit {
                    range,
                    new_text: params.new_name.clone(),
                };
                match per_file.iter_mut().find(|(u, _)| *u == uri) {
                    Some((_, edits)) => edits.push(edit),
                    None => per_file.push((uri, vec![edit])),
                }
            }
            let edits = per_file
                .into_iter()
                .map(|(uri, edits)| TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                })
                .collect();
            Some(Ok(WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(edits)),
                ..WorkspaceEdit::default()
            }))
        });
        match outcome {
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(problem)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(problem)),
            None => Ok(None),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        self.read(move |st| {
            let (file, _) = Self::file_at(st, &pos.text_document.uri)?;
            let db = st.db.as_ref()?;
            let idx = LineIndex::new(file.text(db));
            let items = ide::completions(db, file, idx.offset(pos.position))
                .into_iter()
                .map(|c| CompletionItem {
                    kind: Some(match c.kind {
                        "mot-clé" => CompletionItemKind::KEYWORD,
                        "champ" => CompletionItemKind::FIELD,
                        "valeur" => CompletionItemKind::ENUM_MEMBER,
                        "fonction" | "table" => CompletionItemKind::FUNCTION,
                        "type" => CompletionItemKind::STRUCT,
                        "unité" => CompletionItemKind::UNIT,
                        "entrée" => CompletionItemKind::VARIABLE,
                        _ => CompletionItemKind::VALUE,
                    }),
                    detail: c.detail.or(Some(c.kind.to_string())),
                    label: c.label,
                    ..CompletionItem::default()
                })
                .collect();
            Some(CompletionResponse::Array(items))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.read(move |st| {
            let (file, _) = Self::file_at(st, &params.text_document.uri)?;
            let db = st.db.as_ref()?;
            let idx = LineIndex::new(file.text(db));
            Some(
                ide::inlay_types(db, file)
                    .into_iter()
                    .map(|(offset, label)| InlayHint {
                        position: idx.position(offset as usize),
                        label: InlayHintLabel::String(label),
                        kind: Some(InlayHintKind::TYPE),
                        text_edits: None,
                        tooltip: None,
                        padding_left: None,
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.read(move |st| {
            let (file, _) = Self::file_at(st, &params.text_document.uri)?;
            let db = st.db.as_ref()?;
            let idx = LineIndex::new(file.text(db));
            Some(
                ide::symbols(db, file)
                    .into_iter()
                    .filter_map(|s| {
                        let r = idx.range(s.span.start as usize, s.span.end as usize);
                        (r.end.line > r.start.line).then_some(FoldingRange {
                            start_line: r.start.line,
                            end_line: r.end.line,
                            kind: Some(FoldingRangeKind::Region),
                            ..FoldingRange::default()
                        })
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let query = params.query.to_lowercase();
        self.read(move |st| {
            let db = st.db.as_ref()?;
            let mut out = Vec::new();
            for file in db.policy_files() {
                let Some(uri) = path_uri(file.path(db)) else {
                    continue;
                };
                let idx = LineIndex::new(file.text(db));
                for s in ide::symbols(db, file) {
                    if s.name.to_lowercase().contains(&query) {
                        out.push(WorkspaceSymbol {
                            name: s.name,
                            kind: symbol_kind(s.kind),
                            tags: None,
                            container_name: None,
                            location: OneOf::Left(Location {
                                uri: uri.clone(),
                                range: idx
                                    .range(s.name_span.start as usize, s.name_span.end as usize),
                            }),
                            data: None,
                        });
                    }
                }
            }
            Some(WorkspaceSymbolResponse::Nested(out))
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.read(move |st| {
            let (file, _) = Self::file_at(st, &params.text_document.uri)?;
            let db = st.db.as_ref()?;
            let text = file.text(db);
            let idx = LineIndex::new(text);
            let (from, to) = (idx.offset(params.range.start), idx.offset(params.range.end));
            let uri = params.text_document.uri.clone();
            let actions = file_diagnostics(db, file)
                .iter()
                .filter(|d| {
                    (d.primary.span.start as usize) <= to && from <= d.primary.span.end as usize
                })
                .filter_map(|d| {
                    let (span, replacement) = d.fix.clone()?;
                    let title = if d.code == pol_compiler::diagnostics::codes::NON_EXHAUSTIVE {
                        "Ajouter les cas manquants (valeurs à compléter)".to_string()
                    } else {
                        format!("Remplacer par « {replacement} »")
                    };
                    let edit = TextEdit {
                        range: idx.range(span.start as usize, span.end as usize),
                        new_text: replacement,
                    };
                    Some(CodeActionOrCommand::CodeAction(CodeAction {
                        title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![to_lsp(d, &idx, &uri)]),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                            ..WorkspaceEdit::default()
                        }),
                        is_preferred: Some(true),
                        ..CodeAction::default()
                    }))
                })
                .collect();
            Some(actions)
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.read(move |st| {
            let (file, _) = Self::file_at(st, &params.text_document.uri)?;
            let db = st.db.as_ref()?;
            let text = file.text(db);
            let idx = LineIndex::new(text);
            let mut data = Vec::new();
            let (mut prev_line, mut prev_col) = (0u32, 0u32);
            for (start, end, h) in ide::semantic_tokens(db, file) {
                let (a, b) = (idx.position(start), idx.position(end));
                // The protocol's tokens live on one line; multi-line ones are left uncoloured.
                if a.line != b.line || b.character <= a.character {
                    continue;
                }
                let delta_line = a.line - prev_line;
                let delta_start = if delta_line == 0 {
                    a.character - prev_col
                } else {
                    a.character
                };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: b.character - a.character,
                    token_type: legend_index(h),
                    token_modifiers_bitset: 0,
                });
                prev_line = a.line;
                prev_col = a.character;
            }
            Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            }))
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        Ok(self.with_state(|st| {
            let path = uri_path(&uri)?;
            let top = Range::default();
            if path.extension().is_some_and(|e| e == "json") {
                let title = match &st.active {
                    Some((p, _, _)) if *p == path => "Dossier actif — réévaluer".to_string(),
                    _ => "Évaluer ce dossier".to_string(),
                };
                return Some(vec![CodeLens {
                    range: top,
                    command: Some(Command {
                        title,
                        command: EVALUATE_COMMAND.into(),
                        arguments: Some(vec![serde_json::Value::String(uri.to_string())]),
                    }),
                    data: None,
                }]);
            }
            let (file, _) = Self::file_at(st, &uri)?;
            let symbols = ide::symbols(st.db.as_ref()?, file);
            let text = file.text(st.db.as_ref()?).clone();
            let runs = Self::golden_runs(st);
            let idx = LineIndex::new(&text);
            Some(
                symbols
                    .into_iter()
                    .filter(|s| {
                        matches!(
                            s.kind,
                            DefKind::Rule | DefKind::Condition | DefKind::Decision
                        )
                    })
                    .map(|s| {
                        let n = runs
                            .iter()
                            .filter(|r| r.files.contains(&file) && r.exercised.contains(&s.name))
                            .count();
                        CodeLens {
                            range: idx.range(s.name_span.start as usize, s.name_span.end as usize),
                            command: Some(Command {
                                title: match n {
                                    0 => "aucun dossier doré".into(),
                                    1 => "1 dossier doré".into(),
                                    n => format!("{n} dossiers dorés"),
                                },
                                command: String::new(),
                                arguments: None,
                            }),
                            data: None,
                        }
                    })
                    .collect(),
            )
        }))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != EVALUATE_COMMAND {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "commande inconnue « {} »",
                params.command
            )));
        }
        let Some(arg) = params.arguments.first().and_then(|a| a.as_str()) else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "indiquez le dossier à évaluer (son URI)",
            ));
        };
        let path = arg
            .parse::<Uri>()
            .ok()
            .and_then(|u| uri_path(&u))
            .unwrap_or_else(|| PathBuf::from(arg));
        let outcome = self.with_state(|st| {
            st.active = Some((path.clone(), st.generation.wrapping_sub(1), None));
            if let Some((_, run)) = Self::active_run(st) {
                return Ok(run.summary.clone());
            }
            // Say why: the dossier could not be read or evaluated.
            let text = Self::document_text(st, &path);
            Err(match (text, st.db.as_ref(), st.policies.as_ref()) {
                (Some(t), Some(db), Some(p)) => {
                    ide::run_dossier(db, p, &t).err().unwrap_or_default()
                }
                _ => format!("impossible de lire « {} »", path.display()),
            })
        });
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match outcome {
            Ok(summary) => {
                self.client
                    .show_message(
                        MessageType::INFO,
                        format!("Dossier actif : {name} — {summary}"),
                    )
                    .await;
                Ok(Some(
                    serde_json::json!({ "dossier": name, "résumé": summary }),
                ))
            }
            Err(e) => {
                self.client
                    .show_message(MessageType::ERROR, format!("{name} : {e}"))
                    .await;
                Err(tower_lsp_server::jsonrpc::Error::invalid_params(e))
            }
        }
    }
}
