//! A dossier line read straight into the plan's input slots, in one pass over its text: no
//! JSON tree, keys looked up once, texts borrowed, numbers read exactly from their digits.
//!
//! This path takes only what it can take as is. Anything else makes it give up: an error of
//! any kind, a key written twice, an unknown field, a text not in NFC, an escaped key, an
//! identifier that is an object. The line then takes the ordinary path (`json::parse`, then
//! `decode_inputs`), which gives the French messages. For every line this path does take,
//! both paths give the same values, because both decode scalars with `decode_scalar`.

use std::fmt;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use unicode_normalization::{is_nfc_quick, IsNormalized};

use super::dossier::{decode_scalar, Scalar};
use super::json::{Path, NUMBER_TOKEN};
use rustc_hash::FxHashMap;

use crate::check::scope::DefKind;

use super::plan::{Plan, Slot};
use super::value::{RtTy, Value};

/// A line decoded: the inputs by slot (`None`: not given, or `null`), and the identifier's
/// JSON text as written, when one was asked for and given.
#[derive(Debug)]
pub struct Line<'a> {
    pub inputs: Vec<Option<Value>>,
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
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let line = de
        .deserialize_map(Top {
            plan,
            keys,
            id_field,
        })
        .ok()?;
    de.end().ok()?;
    Some(line)
}

/// Why this path stops: never shown, the ordinary path says what is wrong.
fn give_up<E: serde::de::Error, T>() -> Result<T, E> {
    Err(E::custom("chemin ordinaire"))
}

/// A text already in NFC, as the ordinary path would leave it.
fn plain(s: &str) -> bool {
    // Below U+0300 (Latin-1, Latin Extended A and B: « é », « è », « ç »…) every character is
    // in NFC and none combines with another: the full check is for the rest.
    s.is_ascii() || s.chars().all(|c| c < '\u{300}') || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// The identifier's text, when writing it back as written gives the bytes the ordinary path
/// writes: a number without exponent (`1E5` comes back `1e+5`), `true`, `false`, `null`, or a
/// text with no escape in NFC.
fn plain_id(raw: &str) -> Option<&str> {
    match raw.as_bytes().first()? {
        b'"' => (!raw.contains('\\') && plain(raw)).then_some(raw),
        b'{' | b'[' => None,
        _ => (!raw.contains(['e', 'E']) || matches!(raw, "true" | "false")).then_some(raw),
    }
}

/// A key, borrowed from the line (an escaped key gives up). It is not checked for NFC: it
/// is only ever compared with the plan's names, which are, so that a key not in NFC is
/// found nowhere and the line gives up.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = &'de str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'de str, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = &'de str;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("une clé")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<&'de str, E> {
        Ok(s)
    }
}

/// The dossier object: each key to its input's slot.
struct Top<'p, 'f> {
    plan: &'p Plan,
    keys: &'p Keys,
    id_field: Option<&'f str>,
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = Line<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("un objet JSON")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Line<'de>, A::Error> {
        let plan = self.plan;
        let mut inputs: Vec<Option<Value>> = vec![None; plan.defs.len()];
        // The slots seen, `null` included: a second sight gives up.
        let mut seen = vec![0u64; plan.defs.len().div_ceil(64)];
        let mut id = None;
        while let Some(key) = map.next_key_seed(Key)? {
            if Some(key) == self.id_field {
                // The ordinary path compares the key once in NFC; the identifier named by
                // the user may not be.
                if !plain(key) {
                    return give_up();
                }
                let raw: &'de RawValue = map.next_value()?;
                match (id, plain_id(raw.get())) {
                    (None, Some(text)) => id = Some(text),
                    _ => return give_up(),
                }
                continue;
            }
            let Some(&slot) = self.keys.0.get(key) else {
                return give_up();
            };
            let (word, bit) = (slot as usize / 64, 1u64 << (slot % 64));
            match seen.get_mut(word) {
                Some(w) if *w & bit == 0 => *w |= bit,
                _ => return give_up(),
            }
            let path = Path::Key(&Path::Root, key);
            let ty = &plan.def(slot).ty;
            let value = map.next_value_seed(Typed {
                plan,
                ty,
                path: &path,
            })?;
            match inputs.get_mut(slot as usize) {
                Some(place) => *place = value,
                None => return give_up(),
            }
        }
        Ok(Line { inputs, id })
    }
}

/// A value of a known type, at a known path (for the fields a dossier leaves out). `None`
/// for `null`.
struct Typed<'p, 'a> {
    plan: &'p Plan,
    ty: &'p RtTy,
    path: &'a Path<'a>,
}

