//! `pol lsp`: the language server, a thin front end over the compiler's salsa queries. Only
//! this crate knows LSP types and UTF-16 positions.

mod backend;
mod position;

pub use position::LineIndex;

/// Serves the language server over standard input and output until the editor exits.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(backend::Backend::new);
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    Ok(())
}
