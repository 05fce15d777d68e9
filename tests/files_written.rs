//! The files pol writes for the user (`pol fmt`, `pol eval --lot --sortie`), driven as
//! processes: a write that fails leaves the old file whole and no temporary file behind; a
//! symbolic link is followed, not replaced; the file keeps its permissions.

#[path = "support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{code, pol, stderr, stdout};

/// Runs pol with files limited to `kib` KiB (`ulimit -f`), as a full disk would stop it:
/// a write past the limit fails (EFBIG) instead of raising SIGXFSZ, which is ignored.
fn pol_with_file_limit(kib: u32, args: &[&str], cwd: &Path) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_pol"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// The names in a folder, sorted: what a failed write must not add to.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A well-formed policy of 600 rules laid out badly: about 19 KB, 17 KB once formatted.
fn messy_policy() -> String {
    (0..600)
        .map(|i| format!("règle   a{i} : argent =   {i} $\n"))
        .collect()
}

#[test]
fn fmt_on_a_full_disk_leaves_the_policy_whole() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.pol");
    std::fs::write(&file, messy_policy()).unwrap();
    let o = pol_with_file_limit(4, &["fmt", "p.pol"], dir.path());
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "erreur : impossible d'écrire « p.pol » : le fichier dépasse la taille permise (fichier laissé tel quel)"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("reformaté"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), messy_policy());
    assert_eq!(names(dir.path()), ["p.pol"]);
}

#[test]
fn fmt_goes_on_after_a_file_it_cannot_write_and_says_which_it_reformatted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.pol"), "règle   a : argent =   1 $\n").unwrap();
    std::fs::write(dir.path().join("b.pol"), messy_policy()).unwrap();
    std::fs::write(dir.path().join("c.pol"), "règle   c : argent =   3 $\n").unwrap();
    let o = pol_with_file_limit(4, &["fmt", "."], dir.path());
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("« ./b.pol »"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "reformaté : ./a.pol\nreformaté : ./c.pol\n");
    let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();
    assert_eq!(read("a.pol"), "règle a : argent = 1 $\n");
    assert_eq!(read("b.pol"), messy_policy());
    assert_eq!(read("c.pol"), "règle c : argent = 3 $\n");
    assert_eq!(names(dir.path()), ["a.pol", "b.pol", "c.pol"]);
}

#[cfg(unix)]
#[test]
fn fmt_follows_a_symbolic_link_and_keeps_the_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vraie.pol");
    std::fs::write(&file, "règle   a : argent =   1 $\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("vraie.pol", dir.path().join("lien.pol")).unwrap();
    let o = pol(&["fmt", "lien.pol"], dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let link = std::fs::symlink_metadata(dir.path().join("lien.pol")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "règle a : argent = 1 $\n"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(names(dir.path()), ["lien.pol", "vraie.pol"]);
}

/// A programme of one output and a batch of `n` dossiers for it, in `dir`.
fn batch(dir: &Path, n: usize) {
    std::fs::write(
        dir.join("p.pol"),
        "programme p « P »\n  en vigueur du 2000-01-01 au 2099-12-31\n  sorties r\nentrée x : entier\nrègle r = x\n",
    )
    .unwrap();
    let lines: String = (0..n).map(|i| format!("{{\"x\": {i}}}\n")).collect();
    std::fs::write(dir.join("lot.jsonl"), lines).unwrap();
}

const BATCH: [&str; 6] = [
    "eval",
    "p.pol",
    "--lot",
    "lot.jsonl",
    "--date",
    "2025-01-01",
];

#[test]
fn a_batch_on_a_full_disk_leaves_the_old_results_whole() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path(), 2000);
    std::fs::write(
        dir.path().join("résultats.jsonl"),
        "les anciens résultats\n",
    )
    .unwrap();
    let args = [&BATCH[..], &["--sortie", "résultats.jsonl"]].concat();
    let o = pol_with_file_limit(8, &args, dir.path());
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "erreur : impossible d'écrire « résultats.jsonl » : le fichier dépasse la taille permise ; le fichier est laissé tel quel"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("résultats.jsonl")).unwrap(),
        "les anciens résultats\n"
    );
    assert_eq!(names(dir.path()), ["lot.jsonl", "p.pol", "résultats.jsonl"]);
}

#[test]
fn a_batch_replaces_its_results_file_whole_and_writes_to_devices_in_place() {
    let dir = tempfile::tempdir().unwrap();
    batch(dir.path(), 3);
    std::fs::write(dir.path().join("résultats.jsonl"), "x".repeat(10_000)).unwrap();
    let args = [&BATCH[..], &["--sortie", "résultats.jsonl"]].concat();
    let o = pol(&args, dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let results = std::fs::read_to_string(dir.path().join("résultats.jsonl")).unwrap();
    assert_eq!(results.lines().count(), 3, "{results}");
    assert!(results.starts_with("{\"r\":0"), "{results}");

    let o = pol(
        &[&BATCH[..], &["--sortie", "/dev/null"]].concat(),
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = pol(
        &[&BATCH[..], &["--sortie", "/dev/full"]].concat(),
        dir.path(),
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("erreur : impossible d'écrire « /dev/full » : le disque est plein"),
        "{}",
        stderr(&o)
    );
    let o = pol(&[&BATCH[..], &["--sortie", "."]].concat(), dir.path());
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("erreur : impossible d'écrire « . » : c'est un dossier, pas un fichier"),
        "{}",
        stderr(&o)
    );
    assert_eq!(names(dir.path()), ["lot.jsonl", "p.pol", "résultats.jsonl"]);
}
