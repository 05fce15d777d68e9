//! `pol eval --lot`: many dossiers, one per line, evaluated with one compiled plan on every
//! core. Each result line holds the identifier (if asked), every output, and the conditions
//! not met; the lines keep the order of the dossiers, whatever the number of threads.

mod chunk;
mod progress;

use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use pol_compiler::programme::{Batch, Options, Tally};

use super::eval::parse_date;
use super::{FAILED, OK, USAGE};
use crate::replace::Replacement;
use crate::workspace::io_words;
use chunk::{read_chunk, Chunk};
use progress::{summary, Progress};

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

/// What `pol eval --lot` was asked.
pub struct Request<'a> {
    pub programme: &'a str,
    pub input: &'a Path,
    /// `-`: standard output.
    pub output: &'a Path,
    pub date: Option<&'a str>,
    pub id_field: Option<&'a str>,
    pub threads: Option<usize>,
    /// Write the raw timings, as JSON, as the last line on standard error.
    pub chronos: bool,
}

/// One thread's share of a chunk: its result lines, what to say on standard error, and
/// what its lines added up to.
struct Share {
    records: Vec<u8>,
    messages: Vec<String>,
    tally: Tally,
}

/// Evaluates a chunk on `threads` threads, each a contiguous share, and returns the shares
/// in input order (`None` if a thread stopped unexpectedly). The calling thread does
/// `meanwhile` as they run: reading the next chunk, writing the previous results.
fn evaluate_chunk(
    chunk: &Chunk,
    threads: usize,
    batch: &Batch<'_>,
    meanwhile: impl FnOnce(),
) -> Option<Vec<Share>> {
    let share = chunk.lines.len().div_ceil(threads.max(1)).max(1);
    let starts: Vec<usize> = (0..chunk.lines.len()).step_by(share).collect();
    let capacity = chunk.text.len() / starts.len().max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = starts
            .iter()
            .map(|&start| {
                let end = (start + share).min(chunk.lines.len());
                scope.spawn(move || {
                    let mut out = Share {
                        records: Vec::with_capacity(capacity),
                        messages: Vec::new(),
                        tally: Tally::new(batch.plan()),
                    };
                    for i in start..end {
                        let (n, text) = chunk.line(i);
                        if let Some(m) = batch.write_line(n, text, &mut out.records, &mut out.tally)
                        {
                            out.messages.push(m);
                        }
                    }
                    out
                })
            })
            .collect();
        meanwhile();
        handles.into_iter().map(|h| h.join().ok()).collect()
    })
}

/// Writes evaluated shares in order, their messages on standard error, and counts them.
fn write_shares(
    shares: Vec<Share>,
    writer: &mut impl Write,
    tally: &mut Tally,
    progress: &Progress,
) -> std::io::Result<()> {
    for share in shares {
        tally.merge(&share.tally);
        share.messages.iter().for_each(|m| progress.say(m));
        writer.write_all(&share.records)?;
    }
    Ok(())
}

/// Where the dossiers come from: a file, or standard input for `-`; and their size in bytes
/// when it is known (for the progress bar).
fn open_input(input: &Path) -> Result<(Box<dyn std::io::Read>, Option<u64>), u8> {
    if input == Path::new("-") {
        return Ok((Box::new(std::io::stdin().lock()), None));
    }
    match std::fs::File::open(input) {
        Ok(f) => {
            let size = f.metadata().ok().map(|m| m.len());
            Ok((Box::new(f), size))
        }
        Err(e) => {
            eprintln!(
                "erreur : impossible de lire « {} » : {}",
                input.display(),
                io_words(&e)
            );
            Err(USAGE)
        }
    }
}

