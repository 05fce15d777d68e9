//! Policy files on disk: finding them, the policy root, loading them into a database. Shared
//! by the command line and the language server.

use std::fs;
use std::path::{Path, PathBuf};

use crate::db::Database;

/// A file or folder that cannot be read, said in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub String);

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every file with extension `ext` under `path` (or `path` itself), sorted.
pub fn find_files(path: &Path, ext: &str) -> Result<Vec<PathBuf>, FileError> {
    let meta = fs::metadata(path).map_err(|e| {
        FileError(format!(
            "impossible de lire « {} » : {}",
            path.display(),
            io_words(&e)
        ))
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| {
            FileError(format!(
                "impossible de lire le dossier « {} » : {}",
                dir.display(),
                io_words(&e)
            ))
        })?;
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() && p.extension().is_some_and(|e| e == ext) => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

pub fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "fichier ou dossier introuvable".into(),
        std::io::ErrorKind::PermissionDenied => "permission refusée".into(),
        std::io::ErrorKind::InvalidData => "le fichier n'est pas du texte UTF-8".into(),
        std::io::ErrorKind::IsADirectory => "c'est un dossier, pas un fichier".into(),
        std::io::ErrorKind::NotADirectory => "un élément du chemin n'est pas un dossier".into(),
        std::io::ErrorKind::InvalidFilename => "nom de fichier trop long ou invalide".into(),
        std::io::ErrorKind::AlreadyExists => "le fichier existe déjà".into(),
        std::io::ErrorKind::StorageFull => "le disque est plein".into(),
        std::io::ErrorKind::ReadOnlyFilesystem => {
            "le système de fichiers est en lecture seule".into()
        }
        std::io::ErrorKind::Interrupted => "lecture interrompue".into(),
        std::io::ErrorKind::FileTooLarge => "le fichier dépasse la taille permise".into(),
        _ => match e.raw_os_error() {
            // ELOOP on Linux: its kind is not stable yet.
            Some(40) if cfg!(target_os = "linux") => "trop de liens symboliques".into(),
            Some(n) => format!("erreur du système (n° {n})"),
            None => "erreur du système".into(),
        },
    }
}

/// The policy root for a path: the nearest enclosing folder named `policies`, else the
/// folder itself (or the file's folder). Imports resolve from the importing file's folder,
/// then from this root.
pub fn policy_root(path: &Path) -> PathBuf {
    let abs = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let start = if abs.is_file() {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone())
    } else {
        abs.clone()
    };
    let mut cur = Some(start.as_path());
    while let Some(dir) = cur {
        if dir.file_name().is_some_and(|n| n == "policies") {
            return dir.to_path_buf();
        }
        cur = dir.parent();
    }
    start
}

/// A database holding every `.pol` file under `root`.
/// A file that cannot be read (or is not UTF-8) does not stop the others from loading: it is
/// returned beside the database, for the caller to report, with its canonical path.
pub fn load(root: &Path) -> Result<(Database, Vec<(PathBuf, FileError)>), FileError> {
    let mut db = Database::new(root);
    let mut unreadable = Vec::new();
    for f in find_files(root, "pol")? {
        let path = fs::canonicalize(&f).unwrap_or(f.clone());
        match fs::read_to_string(&f) {
            Ok(text) => {
                db.set_file(path, &text);
            }
            Err(e) => unreadable.push((
                path,
                FileError(format!(
                    "impossible de lire « {} » : {}",
                    f.display(),
                    io_words(&e)
                )),
            )),
        }
    }
    Ok((db, unreadable))
}
