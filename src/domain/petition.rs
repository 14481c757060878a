//! Petitions as organizers write them.

use serde::Deserialize;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::target::{parse_targets, TargetName};
use super::{clean_text, FieldErrors};
use crate::i18n::Message;

pub const MAX_TITLE_CHARS: usize = 150;
pub const MAX_SUMMARY_CHARS: usize = 500;
pub const MAX_BODY_CHARS: usize = 20_000;
pub const MAX_GOAL: i64 = 100_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum PetitionState {
    Open,
    Closed,
}

impl PetitionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// The language a petition is written in. Its text is marked with it
/// wherever it appears, whatever the language of the page around it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PetitionLanguage {
    #[default]
    En,
    Ko,
}

impl PetitionLanguage {
    pub const ALL: [Self; 2] = [Self::En, Self::Ko];

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ko => "ko",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "en" => Some(Self::En),
            "ko" => Some(Self::Ko),
            _ => None,
        }
    }

    /// Its `og:locale`.
    pub fn og_locale(self) -> &'static str {
        match self {
            Self::En => "en_US",
            Self::Ko => "ko_KR",
        }
    }

    /// The language's own name, as a switcher or a select shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Ko => "한국어",
        }
    }
}

/// The petition form as it arrives.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PetitionForm {
    pub title: String,
    pub summary: String,
    pub body: String,
    /// One institution per line.
    pub targets: String,
    pub goal: String,
    /// `YYYY-MM-DD`, optional.
    pub closes_on: String,
    /// `en` or `ko`; empty means English.
    pub language: String,
    pub csrf_token: String,
}

#[derive(Debug, Clone)]
pub struct NewPetition {
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub body_html: String,
    pub targets: Vec<TargetName>,
    pub goal: i64,
    pub closes_at: Option<PrimitiveDateTime>,
    pub language: PetitionLanguage,
}

impl NewPetition {
    pub fn parse(form: &PetitionForm, today: Date) -> Result<Self, FieldErrors> {
        Self::parse_edit(form, today, None)
    }

    /// As [`NewPetition::parse`], for an edit of a petition that closes at
    /// `current`: its closing date may stay as it is even once it is today
    /// or past, so a petition on its last day (or closed by its date) can
    /// still have a typo fixed without being reopened.
    pub fn parse_edit(
        form: &PetitionForm,
        today: Date,
        current: Option<PrimitiveDateTime>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let title = errors.check(
            "title",
            required_text(&form.title, MAX_TITLE_CHARS, "title", false),
        );
        let summary = errors.check(
            "summary",
            required_text(&form.summary, MAX_SUMMARY_CHARS, "summary", true),
        );
        let body = errors.check(
            "body",
            required_text(&form.body, MAX_BODY_CHARS, "petition", true),
        );
        let targets = errors.check("targets", parse_targets(form.targets.lines()));
        let goal = errors.check("goal", parse_goal(&form.goal));
        let closes_at = errors.check(
            "closes_on",
            parse_closes_on(&form.closes_on, today).or_else(|err| {
                match parse_closes_on(&form.closes_on, Date::MIN) {
                    Ok(unchanged) if unchanged.is_some() && unchanged == current => Ok(unchanged),
                    _ => Err(err),
                }
            }),
        );
        let language = errors.check("language", parse_language(&form.language));
        match (title, summary, body, targets, goal, closes_at, language) {
            (
                Some(title),
                Some(summary),
                Some(body),
                Some(targets),
                Some(goal),
                Some(closes_at),
                Some(language),
            ) if errors.is_empty() => Ok(Self {
                title,
                summary,
                body_html: render_markdown(&body),
                body_markdown: body,
                targets,
                goal,
                closes_at,
                language,
            }),
            _ => Err(errors),
        }
    }
}

