//! Spreadsheet-safe CSV cells.

/// A cell that a spreadsheet will show as text. One starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would be run as a formula (OWASP
/// "CSV injection"), so it gets a leading apostrophe. Quoting and escaping
/// are the CSV writer's job.
pub fn spreadsheet_safe(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_become_text_and_the_rest_is_untouched() {
        for (cell, safe) in [
            (
                "=HYPERLINK(\"http://evil\")",
                "'=HYPERLINK(\"http://evil\")",
            ),
            ("+1+2", "'+1+2"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Jane Doe", "Jane Doe"),
            ("김민준", "김민준"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell:?}");
        }
    }
}
