//! Reading JSON the way dossiers need it: numbers exact (serde_json's arbitrary precision),
//! a byte-order mark accepted, a key written twice in one object refused (serde would keep
//! the last one in silence), and every error in French with its line and column.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;

/// Parses a JSON document. The error is a French sentence.
pub fn parse(text: &str) -> Result<Json, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let value: Json = serde_json::from_str(text).map_err(|e| french(&e))?;
    // Accents typed either way are one name, as in policies.
    let value = nfc(value);
    // The text is valid JSON: a second pass only looks for keys written twice.
    let mut de = serde_json::Deserializer::from_str(text);
    Keys {
        path: String::new(),
    }
    .deserialize(&mut de)
    .map_err(|e| {
        let m = e.to_string();
        let m = m.split(" at line ").next().unwrap_or_default().to_string();
        format!("{m} (ligne {}, colonne {})", e.line(), e.column())
    })?;
    Ok(value)
}

/// Every key and text of a document in NFC (depth is bounded by serde_json's limit).
fn nfc(v: Json) -> Json {
    match v {
        Json::String(s) => Json::String(crate::syntax::normalize(&s)),
        Json::Array(a) => Json::Array(a.into_iter().map(nfc).collect()),
        Json::Object(m) => Json::Object(
            m.into_iter()
                .map(|(k, v)| (crate::syntax::normalize(&k), nfc(v)))
                .collect(),
        ),
        other => other,
    }
}

/// serde_json's message, in French.
fn french(e: &serde_json::Error) -> String {
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
        e.column()
    )
}

/// Walks a document and fails on the first object that holds a key twice, naming its path.
struct Keys {
    path: String,
}

impl Keys {
    fn child(&self, key: &str) -> Keys {
        Keys {
            // `dépenses[0].montant`, as the other messages write paths.
            path: if self.path.is_empty() || key.starts_with('[') {
                format!("{}{key}", self.path)
            } else {
                format!("{}.{key}", self.path)
            },
        }
    }
}

impl<'de> DeserializeSeed<'de> for Keys {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Keys {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("une valeur JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    // Only looked at, never computed with: exact numbers arrive as a one-key map.
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        while seq
            .next_element_seed(self.child(&format!("[{i}]")))?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            // An exact number (arbitrary precision) arrives as a one-key map.
            if key == "$serde_json::private::Number" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let child = self.child(&key);
            if !seen.insert(key.clone()) {
                let place = if self.path.is_empty() {
                    "au premier niveau du document".to_string()
                } else {
                    format!("dans « {} »", self.path)
                };
                return Err(serde::de::Error::custom(format!(
                    "la clé « {key} » est écrite deux fois {place} : laquelle vaut ? (JSON garderait la dernière sans le dire)"
                )));
            }
            map.next_value_seed(child)?;
        }
        Ok(())
    }
}
