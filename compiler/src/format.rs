//! The formatter: one canonical layout, idempotent, that parses back to the same tree.
//!
//! Comments between items are kept in place. An item that holds a `#` comment inside it is
//! kept exactly as written (trailing spaces trimmed): no comment is ever lost.

use crate::syntax::ast::*;
use crate::syntax::{parse, ParsedFile};

const WIDTH: usize = 100;
const INDENT: &str = "  ";

/// Formats a file. `None` if it has syntax errors (the formatter never guesses). A file
/// written with Windows line endings (CRLF) keeps them.
pub fn format_source(text: &str) -> Option<String> {
    let parsed = parse(text);
    if parsed.has_errors() {
        return None;
    }
    let out = format_parsed(text, &parsed);
    Some(if text.contains("\r\n") {
        out.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        out
    })
}

fn is_tight(k: &ItemKind) -> Option<u8> {
    match k {
        ItemKind::Input(_) => Some(1),
        ItemKind::Import(_) => Some(2),
        _ => None,
    }
}

/// The comment lines of a gap between items, in order, with `None` for a blank line between
/// two comments; whether the gap has a blank line before its first comment; and whether it
/// has one after its last comment (or anywhere, when it holds no comment).
fn gap_comments(gap: &str) -> (Vec<Option<String>>, bool, bool) {
    let lines: Vec<&str> = gap.split('\n').collect();
    // The first piece ends the previous item's line, the last begins the next item's line.
    let inner: &[&str] = if lines.len() > 2 {
        &lines[1..lines.len() - 1]
    } else {
        &[]
    };
    let mut out: Vec<Option<String>> = Vec::new();
    let mut blank_before = false;
    let mut pending_blank = false;
    for l in inner {
        let t = l.trim();
        if t.is_empty() {
            if out.is_empty() {
                blank_before = true;
            } else {
                pending_blank = true;
            }
        } else if t.starts_with('#') {
            if pending_blank {
                out.push(None);
                pending_blank = false;
            }
            out.push(Some(t.to_string()));
        }
    }
    let blank_after = if out.is_empty() {
        blank_before
    } else {
        pending_blank
    };
    (out, blank_before, blank_after)
}

/// The `#` comment that follows an item on its last line, if any.
fn trailing_comment(text: &str, end: usize) -> Option<&str> {
    let rest = text.get(end..)?;
    let line = rest.split('\n').next()?.trim();
    line.starts_with('#').then_some(line)
}

fn item_end(text: &str, start: usize, item: &Item) -> usize {
    (start + item.span.end as usize).min(text.len())
}

pub fn format_parsed(text: &str, parsed: &ParsedFile) -> String {
    let mut out = String::new();
    let mut prev_end = 0usize;
    let mut prev_kind: Option<&ItemKind> = None;
    for pi in &parsed.items {
        let start = pi.offset as usize;
        let gap = text.get(prev_end..start).unwrap_or("");
        // Before the first item there is no line to finish: start the gap on a fresh line.
        let gap = if prev_kind.is_none() {
            format!("\n{gap}")
        } else {
            gap.to_string()
        };
        let (comments, blank_before, blank_after) = gap_comments(&gap);
        if let Some(pk) = prev_kind {
            let same_tight = is_tight(pk).is_some() && is_tight(pk) == is_tight(&pi.item.kind);
            if !same_tight || blank_before {
                out.push('\n');
            }
        }
        for c in &comments {
            if let Some(c) = c {
                out.push_str(c);
            }
            out.push('\n');
        }
        if !comments.is_empty() && blank_after {
            out.push('\n');
        }
        let end = item_end(text, start, &pi.item);
        if pi.item.has_inner_comment {
            let raw = text.get(start..end).unwrap_or("");
            for line in raw.lines() {
                out.push_str(line.trim_end());
                out.push('\n');
            }
        } else {
            out.push_str(&item(&pi.item));
        }
        // A comment at the end of the item's last line stays there.
        if let Some(c) = trailing_comment(text, end) {
            out.pop();
            out.push_str("  ");
            out.push_str(c);
            out.push('\n');
        }
        prev_end = end;
        prev_kind = Some(&pi.item.kind);
    }
    // Comments after the last item (the gap runs to the end of the file).
    // With no item at all, the first line is a comment line too, not the end of an item's.
    let lead = if parsed.items.is_empty() { "\n" } else { "" };
    let tail_text = format!("{lead}{}\n", text.get(prev_end..).unwrap_or(""));
    let (tail, _, _) = gap_comments(&tail_text);
    if !tail.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        for c in tail {
            if let Some(c) = c {
                out.push_str(&c);
            }
            out.push('\n');
        }
    }
    out
}

