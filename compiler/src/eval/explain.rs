//! Explanations: the tree of definitions that produced a value, each step with its value, the
//! inputs it read, its citation and where it is written.

use serde_json::{json, Value as Json};

use super::dossier::to_json;
use super::plan::{Body, Plan, Slot};
use super::run::{Evaluator, Read};
use super::value::Shown;
use super::value::{RtTy, Value};
use crate::check::scope::DefKind;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub slot: Slot,
    pub name: String,
    pub kind: DefKind,
    /// The value as shown to a reader, or the error.
    pub shown: String,
    pub json: Json,
    pub citations: Vec<String>,
    pub file: String,
    pub line: u32,
    /// The version's date, when an amendment is in force.
    pub version_from: Option<chrono::NaiveDate>,
    /// The exception that applied, if any: its label and line.
    pub exception: Option<(Option<String>, u32)>,
    /// Table rows used: table name and the row's line.
    pub rows: Vec<(String, u32)>,
    /// Already explained higher in the tree: children omitted.
    pub repeated: bool,
    pub children: Vec<Node>,
}

/// Builds the explanation of `slot` from an evaluator that ran with explanations on.
pub fn explain(ev: &mut Evaluator<'_>, slot: Slot) -> Node {
    let mut seen = Vec::new();
    build(ev, slot, &mut seen)
}

fn build(ev: &mut Evaluator<'_>, slot: Slot, seen: &mut Vec<Slot>) -> Node {
    let plan: &Plan = ev.plan;
    let def = plan.def(slot);
    let (shown, json) = match ev.value(slot) {
        Ok(v) => (
            Shown {
                value: &v,
                ty: &def.ty,
                plan,
            }
            .to_string(),
            to_json(&v, &def.ty, plan),
        ),
        Err(e) => (format!("erreur : {e}"), Json::Null),
    };
    let step = ev.step(slot).cloned().unwrap_or_default();
    let version = def.versions.get(step.version);
    let repeated = seen.contains(&slot);
    seen.push(slot);
    let exception = step.exception.and_then(|i| {
        version
            .and_then(|v| v.exceptions.get(i))
            .map(|e| (e.label.clone(), e.location.line))
    });
    let rows = step
        .rows
        .iter()
        .filter_map(|(t, r)| {
            let tdef = plan.def(*t);
            match tdef.versions.first().map(|v| &v.body) {
                Some(Body::Table { rows, .. }) => rows
                    .get(*r)
                    .map(|row| (tdef.name.to_string(), row.location.line)),
                _ => None,
            }
        })
        .collect();
    let mut node = Node {
        slot,
        name: def.name.to_string(),
        kind: def.kind,
        shown,
        json,
        citations: version.map(|v| v.citations.clone()).unwrap_or_default(),
        file: version
            .map(|v| v.location.file.to_string())
            .unwrap_or_default(),
        line: version.map(|v| v.location.line).unwrap_or(0),
        version_from: version.and_then(|v| v.from),
        exception,
        rows,
        repeated,
        children: Vec::new(),
    };
    if !repeated {
        for r in step.reads {
            match r {
                Read::Def(r) if plan.def(r).kind == DefKind::Table => {}
                Read::Def(r) => node.children.push(build(ev, r, seen)),
                Read::Field(r, path) => {
                    if let Some(n) = field_node(ev, r, &path) {
                        node.children.push(n);
                    }
                }
            }
        }
    }
    node
}

/// A leaf for one field of an input structure: `entrée projet.matière = …`.
fn field_node(ev: &mut Evaluator<'_>, slot: Slot, path: &[u32]) -> Option<Node> {
    let plan: &Plan = ev.plan;
    let def = plan.def(slot);
    let mut value = ev.value(slot).ok()?;
    let mut ty = &def.ty;
    let mut name = def.name.to_string();
    for &i in path {
        let RtTy::Struct(s) = ty else { return None };
        let field = plan.structs.get(*s as usize)?.fields.get(i as usize)?;
        let Value::Struct(fields) = &value else {
            return None;
        };
        let next = fields.get(i as usize)?.clone();
        value = next;
        ty = &field.ty;
        name.push('.');
        name.push_str(&field.name);
    }
    let version = def.versions.first();
    Some(Node {
        slot,
        name,
        kind: DefKind::Input,
        shown: Shown {
            value: &value,
            ty,
            plan,
        }
        .to_string(),
        json: to_json(&value, ty, plan),
        citations: Vec::new(),
        file: version
            .map(|v| v.location.file.to_string())
            .unwrap_or_default(),
        line: version.map(|v| v.location.line).unwrap_or(0),
        version_from: None,
        exception: None,
        rows: Vec::new(),
        repeated: false,
        children: Vec::new(),
    })
}

/// The tree as indented French text.
pub fn render_text(node: &Node) -> String {
    let mut out = String::new();
    render(node, "", true, true, &mut out);
    out
}

fn render(node: &Node, prefix: &str, last: bool, root: bool, out: &mut String) {
    let branch = if root {
        ""
    } else if last {
        "└─ "
    } else {
        "├─ "
    };
    out.push_str(&format!(
        "{prefix}{branch}{} {} = {}",
        node.kind.word(),
        node.name,
        node.shown
    ));
    if !node.file.is_empty() {
        out.push_str(&format!("  [{}:{}]", node.file, node.line));
    }
    out.push('\n');
    let child_prefix = if root {
        String::new()
    } else {
        format!("{prefix}{}", if last { "   " } else { "│  " })
    };
    let mut notes = Vec::new();
    for c in &node.citations {
        notes.push(format!("§ {c}"));
    }
    if let Some(d) = node.version_from {
        notes.push(format!("version modifiée en vigueur depuis le {d}"));
    }
    if let Some((label, line)) = &node.exception {
        match label {
            Some(l) => notes.push(format!("exception appliquée : « {l} » (ligne {line})")),
            None => notes.push(format!("exception appliquée (ligne {line})")),
        }
    }
    for (t, line) in &node.rows {
        notes.push(format!("table {t}, ligne {line}"));
    }
    if node.repeated && node.kind != DefKind::Input {
        notes.push("(détaillé plus haut)".into());
    }
    let has_children = !node.children.is_empty();
    for n in notes {
        out.push_str(&format!(
            "{child_prefix}{}   {n}\n",
            if has_children { "│" } else { " " }
        ));
    }
    let count = node.children.len();
    for (i, c) in node.children.iter().enumerate() {
        render(c, &child_prefix, i + 1 == count, false, out);
    }
}

pub fn to_json_tree(node: &Node) -> Json {
    json!({
        "nom": node.name,
        "genre": node.kind.word(),
        "valeur": node.json,
        "affichage": node.shown,
        "citations": node.citations,
        "fichier": node.file,
        "ligne": node.line,
        "version": node.version_from.map(|d| d.to_string()),
        "exception": node.exception.as_ref().map(|(l, line)| json!({"libellé": l, "ligne": line})),
        "lignes_de_table": node.rows.iter().map(|(t, l)| json!({"table": t, "ligne": l})).collect::<Vec<_>>(),
        "déjà_détaillé": node.repeated,
        "étapes": node.children.iter().map(to_json_tree).collect::<Vec<_>>(),
    })
}
