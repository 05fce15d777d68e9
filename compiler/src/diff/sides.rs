//! The programmes to compare and their two sides: two trees (the working tree and a base), or
//! one programme under the rules of two dates; and a programme compared over dossiers. The
//! command line and the language server both go through here.

use chrono::NaiveDate;

use super::{differing_programmes, Comparison, Side, Summary};
use crate::db::{Database, SourceFile};
use crate::programme::{Dossier, OpenError, Programme};

/// One programme to compare: the after side's programme (which also says which dossiers
/// belong to it), the rules date on the after side, and the before side.
pub struct Sides {
    pub after: Programme,
    /// The date whose rules apply after (`None`: each dossier's own).
    pub after_rules: Option<NaiveDate>,
    pub before: Side,
}

impl Sides {
    /// One programme under the rules of two dates.
    pub fn dates(programme: Programme, after: NaiveDate, before: NaiveDate) -> Sides {
        Sides {
            before: Side {
                plan: programme.plan().clone(),
                rules_date: Some(before),
            },
            after_rules: Some(after),
            after: programme,
        }
    }

    pub fn comparison(&self) -> Comparison {
        Comparison::new(
            self.before.clone(),
            Side {
                plan: self.after.plan().clone(),
                rules_date: self.after_rules,
            },
        )
    }

    /// An empty summary for this programme, listing at most `max` changed dossiers.
    pub fn summary(&self, max: usize) -> Summary {
        let prog = &self.after;
        let file = crate::eval::plan::display_path(prog.db(), prog.entry());
        Summary::new(prog.name(), &file, max)
    }

    /// Whether a dossier is compared for this programme: one that names it, or, among
    /// dossiers the user gave (`given`), one that names no programme.
    pub fn takes(&self, dossier: &Dossier, given: bool) -> bool {
        match &dossier.programme {
            Some(own) => self.after.is_named(own),
            None => given,
        }
    }

    /// Compares the programme over dossiers read already: `(label, dossier)` pairs, in
    /// order, each evaluated at `date` or at its own. A dossier without a date is an error
    /// naming it.
    pub fn over<'a>(
        &self,
        dossiers: impl IntoIterator<Item = (String, &'a Dossier)>,
        date: Option<NaiveDate>,
        max: usize,
    ) -> Result<Summary, String> {
        let mut summary = self.summary(max);
        let mut cmp = self.comparison();
        for (label, d) in dossiers {
            let at = date.or(d.date).ok_or_else(|| {
                format!("{label} : indiquez la date d'évaluation (--date AAAA-MM-JJ) ou une « date » dans le dossier")
            })?;
            summary.add(cmp.compare(&label, d.description.as_deref(), &d.inputs, at));
        }
        Ok(summary)
    }
}

/// Two trees compared: the programmes whose files differ (or those named, by their entry
/// file in `after`), each compiled on both sides, and what cannot be compared, in French.
/// A side that does not check clean is an error carrying its diagnostics.
pub fn tree_sides(
    before: &Database,
    after: &Database,
    named: Option<Vec<SourceFile>>,
    base: &str,
) -> Result<(Vec<Sides>, Vec<String>), OpenError> {
    let entries = match named {
        Some(files) => files
            .into_iter()
            .map(|a| (before.file(a.path(after)), Some(a)))
            .collect(),
        None => differing_programmes(before, after),
    };
    let mut sides = Vec::new();
    let mut notes = Vec::new();
    for pair in entries {
        match pair {
            (Some(b), Some(a)) => {
                let after = Programme::compile(after.clone(), a)?;
                let before = Programme::compile(before.clone(), b)?;
                sides.push(Sides {
                    after,
                    after_rules: None,
                    before: Side {
                        plan: before.plan().clone(),
                        rules_date: None,
                    },
                });
            }
            (None, Some(a)) => notes.push(format!(
                "le programme « {} » n'existe pas dans {base} : il est nouveau, ses dossiers n'ont pas de point de comparaison",
                crate::eval::plan::display_path(after, a)
            )),
            (Some(b), None) => notes.push(format!(
                "le programme « {} » de {base} n'existe plus",
                crate::eval::plan::display_path(before, b)
            )),
            (None, None) => {}
        }
    }
    Ok((sides, notes))
}