/// A text between « », unless it holds a « » » itself: then between the straight quotes it
/// was written with (such a text cannot hold a `"`).
fn text_lit(s: &str) -> String {
    if s.contains('»') {
        format!("\"{s}\"")
    } else {
        format!("« {s} »")
    }
}

fn ty(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Named(n) => n.text.clone(),
        TypeExpr::Unit(u, _) => u.to_string(),
        TypeExpr::List(inner, _) => format!("liste de {}", ty(inner)),
    }
}

fn item(it: &Item) -> String {
    let mut out = String::new();
    for d in &it.docs {
        if d.is_empty() {
            out.push_str("##\n");
        } else {
            out.push_str(&format!("## {d}\n"));
        }
    }
    for c in &it.citations {
        out.push_str(&format!("§ {}\n", text_lit(c)));
    }
    let prefix = if it.replaces { "remplace " } else { "" };
    match &it.kind {
        ItemKind::Programme(p) => {
            out.push_str(&format!("programme {}", p.name.text));
            if let Some(t) = &p.title {
                out.push_str(&format!(" {}", text_lit(t)));
            }
            out.push('\n');
            if let Some(s) = &p.source {
                out.push_str(&format!("{INDENT}source {}\n", text_lit(s)));
            }
            if let Some((a, b, _)) = p.period {
                out.push_str(&format!("{INDENT}en vigueur du {a} au {b}\n"));
            }
            if let Some(n) = &p.dated_by {
                out.push_str(&format!("{INDENT}daté par {}\n", n.text));
            }
            if !p.outputs.is_empty() {
                let names: Vec<&str> = p.outputs.iter().map(|n| n.text.as_str()).collect();
                out.push_str(&format!("{INDENT}sorties {}\n", names.join(", ")));
            }
        }
        ItemKind::Version(v) => {
            out.push_str(&format!("version {}", v.date));
            if let Some(l) = &v.label {
                out.push_str(&format!(" {}", text_lit(l)));
            }
            out.push('\n');
        }
        ItemKind::Import(i) => out.push_str(&format!("importer {}\n", i.path.join("."))),
        ItemKind::Enum(e) => {
            let simple = e
                .variants
                .iter()
                .all(|v| v.label.is_none() && v.docs.is_empty());
            let names: Vec<&str> = e.variants.iter().map(|v| v.name.text.as_str()).collect();
            let one = format!("énumération {} : {}", e.name.text, names.join(" | "));
            if simple && one.chars().count() <= WIDTH {
                out.push_str(&one);
                out.push('\n');
            } else {
                out.push_str(&format!("énumération {} :\n", e.name.text));
                for v in &e.variants {
                    for d in &v.docs {
                        out.push_str(&format!("{INDENT}## {d}\n"));
                    }
                    out.push_str(&format!("{INDENT}| {}", v.name.text));
                    if let Some(l) = &v.label {
                        out.push_str(&format!(" {}", text_lit(l)));
                    }
                    out.push('\n');
                }
            }
        }
        ItemKind::Struct(s) => {
            out.push_str(&format!("structure {} :\n", s.name.text));
            for f in &s.fields {
                for d in &f.docs {
                    out.push_str(&format!("{INDENT}## {d}\n"));
                }
                out.push_str(&format!("{INDENT}{} : {}", f.name.text, ty(&f.ty)));
                if let Some(d) = &f.default {
                    out.push_str(&format!(" = {}", expr(d, 1)));
                }
                out.push('\n');
            }
        }
        ItemKind::Input(i) => {
            out.push_str(&format!("entrée {} : {}", i.name.text, ty(&i.ty)));
            if let Some(d) = &i.default {
                out.push_str(&format!(" = {}", expr(d, 1)));
            }
            out.push('\n');
        }
        ItemKind::Rule(r) => {
            let head = match &r.ty {
                Some(t) => format!("{prefix}règle {} : {} =", r.name.text, ty(t)),
                None => format!("{prefix}règle {} =", r.name.text),
            };
            out.push_str(&body(&head, &r.body));
        }
        ItemKind::Condition(c) => {
            let head = format!(
                "{prefix}condition {} {} :",
                c.name.text,
                text_lit(&c.reason)
            );
            out.push_str(&body(&head, &c.body));
        }
        ItemKind::Decision(d) => {
            let b = match &d.body {
                DecisionBody::All(_) => "toutes les conditions".to_string(),
                DecisionBody::Listed(ns) => format!(
                    "conditions {}",
                    ns.iter()
                        .map(|n| n.text.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push_str(&format!("décision {} = {b}\n", d.name.text));
        }
        ItemKind::Exception(e) => {
            let mut head = format!("exception {}", e.target.text);
            if let Some(l) = &e.label {
                head.push_str(&format!(" {}", text_lit(l)));
            }
            let one = format!(
                "{head} si {} alors {}",
                expr(&e.condition, 0),
                expr(&e.body, 0)
            );
            if one.chars().count() <= WIDTH && !one.contains('\n') {
                out.push_str(&one);
                out.push('\n');
            } else {
                out.push_str(&format!(
                    "{head}\n{INDENT}si {}\n{INDENT}alors {}\n",
                    expr(&e.condition, 1),
                    expr(&e.body, 1)
                ));
            }
        }
        ItemKind::Table(t) => {
            let params: Vec<String> = t
                .params
                .iter()
                .map(|(n, ty_)| format!("{} : {}", n.text, ty(ty_)))
                .collect();
            out.push_str(&format!(
                "{prefix}table {} ({}) : {}\n",
                t.name.text,
                params.join(", "),
                ty(&t.ty)
            ));
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| {
                    let mut cells: Vec<String> = r
                        .keys
                        .iter()
                        .map(|c| match c {
                            Cell::Any(_) => "_".to_string(),
                            Cell::Range(a, b) => format!("{} à {}", expr(a, 0), expr(b, 0)),
                            Cell::Value(e) => expr(e, 0),
                        })
                        .collect();
                    cells.push(expr(&r.value, 0));
                    cells
                })
                .collect();
            let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
            let widths: Vec<usize> = (0..ncols)
                .map(|i| {
                    rows.iter()
                        .filter_map(|r| r.get(i))
                        .map(|c| c.chars().count())
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            for r in &rows {
                out.push_str(INDENT);
                out.push('|');
                for (i, c) in r.iter().enumerate() {
                    let pad = widths[i].saturating_sub(c.chars().count());
                    out.push_str(&format!(" {c}{} |", " ".repeat(pad)));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// `head` followed by an expression: on one line if it fits, else on the next lines.
fn body(head: &str, e: &Expr) -> String {
    let one = expr(e, 0);
    if !one.contains('\n') && head.chars().count() + 1 + one.chars().count() <= WIDTH {
        format!("{head} {one}\n")
    } else {
        format!("{head}\n{INDENT}{}\n", expr_broken(e, 1))
    }
}

fn indent(level: usize) -> String {
    INDENT.repeat(level)
}

/// An expression laid out over several lines when it does not fit (chains of `ou`/`et`,
/// `si … alors … sinon`, `selon`).
fn expr_broken(e: &Expr, level: usize) -> String {
    let flat = expr(e, level);
    if !flat.contains('\n') && flat.chars().count() + level * 2 <= WIDTH {
        return flat;
    }
    match &e.kind {
        ExprKind::Binary(op @ (BinOp::Or | BinOp::And), _, _) => {
            let mut parts = Vec::new();
            flatten_chain(e, *op, &mut parts);
            let sep = format!("\n{}{} ", indent(level), op.symbol());
            parts
                .iter()
                .map(|p| expr_broken(p, level + 1))
                .collect::<Vec<_>>()
                .join(&sep)
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
            postfix: false,
        } => format!(
            "si {}\n{}alors {}\n{}sinon {}",
            expr_broken(cond, level + 1),
            indent(level),
            expr_broken(then, level + 1),
            indent(level),
            expr_broken(otherwise, level + 1)
        ),
        _ => flat,
    }
}

fn flatten_chain<'a>(e: &'a Expr, op: BinOp, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Binary(o, a, b) if *o == op => {
            flatten_chain(a, op, out);
            out.push(b);
        }
        _ => out.push(e),
    }
}

/// An amount or a quantity written the French way, as the normative texts do: thousands
/// separated by a space from 10 000 on (`2 500 $` and `2500 $` both stay as written below
/// that), a decimal comma (`4.50 $` → `4,50 $`).
fn french_digits(text: &str) -> String {
    let (int, frac) = match text.find([',', '.']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let digits: String = int.chars().filter(char::is_ascii_digit).collect();
    let grouped = if digits.len() >= 5 {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(' ');
            }
            out.push(c);
        }
        out
    } else {
        int.to_string()
    };
    match frac {
        Some(f) => format!("{grouped},{f}"),
        None => grouped,
    }
}

/// An expression on one line, except `selon`, which always takes one line per case.
pub fn expr(e: &Expr, level: usize) -> String {
    match &e.kind {
        ExprKind::Number { text, suffix, .. } => match suffix {
            // A bare number may be a year or a count: it stays as written.
            Suffix::None => text.clone(),
            Suffix::Percent => format!("{} %", french_digits(text)),
            Suffix::Unit(u, written) => {
                let mut digits = french_digits(text);
                // An amount of money has its cents: `4,5 $` is `4,50 $`.
                if u.is_money() && digits.rsplit_once(',').is_some_and(|(_, f)| f.len() == 1) {
                    digits.push('0');
                }
                format!(
                    "{} {}",
                    digits,
                    written.split_whitespace().collect::<String>()
                )
            }
        },
        ExprKind::Bool(b) => if *b { "vrai" } else { "faux" }.to_string(),
        ExprKind::Text(t) => text_lit(t),
        ExprKind::Date(d) => d.to_string(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Field(b, f) => format!("{}.{}", expr(b, level), f.text),
        // A comprehension given to a function is written without its brackets:
        // `somme(d.montant pour chaque d dans dépenses)`.
        ExprKind::Call(f, args) => format!(
            "{}({})",
            expr(f, level),
            args.iter()
                .map(|a| match &a.kind {
                    ExprKind::Comprehension { .. } => {
                        let s = expr(a, level);
                        s[1..s.len() - 1].to_string()
                    }
                    _ => expr(a, level),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ExprKind::Unary(UnOp::Not, x) => format!("non {}", expr(x, level)),
        ExprKind::Unary(UnOp::Neg, x) => format!("-{}", expr(x, level)),
        ExprKind::Binary(op, a, b) => {
            format!("{} {} {}", expr(a, level), op.symbol(), expr(b, level))
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
            postfix,
        } => {
            if *postfix {
                format!(
                    "{} si {} sinon {}",
                    expr(then, level),
                    expr(cond, level),
                    expr(otherwise, level)
                )
            } else {
                format!(
                    "si {} alors {} sinon {}",
                    expr(cond, level),
                    expr(then, level),
                    expr(otherwise, level)
                )
            }
        }
        ExprKind::Selon {
            scrutinee,
            arms,
            default,
        } => {
            let mut s = format!("selon {} :", expr(scrutinee, level));
            for arm in arms {
                let pats: Vec<String> = arm
                    .patterns
                    .iter()
                    .map(|p| match p {
                        Pattern::Variant(n) => n.text.clone(),
                        Pattern::Bool(b, _) => if *b { "vrai" } else { "faux" }.to_string(),
                    })
                    .collect();
                s.push_str(&format!(
                    "\n{}cas {} : {}",
                    indent(level + 1),
                    pats.join(", "),
                    expr(&arm.body, level + 2)
                ));
            }
            if let Some(d) = default {
                s.push_str(&format!(
                    "\n{}sinon : {}",
                    indent(level + 1),
                    expr(d, level + 2)
                ));
            }
            s
        }
        ExprKind::Record { ty, fields } => format!(
            "{} {{ {} }}",
            ty.text,
            fields
                .iter()
                .map(|(n, v)| format!("{} : {}", n.text, expr(v, level)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ExprKind::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| expr(i, level))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ExprKind::Comprehension {
            body,
            var,
            list,
            filter,
        } => {
            let mut s = format!(
                "[{} pour chaque {} dans {}",
                expr(body, level),
                var.text,
                expr(list, level)
            );
            if let Some(f) = filter {
                s.push_str(&format!(" où {}", expr(f, level)));
            }
            s.push(']');
            s
        }
        ExprKind::Paren(x) => format!("({})", expr(x, level)),
        // Files with syntax errors are never formatted; `?` keeps the output honest.
        ExprKind::Error => "?".to_string(),
    }
}
