//! `pol`: the command line. A thin front end over the compiler's queries.

#![deny(unsafe_code)]

#[macro_use]
mod output;
mod commands;
mod replace;
mod workspace;

/// A batch allocates and frees small values for every dossier, on every thread: mimalloc's
/// thread-local free lists do that for less than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

const HELP_TEMPLATE: &str = "{before-help}{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

#[derive(Parser, Debug)]
#[command(
    name = "pol",
    version,
    about = "pol — langage de politiques de financement : vérifier, évaluer, tester, formater",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Affiche cette aide.
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, help_heading = "Options")]
    help: Option<bool>,
    /// Affiche la version de pol.
    #[arg(short = 'V', long = "version", action = ArgAction::Version, help_heading = "Options")]
    version: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Texte lisible, en français.
    Texte,
    /// JSON, pour les outils.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Texte lisible, en français.
    Texte,
    /// JSON, pour les outils.
    Json,
    /// Markdown, pour un commentaire de demande de fusion.
    Markdown,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Vérifie les fichiers .pol : syntaxe, noms, types et unités, cas manquants, cycles.
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options")]
    Check {
        /// Fichiers ou dossiers à vérifier (par défaut : policies/).
        #[arg(value_name = "CHEMIN")]
        chemins: Vec<PathBuf>,
        /// Format de sortie : texte (par défaut) ou json.
        #[arg(
            long,
            value_enum,
            default_value = "texte",
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: Format,
    },
    /// Évalue un dossier : la décision, les conditions non remplies et les montants.
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options")]
    Eval {
        /// Le programme : un fichier .pol, un dossier, ou un nom de dossier de policies/.
        programme: String,
        /// Le dossier JSON (dossier doré ou objet des entrées).
        #[arg(value_name = "DOSSIER.json", required_unless_present = "lot")]
        dossier: Option<PathBuf>,
        /// Évalue un lot : un objet d'entrées JSON par ligne (JSON Lines ; - : l'entrée standard).
        #[arg(long, value_name = "ENTRÉES.jsonl", conflicts_with_all = ["dossier", "expliquer", "format"], requires_all = ["sortie", "date"])]
        lot: Option<PathBuf>,
        /// Avec --lot : le fichier des résultats, une ligne par dossier, dans l'ordre (- : la sortie standard).
        #[arg(long, value_name = "RÉSULTATS.jsonl")]
        sortie: Option<PathBuf>,
        /// Avec --lot : le champ de chaque ligne recopié tel quel dans son résultat.
        #[arg(long, value_name = "CHAMP")]
        identifiant: Option<String>,
        /// Avec --lot : le nombre de fils d'exécution (par défaut : un par cœur).
        #[arg(long, value_name = "N", requires = "lot", value_parser = clap::value_parser!(u16).range(1..=256))]
        fils: Option<u16>,
        /// Avec --lot : écrit aussi les durées mesurées (JSON) en dernière ligne d'erreur standard.
        #[arg(long, requires = "lot")]
        chronos: bool,
        /// Date d'évaluation AAAA-MM-JJ (par défaut : celle du dossier).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        date: Option<String>,
        /// Affiche l'arbre des règles qui ont produit chaque résultat.
        #[arg(long)]
        expliquer: bool,
        /// Format de sortie : texte (par défaut) ou json.
        #[arg(
            long,
            value_enum,
            default_value = "texte",
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: Format,
    },
    /// Exécute les dossiers dorés et compare les résultats aux valeurs attendues.
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options")]
    Test {
        /// Fichiers ou dossiers de dossiers dorés (par défaut : tests/dossiers/).
        #[arg(value_name = "CHEMIN")]
        chemins: Vec<PathBuf>,
        /// Rapporte les règles, conditions, cas de « selon » et lignes de table qu'aucun
        /// dossier n'exerce, par section du texte.
        #[arg(long)]
        couverture: bool,
    },
    /// Mesure l'effet d'une modification des règles, dossier par dossier, et dit pourquoi :
    /// l'arbre de travail comparé à une révision git (ou à un dossier), ou un programme sous
    /// les règles de deux dates.
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options")]
    Diff {
        /// Les programmes à comparer (par défaut : ceux dont un fichier diffère).
        #[arg(value_name = "PROGRAMME")]
        programmes: Vec<String>,
        /// Le côté « avant » : une révision git (par défaut HEAD) ou un dossier qui contient
        /// une autre copie de policies/.
        #[arg(long, value_name = "RÉVISION|DOSSIER", conflicts_with_all = ["regles_du", "contre"])]
        base: Option<String>,
        /// Le côté « après » : les règles en vigueur à cette date.
        #[arg(
            long = "règles-du",
            id = "regles_du",
            value_name = "AAAA-MM-JJ",
            requires = "contre"
        )]
        regles_du: Option<String>,
        /// Le côté « avant » : les règles en vigueur à cette date.
        #[arg(long, value_name = "AAAA-MM-JJ", requires = "regles_du")]
        contre: Option<String>,
        /// Les dossiers à comparer, fichiers ou dossiers (par défaut : les dossiers dorés).
        #[arg(long, value_name = "CHEMIN", num_args = 1.., conflicts_with = "lot")]
        dossiers: Vec<PathBuf>,
        /// Un lot à comparer : un objet d'entrées JSON par ligne (JSON Lines).
        #[arg(long, value_name = "ENTRÉES.jsonl", requires = "date")]
        lot: Option<PathBuf>,
        /// Date d'évaluation AAAA-MM-JJ (par défaut : celle de chaque dossier).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        date: Option<String>,
        /// Avec --lot : le champ de chaque ligne qui nomme le dossier dans le rapport.
        #[arg(long, value_name = "CHAMP", requires = "lot")]
        identifiant: Option<String>,
        /// Le nombre de dossiers modifiés détaillés par programme ; les autres sont comptés.
        #[arg(long, value_name = "N", default_value_t = 50)]
        max: usize,
        /// Format du rapport : texte (par défaut), json ou markdown.
        #[arg(
            long,
            value_enum,
            default_value = "texte",
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: DiffFormat,
    },
    /// Lance le serveur de langue (LSP) sur l'entrée et la sortie standard, pour les éditeurs.
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options")]
    Lsp,
    /// Met les fichiers .pol dans leur forme canonique.
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "Options")]
    Fmt {
        /// Vérifie seulement : liste les fichiers à reformater, sans les modifier.
        #[arg(long)]
        check: bool,
        /// Fichiers ou dossiers à formater (par défaut : policies/).
        #[arg(value_name = "CHEMIN")]
        chemins: Vec<PathBuf>,
    },
}

