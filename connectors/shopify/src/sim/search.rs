//! The part of Shopify's search syntax the connector uses, as the simulated shop reads it:
//! terms `field:value` or `field:>='value'` (values bare, `"double"` quoted with `\`
//! escapes, or `'single'` quoted), joined by `AND` or `OR`. Like Shopify, a term on a field the
//! resource does not filter by is ignored rather than refused.

/// A comparison in a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    /// `field:value`.
    Equals,
    /// `field:>=value`.
    AtLeast,
    /// `field:>value`.
    After,
}

/// One `field:value` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub field: String,
    pub comparison: Comparison,
    pub value: String,
}

/// A parsed query: its terms and whether they are joined by `OR` (else `AND`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Search {
    pub terms: Vec<Term>,
    pub any: bool,
}

impl Search {
    /// Whether an item matches, `check` answering for the fields it knows (`None`: a field
    /// this resource ignores).
    pub(crate) fn matches(&self, check: impl Fn(&Term) -> Option<bool>) -> bool {
        let known: Vec<bool> = self.terms.iter().filter_map(&check).collect();
        if known.is_empty() {
            return true;
        }
        if self.any {
            known.into_iter().any(|b| b)
        } else {
            known.into_iter().all(|b| b)
        }
    }
}

fn read_value(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut value = String::new();
    match chars.peek().copied() {
        Some(quote @ ('"' | '\'')) => {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(escaped) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    c if c == quote => break,
                    c => value.push(c),
                }
            }
        }
        _ => {
            while let Some(c) = chars.peek().copied() {
                if c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
    }
    value
}

/// Parses `query`.
pub(crate) fn parse(query: &str) -> Search {
    let mut search = Search::default();
    let mut chars = query.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return search;
        }
        let mut word = String::new();
        while let Some(c) = chars.peek().copied() {
            if c.is_whitespace() || c == ':' {
                break;
            }
            word.push(c);
            chars.next();
        }
        if chars.peek() != Some(&':') {
            if word == "OR" {
                search.any = true;
            }
            continue;
        }
        chars.next();
        let comparison = if chars.peek() == Some(&'>') {
            chars.next();
            if chars.peek() == Some(&'=') {
                chars.next();
                Comparison::AtLeast
            } else {
                Comparison::After
            }
        } else {
            Comparison::Equals
        };
        let value = read_value(&mut chars);
        search.terms.push(Term {
            field: word,
            comparison,
            value,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_connector_s_queries() {
        let search =
            parse(r#"source_identifier:"OB12\"3" AND created_at:>='2026-12-01T00:00:00Z'"#);
        assert!(!search.any);
        assert_eq!(search.terms[0].value, "OB12\"3");
        assert_eq!(search.terms[1].comparison, Comparison::AtLeast);
        assert_eq!(search.terms[1].value, "2026-12-01T00:00:00Z");
        let any = parse(r#"sku:"A 1" OR barcode:"871""#);
        assert!(any.any);
        assert_eq!(any.terms.len(), 2);
        assert_eq!(any.terms[0].value, "A 1");
        assert!(any.matches(|t| (t.field == "sku").then_some(false).or(Some(true))));
    }
}
