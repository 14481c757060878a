//! An organizer's update to the signers: a subject line and Markdown text.

use serde::Deserialize;

use super::petition::{render_markdown, required_text};
use super::FieldErrors;

const MAX_SUBJECT_CHARS: usize = 150;
const MAX_BODY_CHARS: usize = 20_000;

/// The update form as it arrives.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct UpdateForm {
    pub subject: String,
    pub body: String,
    pub csrf_token: String,
    /// Present when the organizer pressed Preview rather than Send.
    pub preview: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUpdate {
    pub subject: String,
    pub body_markdown: String,
    pub body_html: String,
}

impl NewUpdate {
    pub fn parse(form: &UpdateForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        // One line: it becomes an email subject, where a newline would be
        // a header injection.
        let subject = errors.check(
            "subject",
            required_text(&form.subject, MAX_SUBJECT_CHARS, "subject", false),
        );
        let body = errors.check(
            "body",
            required_text(&form.body, MAX_BODY_CHARS, "update", true),
        );
        match (subject, body) {
            (Some(subject), Some(body)) if errors.is_empty() => Ok(Self {
                subject,
                body_html: render_markdown(&body),
                body_markdown: body,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(subject: &str, body: &str) -> UpdateForm {
        UpdateForm {
            subject: subject.into(),
            body: body.into(),
            ..UpdateForm::default()
        }
    }

    #[test]
    fn a_valid_update_is_rendered_and_sanitised() {
        let update =
            NewUpdate::parse(&form("  We did it ", "**Thanks**<script>x</script>")).unwrap();
        assert_eq!(update.subject, "We did it");
        assert!(update.body_html.contains("<strong>Thanks</strong>"));
        assert!(!update.body_html.contains("<script"));
    }

    #[test]
    fn empty_and_overlong_fields_are_explained() {
        let errors = NewUpdate::parse(&form("", "")).unwrap_err();
        assert_eq!(
            errors.english("subject").as_deref(),
            Some("Enter a subject")
        );
        assert_eq!(
            errors.english("body").as_deref(),
            Some("Enter the text of the update")
        );
        let errors = NewUpdate::parse(&form(&"x".repeat(151), "ok")).unwrap_err();
        assert!(errors.english("subject").unwrap().contains("150"));
    }

    #[test]
    fn a_subject_cannot_carry_a_header() {
        assert!(NewUpdate::parse(&form("Hi\r\nBcc: all@example.com", "ok")).is_err());
    }
}
