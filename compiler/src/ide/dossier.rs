//! Golden dossiers evaluated for the editor.

use crate::check::scope::DefKind;
use crate::db::{Db, SourceFile};
use crate::eval::dossier::Dossier;
use crate::eval::{Evaluator, Plan};

/// A dossier evaluated for the editor: the value of every definition of its program, and the
/// definitions its expectations exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DossierRun {
    /// The files of the program.
    pub files: Vec<SourceFile>,
    /// Definition name to its value as shown to a reader (or the error).
    pub values: std::collections::BTreeMap<String, String>,
    /// The definitions evaluated to check the dossier's expectations.
    pub exercised: std::collections::BTreeSet<String>,
    /// One line: the decisions and the outputs.
    pub summary: String,
    /// The date whose rules apply to the dossier (its evaluation date, or the one its
    /// programme is `daté par`).
    pub rules_date: Option<chrono::NaiveDate>,
}

/// What a dossier's expectations exercise: the files of its programme and the definitions
/// evaluated to check them. The lenses count these, for every golden dossier after every
/// keystroke: nothing else is computed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exercise {
    pub files: Vec<SourceFile>,
    pub exercised: std::collections::BTreeSet<String>,
}

/// What a golden dossier, already read, exercises (see `Exercise`). The error is a French
/// sentence.
pub fn exercise_dossier(db: &dyn Db, doc: &Dossier) -> Result<Exercise, String> {
    started(db, doc, |_, _, exercise| exercise)
}

/// Evaluates a dossier document of the database's policy tree. The error is a French
/// sentence for the editor's status line.
pub fn run_dossier(db: &dyn Db, text: &str) -> Result<DossierRun, String> {
    use crate::eval::value::Shown;
    use crate::programme::Outcome;
    let doc = crate::eval::dossier::parse_dossier(text)?;
    started(db, &doc, |plan, ev, exercise| {
        let mut run = DossierRun {
            files: exercise.files,
            exercised: exercise.exercised,
            rules_date: Some(ev.rules_date()),
            ..DossierRun::default()
        };
        for (i, def) in plan.defs.iter().enumerate() {
            if def.kind == DefKind::Table {
                continue;
            }
            let shown = match ev.value(i as u32) {
                Ok(v) => Shown {
                    value: &v,
                    ty: &def.ty,
                    plan,
                }
                .to_string(),
                Err(e) => format!("erreur : {e}"),
            };
            run.values.insert(def.name.to_string(), shown);
        }
        run.summary = Outcome::of(ev).summary(plan);
        run
    })
}

