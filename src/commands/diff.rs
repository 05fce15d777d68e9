//! `pol diff`: what a change of the rules does to dossiers — the working tree against a git
//! revision or another copy of the tree, or a programme under the rules of two dates. The
//! comparison itself is the compiler's (`pol_compiler::diff`); this reads the user's files.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use pol_compiler::diff::{tree_sides, Report, Sides, Summary};
use pol_compiler::files::io_words;
use pol_compiler::programme::batch::line_text;
use pol_compiler::programme::locate::{entry_of, policy_tree_of, workspace_policies};
use pol_compiler::programme::revision::{load_base, Base};
use pol_compiler::programme::{Dossier, OpenError, Programme};
use serde_json::Value as Json;

use super::eval::{parse_date, read_dossier};
use super::{report_open_error, FAILED, OK, USAGE};
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

pub fn run(args: Args) -> u8 {
    let mut report = Report::default();
    let sides = match sides(&args, &mut report) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if args.lot.is_some() && sides.len() != 1 {
        eprintln!(
            "erreur : --lot compare les dossiers d'un seul programme, et {} diffèrent : nommez celui à comparer",
            sides.len()
        );
        return USAGE;
    }
    let date = match args
        .date
        .as_deref()
        .map(|d| date_arg("--date", d))
        .transpose()
    {
        Ok(d) => d,
        Err(code) => return code,
    };
    let mut unreadable = false;
    for s in &sides {
        let summary = match &args.lot {
            Some(lot) => compare_lot(s, lot, date, &args).map(|(sum, bad)| {
                unreadable |= bad;
                sum
            }),
            None => compare_files(s, &args, date),
        };
        match summary {
            Ok(sum) => report.programmes.push(sum),
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
    out!("{out}");
    if unreadable {
        USAGE
    } else if report.changed() {
        FAILED
    } else {
        OK
    }
}

/// A side that does not check clean stops the diff with its diagnostics (exit 2).
fn stop(e: &OpenError, arg: &str) -> u8 {
    report_open_error(e, arg, Format::Texte);
    USAGE
}

fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("erreur : {message}");
    USAGE
}

fn date_arg(flag: &str, value: &str) -> Result<NaiveDate, u8> {
    parse_date(value).map_err(|e| usage(format!("{flag} : {e}")))
}

/// The programmes to compare, with their sides; the report learns what each side is.
fn sides(args: &Args, report: &mut Report) -> Result<Vec<Sides>, u8> {
    let cwd = std::env::current_dir().unwrap_or_default();
    if let (Some(rules_of), Some(against)) = (&args.rules_of, &args.against) {
        let [name] = args.programmes.as_slice() else {
            return Err(usage(
                "--règles-du et --contre comparent un programme : nommez-en un seul",
            ));
        };
        let after = date_arg("--règles-du", rules_of)?;
        let before = date_arg("--contre", against)?;
        let prog = Programme::open(name, &[&cwd]).map_err(|e| stop(&e, name))?;
        report.before = format!("les règles du {before}");
        report.after = format!("les règles du {after}");
        return Ok(vec![Sides::dates(prog, after, before)]);
    }
    let base = Base::parse(args.base.as_deref().unwrap_or("HEAD"));
    let root = match args.programmes.first() {
        Some(first) => policy_tree_of(first, &[&cwd])
            .map(|(r, _)| r)
            .map_err(usage)?,
        None => workspace_policies(&cwd),
    };
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let (after_db, bad) = pol_compiler::files::load(&root).map_err(usage)?;
    for (_, e) in bad {
        eprintln!("avertissement : {e} ; ce fichier est ignoré");
    }
    let before_db = load_base(&root, &base).map_err(usage)?;
    let named = if args.programmes.is_empty() {
        None
    } else {
        let mut files = Vec::new();
        for name in &args.programmes {
            let found = policy_tree_of(name, &[&cwd]).and_then(|(_, t)| entry_of(&after_db, &t));
            files.push(found.map_err(usage)?);
        }
        Some(files)
    };
    report.before = base.describe();
    report.after = "l'arbre de travail".into();
    let (sides, notes) = tree_sides(&before_db, &after_db, named, &base.describe())
        .map_err(|e| stop(&e, &root.display().to_string()))?;
    report.notes = notes;
    Ok(sides)
}

/// Compares one programme over dossier files: those given, or the tree's golden dossiers.
fn compare_files(s: &Sides, args: &Args, date: Option<NaiveDate>) -> Result<Summary, u8> {
    let given = !args.dossiers.is_empty();
    let paths = if given {
        args.dossiers.clone()
    } else {
        vec![s.after.golden_dossiers()]
    };
    let mut dossiers: Vec<(String, Dossier)> = Vec::new();
    for p in &paths {
        let files = match find_files(p, "json") {
            Ok(f) => f,
            Err(e) if !given => {
                eprintln!("avertissement : {e} : aucun dossier doré à comparer");
                continue;
            }
            Err(e) => return Err(usage(e)),
        };
        for f in files {
            let d = read_dossier(&f).map_err(|(_, m)| usage(m))?;
            if s.takes(&d, given) {
                let label = shown_path(&std::fs::canonicalize(&f).unwrap_or(f.clone()));
                dossiers.push((label, d));
            } else if given {
                eprintln!(
                    "note : {} est écrit pour un autre programme que {} : il n'est pas comparé pour lui",
                    f.display(),
                    s.after.name()
                );
            }
        }
    }
    s.over(dossiers.iter().map(|(l, d)| (l.clone(), d)), date, args.max)
        .map_err(usage)
}

/// Compares a JSON Lines batch, streamed: one dossier a line, in order. A line that is not a
/// JSON object is said and counted; the flag says there was one.
fn compare_lot(
    s: &Sides,
    lot: &Path,
    date: Option<NaiveDate>,
    args: &Args,
) -> Result<(Summary, bool), u8> {
    let Some(date) = date else {
        return Err(usage("--lot demande --date AAAA-MM-JJ"));
    };
    let file = std::fs::File::open(lot).map_err(|e| {
        usage(format!(
            "impossible de lire « {} » : {}",
            lot.display(),
            io_words(&e)
        ))
    })?;
    let mut bad = false;
    let mut summary = s.summary(args.max);
    let mut cmp = s.comparison();
    let (mut reader, mut bytes) = (BufReader::new(file), Vec::new());
    for n in 1.. {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(usage(format!("ligne {n} : {}", io_words(&e)))),
        }
        // As `pol eval --lot`: a line that cannot be compared is said, never skipped.
        let line = match line_text(&bytes) {
            Ok(t) => t,
            Err(why) => {
                eprintln!("erreur : ligne {n} : {why} ; non comparée");
                bad = true;
                continue;
            }
        };
        let mut obj = match pol_compiler::eval::json::parse(line) {
            Ok(Json::Object(m)) => m,
            Ok(_) => {
                eprintln!("erreur : ligne {n} : un objet JSON {{ … }} est attendu ; non comparée");
                bad = true;
                continue;
            }
            Err(e) => {
                eprintln!("erreur : ligne {n} : {e} ; non comparée");
                bad = true;
                continue;
            }
        };
        let label = match args.id_field.as_deref().and_then(|f| obj.remove(f)) {
            Some(Json::String(s)) => s,
            Some(other) => other.to_string(),
            None => format!("ligne {n}"),
        };
        summary.add(cmp.compare(&label, None, &obj, date));
    }
    Ok((summary, bad))
}
