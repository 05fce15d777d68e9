//! Quick fixes laid out in the file's text.

/// The missing arms of a `selon` (one `\ncas … : …` per arm, as the checker's fix writes
/// them), to insert after the `selon` that ends at `at` in `text`: where to insert them (right
/// after the last arm, before the line break) and the text, each arm on its own line indented
/// like the last arm, or on the same line when the arms are written on one line.
pub fn laid_out_arms(text: &str, at: usize, arms: &str) -> (usize, String) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let at = text[..at].trim_end().len();
    (at, arms_after(&text[..at], arms))
}

fn arms_after(before: &str, arms: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    // The last whole word `cas` before the insertion point: the last arm.
    let last_cas = before.rmatch_indices("cas").map(|(i, _)| i).find(|&i| {
        !before[..i].chars().next_back().is_some_and(is_ident)
            && !before[i + 3..].chars().next().is_some_and(is_ident)
    });
    let lines = arms.split('\n').filter(|l| !l.is_empty());
    let Some(cas) = last_cas else {
        return lines.map(|l| format!(" {l}")).collect();
    };
    let line_start = before[..cas].rfind('\n').map_or(0, |i| i + 1);
    let indent = &before[line_start..cas];
    if indent.chars().all(char::is_whitespace) {
        lines.map(|l| format!("\n{indent}{l}")).collect()
    } else {
        lines.map(|l| format!(" {l}")).collect()
    }
}
