//! `pol diff`: what a change of the rules does to dossiers — the working tree against a git
//! revision or another copy of the tree, or a programme under the rules of two dates.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use pol_compiler::diff::{Comparison, Report, Side, Summary};
use pol_compiler::files::io_words;
use pol_compiler::programme::locate::{entry_of, policy_tree_of, workspace_policies};
use pol_compiler::programme::revision::{load_base, Base};
use pol_compiler::programme::{OpenError, Programme};
use serde_json::Value as Json;

use super::eval::{parse_date, read_dossier};
use super::{report_open_error, OK, USAGE};
use crate::workspace::{find_files, shown_path};
use crate::{DiffFormat, Format};

/// What `pol diff` was asked.
pub struct Args {
    pub programmes: Vec<String>,
    pub base: Option<String>,
    pub rules_of: Option<String>,
    pub against: Option<String>,
    pub dossiers: Vec<PathBuf>,
    pub lot: Option<PathBuf>,
    pub date: Option<String>,
    pub id_field: Option<String>,
    pub max: usize,
    pub format: DiffFormat,
}

/// One programme to compare: the two sides, and the after side's programme (which names
/// the dossiers that belong to it).
struct Pair {
    after: Programme,
    /// The date whose rules apply on the after side (`None`: each dossier's own).
    after_rules: Option<NaiveDate>,
    before: Side,
}

pub fn run(args: Args) -> u8 {
    let mut report = Report::default();
    let mut unreadable = false;
    let pairs = match pairs(&args, &mut report) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if args.lot.is_some() && pairs.len() != 1 {
        eprintln!(
            "erreur : --lot compare les dossiers d'un seul programme, et {} diffèrent : nommez celui à comparer",
            pairs.len()
        );
        return USAGE;
    }
    for pair in pairs {
        match compare(&args, pair) {
            Ok((summary, bad)) => {
                unreadable |= bad;
                report.programmes.push(summary);
            }
            Err(code) => return code,
        }
    }
    let out = match args.format {
        DiffFormat::Texte => report.text(),
        DiffFormat::Markdown => report.markdown(),
        DiffFormat::Json => {
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default() + "\n"
        }
    };
    print!("{out}");
    if unreadable {
        USAGE
    } else if report.changed() {
        super::FAILED
    } else {
        OK
    }
}

/// Opens a side's programme; one that does not check clean stops the diff (exit 2).
fn compiled(result: Result<Programme, OpenError>, arg: &str) -> Result<Programme, u8> {
    result.map_err(|e| {
        let code = report_open_error(&e, arg, Format::Texte);
        if code == OK {
            OK
        } else {
            USAGE
        }
    })
}

fn date_arg(flag: &str, value: &str) -> Result<NaiveDate, u8> {
    parse_date(value).map_err(|e| {
        eprintln!("erreur : {flag} : {e}");
        USAGE
    })
}

/// The programmes to compare, with their sides; the report learns what each side is.
fn pairs(args: &Args, report: &mut Report) -> Result<Vec<Pair>, u8> {
    let cwd = std::env::current_dir().unwrap_or_default();
    if let (Some(rules_of), Some(against)) = (&args.rules_of, &args.against) {
        let [name] = args.programmes.as_slice() else {
            eprintln!(
                "erreur : --règles-du et --contre comparent un programme : nommez-en un seul"
            );
            return Err(USAGE);
        };
        let (after_date, before_date) = (
            date_arg("--règles-du", rules_of)?,
            date_arg("--contre", against)?,
        );
        let prog = compiled(Programme::open(name, &[&cwd]), name)?;
        report.before = format!("les règles du {before_date}");
        report.after = format!("les règles du {after_date}");
        let before = Side {
            plan: prog.plan().clone(),
            rules_date: Some(before_date),
        };
        return Ok(vec![Pair {
            after: prog,
            after_rules: Some(after_date),
            before,
        }]);
    }
    let base = Base::parse(args.base.as_deref().unwrap_or("HEAD"));
    let root = match args.programmes.first() {
        Some(first) => policy_tree_of(first, &[&cwd]).map(|(r, _)| r),
        None => Ok(workspace_policies(&cwd)),
    };
    let root = root.map_err(|e| {
        eprintln!("erreur : {e}");
        USAGE
    })?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let after_db = match pol_compiler::files::load(&root) {
        Ok((db, bad)) => {
            for (_, e) in bad {
                eprintln!("avertissement : {e} ; ce fichier est ignoré");
            }
            db
        }
        Err(e) => {
            eprintln!("erreur : {e}");
            return Err(USAGE);
        }
    };
    let before_db = load_base(&root, &base).map_err(|e| {
        eprintln!("erreur : {e}");
        USAGE
    })?;
    report.before = base.describe();
    report.after = "l'arbre de travail".into();
    let entries = if args.programmes.is_empty() {
        pol_compiler::diff::differing_programmes(&before_db, &after_db)
    } else {
        let mut v = Vec::new();
        for name in &args.programmes {
            let found = policy_tree_of(name, &[&cwd]).and_then(|(_, t)| entry_of(&after_db, &t));
            let entry = found.map_err(|e| {
                eprintln!("erreur : {e}");
                USAGE
            })?;
            v.push((before_db.file(entry.path(&after_db)), Some(entry)));
        }
        v
    };
    let mut out = Vec::new();
    for (b, a) in entries {
        match (b, a) {
            (Some(b), Some(a)) => {
                let path = shown_path(a.path(&after_db));
                let after = compiled(Programme::compile(after_db.clone(), a), &path)?;
                let before = compiled(Programme::compile(before_db.clone(), b), &path)?;
                out.push(Pair {
                    after,
                    after_rules: None,
                    before: Side {
                        plan: before.plan().clone(),
                        rules_date: None,
                    },
                });
            }
            (None, Some(a)) => report.notes.push(format!(
                "le programme « {} » n'existe pas dans {} : il est nouveau, ses dossiers n'ont pas de point de comparaison",
                shown_path(a.path(&after_db)),
                base.describe()
            )),
            (Some(b), None) => report.notes.push(format!(
                "le programme « {} » de {} n'existe plus dans l'arbre de travail",
                shown_path(b.path(&before_db)),
                base.describe()
            )),
            (None, None) => {}
        }
    }
    Ok(out)
}

