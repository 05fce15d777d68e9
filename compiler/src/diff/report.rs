//! The report of a comparison: per programme, the summary (dossiers examined, changed,
//! decisions that flip, exact money totals before and after, gainers and losers) and the
//! changed dossiers up to a bound; as French text, JSON and Markdown.

use std::fmt::Write;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use super::{Cause, Change, Compared, DossierChange, OutputChange, Part};
use crate::eval::value::{french_money, money_string};

/// A whole comparison: what each side is, and one summary per programme compared.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// The before side, as said to the user (« HEAD », « les règles du 2024-12-01 »).
    pub before: String,
    pub after: String,
    pub programmes: Vec<Summary>,
    /// What could not be compared, said in French (a programme added or removed…).
    pub notes: Vec<String>,
}

/// One programme compared over a set of dossiers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub programme: String,
    /// The entry file, as shown.
    pub file: String,
    pub examined: usize,
    pub changed: usize,
    /// Dossiers stopped before any output on each side (changed or not).
    pub stopped_before: usize,
    pub stopped_after: usize,
    pub decisions: Vec<DecisionTotals>,
    pub money: Vec<MoneyTotals>,
    /// The changed dossiers listed, in the order they were examined (at most `max`).
    pub listed: Vec<DossierChange>,
    pub max: usize,
}

/// How many dossiers a decision flips.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionTotals {
    pub name: Arc<str>,
    /// From no (or an error) to yes, and from yes (or an error) to no.
    pub became_true: usize,
    pub became_false: usize,
}

/// The exact total of a money output on each side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoneyTotals {
    pub name: Arc<str>,
    pub before: Decimal,
    pub after: Decimal,
    /// Dossiers with more, with less.
    pub gainers: usize,
    pub losers: usize,
    /// Dossiers without a value on one side (an error), left out of the totals.
    pub without_value: usize,
    /// A total past the exact range: the figures are not given.
    pub overflow: bool,
}

impl Summary {
    pub fn new(programme: &str, file: &str, max: usize) -> Summary {
        Summary {
            programme: programme.to_string(),
            file: file.to_string(),
            max,
            ..Summary::default()
        }
    }

    pub fn unchanged(&self) -> usize {
        self.examined - self.changed
    }

    /// Counts one compared dossier.
    pub fn add(&mut self, c: Compared) {
        self.examined += 1;
        for (name, b, a) in &c.decisions {
            let t = match self.decisions.iter_mut().find(|d| d.name == *name) {
                Some(t) => t,
                None => {
                    self.decisions.push(DecisionTotals {
                        name: name.clone(),
                        became_true: 0,
                        became_false: 0,
                    });
                    self.decisions.last_mut().expect("just pushed")
                }
            };
            match (b, a) {
                (x, Some(true)) if *x != Some(true) => t.became_true += 1,
                (x, Some(false)) if *x != Some(false) => t.became_false += 1,
                _ => {}
            }
        }
        for (name, b, a) in &c.money {
            let t = match self.money.iter_mut().find(|m| m.name == *name) {
                Some(t) => t,
                None => {
                    self.money.push(MoneyTotals {
                        name: name.clone(),
                        before: Decimal::ZERO,
                        after: Decimal::ZERO,
                        gainers: 0,
                        losers: 0,
                        without_value: 0,
                        overflow: false,
                    });
                    self.money.last_mut().expect("just pushed")
                }
            };
            t.add(*b, *a);
        }
        self.stopped_before += usize::from(c.stopped.0);
        self.stopped_after += usize::from(c.stopped.1);
        if let Some(change) = c.change {
            self.changed += 1;
            if self.listed.len() < self.max {
                self.listed.push(change);
            }
        }
    }

    pub fn unlisted(&self) -> usize {
        self.changed - self.listed.len()
    }
}

impl MoneyTotals {
    fn add(&mut self, b: Option<Decimal>, a: Option<Decimal>) {
        let (Some(b), Some(a)) = (b, a) else {
            self.without_value += 1;
            return;
        };
        match (self.before.checked_add(b), self.after.checked_add(a)) {
            (Some(tb), Some(ta)) => {
                self.before = tb;
                self.after = ta;
            }
            _ => self.overflow = true,
        }
        if a > b {
            self.gainers += 1;
        } else if a < b {
            self.losers += 1;
        }
    }

