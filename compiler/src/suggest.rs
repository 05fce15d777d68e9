//! « voulez-vous dire … ? »: the closest name to a mistyped one, by edit distance (a swap
//! of two neighbouring letters counting as one, case ignored), if close enough.

/// The closest of `candidates` to `wanted`, if close enough; on a tie, the first.
/// Candidates whose length alone puts them too far are not compared, and a comparison stops
/// as soon as it cannot come close enough: many unknown names among many candidates (a
/// dossier's mistyped fields) stay cheap. For a policy's scope, [`Words`] is prepared once.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut search = Search::new(wanted);
    let mut other: Vec<char> = Vec::new();
    for (order, c) in candidates.into_iter().enumerate() {
        if search.found_exact() {
            break;
        }
        other.clear();
        other.extend(c.to_lowercase().chars());
        search.consider(order, &other, c);
    }
    search.best()
}

/// Names to suggest from, lowercased once and grouped by length: an unknown name is compared
/// only with the names whose length is close enough to its own, so that a file of thousands
/// of unknown names among thousands of names is checked in linear time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Words {
    /// By length in characters (lowercased): each word's rank among all, its characters,
    /// the name.
    by_len: Vec<Vec<(usize, Vec<char>, String)>>,
    count: usize,
}

impl Words {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Words {
        let mut words = Words::default();
        for (order, name) in names.into_iter().enumerate() {
            let chars: Vec<char> = name.to_lowercase().chars().collect();
            if words.by_len.len() <= chars.len() {
                words.by_len.resize(chars.len() + 1, Vec::new());
            }
            words.by_len[chars.len()].push((order, chars, name.to_string()));
            words.count = order + 1;
        }
        words
    }

    /// `suggest` over these words then `more`, as if they were one list in that order.
    pub fn suggest<'a>(
        &self,
        wanted: &str,
        more: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        let mut search = Search::new(wanted);
        let (low, high) = (
            search.wanted.len().saturating_sub(search.limit),
            search.wanted.len() + search.limit,
        );
        for bucket in self.by_len.iter().take(high + 1).skip(low) {
            for (order, chars, name) in bucket {
                search.consider(*order, chars, name);
            }
        }
        let mut other: Vec<char> = Vec::new();
        for (i, c) in more.into_iter().enumerate() {
            other.clear();
            other.extend(c.to_lowercase().chars());
            search.consider(self.count + i, &other, c);
        }
        search.best()
    }
}

/// One search for the name closest to `wanted`.
struct Search {
    wanted: Vec<char>,
    /// `wanted`'s length as written.
    len: usize,
    /// The most edits a suggestion may be away.
    limit: usize,
    /// The best so far: its distance, its rank, the name.
    best: Option<(usize, usize, String)>,
}

impl Search {
    fn new(wanted: &str) -> Search {
        let len = wanted.chars().count();
        Search {
            wanted: wanted.to_lowercase().chars().collect(),
            len,
            limit: (len.max(3) / 3).max(1),
            best: None,
        }
    }

    fn found_exact(&self) -> bool {
        self.best.as_ref().is_some_and(|(d, _, _)| *d == 0)
    }

    /// Takes `name` (lowercased: `chars`, of rank `order`) if it is closer than the best so
    /// far, or as close and ranked before it.
    fn consider(&mut self, order: usize, chars: &[char], name: &str) {
        let within = match &self.best {
            None => self.limit,
            Some((d, o, _)) if order < *o => (*d).min(self.limit),
            Some((d, _, _)) => d.saturating_sub(1).min(self.limit),
        };
        if self
            .best
            .as_ref()
            .is_some_and(|(d, o, _)| *d == 0 && *o < order)
            || chars.len().abs_diff(self.wanted.len()) > within
        {
            return;
        }
        let Some(d) = edit_distance_within(&self.wanted, chars, within) else {
            return;
        };
        let better = self
            .best
            .as_ref()
            .is_none_or(|(bd, bo, _)| d < *bd || (d == *bd && order < *bo));
        // A one-letter name is not « close » to every other one-letter name.
        if better && (d < self.len || d == 0) {
            self.best = Some((d, order, name.to_string()));
        }
    }

