//! The programme API: a programme found, loaded and compiled one way, evaluated through one
//! entry point into one [`Outcome`]. The command line, the language server and library users
//! all go through it.
//!
//! Embedding pol takes a policy text, a dossier and a date:
//!
//! ```
//! use pol_compiler::programme::{parse_date, Options, Programme};
//!
//! let policy = "programme essai « Essai »
//!   en vigueur du 2025-01-01 au 2025-12-31
//!   sorties admissible, aide
//!
//! entrée dépenses : argent
//!
//! règle aide : argent = min(dépenses × 50 %, 1 000 $)
//!
//! condition assez « L'aide doit atteindre 500 $ » : aide >= 500 $
//!
//! décision admissible = toutes les conditions
//! ";
//! let programme = Programme::from_sources("/politiques", &[("/politiques/essai.pol", policy)])
//!     .expect("le programme se compile");
//!
//! let dossier = serde_json::json!({"dépenses": "1500.00"});
//! let date = parse_date("2025-06-01").unwrap();
//! let outcome = programme.evaluate(dossier.as_object().unwrap(), &Options::at(date));
//!
//! assert!(outcome.is_ok());
//! let plan = programme.plan();
//! assert_eq!(outcome.output("aide").unwrap().shown(plan), "750,00 $");
//! assert_eq!(outcome.output("admissible").unwrap().failed_names(), Vec::<&str>::new());
//! // The same outcome as `pol eval --format json` writes it:
//! assert_eq!(outcome.to_json(plan)["sorties"]["aide"], "750.00");
//! ```
//!
//! The rules of another date apply when asked for, whatever the programme is `daté par`;
//! a date outside the programme's period is an error of the dossier, never a panic:
//!
//! ```
//! # use pol_compiler::programme::{parse_date, Options, Programme};
//! # let policy = "programme essai « Essai »\n  en vigueur du 2025-01-01 au 2025-12-31\n  sorties aide\nentrée dépenses : argent\nrègle aide : argent = dépenses × 50 %\n";
//! # let programme = Programme::from_sources("/p", &[("/p/essai.pol", policy)]).unwrap();
//! let at = Options::at(parse_date("2025-06-01").unwrap())
//!     .with_rules_of(parse_date("2024-06-01"));
//! let outcome = programme.evaluate(&serde_json::Map::new(), &at);
//! assert_eq!(outcome.errors()[0].code(), "pol::dossier::date_hors_période");
//! ```
//!
//! On disk, [`Programme::open`] takes what a user types: a `.pol` file, a folder holding one
//! programme, a path under `policies/` or the name the programme declares.

pub mod batch;
pub mod locate;
pub mod outcome;
pub mod revision;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use crate::db::{Database, Db, SourceFile};
use crate::diagnostics::Diagnostic;
use crate::eval::plan::program_files;
use crate::eval::{compile_program, CompileError, Plan};
use crate::files::FileError;

pub use crate::eval::dossier::{parse_date, parse_dossier, Dossier};
pub use crate::eval::Options;
pub use batch::{Batch, LineResult, Tally, Verdicts};
pub use locate::Target;
pub use outcome::{evaluate, evaluate_decoded, FailedCondition, Outcome, Output};

/// A programme ready to evaluate dossiers: its database, its entry file and its plan.
#[derive(Clone)]
pub struct Programme {
    db: Database,
    entry: SourceFile,
    plan: Arc<Plan>,
    unreadable: Vec<(PathBuf, FileError)>,
}

impl std::fmt::Debug for Programme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Programme")
            .field("name", &self.plan.name)
            .field("entry", self.entry.path(&self.db))
            .finish()
    }
}

/// Why a programme cannot be opened.
#[derive(Clone)]
pub enum OpenError {
    /// Not found, ambiguous or unreadable (a usage error), said in French.
    NotFound(String),
    /// The file declares no `programme`.
    NotAProgramme(PathBuf),
    /// Some file of the programme has errors; the database holds their text.
    Diagnostics {
        db: Box<Database>,
        files: Vec<(SourceFile, Vec<Diagnostic>)>,
    },
}

impl std::fmt::Debug for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::NotFound(m) => f.write_str(m),
            OpenError::NotAProgramme(p) => {
                write!(f, "« {} » ne déclare pas de programme", p.display())
            }
            OpenError::Diagnostics { db, files } => {
                let n: usize = files.iter().map(|(_, d)| d.len()).sum();
                write!(
                    f,
                    "le programme contient {n} erreur{} (dans {})",
                    if n > 1 { "s" } else { "" },
                    files
                        .iter()
                        .map(|(f, _)| f.path(&**db).display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        }
    }
}

