//! The syntax tree of one item, with spans relative to the item's first byte.
//!
//! Relative spans are what makes incremental checking cheap: an edit above an item shifts
//! its offset in the file but leaves its tree equal, so salsa backdates everything derived
//! from it.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::units::Unit;

/// A byte range, relative to the start of the enclosing item (or absolute, where said).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn shift(self, by: u32) -> Span {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
}

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    /// `##` lines, without the markers.
    pub docs: Vec<String>,
    /// `§ « … »` citations.
    pub citations: Vec<String>,
    /// `remplace …`: this definition replaces an imported one from the file's version date.
    pub replaces: bool,
    pub kind: ItemKind,
    /// The whole item, from its first doc line or citation: always starts at 0.
    pub span: Span,
    /// Whether the item's text contains a `#` comment (the formatter keeps such items as
    /// written, so that no comment is ever lost).
    pub has_inner_comment: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    Programme(Programme),
    Version(VersionDecl),
    Import(Import),
    Enum(EnumDef),
    Struct(StructDef),
    Input(InputDecl),
    Rule(RuleDef),
    Condition(ConditionDef),
    Decision(DecisionDef),
    Exception(ExceptionDef),
    Table(TableDef),
}

impl ItemKind {
    /// The name this item defines, if it defines one.
    pub fn defined_name(&self) -> Option<&Name> {
        match self {
            ItemKind::Programme(p) => Some(&p.name),
            ItemKind::Enum(e) => Some(&e.name),
            ItemKind::Struct(s) => Some(&s.name),
            ItemKind::Input(i) => Some(&i.name),
            ItemKind::Rule(r) => Some(&r.name),
            ItemKind::Condition(c) => Some(&c.name),
            ItemKind::Decision(d) => Some(&d.name),
            ItemKind::Table(t) => Some(&t.name),
            ItemKind::Version(_) | ItemKind::Import(_) | ItemKind::Exception(_) => None,
        }
    }

    /// The French word for the kind of item, as used in messages.
    pub fn noun(&self) -> &'static str {
        match self {
            ItemKind::Programme(_) => "le programme",
            ItemKind::Version(_) => "la version",
            ItemKind::Import(_) => "l'importation",
            ItemKind::Enum(_) => "l'énumération",
            ItemKind::Struct(_) => "la structure",
            ItemKind::Input(_) => "l'entrée",
            ItemKind::Rule(_) => "la règle",
            ItemKind::Condition(_) => "la condition",
            ItemKind::Decision(_) => "la décision",
            ItemKind::Exception(_) => "l'exception",
            ItemKind::Table(_) => "la table",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Programme {
    pub name: Name,
    pub title: Option<String>,
    pub source: Option<String>,
    pub period: Option<(NaiveDate, NaiveDate, Span)>,
    pub outputs: Vec<Name>,
    /// `daté par NOM`: the input whose date selects the rules in force.
    pub dated_by: Option<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VersionDecl {
    pub date: NaiveDate,
    pub date_span: Span,
    pub label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Import {
    /// `std.dates` is `["std", "dates"]`.
    pub path: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumDef {
    pub name: Name,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Variant {
    pub name: Name,
    pub label: Option<String>,
    pub docs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructDef {
    pub name: Name,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: Name,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub docs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InputDecl {
    pub name: Name,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleDef {
    pub name: Name,
    pub ty: Option<TypeExpr>,
    pub body: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConditionDef {
    pub name: Name,
    pub reason: String,
    pub body: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DecisionBody {
    /// `toutes les conditions`: every condition in scope, in source order.
    All(Span),
    /// `conditions a, b, c`.
    Listed(Vec<Name>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DecisionDef {
    pub name: Name,
    pub body: DecisionBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExceptionDef {
    /// The rule this exception overrides.
    pub target: Name,
    pub label: Option<String>,
    pub condition: Expr,
    pub body: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableDef {
    pub name: Name,
    pub params: Vec<(Name, TypeExpr)>,
    pub ty: TypeExpr,
    pub rows: Vec<TableRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableRow {
    pub keys: Vec<Cell>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cell {
    Any(Span),
    Range(Expr, Expr),
    Value(Expr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    Named(Name),
    Unit(Unit, Span),
    List(Box<TypeExpr>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(n) => n.span,
            TypeExpr::Unit(_, s) | TypeExpr::List(_, s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// What follows a number literal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Suffix {
    None,
    Percent,
    /// The unit, and its spelling as written (`ruches`, `$ / ha`), kept for the formatter.
    Unit(Unit, String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    In,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "ou",
            BinOp::And => "et",
            BinOp::Eq => "=",
            BinOp::Ne => "≠",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "×",
            BinOp::Div => "/",
            BinOp::In => "dans",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SelonArm {
    pub patterns: Vec<Pattern>,
    pub body: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pattern {
    Variant(Name),
    Bool(bool, Span),
}

impl Pattern {
    pub fn span(&self) -> Span {
        match self {
            Pattern::Variant(n) => n.span,
            Pattern::Bool(_, s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    Number {
        value: Decimal,
        /// The digits as written (`40 000`, `4,50`), kept for the formatter.
        text: String,
        suffix: Suffix,
    },
    Bool(bool),
    Text(String),
    Date(NaiveDate),
    Name(String),
    Field(Box<Expr>, Name),
    Call(Box<Expr>, Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
        /// Written `A si C sinon B` rather than `si C alors A sinon B`.
        postfix: bool,
    },
    Selon {
        scrutinee: Box<Expr>,
        arms: Vec<SelonArm>,
        default: Option<Box<Expr>>,
    },
    List(Vec<Expr>),
    /// A value of a structure, its fields by name: `Versement { date : d, montant : m }`.
    Record {
        ty: Name,
        fields: Vec<(Name, Expr)>,
    },
    Comprehension {
        body: Box<Expr>,
        var: Name,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Paren(Box<Expr>),
    /// Stands where an expression could not be lowered (a diagnostic was reported); it has
    /// no type, so it causes no further error.
    Error,
}
