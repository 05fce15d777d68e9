//! Where programmes are: the policy tree of a path or a workspace, the file that declares a
//! programme, the folder of golden dossiers. One set of answers for the command line, the
//! language server and library users.

use std::fs;
use std::path::{Path, PathBuf};

use crate::db::{Db, SourceFile};
use crate::files::policy_root;

/// The policy tree of a workspace folder: its `policies/` folder when it has one, else the
/// enclosing `policies` folder, else the folder itself.
pub fn workspace_policies(root: &Path) -> PathBuf {
    let inner = root.join("policies");
    if inner.is_dir() {
        inner
    } else {
        policy_root(root)
    }
}

/// The folder of the golden dossiers of a policy tree: `tests/dossiers/` beside `policies/`.
pub fn golden_dossiers(policies: &Path) -> PathBuf {
    policies
        .parent()
        .unwrap_or(policies)
        .join("tests")
        .join("dossiers")
}

/// Every file of the policy tree that declares a programme, with its name, in path order.
fn declared(db: &dyn Db) -> &[(SourceFile, String)] {
    crate::check::scope::declared_programmes(db, db.workspace())
}

/// Every file of the policy tree that declares a programme, in path order.
pub fn programmes(db: &dyn Db) -> Vec<SourceFile> {
    declared(db).iter().map(|(f, _)| *f).collect()
}

/// The programme at an absolute path of the database: the file itself, or the one file
/// under the folder that declares a programme.
pub fn entry_at(db: &dyn Db, path: &Path) -> Result<SourceFile, String> {
    let ws = db.workspace();
    if let Some(f) = ws.files(db).get(path) {
        return Ok(*f);
    }
    let under: Vec<SourceFile> = programmes(db)
        .into_iter()
        .filter(|f| f.path(db).starts_with(path))
        .collect();
    match under.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "aucun fichier de « {} » ne déclare de programme (programme nom « titre »)",
            path.display()
        )),
        many => Err(format!(
            "plusieurs fichiers de « {} » déclarent un programme : {} ; indiquez le fichier voulu",
            path.display(),
            many.iter()
                .map(|f| f.path(db).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The programme a name designates in the database: a path under the policy root
/// (`prime-vert/sous_volet_1_1.pol`, `prime-vert`), or the name a file declares
/// (`prime_vert_1_1`).
pub fn entry_named(db: &dyn Db, name: &str) -> Result<SourceFile, String> {
    check_inside(name)?;
    let root = db.workspace().root(db).clone();
    let path = root.join(name);
    let known = db.workspace().files(db).contains_key(&path)
        || programmes(db).iter().any(|f| f.path(db).starts_with(&path));
    if known {
        return entry_at(db, &path);
    }
    let named: Vec<SourceFile> = declared(db)
        .iter()
        .filter(|(_, n)| n == name)
        .map(|(f, _)| *f)
        .collect();
    match named.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "programme « {name} » introuvable sous {} : ni un chemin, ni un nom déclaré par « programme »{}",
            root.display(),
            suggestion(db, name)
        )),
        many => Err(format!(
            "plusieurs fichiers déclarent le programme « {name} » : {}",
            many.iter()
                .map(|f| f.path(db).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn suggestion(db: &dyn Db, name: &str) -> String {
    let names = declared(db).iter().map(|(_, n)| n.as_str());
    crate::diagnostics::suggest(name, names)
        .map(|s| format!(" ; voulez-vous dire « {s} » ?"))
        .unwrap_or_default()
}

/// Refuses a programme name given by a dossier or a request that would lead out of the
/// policy tree: an absolute path, or one that climbs with « .. ». A name the user types on
/// the command line is not checked: any path they choose is theirs.
pub fn check_inside(name: &str) -> Result<(), String> {
    use std::path::Component;
    let escapes = Path::new(name)
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if name.trim().is_empty() || escapes {
        return Err(format!(
            "programme « {name} » refusé : un programme se nomme par le nom qu'il déclare (prime_vert_1_1) ou par un chemin relatif sous policies/, sans chemin absolu ni « .. »"
        ));
    }
    Ok(())
}

/// Where a programme given on the command line lives: the policy tree to load, and the path
/// (absolute) or name to look up in it. An existing path is its own tree's; otherwise the
/// nearest `policies/` folder above each starting point, in order, that holds the name as a
/// path, or else the first one found (where the name may be a declared one).
pub fn policy_tree_of(arg: &str, search_from: &[&Path]) -> Result<(PathBuf, Target), String> {
    let direct = PathBuf::from(arg);
    if direct.exists() {
        let abs = fs::canonicalize(&direct).unwrap_or(direct.clone());
        return Ok((policy_root(&direct), Target::Path(abs)));
    }
    search_trees(arg, search_from)
}

/// Where a programme named by a golden dossier or a request lives: `policy_tree_of`, but
/// always inside a `policies/` tree. The name is a declared name or a relative path under
/// the tree (`check_inside`), and the file it leads to, symbolic links resolved, must be in
/// the tree too.
pub fn policy_tree_named(name: &str, search_from: &[&Path]) -> Result<(PathBuf, Target), String> {
    check_inside(name)?;
    let (tree, target) = search_trees(name, search_from)?;
    if let Target::Path(abs) = &target {
        let inside = fs::canonicalize(&tree).is_ok_and(|t| abs.starts_with(t));
        if !inside {
            return Err(format!(
                "programme « {name} » refusé : il mène hors de l'arborescence {} (par un lien symbolique ?)",
                tree.display()
            ));
        }
    }
    Ok((tree, target))
}

/// The nearest `policies/` folder above each of `search_from`, in order, that holds `name`
/// as a path, or else the first one found (where the name may be a declared one).
fn search_trees(arg: &str, search_from: &[&Path]) -> Result<(PathBuf, Target), String> {
    let mut first_tree = None;
    for start in search_from {
        let start = fs::canonicalize(start).unwrap_or(start.to_path_buf());
        for dir in start.ancestors() {
            let tree = if dir.file_name().is_some_and(|n| n == "policies") {
                dir.to_path_buf()
            } else {
                dir.join("policies")
            };
            if !tree.is_dir() {
                continue;
            }
            let cand = tree.join(arg);
            if cand.exists() {
                let abs = fs::canonicalize(&cand).unwrap_or(cand);
                return Ok((tree, Target::Path(abs)));
            }
            first_tree.get_or_insert(tree);
        }
    }
    match first_tree {
        Some(tree) => Ok((
            fs::canonicalize(&tree).unwrap_or(tree),
            Target::Name(arg.to_string()),
        )),
        None => Err(format!(
            "programme « {arg} » introuvable : ni un chemin, ni un programme d'un dossier policies/ (cherché à partir de {})",
            search_from
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" et de ")
        )),
    }
}

/// What to look up in a policy tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A file or folder, absolute.
    Path(PathBuf),
    /// A path under the root or a declared name.
    Name(String),
}

/// Looks a target up in a database.
pub fn entry_of(db: &dyn Db, target: &Target) -> Result<SourceFile, String> {
    match target {
        Target::Path(p) => entry_at(db, p).map_err(|e| {
            if p.is_file() && db.workspace().files(db).get(p).is_none() {
                format!(
                    "« {} » n'est pas un fichier .pol de l'arborescence {}",
                    p.display(),
                    db.workspace().root(db).display()
                )
            } else {
                e
            }
        }),
        Target::Name(n) => entry_named(db, n),
    }
}
