//! Lowering of expressions: every node of the tree counted against `MAX_DEPTH`, chains of
//! operators laid out left-deep, literals checked for exactness.

use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::{inner, parse_number, Lowerer, TooDeep, MAX_DEPTH};
use crate::diagnostics::{codes, Diagnostic};
use crate::syntax::ast::*;
use crate::syntax::Rule;
use crate::units::Unit;

impl Lowerer {
    fn error_expr(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }

    /// Lowers an expression at the current tree level. Grammar levels that only pass their
    /// one child through (`expr` → `disjunction` → … → `primary`) do not count: only the
    /// nodes of the tree do, through `child`.
    pub(super) fn expr(&mut self, p: Pair<'_, Rule>) -> Expr {
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
    pub(super) fn too_deep(&mut self, span: Span, cause: TooDeep) -> Expr {
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

    /// A left-associative chain `first op₁ x₁ op₂ x₂ …` (`a + b - c`, `a et b et c`), laid
    /// out left-deep: the first operand sits n − 1 levels down.
    fn chain(
        &mut self,
        first: Pair<'_, Rule>,
        rest: Vec<(BinOp, Pair<'_, Rule>)>,
        span: Span,
    ) -> Expr {
        let count = rest.len() + 1;
        if !self.chain_fits(count) {
            return self.too_deep(span, TooDeep::Chain);
        }
        if rest.is_empty() {
            return self.expr(first);
        }
        let mut acc = self.chain_operand(first, 0, count);
        for (i, (op, q)) in rest.into_iter().enumerate() {
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

    /// An operand behind repeated prefix operators (`non non x`, `- - x`), one level each.
    fn prefixed(&mut self, p: Pair<'_, Rule>, op_rule: Rule, op: UnOp, span: Span) -> Expr {
        let parts: Vec<_> = inner(p).collect();
        let ops = parts.iter().filter(|q| q.as_rule() == op_rule).count();
        let Some(last) = parts.into_iter().last() else {
            return Self::error_expr(span);
        };
        let mut e = self.child(last, u32::try_from(ops).unwrap_or(u32::MAX));
        for _ in 0..ops {
            e = Expr {
                kind: ExprKind::Unary(op, Box::new(e)),
                span,
            };
        }
        e
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
                let mut it = inner(p);
                let Some(first) = it.next() else {
                    return Self::error_expr(span);
                };
                let rest = it.map(|q| (op, q)).collect();
                self.chain(first, rest, span)
            }
            Rule::negation => self.prefixed(p, Rule::kw_non, UnOp::Not, span),
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
                let mut it = inner(p);
                let Some(first) = it.next() else {
                    return Self::error_expr(span);
                };
                let mut rest = Vec::new();
                while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "/" | "÷" => BinOp::Div,
                        _ => BinOp::Mul,
                    };
                    rest.push((op, rhs));
                }
                self.chain(first, rest, span)
            }
            Rule::unary => self.prefixed(p, Rule::neg_op, UnOp::Neg, span),
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
            Rule::record => {
                let mut it = inner(p);
                let Some(ty) = it.next() else {
                    return Self::error_expr(span);
                };
                let ty = self.name(ty);
                let mut fields = Vec::new();
                for f in it {
                    let mut parts = inner(f);
                    let (Some(n), Some(v)) = (parts.next(), parts.next()) else {
                        continue;
                    };
                    let n = self.name(n);
                    fields.push((n, self.child(v, 1)));
                }
                Expr {
                    kind: ExprKind::Record { ty, fields },
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
