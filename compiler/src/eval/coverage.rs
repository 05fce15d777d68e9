//! Coverage of a program by a set of dossiers: the rules never evaluated, the conditions never
//! seen failing, the `selon` arms never taken and the table rows never used, grouped by the
//! section of the normative text they cite. Only what the program's outputs depend on counts.

use std::collections::BTreeMap;

use super::plan::{Body, Plan, Slot};
use super::run::Coverage;
use crate::check::scope::DefKind;

/// Something no dossier exercises, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub what: String,
    pub file: String,
    pub line: u32,
}

/// `covered / total` for one kind of element.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ratio {
    pub covered: usize,
    pub total: usize,
}

impl Ratio {
    pub fn percent(self) -> usize {
        // Nothing to cover counts as fully covered.
        (self.covered * 100).checked_div(self.total).unwrap_or(100)
    }

    pub fn is_full(self) -> bool {
        self.covered == self.total
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverageReport {
    pub rules: Ratio,
    /// Conditions seen not met by at least one dossier.
    pub conditions: Ratio,
    pub arms: Ratio,
    pub rows: Ratio,
    /// Section (first citation, or « sans citation ») to what is not exercised there.
    pub gaps: BTreeMap<String, Vec<Gap>>,
}

fn section(plan: &Plan, slot: Slot) -> String {
    plan.def(slot)
        .versions
        .first()
        .and_then(|v| v.citations.first().cloned())
        .unwrap_or_else(|| "(sans citation)".to_string())
}

pub fn report(plan: &Plan, cov: &Coverage) -> CoverageReport {
    let mut r = CoverageReport::default();
    let gap = |r: &mut CoverageReport, slot: Slot, what: String, file: &str, line: u32| {
        r.gaps.entry(section(plan, slot)).or_default().push(Gap {
            what,
            file: file.to_string(),
            line,
        });
    };
    let reachable = plan.reachable();
    for (i, def) in plan.defs.iter().enumerate() {
        let slot = i as Slot;
        if !reachable.contains(&slot) {
            continue;
        }
        let Some(v) = def.versions.first() else {
            continue;
        };
        let (file, line) = (v.location.file.to_string(), v.location.line);
        match def.kind {
            DefKind::Rule => {
                r.rules.total += 1;
                if cov.evaluated.contains(&slot) {
                    r.rules.covered += 1;
                } else {
                    gap(
                        &mut r,
                        slot,
                        format!("règle {} : jamais évaluée", def.name),
                        &file,
                        line,
                    );
                }
            }
            DefKind::Condition => {
                r.conditions.total += 1;
                if cov.failed.contains(&slot) {
                    r.conditions.covered += 1;
                } else if cov.evaluated.contains(&slot) {
                    gap(
                        &mut r,
                        slot,
                        format!("condition {} : jamais non remplie", def.name),
                        &file,
                        line,
                    );
                } else {
                    gap(
                        &mut r,
                        slot,
                        format!("condition {} : jamais évaluée", def.name),
                        &file,
                        line,
                    );
                }
            }
            DefKind::Table => {
                for version in &def.versions {
                    if let Body::Table { rows, .. } = &version.body {
                        for (ri, row) in rows.iter().enumerate() {
                            r.rows.total += 1;
                            if cov.rows.contains(&(slot, ri)) {
                                r.rows.covered += 1;
                            } else {
                                gap(
                                    &mut r,
                                    slot,
                                    format!(
                                        "table {}, ligne {} : jamais utilisée",
                                        def.name, row.location.line
                                    ),
                                    &row.location.file,
                                    row.location.line,
                                );
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (id, s) in plan.selons.iter().enumerate() {
        if !reachable.contains(&s.slot) {
            continue;
        }
        for (ai, label) in s.arms.iter().enumerate() {
            r.arms.total += 1;
            if cov.arms.contains(&(id as u32, ai)) {
                r.arms.covered += 1;
            } else {
                let what = format!(
                    "selon de {} (ligne {}), {label} : jamais pris",
                    plan.def(s.slot).name,
                    s.location.line
                );
                gap(&mut r, s.slot, what, &s.location.file, s.location.line);
            }
        }
    }
    for gaps in r.gaps.values_mut() {
        gaps.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    }
    r
}