/// clap's error kinds, said in French.
fn french_clap_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let ctx = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    // clap's own suggestion, said the French way.
    let hint = |k: ContextKind| {
        e.get(k)
            .map(|s| format!(" ; voulez-vous dire « {s} » ?"))
            .unwrap_or_default()
    };
    match e.kind() {
        ErrorKind::InvalidValue => format!(
            "valeur invalide « {} » pour {} (valeurs possibles : {})",
            ctx(ContextKind::InvalidValue),
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::ValidValue)
        ),
        ErrorKind::UnknownArgument => {
            let hint = hint(ContextKind::SuggestedArg);
            format!(
                "argument inconnu « {} »{hint}",
                ctx(ContextKind::InvalidArg)
            )
        }
        ErrorKind::InvalidSubcommand => {
            let hint = hint(ContextKind::SuggestedSubcommand);
            format!(
                "commande inconnue « {} »{hint} (commandes : check, eval, test, diff, fmt, lsp)",
                ctx(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => format!(
            "argument obligatoire manquant : {}",
            ctx(ContextKind::InvalidArg)
        ),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "indiquez une commande : check, eval, test, diff ou fmt".to_string()
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => "trop de valeurs".to_string(),
        ErrorKind::ArgumentConflict => {
            format!("arguments incompatibles : {}", ctx(ContextKind::InvalidArg))
        }
        _ => "ligne de commande invalide".to_string(),
    }
}

/// Output piped into `head` and closed early: stop quietly, as command-line tools do. The
/// only `unsafe` of pol (the compiler and the language server forbid it).
#[cfg(unix)]
#[allow(unsafe_code)]
fn restore_sigpipe() {
    // SAFETY: restoring the default action of a signal, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    #[cfg(unix)]
    restore_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            eprintln!("erreur : {}", french_clap_error(&e));
            eprintln!("Pour de l'aide : pol --help");
            return ExitCode::from(2);
        }
    };
    let run = move || match cli.command {
        Command::Check { chemins, format } => commands::check::run(chemins, format),
        Command::Eval {
            programme,
            dossier,
            lot,
            sortie,
            identifiant,
            fils,
            chronos,
            date,
            expliquer,
            format,
        } => match (dossier, lot, sortie) {
            (_, None, Some(_)) => {
                eprintln!("erreur : --sortie ne s'emploie qu'avec --lot (le résultat d'un seul dossier s'affiche)");
                2
            }
            (_, None, None) if identifiant.is_some() => {
                eprintln!("erreur : --identifiant ne s'emploie qu'avec --lot");
                2
            }
            (_, Some(lot), Some(sortie)) => commands::batch::run(&commands::batch::Request {
                programme: &programme,
                input: &lot,
                output: &sortie,
                date: date.as_deref(),
                id_field: identifiant.as_deref(),
                threads: fils.map(usize::from),
                chronos,
            }),
            (Some(dossier), _, _) => {
                commands::eval::run(&programme, &dossier, date.as_deref(), expliquer, format)
            }
            _ => {
                eprintln!("erreur : indiquez un dossier, ou --lot et --sortie");
                2
            }
        },
        Command::Test {
            chemins,
            couverture,
        } => commands::test::run(chemins, couverture),
        Command::Fmt { check, chemins } => commands::fmt::run(chemins, check),
        Command::Diff {
            programmes,
            base,
            regles_du,
            contre,
            dossiers,
            lot,
            date,
            identifiant,
            max,
            format,
        } => commands::diff::run(commands::diff::Args {
            programmes,
            base,
            rules_of: regles_du,
            against: contre,
            dossiers,
            lot,
            date,
            id_field: identifiant,
            max,
            format,
        }),
        Command::Lsp => match pol_lsp::run_stdio() {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("erreur : le serveur de langue n'a pas pu démarrer : {e}");
                2
            }
        },
    };
    // Checking and evaluation recurse over policies: give them a roomy stack of their own.
    let code = std::thread::Builder::new()
        .name("pol".into())
        .stack_size(64 << 20)
        .spawn(run)
        .ok()
        .and_then(|h| h.join().ok())
        .unwrap_or_else(|| {
            eprintln!("erreur : pol s'est arrêté de façon inattendue");
            3
        });
    ExitCode::from(code)
}