    fn best(self) -> Option<String> {
        self.best.map(|(_, _, name)| name)
    }
}

/// Edits between two words, a swap of two neighbouring letters counting as one (`mni` is
/// one edit from `min`), as typing mistakes go; `None` if more than `limit`.
fn edit_distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    // Three rows: two back (for swaps), one back, current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        // Every later row is at least the smallest of this one and the one before (a swap
        // reaches back two rows).
        if cur.iter().chain(prev.iter()).all(|&d| d > limit) {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["taux_de_base", "plafond", "aide"];
        assert_eq!(
            suggest("taux_de_bas", names).as_deref(),
            Some("taux_de_base")
        );
        assert_eq!(suggest("plafon", names).as_deref(), Some("plafond"));
        assert_eq!(suggest("zzz", names), None);
    }

    #[test]
    fn swaps_count_as_one_edit_and_single_letters_are_not_close() {
        assert_eq!(suggest("mni", ["min", "max"]).as_deref(), Some("min"));
        assert_eq!(suggest("x", ["c", "aide"]), None);
        assert_eq!(suggest("Vrai", ["vrai", "faux"]).as_deref(), Some("vrai"));
    }

    #[test]
    fn accents_count_as_one_edit() {
        assert_eq!(
            suggest("bonifiee", ["bonifiée"]).as_deref(),
            Some("bonifiée")
        );
    }

    /// The plain dynamic programme, without bounds: what `suggest` must agree with.
    fn reference(wanted: &str, candidates: &[&str]) -> Option<String> {
        fn distance(a: &str, b: &str) -> usize {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in d.iter_mut().enumerate() {
                row[0] = i;
            }
            d[0] = (0..=b.len()).collect();
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    d[i][j] = (d[i - 1][j] + 1)
                        .min(d[i][j - 1] + 1)
                        .min(d[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                    }
                }
            }
            d[a.len()][b.len()]
        }
        let len = wanted.chars().count();
        let limit = (len.max(3) / 3).max(1);
        let mut best: Option<(usize, &str)> = None;
        for c in candidates {
            let d = distance(&wanted.to_lowercase(), &c.to_lowercase());
            if d <= limit && (d < len || d == 0) && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, c));
            }
        }
        best.map(|(_, c)| c.to_string())
    }

    #[test]
    fn bounded_suggestions_agree_with_the_plain_distance() {
        let names = [
            "montant",
            "Montant",
            "montants",
            "plafond",
            "plafond_cuma",
            "aide",
            "aides",
            "taux_de_base",
            "taux",
            "bonifiée",
            "bonifie",
            "dépenses",
            "dépense",
            "objectif",
            "x",
            "xy",
            "superficie_cultivée",
            "superficie_en_cultures_annuelles",
            "min",
            "max",
        ];
        let mut wanted: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        for n in names {
            let chars: Vec<char> = n.chars().collect();
            for i in 0..chars.len() {
                let mut dropped = chars.clone();
                dropped.remove(i);
                wanted.push(dropped.into_iter().collect());
                let mut swapped = chars.clone();
                if i + 1 < chars.len() {
                    swapped.swap(i, i + 1);
                    wanted.push(swapped.into_iter().collect());
                }
                let mut doubled = chars.clone();
                doubled.insert(i, 'z');
                doubled.insert(0, 'q');
                wanted.push(doubled.into_iter().collect());
            }
        }
        for w in &wanted {
            assert_eq!(suggest(w, names), reference(w, &names), "{w}");
        }
    }

    #[test]
    fn prepared_words_suggest_what_the_list_suggests() {
        let names = [
            "montant",
            "Montant",
            "montants",
            "plafond",
            "aide",
            "aides",
            "taux",
            "x",
            "xy",
            "bonifiée",
            "bonifie",
            "min",
            "max",
            "mix",
        ];
        let words = Words::new(names[..10].iter().copied());
        for w in [
            "montan", "MONTANT", "aid", "tau", "xz", "bonifiee", "mnx", "ma", "zzz", "x",
        ] {
            assert_eq!(
                words.suggest(w, names[10..].iter().copied()),
                suggest(w, names),
                "{w}"
            );
        }
    }
}
