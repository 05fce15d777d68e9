//! No panic on any input: thousands of deterministic mutations of the shipped policies
//! (deleted, duplicated and replaced characters, truncations) go through parsing, checking,
//! formatting and compilation. Every failure must be a diagnostic.

mod common;
use common::*;
use pol_compiler::check::file_diagnostics;
use pol_compiler::eval::compile_program;
use pol_compiler::format::format_source;

/// A small deterministic generator (xorshift), so that failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "«",
    "»",
    "§",
    "##",
    "#",
    "(",
    ")",
    "[",
    "]",
    "|",
    ":",
    "=",
    "×",
    "/",
    "%",
    "$",
    "$/ha",
    "m²",
    " si ",
    " sinon ",
    " alors ",
    " selon ",
    " cas ",
    " et ",
    " ou ",
    " non ",
    "\n",
    "\nrègle ",
    "\ncondition x « r » : ",
    "\ntable t (a : booléen) : entier\n  | vrai | 1 |",
    "40 000",
    "4,50",
    "2026-02-30",
    "2026-02-15",
    "é",
    "🌾",
    "\u{0301}",
    "999999999999999999999999999999",
    "_",
    "pour chaque x dans ",
    "remplace ",
    "importer inconnu\n",
    "exception aide si vrai alors ",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    for _ in 0..1 + rng.below(4) {
        if out.is_empty() {
            break;
        }
        let at = rng.below(out.len());
        match rng.below(5) {
            0 => {
                let n = 1 + rng.below(12);
                out.drain(at..(at + n).min(out.len()));
            }
            1 => {
                let piece: Vec<char> = PIECES[rng.below(PIECES.len())].chars().collect();
                out.splice(at..at, piece);
            }
            2 => {
                let n = 1 + rng.below(40);
                let dup: Vec<char> = out[at..(at + n).min(out.len())].to_vec();
                out.splice(at..at, dup);
            }
            3 => out.truncate(at),
            _ => {
                let other = chars[rng.below(chars.len())];
                out[at] = other;
            }
        }
    }
    out.into_iter().collect()
}

#[test]
fn mutated_policies_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/prime-vert");
    let commun = std::fs::read_to_string(root.join("commun.pol")).unwrap();
    let sv = std::fs::read_to_string(root.join("sous_volet_1_1.pol")).unwrap();
    let mut rng = Rng(0x5eed_2025_0425);
    let rounds = std::env::var("POL_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let run = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut with_errors = 0;
            // One database, edited again and again, as an editor does.
            let (mut db, files) = db_with(&[
                ("prime-vert/sous_volet_1_1.pol", &sv),
                ("prime-vert/commun.pol", &commun),
            ]);
            for _ in 0..rounds {
                let mutated = mutate(&mut rng, &sv);
                db.set_file(format!("{ROOT}/prime-vert/sous_volet_1_1.pol"), &mutated);
                let diags = file_diagnostics(&db, files[0]);
                if diags.iter().any(|d| d.is_error()) {
                    with_errors += 1;
                }
                for d in diags {
                    // Every span points inside the text.
                    assert!(d.primary.span.end as usize <= mutated.len(), "{d:?}");
                }
                let _ = compile_program(&db, files[0]);
                if let Some(f) = format_source(&mutated) {
                    assert_eq!(
                        format_source(&f).as_deref(),
                        Some(f.as_str()),
                        "le formatage n'est pas idempotent"
                    );
                }
            }
            with_errors
        })
        .unwrap();
    let with_errors = run
        .join()
        .expect("aucune mutation ne fait paniquer le compilateur");
    assert!(with_errors > 0);
}