impl Programme {
    /// Opens what a user names: a `.pol` file, a folder holding one programme, a path under
    /// the nearest `policies/` folder above one of `search_from`, or a declared name.
    pub fn open(arg: &str, search_from: &[&Path]) -> Result<Programme, OpenError> {
        let (root, target) =
            locate::policy_tree_of(arg, search_from).map_err(OpenError::NotFound)?;
        Programme::load(&root, &target)
    }

    /// Opens the programme a golden dossier or a request names: a declared name or a path
    /// under the nearest `policies/` folder above one of `search_from`, never outside it
    /// (`locate::policy_tree_named`).
    pub fn open_named(name: &str, search_from: &[&Path]) -> Result<Programme, OpenError> {
        let (root, target) =
            locate::policy_tree_named(name, search_from).map_err(OpenError::NotFound)?;
        Programme::load(&root, &target)
    }

    fn load(root: &Path, target: &locate::Target) -> Result<Programme, OpenError> {
        let (db, unreadable) = crate::files::load(root).map_err(|e| OpenError::NotFound(e.0))?;
        let entry = locate::entry_of(&db, target).map_err(OpenError::NotFound)?;
        let mut p = Programme::compile(db, entry)?;
        p.unreadable = unreadable;
        Ok(p)
    }

    /// The programme of `entry`, compiled from the files of `db`.
    pub fn compile(db: Database, entry: SourceFile) -> Result<Programme, OpenError> {
        match compile_program(&db, entry) {
            Ok(plan) => Ok(Programme {
                db,
                entry,
                plan,
                unreadable: Vec::new(),
            }),
            Err(CompileError::NotAProgramme) => {
                Err(OpenError::NotAProgramme(entry.path(&db).clone()))
            }
            Err(CompileError::Diagnostics(files)) => Err(OpenError::Diagnostics {
                db: Box::new(db),
                files,
            }),
        }
    }

    /// A programme from texts held in memory: `(path, text)` pairs under `root`, the first
    /// one declaring the programme. Imports resolve among them and the standard library.
    pub fn from_sources(
        root: impl Into<PathBuf>,
        files: &[(&str, &str)],
    ) -> Result<Programme, OpenError> {
        let mut db = Database::new(root);
        let handles: Vec<SourceFile> = files.iter().map(|(p, t)| db.set_file(*p, t)).collect();
        let entry = *handles
            .first()
            .ok_or_else(|| OpenError::NotFound("aucun fichier donné".into()))?;
        Programme::compile(db, entry)
    }

    pub fn plan(&self) -> &Arc<Plan> {
        &self.plan
    }

    /// The name the programme declares (`prime_vert_1_1`).
    pub fn name(&self) -> &str {
        &self.plan.name
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    pub fn entry(&self) -> SourceFile {
        self.entry
    }

    /// The entry file and every file it imports, entry first.
    pub fn files(&self) -> Vec<SourceFile> {
        program_files(&self.db, self.entry)
    }

    /// The files of the policy tree that could not be read (left out; the programme does
    /// not import them or it would not compile).
    pub fn unreadable(&self) -> &[(PathBuf, FileError)] {
        &self.unreadable
    }

    /// The folder of the policy tree's golden dossiers (`tests/dossiers/` beside `policies/`).
    pub fn golden_dossiers(&self) -> PathBuf {
        locate::golden_dossiers(self.db.workspace().root(&self.db))
    }

    /// Whether a dossier's `programme` field names this programme (by a path under the
    /// policy root or by its declared name).
    pub fn is_named(&self, name: &str) -> bool {
        self.misnamed(name).is_none()
    }

    /// Why `name` does not designate this programme in its tree, in French; `None` if it
    /// does. A dossier that names the programme's own name can still miss it, when another
    /// file of the tree declares the same name.
    pub fn misnamed(&self, name: &str) -> Option<String> {
        match locate::entry_named(&self.db, name) {
            Ok(f) if f == self.entry => None,
            Err(why) if name == self.name() => Some(why),
            _ => Some(format!(
                "le dossier est écrit pour le programme « {name} », pas pour « {} »",
                self.name()
            )),
        }
    }

    /// Evaluates a dossier's inputs.
    pub fn evaluate(&self, inputs: &Map<String, Json>, options: &Options) -> Outcome {
        evaluate(&self.plan, inputs, options)
    }
}