/// A dossier's evaluation started, and its expectations checked: `then` goes on from there.
fn started<T>(
    db: &dyn Db,
    doc: &Dossier,
    then: impl FnOnce(&Plan, &mut Evaluator<'_>, Exercise) -> T,
) -> Result<T, String> {
    use crate::eval::{compile_program, dossier, start, CompileError, Options};
    use crate::programme::locate::entry_named;
    let name = doc
        .programme
        .clone()
        .ok_or("le dossier n'indique pas son « programme »")?;
    let date = doc
        .date
        .ok_or("le dossier n'indique pas sa « date » d'évaluation")?;
    let entry = entry_named(db, &name)?;
    let plan = match compile_program(db, entry) {
        Ok(p) => p,
        Err(CompileError::NotAProgramme) => {
            return Err(format!("« {name} » ne déclare pas de programme"))
        }
        Err(CompileError::Diagnostics(_)) => {
            return Err("le programme contient des erreurs (voir les diagnostics)".into())
        }
    };
    let mut ev = start(&plan, &doc.inputs, &Options::at(date)).map_err(|es| {
        es.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(" ; ")
    })?;
    if let Some(raw) = &doc.expected {
        if let Ok(expected) = dossier::expectations(&plan, raw) {
            for e in expected {
                let _ = ev.value(e.slot);
                let _ = ev.failed_conditions(e.slot);
            }
        }
    }
    let exercise = Exercise {
        files: crate::eval::plan::program_files(db, entry),
        exercised: ev
            .evaluated()
            .into_iter()
            .map(|s| plan.def(s).name.to_string())
            .collect(),
    };
    Ok(then(&plan, &mut ev, exercise))
}

/// Where a golden dossier names a definition of its programme: the byte spans (quotes
/// included) of the JSON strings to rewrite when the definition is renamed. An input is named
/// by its key in « entrées »; a rule, condition or decision by its key in « attendu »; a
/// condition also in the « motifs » lists of « attendu ». `None` when the dossier is not JSON
/// or does not name a programme the definition belongs to.
pub fn dossier_mentions(
    db: &dyn Db,
    text: &str,
    def: &crate::types::DefRef,
    kind: DefKind,
) -> Option<Vec<(usize, usize)>> {
    let json = json_spans::parse(text)?;
    let top = json.object()?;
    let programme = top.iter().find(|(k, _, _)| k == "programme")?.2.string()?;
    let entry = crate::programme::locate::entry_named(db, programme).ok()?;
    if !crate::eval::plan::program_files(db, entry).contains(&def.file) {
        return None;
    }
    let same = |s: &str| crate::syntax::normalize(s) == *def.name;
    let mut out = Vec::new();
    let section = |name: &str| {
        top.iter()
            .find(|(k, _, _)| k == name)
            .and_then(|(_, _, v)| v.object())
    };
    match kind {
        DefKind::Input => {
            for (k, span, _) in section("entrées").unwrap_or(&[]) {
                if same(k) {
                    out.push(*span);
                }
            }
        }
        DefKind::Rule | DefKind::Condition | DefKind::Decision => {
            for (k, span, v) in section("attendu").unwrap_or(&[]) {
                if same(k) {
                    out.push(*span);
                }
                if kind != DefKind::Condition {
                    continue;
                }
                let motifs = v
                    .object()
                    .and_then(|m| m.iter().find(|(k, _, _)| k == "motifs"))
                    .and_then(|(_, _, v)| v.array());
                for m in motifs.unwrap_or(&[]) {
                    if m.string().is_some_and(same) {
                        out.push(m.span);
                    }
                }
            }
        }
        _ => {}
    }
    out.sort();
    Some(out)
}

/// A JSON reader that keeps where each string is written (the evaluator's reader does not).
mod json_spans {
    pub struct Node {
        pub span: (usize, usize),
        pub kind: Kind,
    }

    /// A member of an object: its key, the span of the key (quotes included), its value.
    pub type Member = (String, (usize, usize), Node);

    pub enum Kind {
        Object(Vec<Member>),
        Array(Vec<Node>),
        String(String),
        Other,
    }

    impl Node {
        pub fn object(&self) -> Option<&[Member]> {
            match &self.kind {
                Kind::Object(m) => Some(m),
                _ => None,
            }
        }
        pub fn array(&self) -> Option<&[Node]> {
            match &self.kind {
                Kind::Array(a) => Some(a),
                _ => None,
            }
        }
        pub fn string(&self) -> Option<&str> {
            match &self.kind {
                Kind::String(s) => Some(s),
                _ => None,
            }
        }
    }

    pub fn parse(text: &str) -> Option<Node> {
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            i: 0,
            depth: 0,
        };
        let node = p.value()?;
        p.ws();
        (p.i == p.s.len()).then_some(node)
    }

    struct Parser<'a> {
        s: &'a [u8],
        text: &'a str,
        i: usize,
        depth: usize,
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while self.s.get(self.i).is_some_and(|b| b" \t\r\n".contains(b)) {
                self.i += 1;
            }
        }

        fn value(&mut self) -> Option<Node> {
            self.ws();
            // Deeply nested documents are not dossiers; never overflow the stack on them.
            self.depth += 1;
            if self.depth > 200 {
                return None;
            }
            let start = self.i;
            let kind = match *self.s.get(self.i)? {
                b'{' => {
                    self.i += 1;
                    let mut members = Vec::new();
                    self.ws();
                    if self.s.get(self.i) == Some(&b'}') {
                        self.i += 1;
                    } else {
                        loop {
                            self.ws();
                            let k0 = self.i;
                            let key = self.string()?;
                            let key_span = (k0, self.i);
                            self.ws();
                            if self.s.get(self.i) != Some(&b':') {
                                return None;
                            }
                            self.i += 1;
                            let v = self.value()?;
                            members.push((key, key_span, v));
                            self.ws();
                            match self.s.get(self.i)? {
                                b',' => self.i += 1,
                                b'}' => {
                                    self.i += 1;
                                    break;
                                }
                                _ => return None,
                            }
                        }
                    }
                    Kind::Object(members)
                }
                b'[' => {
                    self.i += 1;
                    let mut items = Vec::new();
                    self.ws();
                    if self.s.get(self.i) == Some(&b']') {
                        self.i += 1;
                    } else {
                        loop {
                            items.push(self.value()?);
                            self.ws();
                            match self.s.get(self.i)? {
                                b',' => self.i += 1,
                                b']' => {
                                    self.i += 1;
                                    break;
                                }
                                _ => return None,
                            }
                        }
                    }
                    Kind::Array(items)
                }
                b'"' => Kind::String(self.string()?),
                _ => {
                    while self
                        .s
                        .get(self.i)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
                    {
                        self.i += 1;
                    }
                    if self.i == start {
                        return None;
                    }
                    Kind::Other
                }
            };
            self.depth -= 1;
            Some(Node {
                span: (start, self.i),
                kind,
            })
        }

        fn string(&mut self) -> Option<String> {
            if self.s.get(self.i) != Some(&b'"') {
                return None;
            }
            self.i += 1;
            let mut out = String::new();
            loop {
                let rest = self.text.get(self.i..)?;
                let c = rest.chars().next()?;
                self.i += c.len_utf8();
                match c {
                    '"' => return Some(out),
                    '\\' => {
                        let e = *self.s.get(self.i)?;
                        self.i += 1;
                        match e {
                            b'"' => out.push('"'),
                            b'\\' => out.push('\\'),
                            b'/' => out.push('/'),
                            b'b' => out.push('\u{8}'),
                            b'f' => out.push('\u{c}'),
                            b'n' => out.push('\n'),
                            b'r' => out.push('\r'),
                            b't' => out.push('\t'),
                            b'u' => {
                                let unit = |p: &mut Self| -> Option<u32> {
                                    let h = p.text.get(p.i..p.i + 4)?;
                                    p.i += 4;
                                    u32::from_str_radix(h, 16).ok()
                                };
                                let hi = unit(self)?;
                                let code = if (0xD800..0xDC00).contains(&hi)
                                    && self.text.get(self.i..self.i + 2) == Some("\\u")
                                {
                                    self.i += 2;
                                    let lo = unit(self)?;
                                    0x10000
                                        + ((hi - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF)
                                } else {
                                    hi
                                };
                                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                            }
                            _ => return None,
                        }
                    }
                    c => out.push(c),
                }
            }
        }
    }
}
