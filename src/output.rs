//! What the commands print on standard output. A write that fails (a full disk, a closed
//! file) ends pol with a French error and exit code 2, where `println!` would panic in
//! English; a closed pipe ends it quietly, as the default action of SIGPIPE does.

use std::fmt;
use std::io::{ErrorKind, Write};

use crate::workspace::io_words;

/// `print!`, or the French error that ends pol.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*), false) };
}

/// `println!`, or the French error that ends pol.
macro_rules! outln {
    () => { $crate::output::write(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*), true) };
}

/// Writes `args` (and a line ending) on standard output, flushed.
pub fn write(args: fmt::Arguments<'_>, line: bool) {
    let mut stdout = std::io::stdout().lock();
    let ending = if line { "\n" } else { "" };
    let written = write!(stdout, "{args}{ending}").and_then(|()| stdout.flush());
    if let Err(e) = written {
        fail(&e);
    }
}

/// Ends pol after a failed write on standard output.
fn fail(e: &std::io::Error) -> ! {
    if e.kind() == ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!(
        "erreur : impossible d'écrire sur la sortie standard : {}",
        io_words(e)
    );
    std::process::exit(2);
}
