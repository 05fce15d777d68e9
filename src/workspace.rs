//! Finding policy files on disk for the commands that work on files (check, fmt, test).
//! Programmes themselves are found by the programme API (`pol_compiler::programme`).

use std::fs;
use std::path::{Path, PathBuf};

use pol_compiler::files::FileError;
pub use pol_compiler::files::{io_words, policy_root};

/// A user-facing failure of the command line (I/O, usage): exit code 2.
#[derive(Debug)]
pub struct UsageError(pub String);

impl From<FileError> for UsageError {
    fn from(e: FileError) -> Self {
        UsageError(e.0)
    }
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every file with extension `ext` under `path` (or `path` itself), sorted.
pub fn find_files(path: &Path, ext: &str) -> Result<Vec<PathBuf>, UsageError> {
    Ok(pol_compiler::files::find_files(path, ext)?)
}

/// A path shown relative to the current directory when possible.
pub fn shown_path(p: &Path) -> String {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| fs::canonicalize(c).ok());
    match cwd.and_then(|c| p.strip_prefix(&c).ok().map(Path::to_path_buf)) {
        Some(rel) => rel.display().to_string(),
        None => p.display().to_string(),
    }
}
