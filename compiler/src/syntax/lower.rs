//! From pest pairs to the syntax tree, with item-relative spans.
//!
//! Lowering checks what the grammar cannot say precisely (a date that does not exist, a
//! number too large for exact arithmetic, nesting deeper than the compiler accepts) and
//! reports it as a diagnostic; it never panics on a tree the grammar accepted.

use chrono::NaiveDate;
use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::ast::*;
use super::Rule;
use crate::diagnostics::{codes, Diagnostic};
use crate::units::Unit;

mod expr;

/// Deepest expression tree accepted, in levels of the tree: each operator, call, field
/// access, parenthesis, `si`, `selon` or list is one level, and a chain `a + b + … + z` of n
/// operands is n − 1 levels. Checking, evaluation and dropping recurse over the tree, so the
/// limit keeps every later phase within a small, known stack whatever the text.
pub const MAX_DEPTH: u32 = 256;

/// What made a tree too deep, for the message.
#[derive(Clone, Copy)]
enum TooDeep {
    /// A long chain of operators (`1 + 1 + … + 1`).
    Chain,
    /// Nested parentheses, calls, lists…
    Nesting,
    /// Nested `liste de`.
    Type,
}

struct Lowerer {
    base: usize,
    errors: Vec<Diagnostic>,
    /// Tree level of the expression being lowered (0 at the top of an item's expression).
    depth: u32,
    depth_reported: bool,
}

pub(super) fn item(pair: Pair<'_, Rule>) -> (Option<Item>, Vec<Diagnostic>) {
    let span = pair.as_span();
    let mut l = Lowerer {
        base: span.start(),
        errors: Vec::new(),
        depth: 0,
        depth_reported: false,
    };
    let item = l.item(pair);
    (item, l.errors)
}

/// The children of a pair, without keyword tokens (but `non`, which negation counts).
fn inner(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| {
        p.as_rule() == Rule::kw_non || super::errors::keyword_word(p.as_rule()).is_none()
    })
}

