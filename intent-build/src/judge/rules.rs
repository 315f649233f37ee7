//! The rules a description states, as the description's checks ask for
//! them: its sentences, the ones that set a limit or an exception first.
//!
//! The checks prompt lists these numbered and asks for `// Rule N` above
//! each check, so the sentence a check was written under is known exactly
//! (it is a part of the description, never the model's paraphrase) and
//! the model spends no tokens copying it.

/// Words that mark a sentence as a limit or an exception, matched as whole
/// words (case-insensitive): the sentences wrong code most often breaks
/// while passing the examples.
const BOUNDARY: &[&str] = &[
    "if",
    "unless",
    "only",
    "above",
    "below",
    "at most",
    "at least",
    "more than",
    "less than",
    "fewer than",
    "invalid",
    "empty",
    "none",
    "never",
    "not",
    "except",
    "otherwise",
    "zero",
    "negative",
    "nan",
];

/// Most rules a checks prompt lists: a set's tokens run out long before
/// more are reached.
pub const MOST_RULES: usize = 8;

/// The sentences of `description`, those with more [`BOUNDARY`] words
/// first (in the description's order among equals), at most
/// [`MOST_RULES`]. Each is a part of `description`, trimmed.
pub fn rules(description: &str) -> Vec<&str> {
    let mut sentences = sentences(description);
    // A stable sort: equals keep the description's order.
    sentences.sort_by_key(|s| std::cmp::Reverse(boundary_words(s)));
    sentences.truncate(MOST_RULES);
    sentences
}

/// The sentence of rule `n` (1-based, as the prompt numbers them).
pub fn rule(description: &str, n: usize) -> Option<&str> {
    rules(description).get(n.checked_sub(1)?).copied()
}

/// `description` cut after each `.`, `!` or `?` that whitespace and then
/// a capital, a quote, a backtick or a bracket follow, and at its end: so
/// `e.g. 1994` and `0.5` stay inside their sentence.
fn sentences(description: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = description.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let rest = &chars[i + 1..];
        let spaces = rest.iter().take_while(|(_, c)| c.is_whitespace()).count();
        let opens = rest.get(spaces).is_none_or(|&(_, next)| {
            spaces > 0 && (next.is_uppercase() || matches!(next, '"' | '\'' | '`' | '('))
        });
        if opens {
            let end = at + c.len_utf8();
            out.push(description[start..end].trim());
            start = end;
        }
    }
    out.push(description[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

/// How many of [`BOUNDARY`]'s words `sentence` uses.
fn boundary_words(sentence: &str) -> usize {
    let words: String = sentence
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' })
        .collect();
    let words = format!(" {} ", words.split_whitespace().collect::<Vec<_>>().join(" "));
    BOUNDARY.iter().filter(|w| words.contains(&format!(" {w} "))).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_exceptions_come_first_and_numbers_stay_in_their_sentence() {
        let description = "Convert n to a Roman numeral, e.g. 1994 = \"MCMXCIV\". \
            Only 1..=3999 can be represented: return None for 0 and for any value above 3999. \
            Halves round to 0.5 steps.";
        assert_eq!(
            rules(description),
            vec![
                "Only 1..=3999 can be represented: return None for 0 and for any value above 3999.",
                "Convert n to a Roman numeral, e.g. 1994 = \"MCMXCIV\".",
                "Halves round to 0.5 steps.",
            ]
        );
        assert_eq!(rule(description, 2), Some("Convert n to a Roman numeral, e.g. 1994 = \"MCMXCIV\"."));
        assert_eq!(rule(description, 0), None);
        assert_eq!(rule(description, 4), None);
    }

    #[test]
    fn every_rule_is_a_part_of_the_description() {
        let description = "Split `text` on commas (a run of them is one).  Return an empty vector if \
            `text` is empty! Is it trimmed? Yes: \"a , b\" gives [\"a\", \"b\"]";
        let rules = rules(description);
        assert_eq!(rules.len(), 4);
        assert!(rules.iter().all(|r| description.contains(r)));
        assert_eq!(rules[0], "Return an empty vector if `text` is empty!");
    }
}