impl Typed<'_, '_> {
    fn scalar<E: serde::de::Error>(&self, s: Scalar<'_>) -> Result<Option<Value>, E> {
        match decode_scalar(self.plan, s, self.ty) {
            Ok(v) => Ok(Some(v)),
            Err(_) => give_up(),
        }
    }

    /// A value of a numeric type, from its JSON text: a number, a text (`"19 500,00 $"`), or
    /// `null`. A text with an escape, and the numbers serde_json would write otherwise
    /// (`1E5` becomes `1e+5`, `-0` is not exact), take the ordinary path.
    fn raw_number<E: serde::de::Error>(&self, raw: &str) -> Result<Option<Value>, E> {
        match raw.as_bytes().first() {
            Some(b'n') => Ok(None),
            Some(b'"') if !raw.contains('\\') && raw.len() >= 2 => {
                let text = &raw[1..raw.len() - 1];
                if plain(text) {
                    self.scalar(Scalar::Text(text))
                } else {
                    give_up()
                }
            }
            Some(b'-' | b'0'..=b'9') if !raw.contains(['e', 'E']) && raw != "-0" => {
                self.scalar(Scalar::Number(raw))
            }
            _ => give_up(),
        }
    }

    /// A whole number, which arrives already read: its digits, as the ordinary path writes
    /// them back, in a buffer on the stack.
    fn integer<E: serde::de::Error>(&self, n: impl fmt::Display) -> Result<Option<Value>, E> {
        use std::io::Write;
        let mut buf = [0u8; 24];
        let mut rest = &mut buf[..];
        if write!(rest, "{n}").is_err() {
            return give_up();
        }
        let len = 24 - rest.len();
        match std::str::from_utf8(&buf[..len]) {
            Ok(digits) => self.scalar(Scalar::Number(digits)),
            Err(_) => give_up(),
        }
    }

    /// A structure's fields, the first key already read; a field left out takes its default.
    fn structure<'de, A: MapAccess<'de>>(
        &self,
        s: u32,
        mut key: Option<&'de str>,
        mut map: A,
    ) -> Result<Option<Value>, A::Error> {
        let Some(desc) = self.plan.structs.get(s as usize) else {
            return give_up();
        };
        let mut seen: Vec<Option<Option<Value>>> = vec![None; desc.fields.len()];
        while let Some(k) = key {
            let Some(i) = desc.fields.iter().position(|f| f.name == k) else {
                return give_up();
            };
            if seen[i].is_some() {
                return give_up();
            }
            let path = Path::Key(self.path, k);
            seen[i] = Some(map.next_value_seed(Typed {
                plan: self.plan,
                ty: &desc.fields[i].ty,
                path: &path,
            })?);
            key = map.next_key_seed(Key)?;
        }
        let fields = desc
            .fields
            .iter()
            .zip(seen)
            .map(|(f, v)| match v.flatten() {
                Some(v) => v,
                None => f.default_or_missing(|| Path::Key(self.path, &f.name).to_string()),
            });
        Ok(Some(Value::Struct(fields.collect())))
    }
}

impl<'de> DeserializeSeed<'de> for Typed<'_, '_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        match self.ty {
            // A number is read from its text as written, without the string serde_json
            // would build for it.
            RtTy::Int | RtTy::Dec | RtTy::Pct | RtTy::Qty(_) | RtTy::Duration => {
                let raw = <&'de RawValue>::deserialize(d)?;
                self.raw_number(raw.get())
            }
            _ => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Typed<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("une valeur du dossier")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Option<Value>, E> {
        self.scalar(Scalar::Bool(b))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Option<Value>, E> {
        self.integer(n)
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Option<Value>, E> {
        self.integer(n)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Option<Value>, E> {
        if plain(s) {
            self.scalar(Scalar::Text(s))
        } else {
            give_up()
        }
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
        let first = map.next_key_seed(Key)?;
        // An exact number (arbitrary precision) arrives as a one-key map.
        if first == Some(NUMBER_TOKEN) {
            let digits: String = map.next_value()?;
            return self.scalar(Scalar::Number(&digits));
        }
        match self.ty {
            RtTy::Struct(s) => self.structure(*s, first, map),
            _ => give_up(),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        let RtTy::List(elem) = self.ty else {
            return give_up();
        };
        let mut items = Vec::new();
        loop {
            let path = Path::Index(self.path, items.len());
            let item = Typed {
                plan: self.plan,
                ty: elem,
                path: &path,
            };
            match seq.next_element_seed(item)? {
                Some(Some(v)) => items.push(v),
                Some(None) => return give_up(),
                None => return Ok(Some(Value::List(items.into()))),
            }
        }
    }
}
