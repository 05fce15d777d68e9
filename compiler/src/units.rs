//! Units of measure: a product of base dimensions with integer exponents.
//!
//! `$/ha` is `{$: 1, ha: -1}`; `m³` is `{m: 3}`. Multiplying quantities adds exponents, so
//! `$/ha × ha` is `$` and `$/m² × m³` is `$·m`, which the checker refuses where money is
//! expected. Units are never converted implicitly: `ha` and `m²` are distinct dimensions.

use std::fmt;

/// A base dimension. The order of the variants is the canonical display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    Money,
    Hectare,
    Metre,
    Kilometre,
    Kilogram,
    Tonne,
    Litre,
    Unit,
    Tap,
    Hive,
    Tree,
    Day,
    Month,
    Year,
}

impl Dim {
    /// The canonical (singular) spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            Dim::Money => "$",
            Dim::Hectare => "ha",
            Dim::Metre => "m",
            Dim::Kilometre => "km",
            Dim::Kilogram => "kg",
            Dim::Tonne => "t",
            Dim::Litre => "L",
            Dim::Unit => "unité",
            Dim::Tap => "entaille",
            Dim::Hive => "ruche",
            Dim::Tree => "arbre",
            Dim::Day => "jour",
            Dim::Month => "mois",
            Dim::Year => "an",
        }
    }
}

/// How many base dimensions there are.
const DIMS: usize = 14;

/// Every base dimension, in display order.
const ALL_DIMS: [Dim; DIMS] = [
    Dim::Money,
    Dim::Hectare,
    Dim::Metre,
    Dim::Kilometre,
    Dim::Kilogram,
    Dim::Tonne,
    Dim::Litre,
    Dim::Unit,
    Dim::Tap,
    Dim::Hive,
    Dim::Tree,
    Dim::Day,
    Dim::Month,
    Dim::Year,
];

/// A unit: the exponent of each base dimension (`$/ha` is 1 for `$`, -1 for `ha`, 0 for
/// the others). All zeros is the dimensionless unit. A plain array, so that a unit is copied
/// rather than allocated: the evaluator's runtime types carry one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Unit([i8; DIMS]);

/// Every spelling accepted in source text, with its meaning.
const ATOMS: &[(&str, Dim, i8)] = &[
    ("$", Dim::Money, 1),
    ("ha", Dim::Hectare, 1),
    ("m", Dim::Metre, 1),
    ("m²", Dim::Metre, 2),
    ("m2", Dim::Metre, 2),
    ("m³", Dim::Metre, 3),
    ("m3", Dim::Metre, 3),
    ("km", Dim::Kilometre, 1),
    ("kg", Dim::Kilogram, 1),
    ("t", Dim::Tonne, 1),
    ("tonne", Dim::Tonne, 1),
    ("tonnes", Dim::Tonne, 1),
    ("L", Dim::Litre, 1),
    ("litre", Dim::Litre, 1),
    ("litres", Dim::Litre, 1),
    ("unité", Dim::Unit, 1),
    ("unités", Dim::Unit, 1),
    ("entaille", Dim::Tap, 1),
    ("entailles", Dim::Tap, 1),
    ("ruche", Dim::Hive, 1),
    ("ruches", Dim::Hive, 1),
    ("arbre", Dim::Tree, 1),
    ("arbres", Dim::Tree, 1),
    ("jour", Dim::Day, 1),
    ("jours", Dim::Day, 1),
    ("mois", Dim::Month, 1),
    ("an", Dim::Year, 1),
    ("ans", Dim::Year, 1),
];

impl Unit {
    pub fn dimensionless() -> Unit {
        Unit([0; DIMS])
    }

    pub fn money() -> Unit {
        Unit::of(Dim::Money)
    }

    pub fn is_dimensionless(&self) -> bool {
        self.0 == [0; DIMS]
    }

    pub fn is_money(&self) -> bool {
        *self == Unit::money()
    }

