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

/// An update as an email carries it: readable plain text for the text
/// part, and HTML without remote images, which would tell the organizer
/// (or whoever hosts the image) who opened the message. Written once per
/// update, not once per recipient.
pub struct EmailBody {
    pub text: String,
    pub html: String,
}

impl EmailBody {
    pub fn of(body_markdown: &str, body_html: &str) -> Self {
        Self {
            text: markdown_to_text(body_markdown),
            html: without_images(body_html),
        }
    }
}

/// The HTML with every `img` taken out.
fn without_images(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .rm_tags(["img"])
        .clean(html)
        .to_string()
}

/// Markdown as a person reads it in plain text: paragraphs and list items
/// on their own lines, emphasis and code marks dropped, a link as its text
/// followed by its address, an image as its description.
pub fn markdown_to_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};

    let mut out = String::with_capacity(markdown.len());
    // The address of each open link, shown after its text.
    let mut links: Vec<String> = Vec::new();
    // Depth and numbering of the lists we are in.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let new_block = |out: &mut String| {
        let trimmed = out.trim_end_matches([' ', '\n']).len();
        out.truncate(trimmed);
        if !out.is_empty() {
            out.push_str("\n\n");
        }
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::BlockQuote(_))
                if lists.is_empty() =>
            {
                new_block(&mut out)
            }
            Event::Start(Tag::CodeBlock(_)) => new_block(&mut out),
            Event::Start(Tag::List(first)) => {
                if lists.is_empty() {
                    new_block(&mut out);
                }
                lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop() {
                    out.push_str(&format!(" <{url}>"));
                }
            }
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Rule => {
                new_block(&mut out);
                out.push_str("----");
            }
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_reads_as_plain_text_in_its_text_part() {
        let text = markdown_to_text(
            "# News\n\nThank you **all**: we met the *council*.\n\n\
             - Bring a friend\n- Read [the plan](https://example.org/plan)\n\n\
             1. First\n2. Second\n\n`code` stays, ![a duck](https://t.example/d.png) too.",
        );
        assert_eq!(
            text,
            "News\n\nThank you all: we met the council.\n\n\
             - Bring a friend\n- Read the plan <https://example.org/plan>\n\n\
             1. First\n2. Second\n\ncode stays, a duck too."
        );
    }

    #[test]
    fn an_update_email_carries_no_remote_images() {
        let body = EmailBody::of(
            "x",
            r#"<p>Hi <img src="https://tracker.example/open.gif?who=signer" alt="pixel"> there</p>"#,
        );
        assert!(!body.html.contains("<img"), "{}", body.html);
        assert!(!body.html.contains("tracker.example"), "{}", body.html);
        assert!(body.html.contains("Hi"), "{}", body.html);
    }

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
