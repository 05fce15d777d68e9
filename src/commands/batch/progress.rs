//! What a batch says on standard error: a progress bar while it runs on a terminal, a French
//! summary when it ends.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pol_compiler::eval::value::french_number;
use pol_compiler::programme::Tally;
use rust_decimal::Decimal;

/// The progress of a batch over its input's bytes: drawn only when standard error is a
/// terminal that the results are not written to.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Progress {
    /// A bar over `size` bytes; without a size (standard input), a spinner with the count.
    pub fn start(size: Option<u64>, results_on_stdout: bool) -> Progress {
        let shown = std::io::stderr().is_terminal()
            && !(results_on_stdout && std::io::stdout().is_terminal());
        let bar = shown.then(|| {
            let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr());
            let template = match size {
                Some(_) => "{bar:30.cyan/blue} {percent:>3} % · {msg} · reste {eta}",
                None => "{spinner} {msg} · depuis {elapsed}",
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    /// `bytes` more of the input read, `dossiers` evaluated so far.
    pub fn advance(&self, bytes: usize, dossiers: usize) {
        if let Some(bar) = &self.bar {
            let rate = per_second(dossiers, self.started.elapsed());
            bar.set_message(format!(
                "{} dossiers · {} par seconde",
                grouped(dossiers),
                grouped(rate)
            ));
            bar.inc(bytes as u64);
        }
    }

    /// A message above the bar (or alone, without one).
    pub fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

fn per_second(n: usize, elapsed: Duration) -> usize {
    let s = elapsed.as_secs_f64();
    if s > 0.0 {
        (n as f64 / s) as usize
    } else {
        0
    }
}

/// `123456` → `123 456`.
fn grouped(n: usize) -> String {
    french_number(Decimal::from(n as u64))
}

/// The closing summary: how many dossiers, in how long, how many in error, how each decision
/// went, and how many lines took the ordinary way.
pub fn summary(tally: &Tally, elapsed: Duration, threads: usize) -> String {
    let seconds = format!("{:.2}", elapsed.as_secs_f64()).replace('.', ",");
    let mut out = format!(
        "{} dossiers évalués en {seconds} s ({} par seconde, {threads} fil{}) : {} en erreur",
        grouped(tally.dossiers),
        grouped(per_second(tally.dossiers, elapsed)),
        if threads > 1 { "s" } else { "" },
        grouped(tally.errors),
    );
    for d in &tally.decisions {
        out.push_str(&format!(
            "\n  {} : {} oui, {} non",
            d.name,
            grouped(d.accepted),
            grouped(d.refused)
        ));
    }
    out.push_str(&format!(
        "\n  lignes lues par le chemin ordinaire (erreurs, formes rares) : {}",
        grouped(tally.slow)
    ));
    out
}
