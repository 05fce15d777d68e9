//! A dossier line read straight into the plan's input slots, in one pass over its bytes: no
//! JSON tree, keys looked up once, texts borrowed, numbers read exactly from their digits,
//! the type of each value known from its slot before it is read (`scan` reads the JSON).
//!
//! This path takes only what it can take as is. Anything else makes it give up: an error of
//! any kind, a key written twice, an unknown field, a text not in NFC, an escaped key, an
//! identifier that is an object. The line then takes the ordinary path (`json::parse`, then
//! `decode_inputs`), which gives the French messages. For every line this path does take,
//! both paths give the same values, because both decode scalars with `decode_scalar`.

use unicode_normalization::{is_nfc_quick, IsNormalized};

use super::dossier::{decode_scalar, Scalar};
use super::json::{Path, NUMBER_TOKEN};
use super::run::Given;
use rustc_hash::FxHashMap;
use scan::{Scan, Start};

mod scan;

use crate::check::scope::DefKind;

use super::plan::{Plan, Slot};
use super::value::{RtTy, Value};

/// A line decoded: the inputs it gives (`null` left out), and the identifier's
/// JSON text as written, when one was asked for and given.
#[derive(Debug)]
pub struct Line<'a> {
    pub inputs: Given,
    pub id: Option<&'a str>,
}

/// The plan's inputs by name, as `decode_inputs` finds them (the entry file's names first),
/// built once for all the lines a plan reads.
pub struct Keys(FxHashMap<Box<str>, Slot>);

impl Keys {
    pub fn of(plan: &Plan) -> Keys {
        let inputs = plan
            .by_name
            .iter()
            .filter(|(_, s)| plan.def(**s).kind == DefKind::Input)
            .map(|(name, s)| (Box::from(name.as_str()), *s));
        Keys(inputs.collect())
    }
}

/// Reads one dossier line, `None` when the line must take the ordinary path. `id_field`
/// names the key that identifies the dossier: it is not an input.
pub fn read<'a>(
    plan: &Plan,
    keys: &Keys,
    text: &'a str,
    id_field: Option<&str>,
) -> Option<Line<'a>> {
    let mut scan = Scan::new(text);
    let mut reader = Reader {
        plan,
        scan: &mut scan,
        buf: String::new(),
    };
    let line = reader.top(keys, id_field)?;
    scan.end()?;
    Some(line)
}

/// A text already in NFC, as the ordinary path would leave it.
fn plain(s: &str) -> bool {
    // Below U+0300 (Latin-1, Latin Extended A and B: « é », « è », « ç »…) every character is
    // in NFC and none combines with another: the full check is for the rest.
    s.is_ascii() || s.chars().all(|c| c < '\u{300}') || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// The line's values, read with the types the plan gives them.
struct Reader<'p, 'a, 's> {
    plan: &'p Plan,
    scan: &'s mut Scan<'a>,
    /// Where a text with escapes is decoded.
    buf: String,
}

