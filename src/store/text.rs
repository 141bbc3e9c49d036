//! Free text as both backends can store it. PostgreSQL refuses a NUL character in `TEXT`
//! (SQLite takes it), so a vendor's NUL — in a product title, an error message — would make an
//! order's every write fail on PostgreSQL only. It is stored as U+FFFD instead, on both.

use std::borrow::Cow;

/// `text` with every NUL replaced by U+FFFD (borrowed when there is none).
pub(super) fn storable(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_becomes_the_replacement_character() {
        assert_eq!(storable("a\0b"), "a\u{FFFD}b");
        assert!(matches!(storable("plain"), Cow::Borrowed("plain")));
    }
}
