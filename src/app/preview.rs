//! Previews: text as it will appear, before anything is written.

use crate::domain::petition::render_markdown;
use crate::domain::FieldErrors;

/// Markdown as it will appear, with what would stop it from being saved.
/// A preview shows even when the fields need correcting, so that the
/// writer sees both at once.
pub struct Preview {
    pub body_html: String,
    pub errors: FieldErrors,
}

impl Preview {
    pub(crate) fn of<T>(markdown: &str, parsed: Result<T, FieldErrors>) -> Self {
        Self {
            body_html: render_markdown(markdown),
            errors: parsed.err().unwrap_or_default(),
        }
    }
}