    pub fn delta(&self) -> Option<Decimal> {
        self.after.checked_sub(self.before)
    }
}

impl Report {
    /// Whether anything changed: a dossier, or a programme that cannot be compared.
    pub fn changed(&self) -> bool {
        !self.notes.is_empty() || self.programmes.iter().any(|p| p.changed > 0)
    }

    /// The report as French text for the terminal.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Effet de la modification — avant : {} ; après : {}\n",
            self.before, self.after
        );
        for n in &self.notes {
            let _ = writeln!(out, "note : {n}");
        }
        for p in &self.programmes {
            out.push('\n');
            out.push_str(&p.text());
        }
        if self.programmes.is_empty() && self.notes.is_empty() {
            out.push_str("\nAucun programme ne diffère entre les deux côtés.\n");
        }
        out
    }

    /// The report as Markdown, for a merge-request comment.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "## Effet de la modification\n\nAvant : {}. Après : {}.\n",
            self.before, self.after
        );
        for n in &self.notes {
            let _ = writeln!(out, "\n> {n}");
        }
        for p in &self.programmes {
            out.push('\n');
            out.push_str(&p.markdown());
        }
        if self.programmes.is_empty() && self.notes.is_empty() {
            out.push_str("\nAucun programme ne diffère entre les deux côtés.\n");
        }
        out
    }

    /// The report as JSON (the fields are documented in `docs/impact.md`).
    pub fn to_json(&self) -> Json {
        json!({
            "avant": self.before,
            "après": self.after,
            "modifié": self.changed(),
            "notes": self.notes,
            "programmes": self.programmes.iter().map(Summary::to_json).collect::<Vec<_>>(),
        })
    }
}