/// Compares one programme over its dossiers. The flag says that some input was unreadable.
fn compare(args: &Args, pair: Pair) -> Result<(Summary, bool), u8> {
    let prog = &pair.after;
    let file = shown_path(prog.entry().path(prog.db()));
    let mut summary = Summary::new(prog.name(), &file, args.max);
    let after = Side {
        plan: prog.plan().clone(),
        rules_date: pair.after_rules,
    };
    let mut cmp = Comparison::new(pair.before, after);
    let date = args
        .date
        .as_deref()
        .map(|d| date_arg("--date", d))
        .transpose()?;
    if let Some(lot) = &args.lot {
        let Some(date) = date else {
            eprintln!("erreur : --lot demande --date AAAA-MM-JJ");
            return Err(USAGE);
        };
        let bad = compare_lot(&mut cmp, &mut summary, lot, date, args.id_field.as_deref())?;
        return Ok((summary, bad));
    }
    let files = dossier_files(args, prog)?;
    for f in files {
        let dossier = read_dossier(&f).map_err(|(_, m)| {
            eprintln!("erreur : {m}");
            USAGE
        })?;
        match &dossier.programme {
            Some(own) if !prog.is_named(own) => continue,
            None if args.dossiers.is_empty() => continue,
            _ => {}
        }
        let Some(at) = date.or(dossier.date) else {
            eprintln!(
                "erreur : {} : indiquez la date d'évaluation (--date AAAA-MM-JJ) ou une « date » dans le dossier",
                f.display()
            );
            return Err(USAGE);
        };
        let label = shown_path(&std::fs::canonicalize(&f).unwrap_or(f.clone()));
        let c = cmp.compare(&label, dossier.description.as_deref(), &dossier.inputs, at);
        summary.add(c);
    }
    Ok((summary, false))
}

/// The dossier files to run: those given, or the tree's golden dossiers.
fn dossier_files(args: &Args, prog: &Programme) -> Result<Vec<PathBuf>, u8> {
    let paths = if args.dossiers.is_empty() {
        vec![prog.golden_dossiers()]
    } else {
        args.dossiers.clone()
    };
    let mut files = Vec::new();
    for p in &paths {
        match find_files(p, "json") {
            Ok(f) => files.extend(f),
            Err(e) if args.dossiers.is_empty() => {
                eprintln!("avertissement : {e} : aucun dossier doré à comparer");
            }
            Err(e) => {
                eprintln!("erreur : {e}");
                return Err(USAGE);
            }
        }
    }
    Ok(files)
}

/// Compares a JSON Lines batch, streamed: one dossier a line, in order. A line that is not a
/// JSON object is said and counted; the flag says there was one.
fn compare_lot(
    cmp: &mut Comparison,
    summary: &mut Summary,
    lot: &Path,
    date: NaiveDate,
    id_field: Option<&str>,
) -> Result<bool, u8> {
    let file = std::fs::File::open(lot).map_err(|e| {
        eprintln!(
            "erreur : impossible de lire « {} » : {}",
            lot.display(),
            io_words(&e)
        );
        USAGE
    })?;
    let mut bad = false;
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| {
            eprintln!("erreur : ligne {} : {}", n + 1, io_words(&e));
            USAGE
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let mut obj = match pol_compiler::eval::json::parse(&line) {
            Ok(Json::Object(m)) => m,
            Ok(_) => {
                eprintln!(
                    "erreur : ligne {} : un objet JSON {{ … }} est attendu ; non comparée",
                    n + 1
                );
                bad = true;
                continue;
            }
            Err(e) => {
                eprintln!("erreur : ligne {} : {e} ; non comparée", n + 1);
                bad = true;
                continue;
            }
        };
        let label = match id_field.and_then(|f| obj.remove(f)) {
            Some(Json::String(s)) => s,
            Some(other) => other.to_string(),
            None => format!("ligne {}", n + 1),
        };
        summary.add(cmp.compare(&label, None, &obj, date));
    }
    Ok(bad)
}
