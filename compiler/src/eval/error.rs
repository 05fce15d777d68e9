//! Everything that can go wrong while reading a dossier or evaluating it, in French.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use super::plan::Location;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EvalErrorKind {
    /// A needed input (or structure field) is absent from the dossier.
    MissingInput {
        path: String,
    },
    /// A dossier field the program does not declare.
    UnknownField {
        path: String,
        suggestion: Option<String>,
    },
    /// A dossier value of the wrong type.
    WrongType {
        path: String,
        expected: String,
        found: String,
        help: Option<String>,
    },
    /// The date whose rules apply is outside the program's period.
    DateOutsidePeriod {
        date: NaiveDate,
        start: NaiveDate,
        end: NaiveDate,
        by: DatedBy,
    },
    /// The version in force at the date is older than every version encoded.
    VersionNotEncoded {
        date: NaiveDate,
        oldest: NaiveDate,
        by: DatedBy,
    },
    Overflow,
    /// A rule of money computed an amount that cannot be held with its cents.
    MoneyTooLarge,
    DivisionByZero,
    EmptyList {
        function: &'static str,
    },
    NoTableRow {
        table: String,
        keys: String,
    },
    ExceptionConflict {
        rule: String,
        first: Location,
        second: Location,
    },
    IncomparableDurations,
    /// A duration multiplied by a rate per day, month or year that it does not count in.
    DurationNotInUnit {
        duration: crate::types::Duration,
        unit: &'static str,
    },
    DateOutOfRange,
    /// `date(année, mois, jour)` of a day no calendar has (2025-02-30, month 13).
    NoSuchDate {
        year: String,
        month: String,
        day: String,
    },
    /// `intervalle(a, b)` of more numbers than the evaluator lists.
    RangeTooLong {
        first: i64,
        last: i64,
    },
    /// A definition written in an amendment file, read before the amendment's date.
    NotInForce {
        name: String,
        from: Option<NaiveDate>,
        date: NaiveDate,
    },
    /// Definitions nested deeper than the evaluator accepts.
    ChainTooLong {
        name: String,
    },
    /// A definition reached while it is being computed (the checker refuses cycles, so this
    /// only guards the evaluator).
    Cycle {
        name: String,
    },
    /// A case the checker rules out, reached all the same: a defect of pol, never a
    /// value. The dossier's evaluation stops rather than give a silent « faux ».
    Internal {
        what: &'static str,
    },
}

/// Where the date whose rules apply comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DatedBy {
    /// The evaluation date.
    Evaluation,
    /// The input the programme is `daté par`, named.
    Input(Arc<str>),
    /// The caller chose the rules' date (`Options::rules_date`, `pol diff --règles-du`).
    Chosen,
}

/// An evaluation error: one pointer wide, so that the evaluator's results (`Result<Value,
/// EvalError>`) stay as small as a value. Its fields are `EvalErrorData`'s.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EvalError(Box<EvalErrorData>);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EvalErrorData {
    pub kind: EvalErrorKind,
    /// Where in the policy, when the error comes from evaluating an expression.
    pub location: Option<Location>,
    /// The definition being evaluated.
    pub within: Option<Arc<str>>,
}

impl std::ops::Deref for EvalError {
    type Target = EvalErrorData;

    fn deref(&self) -> &EvalErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for EvalError {
    fn deref_mut(&mut self) -> &mut EvalErrorData {
        &mut self.0
    }
}

impl EvalError {
    pub fn new(kind: EvalErrorKind) -> EvalError {
        EvalError(Box::new(EvalErrorData {
            kind,
            location: None,
            within: None,
        }))
    }

