//! Diagnostics about the policy tree as a whole, put on one file's item: imports that lead
//! back to their file, a programme name another file declares too.

use super::scope;
use crate::db::{Db, SourceFile};
use crate::diagnostics::{codes, Diagnostic};
use crate::syntax::ast::Span;

/// The error on a programme's name that another file of the tree declares too: a dossier
/// or a request naming it could not say which one it means.
pub(super) fn same_name_elsewhere(
    db: &dyn Db,
    file: SourceFile,
    name: &str,
    span: Span,
) -> Option<Diagnostic> {
    let others: Vec<String> = scope::declared_programmes(db, db.workspace())
        .iter()
        .filter(|(f, n)| *f != file && n == name)
        .map(|(f, _)| {
            let path = f.path(db);
            let root = db.workspace().root(db);
            path.strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    (!others.is_empty()).then(|| {
        Diagnostic::error(
            codes::PROGRAMME,
            format!("le programme « {name} » est aussi déclaré par {}", others.join(", ")),
            span,
        )
        .with_label("nom déjà pris")
        .with_help("un nom désigne un seul programme : les dossiers et les requêtes le nomment ; renommez l'un des deux")
    })
}

/// The error on an import that leads back to its own file through `way`.
pub(super) fn import_cycle(
    db: &dyn Db,
    file: SourceFile,
    way: &[SourceFile],
    span: Span,
) -> Diagnostic {
    let name = |f: &SourceFile| {
        f.path(db)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let chain: Vec<String> = std::iter::once(file)
        .chain(way.iter().copied())
        .chain(std::iter::once(file))
        .map(|f| name(&f))
        .collect();
    Diagnostic::error(
        codes::IMPORT_CYCLE,
        format!("les imports forment un cycle : {}", chain.join(" → ")),
        span,
    )
    .with_label("import en cycle")
    .with_help("un module ne dépend pas de lui-même, même par d'autres ; seul un fichier de modification (qui déclare sa version) importe le programme qui l'importe")
}