/// `+3 000,00 $`, `-150,00 $`, `0,00 $`.
fn signed_money(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", french_money(d))
    } else {
        french_money(d)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

impl Summary {
    fn headline(&self) -> String {
        format!(
            "{} ({}) — {} : {}, {}",
            self.programme,
            self.file,
            plural(self.examined, "dossier examiné", "dossiers examinés"),
            plural(self.changed, "modifié", "modifiés"),
            plural(self.unchanged(), "inchangé", "inchangés")
        )
    }

    fn decision_line(d: &DecisionTotals) -> String {
        format!(
            "décision {} : {} à oui, {} à non",
            d.name,
            plural(d.became_true, "dossier passe", "dossiers passent"),
            d.became_false
        )
    }

    fn money_line(m: &MoneyTotals) -> String {
        if m.overflow {
            return format!("{} : total hors de la capacité des nombres exacts", m.name);
        }
        let mut s = format!(
            "{} : total {} → {} ({}) ; {} en hausse, {} en baisse",
            m.name,
            french_money(m.before),
            french_money(m.after),
            m.delta().map(signed_money).unwrap_or_default(),
            m.gainers,
            m.losers
        );
        if m.without_value > 0 {
            let _ = write!(
                s,
                " ; {} sans valeur d'un côté, hors des totaux",
                plural(m.without_value, "dossier", "dossiers")
            );
        }
        s
    }

    /// Dossiers that could not be evaluated, changed or not: said, never dropped.
    fn stopped_line(&self) -> Option<String> {
        (self.stopped_before + self.stopped_after > 0).then(|| {
            format!(
                "dossiers arrêtés avant toute sortie : {} avant, {} après (pol eval sur un dossier en donne la raison)",
                self.stopped_before, self.stopped_after
            )
        })
    }

    fn text(&self) -> String {
        let mut out = format!("Programme {}\n", self.headline());
        if let Some(l) = self.stopped_line() {
            let _ = writeln!(out, "  {l}");
        }
        for d in &self.decisions {
            let _ = writeln!(out, "  {}", Self::decision_line(d));
        }
        for m in &self.money {
            let _ = writeln!(out, "  {}", Self::money_line(m));
        }
        for c in &self.listed {
            out.push('\n');
            out.push_str(&dossier_text(c));
        }
        if self.unlisted() > 0 {
            let _ = writeln!(
                out,
                "\n  … et {} (--max pour en voir davantage)",
                plural(
                    self.unlisted(),
                    "autre dossier modifié",
                    "autres dossiers modifiés"
                )
            );
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = format!("### Programme {}\n\n", self.headline());
        if let Some(l) = self.stopped_line() {
            let _ = writeln!(out, "- {l}");
        }
        for d in &self.decisions {
            let _ = writeln!(out, "- {}", Self::decision_line(d));
        }
        for m in &self.money {
            let _ = writeln!(out, "- {}", Self::money_line(m));
        }
        if !self.listed.is_empty() {
            out.push_str("\n| dossier | sortie | avant | après | écart | cause |\n|---|---|---|---|---|---|\n");
        }
        for c in &self.listed {
            let causes = c
                .causes
                .iter()
                .map(cause_short)
                .collect::<Vec<_>>()
                .join(" ; ");
            let errors = side_errors(c);
            let rows: Vec<&OutputChange> = c.outputs.iter().collect();
            if rows.is_empty() {
                let _ = writeln!(
                    out,
                    "| {} | — | — | — | — | {} |",
                    cell(&c.label),
                    cell(&errors)
                );
            }
            for (i, o) in rows.iter().enumerate() {
                let label = if i == 0 {
                    cell(&c.label)
                } else {
                    String::new()
                };
                let cause = if i == 0 { cell(&causes) } else { String::new() };
                let _ = writeln!(
                    out,
                    "| {label} | {} | {} | {} | {} | {cause} |",
                    o.name,
                    cell(&o.before),
                    cell(&o.after),
                    o.delta.map(signed_money).unwrap_or_default()
                );
            }
        }
        if self.unlisted() > 0 {
            let _ = writeln!(
                out,
                "\n… et {}.",
                plural(
                    self.unlisted(),
                    "autre dossier modifié",
                    "autres dossiers modifiés"
                )
            );
        }
        out
    }

    fn to_json(&self) -> Json {
        json!({
            "programme": self.programme,
            "fichier": self.file,
            "examinés": self.examined,
            "inchangés": self.unchanged(),
            "modifiés": self.changed,
            "arrêtés_avant": self.stopped_before,
            "arrêtés_après": self.stopped_after,
            "décisions": self.decisions.iter().map(|d| json!({
                "décision": &*d.name,
                "passent_à_oui": d.became_true,
                "passent_à_non": d.became_false,
            })).collect::<Vec<_>>(),
            "montants": self.money.iter().map(|m| json!({
                "sortie": &*m.name,
                "avant": (!m.overflow).then(|| money_string(m.before)),
                "après": (!m.overflow).then(|| money_string(m.after)),
                "écart": (!m.overflow).then(|| m.delta().map(money_string)).flatten(),
                "en_hausse": m.gainers,
                "en_baisse": m.losers,
                "sans_valeur": m.without_value,
            })).collect::<Vec<_>>(),
            "dossiers": self.listed.iter().map(dossier_json).collect::<Vec<_>>(),
            "dossiers_non_listés": self.unlisted(),
        })
    }
}

/// A table cell: no line breaks or pipes.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn side_errors(c: &DossierChange) -> String {
    let mut parts = Vec::new();
    if !c.errors_before.is_empty() {
        parts.push(format!("avant : {}", c.errors_before.join(" ; ")));
    }
    if !c.errors_after.is_empty() {
        parts.push(format!("après : {}", c.errors_after.join(" ; ")));
    }
    parts.join(" — ")
}

fn change_words(c: &Cause) -> String {
    let kind = c.kind.word();
    match &c.change {
        Change::Added => format!("{kind} ajoutée"),
        Change::Removed => format!("{kind} supprimée"),
        Change::Renamed { from } => format!("{kind} renommée, autrefois « {from} »"),
        Change::Modified(parts) => {
            let words: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    Part::Body => "définition".to_string(),
                    Part::Reason => "motif".to_string(),
                    Part::Exceptions => "exceptions".to_string(),
                    Part::Rows(lines) if lines.is_empty() => "lignes".to_string(),
                    Part::Rows(lines) => format!(
                        "ligne{} {}",
                        if lines.len() > 1 { "s" } else { "" },
                        lines
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })
                .collect();
            if words.is_empty() {
                format!("{kind} modifiée")
            } else {
                format!("{kind} modifiée : {}", words.join(", "))
            }
        }
    }
}

