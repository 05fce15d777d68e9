//! `pol eval --lot`: many dossiers, one per line, evaluated with one compiled plan.
//! Each result line holds the identifier (if asked), every output, and the conditions not met.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

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

/// How many lines each thread evaluates at a time: enough to amortise the hand-over, few
/// enough to keep memory flat.
const CHUNK: usize = 2048;

/// One dossier line evaluated: its result line (newline included), whether it is in error, and
/// what to say on standard error.
struct LineResult {
    record: Vec<u8>,
    failed: bool,
    message: Option<String>,
}

/// Reads the next non-blank lines, at most `max`, with their line numbers (from 1).
fn read_batch(
    lines: &mut impl Iterator<Item = (usize, std::io::Result<String>)>,
    max: usize,
) -> Result<Vec<(usize, String)>, (usize, std::io::Error)> {
    let mut batch = Vec::with_capacity(max);
    for (n, line) in lines.by_ref() {
        let line = line.map_err(|e| (n + 1, e))?;
        if !line.trim().is_empty() {
            batch.push((n + 1, line));
        }
        if batch.len() == max {
            break;
        }
    }
    Ok(batch)
}

/// Evaluates a batch on `threads` threads, each a contiguous share, and returns the results in
/// input order (`None` if a thread stopped unexpectedly).
fn evaluate_batch(
    batch: &[(usize, String)],
    threads: usize,
    each: &(dyn Fn(usize, &str) -> LineResult + Sync),
) -> Option<Vec<LineResult>> {
    let share = batch.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .chunks(share)
            .map(|part| {
                scope.spawn(move || part.iter().map(|(n, l)| each(*n, l)).collect::<Vec<_>>())
            })
            .collect();
        let mut out = Vec::with_capacity(batch.len());
        for h in handles {
            out.extend(h.join().ok()?);
        }
        Some(out)
    })
}

/// One line: parsed, evaluated, its record written. A line that is not a JSON object still
/// gets its result line, so that results stay aligned with the dossiers; it is in error.
fn evaluate_line(
    plan: &pol_compiler::eval::Plan,
    options: &Options,
    id_field: Option<&str>,
    n: usize,
    line: &str,
) -> LineResult {
    let unreadable = |message: String| LineResult {
        record: line_of(
            &serde_json::json!({"erreurs": [{"code": "pol::dossier::json", "message": message}]}),
        ),
        failed: true,
        message: Some(format!("erreur : ligne {n} : {message}")),
    };
    let mut obj = match pol_compiler::eval::json::parse(line) {
        Ok(Json::Object(m)) => m,
        Ok(_) => return unreadable("un objet JSON { … } est attendu".into()),
        Err(e) => return unreadable(e),
    };
    let id = id_field.and_then(|f| obj.remove(f));
    let outcome = evaluate(plan, &obj, options);
    let mut record = Vec::with_capacity(line.len());
    outcome.write_batch_record(plan, id_field.zip(id), &mut record);
    LineResult {
        record,
        failed: !outcome.is_ok(),
        message: None,
    }
}

/// A JSON value as one line of JSON Lines.
fn line_of(v: &Json) -> Vec<u8> {
    let mut out = serde_json::to_vec(v).unwrap_or_default();
    out.push(b'\n');
    out
}

pub fn run(
    programme: &str,
    input: &Path,
    output: &Path,
    date: Option<&str>,
    id_field: Option<&str>,
    threads: Option<usize>,
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
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let (mut io_time, mut eval_time) = (Duration::ZERO, Duration::ZERO);
    let (mut failures, mut count) = (0usize, 0usize);
    let mut lines = reader.lines().enumerate();
    loop {
        let tr = Instant::now();
        let batch = match read_batch(&mut lines, threads * CHUNK) {
            Ok(b) => b,
            Err((n, e)) => {
                eprintln!("erreur : ligne {n} : {}", io_words(&e));
                return USAGE;
            }
        };
        io_time += tr.elapsed();
        if batch.is_empty() {
            break;
        }
        let te = Instant::now();
        let Some(results) = evaluate_batch(&batch, threads, &|n, line| {
            evaluate_line(plan, &options, id_field, n, line)
        }) else {
            eprintln!("erreur : pol s'est arrêté de façon inattendue pendant l'évaluation du lot");
            return 3;
        };
        eval_time += te.elapsed();
        let tw = Instant::now();
        for r in results {
            count += 1;
            failures += usize::from(r.failed);
            if let Some(m) = &r.message {
                eprintln!("{m}");
            }
            if writer.write_all(&r.record).is_err() {
                eprintln!("erreur : impossible d'écrire « {} »", output.display());
                return USAGE;
            }
        }
        io_time += tw.elapsed();
    }
    if writer.flush().is_err() {
        eprintln!("erreur : impossible d'écrire « {} »", output.display());
        return USAGE;
    }
    eprintln!("{count} dossiers évalués, {failures} en erreur");
    // Last line: timings, as JSON, for benchmark harnesses.
    eprintln!(
        "{}",
        serde_json::json!({ "setup_s": setup.as_secs_f64(), "eval_s": eval_time.as_secs_f64(), "io_s": io_time.as_secs_f64(), "fils": threads })
    );
    if failures == 0 {
        OK
    } else {
        FAILED
    }
}