    pub fn code(&self) -> &'static str {
        match &self.kind {
            EvalErrorKind::MissingInput { .. } => "pol::dossier::entrée_manquante",
            EvalErrorKind::UnknownField { .. } => "pol::dossier::champ_inconnu",
            EvalErrorKind::WrongType { .. } => "pol::dossier::type",
            EvalErrorKind::DateOutsidePeriod { .. } => "pol::dossier::date_hors_période",
            EvalErrorKind::VersionNotEncoded { .. } => "pol::dossier::version_non_encodée",
            EvalErrorKind::Overflow | EvalErrorKind::MoneyTooLarge => "pol::éval::dépassement",
            EvalErrorKind::DivisionByZero => "pol::éval::division_par_zéro",
            EvalErrorKind::EmptyList { .. } => "pol::éval::liste_vide",
            EvalErrorKind::NoTableRow { .. } => "pol::éval::table",
            EvalErrorKind::ExceptionConflict { .. } => "pol::exception::conflit",
            EvalErrorKind::IncomparableDurations | EvalErrorKind::DurationNotInUnit { .. } => {
                "pol::éval::durées"
            }
            EvalErrorKind::DateOutOfRange | EvalErrorKind::NoSuchDate { .. } => "pol::éval::date",
            EvalErrorKind::NotInForce { .. } => "pol::éval::pas_en_vigueur",
            EvalErrorKind::RangeTooLong { .. } => "pol::éval::intervalle",
            EvalErrorKind::Cycle { .. } => "pol::règle::cycle",
            EvalErrorKind::ChainTooLong { .. } => "pol::éval::profondeur",
            EvalErrorKind::Internal { .. } => "pol::interne",
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            EvalErrorKind::MissingInput { path } => {
                write!(f, "le dossier ne donne pas « {path} », nécessaire au calcul")?
            }
            EvalErrorKind::UnknownField { path, suggestion } => {
                write!(f, "le champ « {path} » du dossier n'est pas déclaré par le programme")?;
                if let Some(s) = suggestion {
                    write!(f, " (voulez-vous dire « {s} » ?)")?;
                }
            }
            EvalErrorKind::WrongType { path, expected, found, help } => {
                write!(f, "« {path} » doit être {expected}, mais le dossier donne {found}")?;
                if let Some(h) = help {
                    write!(f, " ({h})")?;
                }
            }
            EvalErrorKind::DateOutsidePeriod { date, start, end, by: DatedBy::Evaluation } => write!(
                f,
                "la date d'évaluation {date} est hors de la période d'application du programme (du {start} au {end})"
            )?,
            EvalErrorKind::DateOutsidePeriod { date, start, end, by: DatedBy::Input(by) } => write!(
                f,
                "le dossier est daté du {date} (« {by} »), hors de la période d'application du programme (du {start} au {end})"
            )?,
            EvalErrorKind::DateOutsidePeriod { date, start, end, by: DatedBy::Chosen } => write!(
                f,
                "les règles demandées, celles du {date}, sont hors de la période d'application du programme (du {start} au {end})"
            )?,
            EvalErrorKind::VersionNotEncoded { date, oldest, by: DatedBy::Evaluation } => write!(
                f,
                "la version du programme en vigueur le {date} n'est pas encodée : la plus ancienne version encodée s'applique à partir du {oldest}"
            )?,
            EvalErrorKind::VersionNotEncoded { date, oldest, by: DatedBy::Input(by) } => write!(
                f,
                "le dossier est daté du {date} (« {by} ») : la version du programme en vigueur à cette date n'est pas encodée, la plus ancienne version encodée s'applique à partir du {oldest} ; pol n'applique jamais les règles d'une autre version"
            )?,
            EvalErrorKind::VersionNotEncoded { date, oldest, by: DatedBy::Chosen } => write!(
                f,
                "les règles demandées, celles du {date}, ne sont pas encodées : la plus ancienne version encodée s'applique à partir du {oldest}"
            )?,
            EvalErrorKind::Overflow => write!(f, "le calcul dépasse la capacité des nombres exacts (28 chiffres)")?,
            EvalErrorKind::MoneyTooLarge => write!(
                f,
                "le montant calculé dépasse {}, le plus grand que pol compte exactement au cent",
                super::value::LARGEST_MONEY
            )?,
            EvalErrorKind::DivisionByZero => write!(f, "division par zéro")?,
            EvalErrorKind::EmptyList { function } => {
                write!(f, "« {function} » d'une liste vide n'a pas de valeur")?
            }
            EvalErrorKind::NoTableRow { table, keys } => {
                write!(f, "la table « {table} » n'a pas de ligne pour ({keys})")?
            }
            EvalErrorKind::ExceptionConflict { rule, first, second } => write!(
                f,
                "deux exceptions à « {rule} » s'appliquent en même temps ({}:{} et {}:{}) : laquelle prévaut ?",
                first.file, first.line, second.file, second.line
            )?,
            EvalErrorKind::IncomparableDurations => write!(
                f,
                "on ne peut pas comparer une durée en mois à une durée en jours"
            )?,
            EvalErrorKind::NotInForce { name, from, date } => write!(
                f,
                "« {name} » n'est en vigueur qu'à partir du {} : elle n'existe pas encore le {date}",
                from.map(|d| d.to_string()).unwrap_or_default()
            )?,
            EvalErrorKind::DurationNotInUnit { duration, unit } => write!(
                f,
                "la durée {} ne se compte pas en nombre entier de « {unit} »{}",
                super::value::duration_text(*duration),
                if *unit == "jour" { " (un mois n'a pas de longueur fixe en jours)" } else { "" }
            )?,
            EvalErrorKind::DateOutOfRange => write!(
                f,
                "la date calculée sort du calendrier de pol (de l'an 0 à l'an 9999)"
            )?,
            EvalErrorKind::NoSuchDate { year, month, day } => write!(
                f,
                "la date du jour {day} du mois {month} de l'année {year} n'existe pas"
            )?,
            EvalErrorKind::RangeTooLong { first, last } => write!(
                f,
                "l'intervalle de {first} à {last} compte plus de {} nombres",
                super::run::MAX_RANGE
            )?,
            EvalErrorKind::Cycle { name } => write!(f, "« {name} » dépend de sa propre valeur")?,
            EvalErrorKind::ChainTooLong { name } => write!(
                f,
                "la chaîne de règles qui mène à « {name} » dépasse {} niveaux",
                super::run::MAX_CHAIN
            )?,
            EvalErrorKind::Internal { what } => write!(
                f,
                "erreur interne de pol ({what}) : le dossier n'est pas évalué plutôt que de recevoir une valeur fausse ; signalez-la avec le programme et le dossier"
            )?,
        }
        if let Some(w) = &self.within {
            write!(f, " — en calculant « {w} »")?;
        }
        if let Some(l) = &self.location {
            write!(f, " ({}:{})", l.file, l.line)?;
        }
        Ok(())
    }
}

impl std::error::Error for EvalError {}