    /// The dimensions with a non-zero exponent, in display order.
    fn powers(&self) -> impl Iterator<Item = (Dim, i8)> + '_ {
        ALL_DIMS
            .iter()
            .zip(self.0)
            .filter(|(_, e)| *e != 0)
            .map(|(d, e)| (*d, e))
    }

    /// A single time dimension with exponent 1 (`jour`, `mois`, `an`), as written after a
    /// number to make a duration literal.
    pub fn as_duration_dim(&self) -> Option<Dim> {
        let mut powers = self.powers();
        match (powers.next(), powers.next()) {
            (Some((d @ (Dim::Day | Dim::Month | Dim::Year), 1)), None) => Some(d),
            _ => None,
        }
    }

    /// The time dimension this unit is « per » (`$/an` → an), if exactly one.
    pub fn per_time(&self) -> Option<Dim> {
        let mut per = self
            .powers()
            .filter(|(d, e)| matches!(d, Dim::Day | Dim::Month | Dim::Year) && *e == -1);
        match (per.next(), per.next()) {
            (Some((d, _)), None) => Some(d),
            _ => None,
        }
    }

    /// The unit of one dimension.
    pub fn of(d: Dim) -> Unit {
        Unit::power(d, 1)
    }

    fn power(d: Dim, e: i8) -> Unit {
        let mut exponents = [0; DIMS];
        exponents[d as usize] = e;
        Unit(exponents)
    }

    /// Parses one atom (`ha`, `m²`, `$`…).
    pub fn atom(text: &str) -> Option<Unit> {
        ATOMS
            .iter()
            .find(|(s, _, _)| *s == text)
            .map(|&(_, d, e)| Unit::power(d, e))
    }

    /// Parses `a/b/c` (spaces around `/` allowed).
    pub fn parse(text: &str) -> Option<Unit> {
        let mut parts = text.split('/').map(str::trim);
        let mut unit = Unit::atom(parts.next()?)?;
        for part in parts {
            unit = unit.div(&Unit::atom(part)?);
        }
        Some(unit)
    }

    fn combine(&self, other: &Unit, sign: i8) -> Unit {
        let mut out = self.0;
        for (mine, theirs) in out.iter_mut().zip(other.0) {
            *mine = mine.saturating_add(sign.saturating_mul(theirs));
        }
        Unit(out)
    }

    pub fn mul(&self, other: &Unit) -> Unit {
        self.combine(other, 1)
    }

    pub fn div(&self, other: &Unit) -> Unit {
        self.combine(other, -1)
    }
}

fn superscript(e: i8) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::new();
    if e < 0 {
        s.push('⁻');
    }
    for c in e.unsigned_abs().to_string().chars() {
        s.push(DIGITS[c.to_digit(10).unwrap_or(0) as usize]);
    }
    s
}

impl fmt::Display for Unit {
    /// `$/ha`, `m³`, `$/m²`, `$·m`; the dimensionless unit displays as `1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num: Vec<_> = self.powers().filter(|(_, e)| *e > 0).collect();
        let den: Vec<_> = self.powers().filter(|(_, e)| *e < 0).collect();
        let part = |&(d, e): &(Dim, i8)| {
            let e = e.saturating_abs();
            if e == 1 {
                d.symbol().to_string()
            } else {
                format!("{}{}", d.symbol(), superscript(e))
            }
        };
        let num_s: Vec<String> = num.iter().map(part).collect();
        let den_s: Vec<String> = den.iter().map(part).collect();
        let num_s = if num_s.is_empty() {
            "1".to_string()
        } else {
            num_s.join("·")
        };
        if den_s.is_empty() {
            write!(f, "{num_s}")
        } else {
            write!(f, "{num_s}/{}", den_s.join("/"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_per_hectare_times_hectares_is_money() {
        let rate = Unit::parse("$/ha").unwrap();
        let area = Unit::parse("ha").unwrap();
        assert!(rate.mul(&area).is_money());
    }

    #[test]
    fn money_per_square_metre_times_cubic_metres_is_not_money() {
        let rate = Unit::parse("$/m²").unwrap();
        let volume = Unit::parse("m³").unwrap();
        let product = rate.mul(&volume);
        assert!(!product.is_money());
        assert_eq!(product.to_string(), "$·m");
    }

    #[test]
    fn plural_and_ascii_spellings_are_the_same_unit() {
        assert_eq!(Unit::parse("ruches"), Unit::parse("ruche"));
        assert_eq!(Unit::parse("m3"), Unit::parse("m³"));
        assert_eq!(Unit::parse("$ / entaille"), Unit::parse("$/entailles"));
    }

    #[test]
    fn every_dimension_has_its_own_exponent() {
        for (i, d) in ALL_DIMS.iter().enumerate() {
            assert_eq!(*d as usize, i);
        }
    }

    #[test]
    fn exponents_that_cancel_leave_no_dimension() {
        let rate = Unit::parse("$/m²").unwrap();
        let area = Unit::parse("m²").unwrap();
        assert_eq!(rate.mul(&area), Unit::money());
        assert!(area.div(&area).is_dimensionless());
        assert_eq!(
            Unit::parse("m²").unwrap().mul(&Unit::parse("m").unwrap()),
            Unit::parse("m³").unwrap()
        );
    }

    #[test]
    fn display_is_canonical() {
        assert_eq!(Unit::parse("$/m²").unwrap().to_string(), "$/m²");
        assert_eq!(Unit::dimensionless().to_string(), "1");
        assert_eq!(
            Unit::money().div(&Unit::parse("ha").unwrap()).to_string(),
            "$/ha"
        );
    }
}