fn values_words(c: &Cause) -> String {
    match (&c.before, &c.after) {
        (Some(b), Some(a)) => format!(" {b} → {a}"),
        (None, Some(a)) => format!(" → {a}"),
        (Some(b), None) => format!(" {b} → (absente)"),
        (None, None) => String::new(),
    }
}

/// `taux_de_base (§ Annexe 1) 50 % → 60 %`.
fn cause_short(c: &Cause) -> String {
    let cites = if c.citations.is_empty() {
        String::new()
    } else {
        format!(" (§ {})", c.citations.join(" ; § "))
    };
    format!("{}{cites}{}", c.name, values_words(c))
}

fn dossier_text(c: &DossierChange) -> String {
    let mut out = format!("  {}", c.label);
    if let Some(d) = &c.description {
        let _ = write!(out, " — {d}");
    }
    out.push('\n');
    if !c.errors_before.is_empty() || !c.errors_after.is_empty() {
        let _ = writeln!(out, "    {}", side_errors(c));
    }
    for o in &c.outputs {
        let _ = write!(out, "    {} : {} → {}", o.name, o.before, o.after);
        if let Some(d) = o.delta {
            let _ = write!(out, " ({})", signed_money(d));
        }
        out.push('\n');
        if !o.reasons_added.is_empty() {
            let _ = writeln!(
                out,
                "      conditions désormais non remplies : {}",
                o.reasons_added.join(", ")
            );
        }
        if !o.reasons_removed.is_empty() {
            let _ = writeln!(
                out,
                "      conditions désormais remplies : {}",
                o.reasons_removed.join(", ")
            );
        }
    }
    if c.causes.is_empty() {
        out.push_str("    cause : aucune définition modifiée sur le chemin de ce dossier (en-tête du programme, types ou valeurs par défaut)\n");
    }
    for cause in &c.causes {
        let _ = writeln!(
            out,
            "    cause : {} — {}  [{}]",
            cause_short(cause),
            change_words(cause),
            cause.location
        );
    }
    out
}

fn dossier_json(c: &DossierChange) -> Json {
    json!({
        "dossier": c.label,
        "description": c.description,
        "erreurs_avant": c.errors_before,
        "erreurs_après": c.errors_after,
        "sorties": c.outputs.iter().map(|o| json!({
            "sortie": &*o.name,
            "avant": o.before_json,
            "après": o.after_json,
            "affichage_avant": o.before,
            "affichage_après": o.after,
            "écart": o.delta.map(money_string),
            "conditions_ajoutées": o.reasons_added,
            "conditions_retirées": o.reasons_removed,
        })).collect::<Vec<_>>(),
        "causes": c.causes.iter().map(|k| json!({
            "définition": k.name,
            "genre": k.kind.word(),
            "changement": match &k.change {
                Change::Added => "ajoutée",
                Change::Removed => "supprimée",
                Change::Renamed { .. } => "renommée",
                Change::Modified(_) => "modifiée",
            },
            "ancien_nom": match &k.change { Change::Renamed { from } => Some(from), _ => None },
            "parties": match &k.change {
                Change::Modified(parts) => parts.iter().map(|p| match p {
                    Part::Body => json!("définition"),
                    Part::Reason => json!("motif"),
                    Part::Exceptions => json!("exceptions"),
                    Part::Rows(lines) => json!({"lignes_de_table": lines}),
                }).collect::<Vec<_>>(),
                _ => Vec::new(),
            },
            "citations": k.citations,
            "emplacement": k.location,
            "avant": k.before,
            "après": k.after,
        })).collect::<Vec<_>>(),
    })
}
