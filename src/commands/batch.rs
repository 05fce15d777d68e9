//! `pol eval --lot`: many dossiers, one per line, evaluated with one compiled plan.
//! Each result line holds the identifier (if asked), every output, and the conditions not met.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use pol_compiler::programme::{evaluate, Options};
use serde_json::Value as Json;

use super::eval::parse_date;
use super::{FAILED, OK, USAGE};
use crate::workspace::io_words;

/// Whether two paths name one file: the same path once resolved, or (on Unix) the same
/// device and inode, which also catches hard links.
fn same_file(a: &Path, b: &Path) -> bool {
    let resolved = std::fs::canonicalize(a)
        .ok()
        .is_some_and(|i| std::fs::canonicalize(b).is_ok_and(|o| o == i));
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let inode = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
        resolved || inode(a).is_some_and(|i| inode(b) == Some(i))
    }
    #[cfg(not(unix))]
    {
        resolved
    }
}

pub fn run(
    programme: &str,
    input: &Path,
    output: &Path,
    date: Option<&str>,
    id_field: Option<&str>,
) -> u8 {
    let t0 = Instant::now();
    let Some(date) = date else {
        eprintln!("erreur : --lot demande --date AAAA-MM-JJ");
        return USAGE;
    };
    let date = match parse_date(date) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("erreur : --date : {e}");
            return USAGE;
        }
    };
    let prog = match super::open_programme(programme, crate::Format::Texte) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let plan = prog.plan();
    let options = Options::at(date);
    let setup = t0.elapsed();
    let reader = match std::fs::File::open(input) {
        Ok(f) => BufReader::new(f),
        Err(e) => {
            eprintln!(
                "erreur : impossible de lire « {} » : {}",
                input.display(),
                io_words(&e)
            );
            return USAGE;
        }
    };
    // Writing the results over the dossiers would destroy them before they are read.
    if same_file(input, output) {
        eprintln!(
            "erreur : --sortie « {} » est le fichier des dossiers (--lot) : choisissez un autre fichier de résultats",
            output.display()
        );
        return USAGE;
    }
    let mut writer = match std::fs::File::create(output) {
        Ok(f) => BufWriter::new(f),
        Err(e) => {
            eprintln!(
                "erreur : impossible d'écrire « {} » : {}",
                output.display(),
                io_words(&e)
            );
            return USAGE;
        }
    };
    let (mut parse_time, mut eval_time) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    let mut failures = 0usize;
    let mut count = 0usize;
    for (n, line) in reader.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("erreur : ligne {} : {}", n + 1, io_words(&e));
                return USAGE;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        count += 1;
        let tp = Instant::now();
        // A line that is not a JSON object still gets its result line, so that results stay
        // aligned with the dossiers; it is counted as in error.
        let unreadable = |message: String| serde_json::json!({"erreurs": [{"code": "pol::dossier::json", "message": message}]});
        let parsed = match pol_compiler::eval::json::parse(&line) {
            Ok(Json::Object(m)) => Ok(m),
            Ok(_) => Err(unreadable("un objet JSON { … } est attendu".into())),
            Err(e) => Err(unreadable(e)),
        };
        let mut obj = match parsed {
            Ok(m) => m,
            Err(record) => {
                failures += 1;
                eprintln!(
                    "erreur : ligne {} : {}",
                    n + 1,
                    record["erreurs"][0]["message"].as_str().unwrap_or_default()
                );
                if serde_json::to_writer(&mut writer, &record).is_err()
                    || writer.write_all(b"\n").is_err()
                {
                    eprintln!("erreur : impossible d'écrire « {} »", output.display());
                    return USAGE;
                }
                continue;
            }
        };
        let id = id_field.and_then(|f| obj.remove(f));
        parse_time += tp.elapsed();
        let te = Instant::now();
        let outcome = evaluate(plan, &obj, &options);
        if !outcome.is_ok() {
            failures += 1;
        }
        let id = id_field.zip(id);
        let record = outcome.batch_record(plan, id);
        eval_time += te.elapsed();
        let tw = Instant::now();
        if serde_json::to_writer(&mut writer, &record).is_err() || writer.write_all(b"\n").is_err()
        {
            eprintln!("erreur : impossible d'écrire « {} »", output.display());
            return USAGE;
        }
        parse_time += tw.elapsed();
    }
    if writer.flush().is_err() {
        eprintln!("erreur : impossible d'écrire « {} »", output.display());
        return USAGE;
    }
    eprintln!("{count} dossiers évalués, {failures} en erreur");
    // Last line: timings, as JSON, for benchmark harnesses.
    eprintln!(
        "{}",
        serde_json::json!({ "setup_s": setup.as_secs_f64(), "eval_s": eval_time.as_secs_f64(), "io_s": parse_time.as_secs_f64() })
    );
    if failures == 0 {
        OK
    } else {
        FAILED
    }
}
