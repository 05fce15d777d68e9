//! `pol lsp`: the language server, a thin front end over the compiler's salsa queries. Only
//! this crate knows LSP types and UTF-16 positions.

#![forbid(unsafe_code)]

mod backend;
mod frames;
mod position;

pub use position::{apply_edit, LineIndex};

/// Serves the language server over standard input and output until the editor exits.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(backend::Backend::new);
        // The editor's messages go through a check first (see `frames`); the server's answers
        // and the check's go out whole, one after the other.
        let (to_server, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, from_server) = tokio::io::duplex(1 << 16);
        let (answers, mut answers_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
        let (sent, mut sent_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
        let input = tokio::spawn(frames::filter_input(tokio::io::stdin(), to_server, answers));
        let forward = tokio::spawn(async move {
            let mut from_server = tokio::io::BufReader::new(from_server);
            while let Ok(Some(frames::Frame::Body(body))) =
                frames::read_frame(&mut from_server).await
            {
                if sent.send(frames::in_french(body)).is_err() {
                    return;
                }
            }
        });
        let output = tokio::spawn(async move {
            let mut stdout = tokio::io::stdout();
            loop {
                let body = tokio::select! {
                    b = sent_rx.recv() => match b {
                        Some(b) => b,
                        None => break,
                    },
                    Some(b) = answers_rx.recv() => b,
                };
                if frames::write_frame(&mut stdout, &body).await.is_err() {
                    break;
                }
            }
        });
        tower_lsp_server::Server::new(server_in, server_out, socket)
            .serve(service)
            .await;
        // Everything the server wrote goes out before the process ends.
        let _ = forward.await;
        let _ = output.await;
        input.abort();
    });
    // The read of standard input may still be waiting (editors need not close it after
    // « exit »): do not wait for it.
    runtime.shutdown_background();
    Ok(())
}