/// Required free text; `what` names it in the messages (`title`,
/// `summary`, `petition`, `subject` or `update`).
pub(crate) fn required_text(
    input: &str,
    max: usize,
    what: &'static str,
    multiline: bool,
) -> Result<String, Message> {
    let text = clean_text(input, multiline).map_err(|_| Message::new("error-text-characters"))?;
    if text.is_empty() {
        return Err(Message::new("error-text-empty").arg("what", what));
    }
    if text.chars().count() > max {
        return Err(Message::new("error-text-too-long")
            .arg("what", what)
            .arg("max", max));
    }
    Ok(text)
}

fn parse_goal(input: &str) -> Result<i64, Message> {
    let digits: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '.'))
        .collect();
    if digits.is_empty() {
        return Err(Message::new("error-goal-empty"));
    }
    match digits.parse::<i64>() {
        Ok(goal) if (1..=MAX_GOAL).contains(&goal) => Ok(goal),
        _ => Err(Message::new("error-goal-invalid").arg("max", MAX_GOAL)),
    }
}

fn parse_language(input: &str) -> Result<PetitionLanguage, Message> {
    if input.trim().is_empty() {
        return Ok(PetitionLanguage::En);
    }
    PetitionLanguage::parse(input).ok_or_else(|| Message::new("error-language-invalid"))
}

fn parse_closes_on(input: &str, today: Date) -> Result<Option<PrimitiveDateTime>, Message> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(input, &format).map_err(|_| Message::new("error-closes-on-format"))?;
    if date <= today {
        return Err(Message::new("error-closes-on-past"));
    }
    // Open through the whole closing day, UTC.
    let end = date.next_day().unwrap_or(date);
    Ok(Some(PrimitiveDateTime::new(end, Time::MIDNIGHT)))
}

/// Markdown to HTML that is safe to embed: ammonia strips scripts, event
/// handlers and dangerous URLs, and marks links `noopener noreferrer`.
pub fn render_markdown(markdown: &str) -> String {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let parser = pulldown_cmark::Parser::new_ext(markdown, options);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .clean(&html)
        .to_string()
}

/// A URL-safe slug from a title, transliterating non-Latin scripts.
pub fn slug_from_title(title: &str) -> String {
    let mut slug = slug::slugify(title);
    if slug.len() > 60 {
        slug.truncate(60);
        slug = slug.trim_end_matches('-').to_owned();
    }
    slug
}

/// Whether a string from a URL could be one of our slugs. Anything else is
/// answered with a 404 before it reaches the database (PostgreSQL would
/// reject a NUL byte with an error rather than find nothing).
pub fn is_plausible_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub fn today_utc() -> Date {
    OffsetDateTime::now_utc().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_sanitized() {
        let html = render_markdown("**hi** <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(html.contains("<strong>hi</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slug_from_title("Save the Bees!"), "save-the-bees");
        let korean = slug_from_title("기후 위기 대응");
        assert!(is_plausible_slug(&korean), "{korean}");
        let long = slug_from_title(&"word ".repeat(40));
        assert!(is_plausible_slug(&format!("{long}-abcdef")));
        assert!(!is_plausible_slug("a\0b"));
    }

    #[test]
    fn an_edit_may_keep_a_closing_date_that_has_come() {
        let form = PetitionForm {
            title: "Save the bees".into(),
            summary: "Pollinators.".into(),
            body: "Text.".into(),
            targets: "City Council".into(),
            goal: "100".into(),
            closes_on: "2026-11-29".into(),
            language: String::new(),
            csrf_token: String::new(),
        };
        let today = time::macros::date!(2026 - 11 - 30);
        let stored = Some(time::macros::datetime!(2026-11-30 00:00));
        assert!(
            NewPetition::parse(&form, today).is_err(),
            "a new date must be ahead"
        );
        let kept = NewPetition::parse_edit(&form, today, stored).unwrap();
        assert_eq!(kept.closes_at, stored);
        let moved = PetitionForm {
            closes_on: "2026-11-28".into(),
            ..form
        };
        assert!(NewPetition::parse_edit(&moved, today, stored).is_err());
    }
}