/// Where the results go: standard output, or a file that takes their place only once the
/// whole batch is written.
enum Sink {
    Stdout(std::io::StdoutLock<'static>),
    File(Replacement),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

impl Sink {
    /// Flushes the results and, for a file, puts them in place.
    fn finish(writer: BufWriter<Sink>) -> std::io::Result<()> {
        match writer
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
        {
            Sink::Stdout(mut s) => s.flush(),
            Sink::File(f) => f.commit(),
        }
    }
}

/// Opens the results: a file, or standard output for `-`.
fn open_output(input: &Path, output: &Path) -> Result<Sink, u8> {
    if output == Path::new("-") {
        return Ok(Sink::Stdout(std::io::stdout().lock()));
    }
    // Writing the results over the dossiers would destroy them before they are read.
    if input != Path::new("-") && same_file(input, output) {
        eprintln!(
            "erreur : --sortie « {} » est le fichier des dossiers (--lot) : choisissez un autre fichier de résultats",
            output.display()
        );
        return Err(USAGE);
    }
    match Replacement::begin(output) {
        Ok(f) => Ok(Sink::File(f)),
        Err(e) => {
            eprintln!(
                "erreur : impossible d'écrire « {} » : {}",
                output.display(),
                io_words(&e)
            );
            Err(USAGE)
        }
    }
}

/// Says a failed write of the results; a results file is left as it was.
fn unwritten(output: &Path, e: &std::io::Error) -> u8 {
    if output == Path::new("-") {
        eprintln!(
            "erreur : impossible d'écrire sur la sortie standard : {}",
            io_words(e)
        );
    } else {
        eprintln!(
            "erreur : impossible d'écrire « {} » : {} ; le fichier est laissé tel quel",
            output.display(),
            io_words(e)
        );
    }
    USAGE
}

pub fn run(req: &Request<'_>) -> u8 {
    let t0 = Instant::now();
    let Some(date) = req.date else {
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
    let prog = match super::open_programme(req.programme, crate::Format::Texte) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let batch = Batch::new(prog.plan(), Options::at(date), req.id_field);
    let setup = t0.elapsed();
    let (input, size) = match open_input(req.input) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut writer = match open_output(req.input, req.output) {
        Ok(w) => BufWriter::with_capacity(1 << 20, w),
        Err(code) => return code,
    };
    let threads = req.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let progress = Progress::start(size, req.output == Path::new("-"));
    let (mut io_time, mut eval_time) = (Duration::ZERO, Duration::ZERO);
    let mut tally = Tally::new(prog.plan());
    let (mut current, mut ahead, mut next) = (Chunk::default(), Chunk::default(), 1);
    let max = threads * CHUNK;
    let mut read = read_chunk(&mut reader, max, &mut next, &mut current);
    let mut pending = Vec::new();
    loop {
        let bytes = match read {
            Ok(b) => b,
            Err(e) => {
                // On standard output, what was evaluated before the unreadable line is kept;
                // a results file is left as it was, as a batch cut short is not its results.
                let _ = write_shares(pending, &mut writer, &mut tally, &progress);
                let _ = writer.flush();
                progress.finish();
                eprintln!("erreur : ligne {next} : {}", io_words(&e));
                if req.output != Path::new("-") {
                    eprintln!("« {} » est laissé tel quel", req.output.display());
                }
                return USAGE;
            }
        };
        if current.lines.is_empty() {
            break;
        }
        // While this chunk is evaluated, the next one is read and the last one written.
        let te = Instant::now();
        let (mut written, mut io) = (Ok(()), Duration::ZERO);
        read = Ok(0);
        let shares = evaluate_chunk(&current, threads, &batch, || {
            let t = Instant::now();
            read = read_chunk(&mut reader, max, &mut next, &mut ahead);
            written = write_shares(
                std::mem::take(&mut pending),
                &mut writer,
                &mut tally,
                &progress,
            );
            io = t.elapsed();
        });
        eval_time += te.elapsed();
        io_time += io;
        let Some(shares) = shares else {
            progress.finish();
            eprintln!("erreur : pol s'est arrêté de façon inattendue pendant l'évaluation du lot");
            return 3;
        };
        if let Err(e) = written {
            progress.finish();
            return unwritten(req.output, &e);
        }
        pending = shares;
        progress.advance(bytes, tally.dossiers + current.lines.len());
        std::mem::swap(&mut current, &mut ahead);
    }
    let written = write_shares(pending, &mut writer, &mut tally, &progress)
        .and_then(|()| Sink::finish(writer));
    progress.finish();
    if let Err(e) = written {
        return unwritten(req.output, &e);
    }
    eprintln!("{}", summary(&tally, progress.elapsed(), threads));
    if req.chronos {
        eprintln!(
            "{}",
            serde_json::json!({ "setup_s": setup.as_secs_f64(), "eval_s": eval_time.as_secs_f64(), "io_s": io_time.as_secs_f64(), "fils": threads })
        );
    }
    if tally.errors == 0 {
        OK
    } else {
        FAILED
    }
}
