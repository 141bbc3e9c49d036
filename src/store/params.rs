//! Numbered statement placeholders (`$1`, `$2`, ...), which both SQLite and PostgreSQL accept,
//! for statements built from parts.

/// Hands out placeholders in order.
#[derive(Debug)]
pub(super) struct Params {
    next: usize,
}

impl Default for Params {
    fn default() -> Self {
        Self { next: 1 }
    }
}

impl Params {
    /// Placeholders starting at `$first`.
    pub(super) fn from(first: usize) -> Self {
        Self { next: first }
    }

    /// The next placeholder.
    pub(super) fn next(&mut self) -> String {
        let mark = format!("${}", self.next);
        self.next += 1;
        mark
    }

    /// `n` placeholders separated by commas (for `IN (...)`).
    pub(super) fn list(&mut self, n: usize) -> String {
        (0..n).map(|_| self.next()).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_continue_across_parts() {
        let mut params = Params::default();
        assert_eq!(params.next(), "$1");
        assert_eq!(params.list(3), "$2, $3, $4");
        assert_eq!(params.next(), "$5");
        assert_eq!(Params::from(2).list(2), "$2, $3");
    }
}
