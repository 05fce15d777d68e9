//! The catalogue of hostile inputs, each tried on pol as a process: the French message, the
//! exit code, and that nothing the user gave was lost. (Other entries of the catalogue live
//! beside what they try: batches in `tests/batch/`, escapes from the policy tree and full
//! disks on standard output in `tests/cli.rs`, files written in `tests/files_written.rs`,
//! the language server's frames in `tests/lsp/`.)

mod support;

use std::path::Path;

use support::{code, pol, stderr, stdout};

/// A policy tree in a temporary folder: `policies/<name>` for each file.
fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    for (name, bytes) in files {
        std::fs::write(policies.join(name), bytes).unwrap();
    }
    dir
}

const PROGRAMME: &str = "programme p « P »\n  en vigueur du 2000-01-01 au 2099-12-31\n  sorties aide\nentrée dépenses : argent\nrègle aide : argent = dépenses × 50 %\n";

/// `pol eval policies/p.pol` on a dossier written as `dossier`, in a tree holding PROGRAMME.
fn eval_dossier(dossier: &[u8]) -> std::process::Output {
    let dir = tree(&[("p.pol", PROGRAMME.as_bytes())]);
    std::fs::write(dir.path().join("d.json"), dossier).unwrap();
    pol(
        &["eval", "policies/p.pol", "d.json", "--date", "2025-01-01"],
        dir.path(),
    )
}

#[test]
fn deep_nesting_and_long_chains_are_diagnostics_not_crashes() {
    let deep = format!(
        "règle x : entier = {}1{}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let long = format!("règle x : entier = 1{}\n", " + 1".repeat(100_000));
    for text in [deep, long] {
        let dir = tree(&[("x.pol", text.as_bytes())]);
        let o = pol(&["check", "policies"], dir.path());
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(
            stdout(&o).contains("pol::syntaxe::imbrication"),
            "{}",
            stdout(&o)
        );
        assert!(
            stdout(&o).contains("1 fichier vérifié : 1 erreur"),
            "{}",
            stdout(&o)
        );
    }
}

#[test]
fn a_policy_that_is_not_utf8_is_named_and_the_others_are_checked() {
    let dir = tree(&[
        ("bon.pol", b"r\xc3\xa8gle a : entier = 1\n"),
        ("latin1.pol", b"r\xe8gle a : entier = 1\n"),
    ]);
    let o = pol(&["check", "policies"], dir.path());
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("latin1.pol")
            && stderr(&o).contains("le fichier n'est pas du texte UTF-8"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("1 fichier vérifié : 0 erreur"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_byte_order_mark_crlf_line_endings_and_decomposed_accents_are_text_like_any_other() {
    // The rule is written with « è » decomposed (e + combining grave) and used composed.
    let text = "\u{feff}r\u{0065}\u{0300}gle d\u{0065}\u{0301}pense : argent = 10 $\r\nrègle aide : argent = dépense × 50 %\r\n";
    let dir = tree(&[("p.pol", text.as_bytes())]);
    let o = pol(&["check", "policies"], dir.path());
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("0 erreur, 0 avertissement"),
        "{}",
        stdout(&o)
    );
    // pol fmt --check sees nothing to change but the layout; the file is left as it is.
    let o = pol(&["fmt", "--check", "policies"], dir.path());
    assert!(code(&o) <= 1, "{}", stderr(&o));
    let kept = std::fs::read(dir.path().join("policies/p.pol")).unwrap();
    assert_eq!(kept, text.as_bytes());
}

#[test]
fn empty_and_comment_only_policies_check_clean() {
    let dir = tree(&[
        ("vide.pol", b""),
        ("commentaires.pol", b"# rien encore\n\n# fin\n"),
    ]);
    let o = pol(&["check", "policies"], dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 fichiers vérifiés : 0 erreur, 0 avertissement"),
        "{}",
        stdout(&o)
    );
    let o = pol(&["fmt", "--check", "policies"], dir.path());
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn documentation_written_before_its_item_is_a_warning_not_a_syntax_error() {
    // An analyst writes the « ## » lines first, then the rule: the file was an error
    // (« attendu : le début d'un élément ») until the rule came, and pol fmt refused it.
    let text = "règle a : entier = 1\n\n## Le plafond de l'aide (section 4).\n";
    let dir = tree(&[("p.pol", text.as_bytes())]);
    let o = pol(&["check", "policies"], dir.path());
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("ce commentaire de documentation (##) ne précède aucun élément : il n'apparaîtra nulle part"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("0 erreur, 1 avertissement"),
        "{}",
        stdout(&o)
    );
    let o = pol(&["fmt", "policies"], dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("policies/p.pol")).unwrap(),
        text
    );
}

#[test]
fn a_truncated_or_mistyped_dossier_is_a_french_error_that_says_where() {
    // A dossier that cannot be read is the dossier's error (1), not a usage error; its
    // column counts characters (« é » twice before it).
    let o = eval_dossier(r#"{"programme": "p", "entrées": {"dépenses": "100.00""#.as_bytes());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ligne 1, colonne 51 : le texte s'arrête au milieu d'une valeur"),
        "{}",
        stderr(&o)
    );
    let o = eval_dossier(r#"{"programme": "p", "entrées": {"dépense": "100.00"}}"#.as_bytes());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("le champ « dépense » du dossier n'est pas déclaré par le programme (voulez-vous dire « dépenses » ?)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_dossier_amount_of_thirty_digits_says_pol_s_precision() {
    let o = eval_dossier(
        r#"{"programme": "p", "entrées": {"dépenses": "123456789012345678901234567890.00"}}"#
            .as_bytes(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(ce nombre dépasse la précision exacte de pol (28 chiffres))"),
        "{}",
        stderr(&o)
    );
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_pol_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    // `pol check policies | head -c 1`: the reader goes away after one byte.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pol"))
        .args(["check", "policies"])
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    let mut out = child.stdout.take().unwrap();
    let _ = out.read(&mut first);
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success() || status.signal() == Some(libc_sigpipe()),
        "{status:?} {err}"
    );
    assert_eq!(err, "", "pol a écrit sur la sortie d'erreur");
}

/// SIGPIPE's number on the systems pol runs on.
#[cfg(unix)]
fn libc_sigpipe() -> i32 {
    13
}
