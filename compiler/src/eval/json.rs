//! Reading JSON the way dossiers need it, in one pass: numbers exact (serde_json's arbitrary precision),
//! a byte-order mark accepted, a key written twice in one object refused (serde would keep
//! the last one in silence), and every error in French with its line and column.

use std::fmt;
use std::str::FromStr;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};

/// Parses a JSON document in one pass: keys and texts put in NFC as they are read (ASCII is
/// already), a key written twice refused with its path. The error is a French sentence.
pub fn parse(text: &str) -> Result<Json, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Build { path: &Path::Root }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            if e.is_data() {
                let m = e.to_string();
                let m = m.split(" at line ").next().unwrap_or_default().to_string();
                format!("{m} (ligne {}, colonne {})", e.line(), column(text, &e))
            } else {
                syntax_words(&e, text)
            }
        })?;
    Ok(value)
}

/// A text in NFC: accents typed either way are one name, as in policies.
fn nfc(s: String) -> String {
    if s.is_ascii() {
        s
    } else {
        crate::syntax::normalize(&s)
    }
}

/// Where a value stands in its document, built only when an error names it.
pub(crate) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    /// `dépenses[0].montant`, as the other messages write paths.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, k) => write!(f, "{k}"),
            Path::Key(p, k) => write!(f, "{p}.{k}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// Builds the value of a document, its path known for messages.
struct Build<'a> {
    path: &'a Path<'a>,
}

impl<'de> DeserializeSeed<'de> for Build<'_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("une valeur JSON")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::from(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::from(n))
    }
    // Numbers arrive exact, as a one-key map (arbitrary precision); a binary floating-point
    // number is never taken in.
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Json, E> {
        Err(E::custom("un nombre doit être lu exactement"))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(nfc(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(nfc(s)))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        loop {
            let path = Path::Index(self.path, items.len());
            match seq.next_element_seed(Build { path: &path })? {
                Some(v) => items.push(v),
                None => return Ok(Json::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // An exact number (arbitrary precision) arrives as a one-key map.
            if key == NUMBER_TOKEN {
                let digits: String = map.next_value()?;
                return serde_json::Number::from_str(&digits)
                    .map(Json::Number)
                    .map_err(serde::de::Error::custom);
            }
            let key = nfc(key);
            if out.contains_key(&key) {
                let place = match self.path {
                    Path::Root => "au premier niveau du document".to_string(),
                    p => format!("dans « {p} »"),
                };
                return Err(serde::de::Error::custom(format!(
                    "la clé « {key} » est écrite deux fois {place} : laquelle vaut ? (JSON garderait la dernière sans le dire)"
                )));
            }
            let value = {
                let path = Path::Key(self.path, &key);
                map.next_value_seed(Build { path: &path })?
            };
            out.insert(key, value);
        }
        Ok(Json::Object(out))
    }
}

/// The key under which serde_json hands over an exact number.
pub(crate) const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// serde_json's message, in French.
/// The column of an error in characters, as pol's other messages count them (serde counts
/// bytes: every accent before it would shift it).
fn column(text: &str, e: &serde_json::Error) -> usize {
    let Some(line) = text.split('\n').nth(e.line().saturating_sub(1)) else {
        return e.column();
    };
    let mut end = e.column().min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].chars().count() + e.column().saturating_sub(line.len())
}

/// What is wrong with the JSON `text`, in French, with its line and column.
pub fn syntax_words(e: &serde_json::Error, text: &str) -> String {
    let m = e.to_string();
    let what = if m.starts_with("EOF while parsing") {
        "le texte s'arrête au milieu d'une valeur (accolade, crochet ou guillemet non fermé ?)"
    } else if m.starts_with("expected value") {
        "une valeur était attendue (texte entre guillemets, nombre, true, false, null, objet ou liste)"
    } else if m.starts_with("trailing comma") {
        "virgule en trop avant la fin de l'objet ou de la liste"
    } else if m.starts_with("key must be a string") {
        "une clé s'écrit entre guillemets droits (\"clé\")"
    } else if m.starts_with("expected `:`") {
        "« : » attendu après la clé"
    } else if m.starts_with("expected `,` or `}`") {
        "« , » ou « } » attendu"
    } else if m.starts_with("expected `,` or `]`") {
        "« , » ou « ] » attendu"
    } else if m.starts_with("trailing characters") {
        "du texte suit la fin du document JSON"
    } else if m.starts_with("recursion limit exceeded") {
        "le document est imbriqué trop profondément"
    } else if m.starts_with("invalid escape") {
        "séquence d'échappement invalide dans un texte (\\…)"
    } else if m.starts_with("control character") {
        "caractère de contrôle dans un texte (un saut de ligne s'écrit \\n)"
    } else if m.starts_with("invalid number") || m.starts_with("number out of range") {
        "nombre mal écrit ou hors limites"
    } else if m.starts_with("invalid unicode") || m.starts_with("lone leading surrogate") {
        "caractère Unicode invalide"
    } else {
        "syntaxe JSON incorrecte"
    };
    format!(
        "JSON invalide, ligne {}, colonne {} : {what}",
        e.line(),
        column(text, e)
    )
}