fn trim_text(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Lowerer {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(s.start() - self.base, s.end() - self.base)
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn text_lit(&self, pair: Pair<'_, Rule>) -> String {
        let raw = pair
            .into_inner()
            .next()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        trim_text(&raw)
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> NaiveDate {
        let span = self.span(&pair);
        match NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                self.errors.push(
                    Diagnostic::error(
                        codes::DATE,
                        format!("la date {} n'existe pas", pair.as_str()),
                        span,
                    )
                    .with_label("date invalide")
                    .with_help("une date s'écrit AAAA-MM-JJ, par exemple 2026-02-15"),
                );
                NaiveDate::MIN
            }
        }
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        // pest leaves the whitespace and comments that follow an item inside it: the item
        // ends at its last real token.
        let text = pair.as_str();
        let end = content_end(text);
        let span = Span::new(0, end);
        let has_inner_comment = has_comment(&text[..end]);
        let mut docs = Vec::new();
        let mut citations = Vec::new();
        let mut kind = None;
        let mut replaces = false;
        for p in inner(pair) {
            match p.as_rule() {
                Rule::preamble => {
                    for q in inner(p) {
                        match q.as_rule() {
                            Rule::doc_line => docs.push(doc_text(q.as_str())),
                            Rule::citation => {
                                if let Some(t) = inner(q).next() {
                                    citations.push(self.text_lit(t));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Rule::replace_item => {
                    replaces = true;
                    kind = inner(p).next().and_then(|q| self.item_kind(q));
                }
                _ => kind = self.item_kind(p),
            }
        }
        Some(Item {
            docs,
            citations,
            replaces,
            kind: kind?,
            span,
            has_inner_comment,
        })
    }

    fn item_kind(&mut self, p: Pair<'_, Rule>) -> Option<ItemKind> {
        Some(match p.as_rule() {
            Rule::programme_item => ItemKind::Programme(self.programme(p)),
            Rule::version_item => {
                let mut it = inner(p);
                let d = it.next()?;
                let date_span = self.span(&d);
                let date = self.date(d);
                let label = it.next().map(|t| self.text_lit(t));
                ItemKind::Version(VersionDecl {
                    date,
                    date_span,
                    label,
                })
            }
            Rule::import_item => {
                let path = inner(p).next()?;
                ItemKind::Import(Import {
                    path: path.as_str().split('.').map(str::to_string).collect(),
                    span: self.span(&path),
                })
            }
            Rule::enum_item => {
                let mut it = inner(p);
                let name = self.name(it.next()?);
                let variants = it
                    .map(|v| {
                        let mut docs = Vec::new();
                        let mut name = None;
                        let mut label = None;
                        for q in inner(v) {
                            match q.as_rule() {
                                Rule::doc_line => docs.push(doc_text(q.as_str())),
                                Rule::ident => name = Some(self.name(q)),
                                Rule::text => label = Some(self.text_lit(q)),
                                _ => {}
                            }
                        }
                        Variant {
                            name: name.unwrap_or(Name {
                                text: String::new(),
                                span: Span::default(),
                            }),
                            label,
                            docs,
                        }
                    })
                    .collect();
                ItemKind::Enum(EnumDef { name, variants })
            }
            Rule::struct_item => {
                let mut it = inner(p);
                let name = self.name(it.next()?);
                let mut fields = Vec::new();
                for f in it {
                    let mut docs = Vec::new();
                    let mut parts = Vec::new();
                    for q in inner(f) {
                        if q.as_rule() == Rule::doc_line {
                            docs.push(doc_text(q.as_str()));
                        } else {
                            parts.push(q);
                        }
                    }
                    let mut parts = parts.into_iter();
                    let fname = self.name(parts.next()?);
                    let ty = self.type_expr(parts.next()?);
                    let default = parts.next().map(|e| self.expr(e));
                    fields.push(Field {
                        name: fname,
                        ty,
                        default,
                        docs,
                    });
                }
                ItemKind::Struct(StructDef { name, fields })
            }
            Rule::input_item => {
                let mut it = inner(p);
                let name = self.name(it.next()?);
                let ty = self.type_expr(it.next()?);
                let default = it.next().map(|e| self.expr(e));
                ItemKind::Input(InputDecl { name, ty, default })
            }
            Rule::rule_item => {
                let mut parts: Vec<_> = inner(p).collect();
                let body = self.expr(parts.pop()?);
                let mut it = parts.into_iter();
                let name = self.name(it.next()?);
                let ty = it.next().map(|t| self.type_expr(t));
                ItemKind::Rule(RuleDef { name, ty, body })
            }
            Rule::condition_item => {
                let mut it = inner(p);
                let name = self.name(it.next()?);
                let reason = self.text_lit(it.next()?);
                let body = self.expr(it.next()?);
                ItemKind::Condition(ConditionDef { name, reason, body })
            }
            Rule::decision_item => {
                let mut it = inner(p);
                let name = self.name(it.next()?);
                let b = it.next()?;
                let body = match b.as_rule() {
                    Rule::all_conditions => DecisionBody::All(self.span(&b)),
                    _ => DecisionBody::Listed(inner(b).map(|n| self.name(n)).collect()),
                };
                ItemKind::Decision(DecisionDef { name, body })
            }
            Rule::exception_item => {
                let mut target = None;
                let mut label = None;
                let mut exprs = Vec::new();
                for q in inner(p) {
                    match q.as_rule() {
                        Rule::ident => target = Some(self.name(q)),
                        Rule::text => label = Some(self.text_lit(q)),
                        _ => exprs.push(q),
                    }
                }
                let mut exprs = exprs.into_iter();
                let condition = self.expr(exprs.next()?);
                let body = self.expr(exprs.next()?);
                ItemKind::Exception(ExceptionDef {
                    target: target?,
                    label,
                    condition,
                    body,
                })
            }
            Rule::table_item => ItemKind::Table(self.table(p)?),
            _ => return None,
        })
    }

    fn programme(&mut self, p: Pair<'_, Rule>) -> Programme {
        let mut name = Name {
            text: String::new(),
            span: Span::default(),
        };
        let mut title = None;
        let mut source = None;
        let mut period = None;
        let mut outputs = Vec::new();
        let mut dated_by = None;
        // Each clause is written once: a second one would silently win over the first.
        let mut seen: Vec<(Rule, Span)> = Vec::new();
        for q in inner(p) {
            let rule = q.as_rule();
            if matches!(
                rule,
                Rule::source_clause
                    | Rule::period_clause
                    | Rule::outputs_clause
                    | Rule::dated_clause
            ) {
                let span = self.span(&q);
                if let Some((_, first)) = seen.iter().find(|(r, _)| *r == rule) {
                    let clause = match rule {
                        Rule::source_clause => "source",
                        Rule::period_clause => "en vigueur du … au …",
                        Rule::outputs_clause => "sorties",
                        _ => "daté par",
                    };
                    self.errors.push(
                        Diagnostic::error(
                            codes::PROGRAMME,
                            format!("la clause « {clause} » est écrite deux fois"),
                            span,
                        )
                        .with_label("deuxième clause")
                        .with_secondary(*first, "première clause")
                        .with_help("gardez-en une seule : pol ne choisit pas entre les deux"),
                    );
                    continue;
                }
                seen.push((rule, span));
            }
            match rule {
                Rule::ident => name = self.name(q),
                Rule::text => title = Some(self.text_lit(q)),
                Rule::source_clause => source = inner(q).next().map(|t| self.text_lit(t)),
                Rule::dated_clause => dated_by = inner(q).next().map(|n| self.name(n)),
                Rule::period_clause => {
                    let span = self.span(&q);
                    let mut it = inner(q);
                    if let (Some(a), Some(b)) = (it.next(), it.next()) {
                        let a = self.date(a);
                        let b = self.date(b);
                        period = Some((a, b, span));
                    }
                }
                Rule::outputs_clause => outputs.extend(inner(q).map(|n| self.name(n))),
                _ => {}
            }
        }
        Programme {
            name,
            title,
            source,
            period,
            outputs,
            dated_by,
        }
    }

    fn table(&mut self, p: Pair<'_, Rule>) -> Option<TableDef> {
        let mut name = None;
        let mut params = Vec::new();
        let mut ty = None;
        let mut rows = Vec::new();
        for q in inner(p) {
            match q.as_rule() {
                Rule::ident => name = Some(self.name(q)),
                Rule::table_param => {
                    let mut it = inner(q);
                    let n = self.name(it.next()?);
                    let t = self.type_expr(it.next()?);
                    params.push((n, t));
                }
                Rule::table_row => {
                    let span = self.span(&q);
                    // A row missing its last « | » runs into the next line: say so, rather
                    // than count the next row's cells as keys.
                    if q.as_str().trim_end().contains('\n') {
                        self.errors.push(
                            Diagnostic::error(
                                codes::TABLE,
                                "une ligne de table tient sur une seule ligne et finit par « | »",
                                span,
                            )
                            .with_label("ligne de table sur plusieurs lignes")
                            .with_help("ajoutez le « | » qui manque à la fin de la ligne"),
                        );
                        continue;
                    }
                    let mut cells: Vec<Cell> = inner(q).map(|c| self.cell(c)).collect();
                    let value = match cells.pop() {
                        Some(Cell::Value(e)) => e,
                        Some(other) => {
                            let s = match &other {
                                Cell::Any(s) => *s,
                                Cell::Range(a, b) => Span {
                                    start: a.span.start,
                                    end: b.span.end,
                                },
                                Cell::Value(e) => e.span,
                            };
                            self.errors.push(
                                Diagnostic::error(
                                    codes::TABLE,
                                    "la dernière cellule d'une ligne de table est sa valeur : elle ne peut être ni « _ » ni un intervalle",
                                    s,
                                )
                                .with_label("valeur attendue"),
                            );
                            continue;
                        }
                        None => continue,
                    };
                    rows.push(TableRow {
                        keys: cells,
                        value,
                        span,
                    });
                }
                _ => ty = Some(self.type_expr(q)),
            }
        }
        Some(TableDef {
            name: name?,
            params,
            ty: ty?,
            rows,
        })
    }

    fn cell(&mut self, c: Pair<'_, Rule>) -> Cell {
        let span = self.span(&c);
        match inner(c).next() {
            Some(q) if q.as_rule() == Rule::wildcard => Cell::Any(span),
            Some(q) if q.as_rule() == Rule::range_pattern => {
                let mut it = inner(q);
                match (it.next(), it.next()) {
                    (Some(a), Some(b)) => Cell::Range(self.expr(a), self.expr(b)),
                    _ => Cell::Any(span),
                }
            }
            Some(q) => Cell::Value(self.expr(q)),
            None => Cell::Any(span),
        }
    }

    fn type_expr(&mut self, p: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::list_type => match inner(p).next() {
                Some(_) if self.depth >= MAX_DEPTH => {
                    self.too_deep(span, TooDeep::Type);
                    TypeExpr::Unit(Unit::dimensionless(), span)
                }
                Some(t) => {
                    self.depth += 1;
                    let element = self.type_expr(t);
                    self.depth -= 1;
                    TypeExpr::List(Box::new(element), span)
                }
                None => TypeExpr::Unit(Unit::dimensionless(), span),
            },
            Rule::unit_type => {
                let unit = Unit::parse(p.as_str()).unwrap_or_default();
                TypeExpr::Unit(unit, span)
            }
            _ => {
                let fallback = Name {
                    text: p.as_str().to_string(),
                    span,
                };
                let n = inner(p).next().map(|n| self.name(n)).unwrap_or(fallback);
                TypeExpr::Named(n)
            }
        }
    }
}

/// `40 000` → 40000, `4,50` → 4.50, `0.05` → 0.05. `None` if out of exact range.
pub fn parse_number(text: &str) -> Option<Decimal> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    Decimal::from_str_exact(&cleaned).ok()
}

fn doc_text(line: &str) -> String {
    line.trim_start_matches('#').trim().to_string()
}

/// The end of the last character that is neither white space nor part of a `#` comment.
fn content_end(text: &str) -> usize {
    // Walking back, the comments are met last first: one pass over the text and them.
    let mut comments = super::comments::comment_ranges(text);
    text.char_indices()
        .rev()
        .find(|(i, c)| {
            while comments.last().is_some_and(|r| r.start > *i) {
                comments.pop();
            }
            let in_comment = comments.last().is_some_and(|r| r.contains(i));
            !c.is_whitespace() && !in_comment
        })
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// Whether an item's text holds a `#` comment outside strings.
fn has_comment(text: &str) -> bool {
    !super::comments::comment_ranges(text).is_empty()
}
