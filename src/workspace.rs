//! Finding policy files on disk and loading them into the compiler's database.

use std::fs;
use std::path::{Path, PathBuf};

use pol_compiler::db::{parse_file, Database, SourceFile};
use pol_compiler::files::FileError;
pub use pol_compiler::files::{io_words, policy_root};
use pol_compiler::syntax::ast::ItemKind;

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

/// A database holding every readable `.pol` file under `root`. A file that cannot be read
/// is named on standard error and left out: it does not stop the evaluation of programs that
/// do not import it.
pub fn load(root: &Path) -> Result<Database, UsageError> {
    let (db, unreadable) = pol_compiler::files::load(root)?;
    for (_, e) in unreadable {
        eprintln!("avertissement : {e} ; ce fichier est ignoré");
    }
    Ok(db)
}

/// Whether a file declares a `programme`.
pub fn declares_programme(db: &Database, file: SourceFile) -> bool {
    parse_file(db, file)
        .items
        .iter()
        .any(|i| matches!(i.item.kind, ItemKind::Programme(_)))
}

/// Resolves a program given on the command line: a `.pol` file, a folder holding exactly one
/// file that declares a `programme`, or the name of a folder under `policies/`.
/// `policies/<arg>` in the nearest enclosing folder of each starting point, in order.
pub fn resolve_programme(
    arg: &str,
    search_from: &[&Path],
) -> Result<(Database, SourceFile), UsageError> {
    let direct = PathBuf::from(arg);
    let path = if direct.exists() {
        direct
    } else {
        let mut found = None;
        'outer: for start in search_from {
            let start = fs::canonicalize(start).unwrap_or(start.to_path_buf());
            let mut cur = Some(start.as_path());
            while let Some(dir) = cur {
                let cand = dir.join("policies").join(arg);
                if cand.exists() {
                    found = Some(cand);
                    break 'outer;
                }
                cur = dir.parent();
            }
        }
        found.ok_or_else(|| {
            UsageError(format!(
                "programme « {arg} » introuvable : ni un chemin, ni un dossier de policies/ (cherché à partir de {})",
                search_from.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" et de ")
            ))
        })?
    };
    let root = policy_root(&path);
    let db = load(&root)?;
    let abs = fs::canonicalize(&path).unwrap_or(path.clone());
    if abs.is_file() {
        let file = db.file(&abs).ok_or_else(|| {
            UsageError(format!(
                "« {} » n'est pas un fichier .pol de l'arborescence {}",
                path.display(),
                root.display()
            ))
        })?;
        return Ok((db, file));
    }
    let entries: Vec<SourceFile> = db
        .policy_files()
        .into_iter()
        .filter(|f| f.path(&db).starts_with(&abs) && declares_programme(&db, *f))
        .collect();
    match entries.as_slice() {
        [one] => Ok((db, *one)),
        [] => Err(UsageError(format!(
            "aucun fichier de « {} » ne déclare de programme (programme nom « titre »)",
            path.display()
        ))),
        many => {
            Err(UsageError(format!(
            "plusieurs fichiers de « {} » déclarent un programme : {} ; indiquez le fichier voulu",
            path.display(),
            many.iter().map(|f| f.path(&db).display().to_string()).collect::<Vec<_>>().join(", ")
        )))
        }
    }
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
