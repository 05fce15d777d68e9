//! `pol eval --lot`: many dossiers, one per line, evaluated with one compiled plan.
//! Each result line holds the identifier (if asked), every output, and the conditions not met.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use pol_compiler::programme::{Batch, LineResult, Options, Tally};

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
/// input order with what they add up to (`None` if a thread stopped unexpectedly).
fn evaluate_batch(
    batch: &[(usize, String)],
    threads: usize,
    lines: &Batch<'_>,
) -> Option<(Vec<LineResult>, Tally)> {
    let share = batch.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .chunks(share)
            .map(|part| {
                scope.spawn(move || {
                    let mut tally = Tally::new(lines.plan());
                    let results: Vec<_> = part
                        .iter()
                        .map(|(n, l)| lines.line(*n, l, &mut tally))
                        .collect();
                    (results, tally)
                })
            })
            .collect();
        let mut out = Vec::with_capacity(batch.len());
        let mut total = Tally::new(lines.plan());
        for h in handles {
            let (results, tally) = h.join().ok()?;
            out.extend(results);
            total.merge(&tally);
        }
        Some((out, total))
    })
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
    let dossiers = Batch::new(prog.plan(), Options::at(date), id_field);
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
    let mut tally = Tally::new(prog.plan());
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
        let Some((results, part)) = evaluate_batch(&batch, threads, &dossiers) else {
            eprintln!("erreur : pol s'est arrêté de façon inattendue pendant l'évaluation du lot");
            return 3;
        };
        eval_time += te.elapsed();
        let tw = Instant::now();
        tally.merge(&part);
        for r in results {
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
    eprintln!(
        "{} dossiers évalués, {} en erreur, {} lus par le chemin ordinaire",
        tally.dossiers, tally.errors, tally.slow
    );
    // Last line: timings, as JSON, for benchmark harnesses.
    eprintln!(
        "{}",
        serde_json::json!({ "setup_s": setup.as_secs_f64(), "eval_s": eval_time.as_secs_f64(), "io_s": io_time.as_secs_f64(), "fils": threads })
    );
    if tally.errors == 0 {
        OK
    } else {
        FAILED
    }
}
