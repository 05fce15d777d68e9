//! The language server, driven over stdio exactly as an editor does: initialize, initialized,
//! didOpen, didChange, requests, shutdown, exit.

mod client;

mod assist;
mod diagnostics;
mod documents;
mod dossier;
mod impact;
mod navigate;
mod paths;
mod rename;