impl<'a> Reader<'_, 'a, '_> {
    /// The dossier object: each key to its input's slot.
    fn top(&mut self, keys: &Keys, id_field: Option<&str>) -> Option<Line<'a>> {
        let plan = self.plan;
        let mut inputs = Given::with_capacity(16);
        // The slots seen, `null` included: a second sight gives up.
        let mut seen = vec![0u64; plan.defs.len().div_ceil(64)];
        let mut id = None;
        self.scan.open(Start::Object)?;
        let mut first = true;
        while let Some(key) = self.scan.key(first)? {
            first = false;
            if Some(key) == id_field {
                // The ordinary path compares the key once in NFC; the identifier named by
                // the user may not be.
                if !plain(key) || id.is_some() {
                    return None;
                }
                id = Some(self.id()?);
                continue;
            }
            let slot = *keys.0.get(key)?;
            let (word, bit) = (slot as usize / 64, 1u64 << (slot % 64));
            match seen.get_mut(word) {
                Some(w) if *w & bit == 0 => *w |= bit,
                _ => return None,
            }
            let path = Path::Key(&Path::Root, key);
            if let Some(value) = self.value(&plan.def(slot).ty, &path)? {
                inputs.push((slot, value));
            }
        }
        inputs.sort_unstable_by_key(|(s, _)| *s);
        Some(Line { inputs, id })
    }

    /// The identifier's text, when writing it back as written gives the bytes the ordinary
    /// path writes: a number without exponent (`1E5` comes back `1e+5`), `true`, `false`,
    /// `null`, or a text with no escape in NFC.
    fn id(&mut self) -> Option<&'a str> {
        let start = self.scan.position();
        match self.scan.start()? {
            Start::Text => {
                let text = self.scan.plain_text()?;
                if !plain(text) {
                    return None;
                }
            }
            Start::Number => {
                self.scan.number()?;
            }
            Start::Object | Start::Array => return None,
            word => self.scan.word(word)?,
        }
        self.scan.since(start)
    }

    /// A value of type `ty` at `path` (for the fields a dossier leaves out); `None` inside
    /// for `null`.
    fn value(&mut self, ty: &RtTy, path: &Path<'_>) -> Option<Option<Value>> {
        let start = self.scan.start()?;
        match start {
            Start::Null => {
                self.scan.word(start)?;
                Some(None)
            }
            Start::True | Start::False => {
                self.scan.word(start)?;
                self.scalar(Scalar::Bool(start == Start::True), ty)
            }
            Start::Number => self.number(ty),
            Start::Text => self.text(ty),
            Start::Object => match ty {
                RtTy::Struct(s) => self.structure(*s, path),
                _ => None,
            },
            Start::Array => match ty {
                RtTy::List(elem) => self.list(elem, path),
                _ => None,
            },
        }
    }

    fn scalar(&self, s: Scalar<'_>, ty: &RtTy) -> Option<Option<Value>> {
        decode_scalar(self.plan, s, ty).ok().map(Some)
    }

    /// A number as written; those serde_json would write otherwise (`1E5` becomes `1e+5`,
    /// `-0` is not exact) take the ordinary path.
    fn number(&mut self, ty: &RtTy) -> Option<Option<Value>> {
        let digits = self.scan.number()?;
        if digits == "-0" {
            return None;
        }
        self.scalar(Scalar::Number(digits), ty)
    }

    /// A text in NFC. Escapes are decoded, except in the text of a number (`"15\u0020%"`),
    /// which the ordinary path reads from its JSON text.
    fn text(&mut self, ty: &RtTy) -> Option<Option<Value>> {
        let numeric = matches!(
            ty,
            RtTy::Int | RtTy::Dec | RtTy::Pct | RtTy::Qty(_) | RtTy::Duration
        );
        let mut buf = std::mem::take(&mut self.buf);
        let text = if numeric {
            self.scan.plain_text()
        } else {
            self.scan.text(&mut buf)
        };
        let value = match text {
            Some(text) if plain(text) => self.scalar(Scalar::Text(text), ty),
            _ => None,
        };
        self.buf = buf;
        value
    }

    /// A structure's fields; a field left out takes its default.
    fn structure(&mut self, s: u32, path: &Path<'_>) -> Option<Option<Value>> {
        let desc = self.plan.structs.get(s as usize)?;
        let mut seen: Vec<Option<Option<Value>>> = vec![None; desc.fields.len()];
        self.scan.open(Start::Object)?;
        let mut first = true;
        while let Some(k) = self.scan.key(first)? {
            first = false;
            // An exact number as serde_json spells it inside: the ordinary path's business.
            if k == NUMBER_TOKEN {
                return None;
            }
            let i = desc.fields.iter().position(|f| f.name == k)?;
            if seen[i].is_some() {
                return None;
            }
            let path = Path::Key(path, k);
            seen[i] = Some(self.value(&desc.fields[i].ty, &path)?);
        }
        let fields = desc
            .fields
            .iter()
            .zip(seen)
            .map(|(f, v)| match v.flatten() {
                Some(v) => v,
                None => f.default_or_missing(|| Path::Key(path, &f.name).to_string()),
            });
        Some(Some(Value::Struct(fields.collect())))
    }

    /// A list's elements, none of them `null`.
    fn list(&mut self, elem: &RtTy, path: &Path<'_>) -> Option<Option<Value>> {
        let mut items = Vec::new();
        self.scan.open(Start::Array)?;
        while self.scan.element(items.is_empty())? {
            let path = Path::Index(path, items.len());
            items.push(self.value(elem, &path)??);
        }
        Some(Some(Value::List(items.into())))
    }
}
