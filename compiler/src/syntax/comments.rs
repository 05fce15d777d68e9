//! Where the `#` comments of a text are (not `##` documentation lines), skipping « » and ""
//! strings. One scanner for every place that needs it: item ends, the formatter's check for
//! comments inside an item, highlighting.

use std::ops::Range;

/// The byte ranges of the `#` comments, each up to (not including) its end of line.
pub fn comment_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut in_guillemets = false;
    let mut in_quotes = false;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        match c {
            '«' if !in_quotes => in_guillemets = true,
            '»' if !in_quotes => in_guillemets = false,
            '"' if !in_guillemets => in_quotes = !in_quotes,
            '\n' => in_quotes = false,
            '#' if !in_guillemets && !in_quotes => {
                let end = text[i..].find('\n').map_or(text.len(), |e| i + e);
                if !text[i..].starts_with("##") {
                    out.push(i..end);
                }
                while iter.peek().is_some_and(|(j, _)| *j < end) {
                    iter.next();
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings_only() {
        let t = "règle a = 1 # note
## doc
condition c « pas # ici » : vrai
# fin";
        let r = comment_ranges(t);
        let texts: Vec<&str> = r.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(texts, vec!["# note", "# fin"]);
    }
}
