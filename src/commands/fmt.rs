//! `pol fmt`: the canonical layout, written back or checked.

use std::path::PathBuf;

use pol_compiler::format::format_source;
use pol_compiler::syntax::normalize;

use super::{usage_error, FAILED, OK, USAGE};
use crate::workspace::{find_files, io_words, shown_path};

pub fn run(paths: Vec<PathBuf>, check_only: bool) -> u8 {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("policies")]
    } else {
        paths
    };
    let mut changed = Vec::new();
    let mut broken = Vec::new();
    let mut unwritten = false;
    for p in &paths {
        let files = match find_files(p, "pol") {
            Ok(f) => f,
            Err(e) => return usage_error(e),
        };
        for f in files {
            let text = match std::fs::read_to_string(&f) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "erreur : impossible de lire « {} » : {}",
                        f.display(),
                        io_words(&e)
                    );
                    return USAGE;
                }
            };
            let text = normalize(&text);
            let Some(formatted) = format_source(&text) else {
                broken.push(f);
                continue;
            };
            if formatted != text {
                if !check_only {
                    if let Err(e) = crate::replace::replace(&f, formatted.as_bytes()) {
                        eprintln!(
                            "erreur : impossible d'écrire « {} » : {} (fichier laissé tel quel)",
                            f.display(),
                            io_words(&e)
                        );
                        unwritten = true;
                        continue;
                    }
                }
                changed.push(f);
            }
        }
    }
    for f in &broken {
        eprintln!("erreur : {} contient des erreurs de syntaxe ; lancez « pol check » (fichier laissé tel quel)", shown_path(f));
    }
    for f in &changed {
        if check_only {
            outln!("à reformater : {}", shown_path(f));
        } else {
            outln!("reformaté : {}", shown_path(f));
        }
    }
    if unwritten {
        USAGE
    } else if !broken.is_empty() || (check_only && !changed.is_empty()) {
        FAILED
    } else {
        OK
    }
}
