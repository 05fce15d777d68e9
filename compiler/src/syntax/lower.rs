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

    fn error_expr(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }

    /// Lowers an expression at the current tree level. Grammar levels that only pass their
    /// one child through (`expr` → `disjunction` → … → `primary`) do not count: only the
    /// nodes of the tree do, through `child`.
    fn expr(&mut self, p: Pair<'_, Rule>) -> Expr {
        let span = self.span(&p);
        self.expr_inner(p, span)
    }

    /// Lowers a sub-expression `levels` tree levels below the current one, or reports that
    /// the tree would be too deep (once per item) and stands an error node in its place.
    fn child(&mut self, p: Pair<'_, Rule>, levels: u32) -> Expr {
        if self.depth.saturating_add(levels) > MAX_DEPTH {
            let span = self.span(&p);
            return self.too_deep(span, TooDeep::Nesting);
        }
        self.depth += levels;
        let e = crate::with_stack(|| self.expr(p));
        self.depth -= levels;
        e
    }

    /// The diagnostic for a tree deeper than `MAX_DEPTH`.
    fn too_deep(&mut self, span: Span, cause: TooDeep) -> Expr {
        if !self.depth_reported {
            self.depth_reported = true;
            let (message, help) = match cause {
                TooDeep::Chain => (
                    format!("cette expression enchaîne trop d'opérations (plus de {MAX_DEPTH})"),
                    "regroupez les termes dans une liste (somme([…])) ou dans des règles nommées",
                ),
                TooDeep::Nesting => (
                    format!(
                        "cette expression est imbriquée trop profondément (plus de {MAX_DEPTH} niveaux)"
                    ),
                    "découpez-la en plusieurs règles nommées",
                ),
                TooDeep::Type => (
                    format!("ce type est imbriqué trop profondément (plus de {MAX_DEPTH} niveaux)"),
                    "une liste de listes se déclare rarement au-delà de deux niveaux",
                ),
            };
            self.errors.push(
                Diagnostic::error(codes::DEPTH, message, span)
                    .with_label("trop profond")
                    .with_help(help),
            );
        }
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }

    /// Lowers the operands of a left-associative chain (`a + b - c`, `a et b et c`): the
    /// first operand sits deepest, n − 1 levels down; `None` if the chain is too long.
    fn chain_operand(&mut self, p: Pair<'_, Rule>, index: usize, count: usize) -> Expr {
        let levels = if index == 0 { count - 1 } else { count - index };
        self.child(p, u32::try_from(levels).unwrap_or(u32::MAX))
    }

    /// Whether a chain of `count` operands fits under the depth limit.
    fn chain_fits(&self, count: usize) -> bool {
        u32::try_from(count)
            .ok()
            .is_some_and(|n| self.depth.saturating_add(n) <= MAX_DEPTH + 1)
    }

    fn expr_inner(&mut self, p: Pair<'_, Rule>, span: Span) -> Expr {
        let rule = p.as_rule();
        match rule {
            Rule::expr => match inner(p).next() {
                Some(q) => self.expr(q),
                None => Self::error_expr(span),
            },
            Rule::if_expr => {
                let mut it = inner(p);
                let (Some(c), Some(t), Some(o)) = (it.next(), it.next(), it.next()) else {
                    return Self::error_expr(span);
                };
                Expr {
                    kind: ExprKind::If {
                        cond: Box::new(self.child(c, 1)),
                        then: Box::new(self.child(t, 1)),
                        otherwise: Box::new(self.child(o, 1)),
                        postfix: false,
                    },
                    span,
                }
            }
            Rule::postfix_if => {
                let mut it = inner(p);
                let Some(first) = it.next() else {
                    return Self::error_expr(span);
                };
                match (it.next(), it.next()) {
                    (Some(c), Some(o)) => Expr {
                        kind: ExprKind::If {
                            then: Box::new(self.child(first, 1)),
                            cond: Box::new(self.child(c, 1)),
                            otherwise: Box::new(self.child(o, 1)),
                            postfix: true,
                        },
                        span,
                    },
                    _ => self.expr(first),
                }
            }
            Rule::disjunction | Rule::conjunction => {
                let op = if rule == Rule::disjunction {
                    BinOp::Or
                } else {
                    BinOp::And
                };
                let operands: Vec<_> = inner(p).collect();
                let count = operands.len();
                if count == 0 {
                    return Self::error_expr(span);
                }
                if !self.chain_fits(count) {
                    return self.too_deep(span, TooDeep::Chain);
                }
                let mut it = operands.into_iter();
                let Some(first) = it.next() else {
                    return Self::error_expr(span);
                };
                if count == 1 {
                    return self.expr(first);
                }
                let mut acc = self.chain_operand(first, 0, count);
                for (i, q) in it.enumerate() {
                    let rhs = self.chain_operand(q, i + 1, count);
                    acc = Expr {
                        span: Span {
                            start: acc.span.start,
                            end: rhs.span.end,
                        },
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                    };
                }
                acc
            }
            Rule::negation => {
                let parts: Vec<_> = inner(p).collect();
                let nots = parts.iter().filter(|q| q.as_rule() == Rule::kw_non).count();
                let Some(last) = parts.into_iter().last() else {
                    return Self::error_expr(span);
                };
                let mut e = self.child(last, u32::try_from(nots).unwrap_or(u32::MAX));
                for _ in 0..nots {
                    e = Expr {
                        kind: ExprKind::Unary(UnOp::Not, Box::new(e)),
                        span,
                    };
                }
                e
            }
            Rule::comparison => {
                let mut it = inner(p);
                let Some(first) = it.next() else {
                    return Self::error_expr(span);
                };
                let (second, third) = (it.next(), it.next());
                if second.is_none() {
                    return self.expr(first);
                }
                let lhs = self.child(first, 1);
                match (second, third) {
                    (Some(op), Some(rhs)) => {
                        let op = match op.as_str() {
                            "=" => BinOp::Eq,
                            "!=" | "≠" => BinOp::Ne,
                            "<" => BinOp::Lt,
                            "<=" | "≤" => BinOp::Le,
                            ">" => BinOp::Gt,
                            _ => BinOp::Ge,
                        };
                        Expr {
                            kind: ExprKind::Binary(op, Box::new(lhs), Box::new(self.child(rhs, 1))),
                            span,
                        }
                    }
                    // `x dans L`: the keyword is silent, so the list comes right after.
                    (Some(rhs), None) => Expr {
                        kind: ExprKind::Binary(
                            BinOp::In,
                            Box::new(lhs),
                            Box::new(self.child(rhs, 1)),
                        ),
                        span,
                    },
                    _ => lhs,
                }
            }
            Rule::additive | Rule::multiplicative => {
                let parts: Vec<_> = inner(p).collect();
                let count = parts.len().div_ceil(2);
                if !self.chain_fits(count) {
                    return self.too_deep(span, TooDeep::Chain);
                }
                let mut it = parts.into_iter();
                let Some(first) = it.next() else {
                    return Self::error_expr(span);
                };
                if count == 1 {
                    return self.expr(first);
                }
                let mut acc = self.chain_operand(first, 0, count);
                let mut index = 0;
                while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
                    index += 1;
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "/" | "÷" => BinOp::Div,
                        _ => BinOp::Mul,
                    };
                    let rhs = self.chain_operand(rhs, index, count);
                    acc = Expr {
                        span: Span {
                            start: acc.span.start,
                            end: rhs.span.end,
                        },
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                    };
                }
                acc
            }
            Rule::unary => {
                let parts: Vec<_> = inner(p).collect();
                let negs = parts.iter().filter(|q| q.as_rule() == Rule::neg_op).count();
                let Some(last) = parts.into_iter().last() else {
                    return Self::error_expr(span);
                };
                let mut e = self.child(last, u32::try_from(negs).unwrap_or(u32::MAX));
                for _ in 0..negs {
                    e = Expr {
                        kind: ExprKind::Unary(UnOp::Neg, Box::new(e)),
                        span,
                    };
                }
                e
            }
            Rule::postfix => {
                let parts: Vec<_> = inner(p).collect();
                let count = parts.len();
                if !self.chain_fits(count) {
                    return self.too_deep(span, TooDeep::Chain);
                }
                let mut it = parts.into_iter();
                let Some(first) = it.next() else {
                    return Self::error_expr(span);
                };
                // `f(x).champ(y)`: the primary sits one level below each call or access.
                let mut acc = self.child(first, u32::try_from(count - 1).unwrap_or(u32::MAX));
                for (i, q) in it.enumerate() {
                    // The arguments of the i-th call sit one level below that call.
                    let arg_levels = u32::try_from(count - 1 - i).unwrap_or(u32::MAX);
                    let qspan = self.span(&q);
                    let whole = Span {
                        start: acc.span.start,
                        end: qspan.end,
                    };
                    acc = match q.as_rule() {
                        Rule::field_access => {
                            let Some(n) = inner(q).next() else { continue };
                            let n = self.name(n);
                            Expr {
                                kind: ExprKind::Field(Box::new(acc), n),
                                span: whole,
                            }
                        }
                        _ => {
                            let args = inner(q).map(|a| self.child(a, arg_levels)).collect();
                            Expr {
                                kind: ExprKind::Call(Box::new(acc), args),
                                span: whole,
                            }
                        }
                    };
                }
                acc
            }
            Rule::paren_expr => match inner(p).next() {
                Some(q) => Expr {
                    kind: ExprKind::Paren(Box::new(self.child(q, 1))),
                    span,
                },
                None => Self::error_expr(span),
            },
            Rule::list_expr => {
                let parts: Vec<_> = inner(p).collect();
                let comprehensions = parts.iter().filter(|q| is_comprehension(q)).count();
                if comprehensions > 0 && parts.len() > 1 {
                    self.errors.push(
                        Diagnostic::error(
                            codes::SYNTAX,
                            "une compréhension s'écrit seule entre crochets",
                            span,
                        )
                        .with_label("compréhension parmi d'autres éléments")
                        .with_help("écrivez [x pour chaque x dans liste] dans une règle à part"),
                    );
                    return Self::error_expr(span);
                }
                if comprehensions == 1 {
                    let Some(c) = parts.into_iter().next() else {
                        return Self::error_expr(span);
                    };
                    return self.expr(c);
                }
                Expr {
                    kind: ExprKind::List(parts.into_iter().map(|q| self.child(q, 1)).collect()),
                    span,
                }
            }
            Rule::element => {
                let mut it = inner(p);
                let Some(body) = it.next() else {
                    return Self::error_expr(span);
                };
                let Some(tail) = it.next() else {
                    return self.expr(body);
                };
                let body = self.child(body, 1);
                let mut it = inner(tail);
                let (Some(var), Some(list)) = (it.next(), it.next()) else {
                    return Self::error_expr(span);
                };
                let var = self.name(var);
                let list = self.child(list, 1);
                let filter = it.next().map(|f| Box::new(self.child(f, 1)));
                Expr {
                    kind: ExprKind::Comprehension {
                        body: Box::new(body),
                        var,
                        list: Box::new(list),
                        filter,
                    },
                    span,
                }
            }
            Rule::selon_expr => {
                let mut it = inner(p);
                let Some(s) = it.next() else {
                    return Self::error_expr(span);
                };
                let scrutinee = self.child(s, 1);
                let mut arms = Vec::new();
                let mut default = None;
                for q in it {
                    match q.as_rule() {
                        Rule::selon_arm => {
                            let mut parts: Vec<_> = inner(q).collect();
                            let Some(body) = parts.pop() else { continue };
                            let patterns = parts
                                .into_iter()
                                .filter_map(|pp| self.pattern(pp))
                                .collect();
                            arms.push(SelonArm {
                                patterns,
                                body: self.child(body, 1),
                            });
                        }
                        _ => {
                            if let Some(e) = inner(q).next() {
                                default = Some(Box::new(self.child(e, 1)));
                            }
                        }
                    }
                }
                Expr {
                    kind: ExprKind::Selon {
                        scrutinee: Box::new(scrutinee),
                        arms,
                        default,
                    },
                    span,
                }
            }
            Rule::name => Expr {
                kind: ExprKind::Name(p.as_str().to_string()),
                span,
            },
            Rule::bool_lit => Expr {
                kind: ExprKind::Bool(p.as_str().starts_with('v')),
                span,
            },
            Rule::text => Expr {
                kind: ExprKind::Text(self.text_lit(p)),
                span,
            },
            Rule::date_lit => Expr {
                kind: ExprKind::Date(self.date(p)),
                span,
            },
            Rule::quantity => self.quantity(p, span),
            _ => Self::error_expr(span),
        }
    }

    fn pattern(&mut self, p: Pair<'_, Rule>) -> Option<Pattern> {
        let span = self.span(&p);
        let q = inner(p).next()?;
        Some(match q.as_rule() {
            Rule::bool_lit => Pattern::Bool(q.as_str().starts_with('v'), span),
            _ => Pattern::Variant(self.name(q)),
        })
    }

    fn quantity(&mut self, p: Pair<'_, Rule>, span: Span) -> Expr {
        let mut number = "";
        let mut suffix = Suffix::None;
        for q in inner(p) {
            match q.as_rule() {
                Rule::number => number = q.as_str(),
                Rule::unit_suffix => {
                    let s = q.as_str();
                    suffix = if s == "%" {
                        Suffix::Percent
                    } else {
                        Suffix::Unit(Unit::parse(s).unwrap_or_default(), s.to_string())
                    };
                }
                _ => {}
            }
        }
        let value = match parse_number(number) {
            Some(v) => v,
            None => {
                self.errors.push(
                    Diagnostic::error(
                        codes::NUMBER,
                        format!(
                            "le nombre {number} dépasse la précision exacte de pol (28 chiffres)"
                        ),
                        span,
                    )
                    .with_label("nombre trop grand"),
                );
                Decimal::ZERO
            }
        };
        Expr {
            kind: ExprKind::Number {
                value,
                text: number.to_string(),
                suffix,
            },
            span,
        }
    }
}

/// Whether a list element or argument is a comprehension (`x pour chaque x dans l`).
fn is_comprehension(p: &Pair<'_, Rule>) -> bool {
    p.as_rule() == Rule::element
        && p.clone()
            .into_inner()
            .any(|q| q.as_rule() == Rule::comprehension)
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
    let comments = super::comments::comment_ranges(text);
    text.char_indices()
        .rev()
        .find(|(i, c)| !c.is_whitespace() && !comments.iter().any(|r| r.contains(i)))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// Whether an item's text holds a `#` comment outside strings.
fn has_comment(text: &str) -> bool {
    !super::comments::comment_ranges(text).is_empty()
}
