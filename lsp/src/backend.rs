//! The language server: LSP requests and notifications mapped onto the compiler's queries.
//!
//! One database holds the workspace's policies, the editor's open documents taking the place
//! of their files on disk. The lock is never held across an `.await`: each handler updates or
//! queries the database, converts the answer to LSP types, releases the lock, then replies.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use pol_compiler::db::{Database, SourceFile};
use pol_compiler::ide;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

mod assist;
mod convert;
mod dossier;
mod impact;
mod navigate;
mod outline;
mod sync;

use crate::position::LineIndex;
use convert::{spelled_path, uri_path, Spelling, LEGEND};
use dossier::EVALUATE_COMMAND;

#[derive(Default)]
struct State {
    db: Option<Database>,
    /// The editor's text of each open document, as sent (edits apply to a copy of it): shared,
    /// so that the snapshot each request takes does not copy the texts.
    open: HashMap<PathBuf, std::sync::Arc<String>>,
    /// The compiler's diagnostics of each file as last published (to publish only changes,
    /// and to clear them when fixed).
    published: HashMap<PathBuf, Vec<pol_compiler::diagnostics::Diagnostic>>,
    /// Bumped at every change: a publication for an older state is dropped, so that the
    /// editor never ends on stale diagnostics.
    generation: u64,
    /// The workspace folder, and the policy root inside it.
    root: Option<PathBuf>,
    policies: Option<PathBuf>,
    /// The dossier chosen with « Évaluer ce dossier », and its evaluation (with the generation
    /// it was computed at).
    active: Option<(PathBuf, u64, Option<ide::DossierRun>)>,
    /// Golden dossiers evaluated for code lenses, at a generation (shared with the snapshots
    /// that compute lenses off the lock).
    golden: Option<(u64, std::sync::Arc<Vec<ide::Exercise>>)>,
    /// The golden dossiers read from disk, kept while their files do not change.
    golden_docs: std::sync::Arc<dossier::GoldenDocs>,
    /// Policy files that could not be read when the workspace was loaded (told once).
    unreadable: Vec<String>,
    /// Whether the editor lets the server register a file watcher.
    watch_dynamically: bool,
    /// The editor's spelling of the files' URIs (files are keyed by resolved path).
    spelling: Spelling,
    /// The semantic tokens last sent for each document, under their result id, so that the
    /// next request gets only what changed (`semanticTokens/full/delta`).
    tokens: HashMap<String, (String, std::sync::Arc<Vec<SemanticToken>>)>,
    /// The last result id given.
    tokens_sent: u64,
}

pub struct Backend {
    client: Client,
    state: Mutex<State>,
    /// The answers about a whole document are computed one at a time (`read_whole`).
    whole: tokio::sync::Semaphore,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            client,
            state: Mutex::new(State::default()),
            whole: tokio::sync::Semaphore::new(1),
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
            spelling: st.spelling.clone(),
            golden: st.golden.clone(),
            golden_docs: st.golden_docs.clone(),
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

    /// `read`, for an answer about a whole document that the editor asks after every keystroke
    /// (outline, folding, semantic tokens, inlay hints, lenses). These are computed one at a
    /// time, and only once the server's thread has sent what is ready: in a file of 10 000
    /// lines, five at once on two cores kept the keystroke's diagnostics from the editor for
    /// 30 to 50 ms. The questions a user waits on (hover, completion, definition…) never
    /// queue behind them.
    async fn read_whole<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut State) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        // The semaphore is never closed, so the permit is always given.
        let _turn = self.whole.acquire().await.ok();
        tokio::task::yield_now().await;
        self.read(f).await
    }

    /// Converts between the compiler's offsets in `file` and the editor's positions in its
    /// document (which may hold the text unnormalised).
    fn index<'a>(
        open: &'a HashMap<PathBuf, std::sync::Arc<String>>,
        db: &'a Database,
        file: SourceFile,
    ) -> LineIndex<'a> {
        LineIndex::mapped(file.text(db), open.get(file.path(db)).map(|t| t.as_str()))
    }

    /// The database's file of a document (a policy file, or the standard library's).
    fn file_at(st: &State, uri: &Uri) -> Option<(SourceFile, PathBuf)> {
        let path = uri_path(uri)?;
        let path = convert::std_path(&path).unwrap_or(path);
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
            .map(|f| &f.uri)
            .or(params.root_uri.as_ref())
            .and_then(spelled_path);
        self.with_state(|st| {
            // Files are keyed by resolved path; answers use the editor's spelling.
            st.spelling.root = root.as_ref().map(|r| (convert::real_path(r), r.clone()));
            let root = st.spelling.root.as_ref().map(|(real, _)| real.clone());
            st.root = root.clone();
            st.policies = root
                .as_ref()
                .map(|r| pol_compiler::programme::locate::workspace_policies(r));
            st.db = Some(match &st.policies {
                Some(policies) => {
                    let (db, unreadable) = sync::load_workspace(policies);
                    st.unreadable = unreadable;
                    db
                }
                None => Database::new("/"),
            });
            st.watch_dynamically = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false);
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
                    commands: vec![EVALUATE_COMMAND.into(), impact::IMPACT_COMMAND.into()],
                    ..ExecuteCommandOptions::default()
                }),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: SemanticTokensLegend {
                                token_types: LEGEND.to_vec(),
                                token_modifiers: Vec::new(),
                            },
                            full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
                            range: Some(true),
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
        let (unreadable, watch) =
            self.with_state(|st| (std::mem::take(&mut st.unreadable), st.watch_dynamically));
        if !unreadable.is_empty() {
            self.client
                .show_message(MessageType::WARNING, sync::unreadable_message(&unreadable))
                .await;
        }
        if watch {
            // Not awaited: the editor answers when it likes, and the server goes on meanwhile.
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client
                    .register_capability(vec![sync::watcher_registration()])
                    .await;
            });
        }
        let all = self.with_state(|st| Self::changed(st, &[]));
        self.publish(all).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        sync::did_change_watched_files(self, params).await
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        sync::did_open(self, params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        sync::did_change(self, params).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        sync::did_close(self, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        navigate::hover(self, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        navigate::goto_definition(self, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        navigate::references(self, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        navigate::prepare_rename(self, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        navigate::rename(self, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        assist::completion(self, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        assist::code_action(self, params).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        assist::formatting(self, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        assist::inlay_hint(self, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        outline::document_symbol(self, params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        outline::folding_range(self, params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        outline::symbol(self, params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        outline::semantic_tokens_full(self, params).await
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        outline::semantic_tokens_full_delta(self, params).await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        outline::semantic_tokens_range(self, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        dossier::code_lens(self, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command == impact::IMPACT_COMMAND {
            return impact::execute(self, params).await;
        }
        dossier::execute_command(self, params).await
    }
}
