//! A signature as submitted, before it reaches the database.

use serde::Deserialize;

use super::country::Country;
use super::{clean_text, Email, FieldErrors};
use crate::i18n::Message;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_POSTCODE_CHARS: usize = 16;
pub const MAX_COMMENT_CHARS: usize = 500;

/// The sign form exactly as it arrives, every field optional so that a
/// missing field becomes a message rather than a 400.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(example = json!({"name": "김민지", "email": "minji@example.org", "country": "KR",
    "postcode": "04524", "comment": "For my grandchildren.", "public": true,
    "updates": false, "source": "kakaotalk"}))]
pub struct SignatureForm {
    /// The signer's name, as they write it (one field: not every name
    /// splits into given and family names).
    pub name: String,
    pub email: String,
    /// ISO 3166-1 alpha-2, e.g. `KR`.
    pub country: String,
    pub postcode: String,
    /// At most 500 characters.
    pub comment: String,
    /// Show my name among the signers. A checkbox: present (any value but
    /// "false") means ticked.
    #[schema(value_type = Option<bool>)]
    pub public: Option<CheckboxValue>,
    /// Email me news about this petition.
    #[schema(value_type = Option<bool>)]
    pub updates: Option<CheckboxValue>,
    /// The share channel the signer came from.
    pub source: String,
    #[schema(ignore)]
    pub csrf_token: String,
    /// The honeypot: hidden from people, so only a bot fills it in.
    #[schema(ignore)]
    pub website: String,
}

impl SignatureForm {
    pub fn filled_by_a_bot(&self) -> bool {
        super::honeypot::filled(&self.website)
    }
}

/// HTML checkboxes send "on"; JSON clients send `true`/`false`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum CheckboxValue {
    Bool(bool),
    Text(String),
}

impl CheckboxValue {
    pub fn is_checked(value: &Option<CheckboxValue>) -> bool {
        match value {
            None => false,
            Some(CheckboxValue::Bool(b)) => *b,
            Some(CheckboxValue::Text(t)) => !matches!(t.as_str(), "" | "false" | "0" | "off"),
        }
    }
}

/// Where a signature stands. Only confirmed signatures count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum SignatureState {
    Pending,
    Confirmed,
    /// Set aside by an admin as abuse, pending or confirmed before (its
    /// `confirmed_at` says which). The row stays for the record; it never
    /// counts again and cannot be confirmed.
    Invalidated,
}

impl SignatureState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Invalidated => "invalidated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "confirmed" => Some(Self::Confirmed),
            "invalidated" => Some(Self::Invalidated),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSignature {
    pub name: String,
    pub email: Email,
    pub country: Country,
    pub postcode: Option<String>,
    pub comment: Option<String>,
    pub public: bool,
    pub updates: bool,
    pub source: Option<String>,
}

impl TryFrom<&SignatureForm> for NewSignature {
    type Error = FieldErrors;

    fn try_from(form: &SignatureForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_name(&form.name));
        let email = errors.check("email", Email::parse(&form.email));
        let country = errors.check("country", Country::parse(&form.country));
        let postcode = errors.check("postcode", parse_postcode(&form.postcode));
        let comment = errors.check("comment", parse_comment(&form.comment));
        match (name, email, country, postcode, comment) {
            (Some(name), Some(email), Some(country), Some(postcode), Some(comment))
                if errors.is_empty() =>
            {
                Ok(Self {
                    name,
                    email,
                    country,
                    postcode,
                    comment,
                    public: CheckboxValue::is_checked(&form.public),
                    updates: CheckboxValue::is_checked(&form.updates),
                    source: parse_source(&form.source),
                })
            }
            _ => Err(errors),
        }
    }
}

/// A person's name as one free-text field (signers and organizers alike):
/// no assumption of a first and last name.
pub fn parse_name(input: &str) -> Result<String, Message> {
    let name = clean_text(input, false).map_err(|_| Message::new("error-name-characters"))?;
    if name.is_empty() {
        return Err(Message::new("error-name-empty"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Message::new("error-name-too-long").arg("max", MAX_NAME_CHARS));
    }
    if has_invisible_formatting(&name) {
        return Err(Message::new("error-name-invisible"));
    }
    Ok(name)
}

/// Invisible format characters (Unicode category Cf: zero-width spaces,
/// bidirectional overrides, tag characters…) let two names that look the
/// same differ, or make a name display as something else. The zero-width
/// joiner and non-joiner are allowed between two letters, where Persian
/// and several Indic scripts need them.
fn has_invisible_formatting(name: &str) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    let chars: Vec<char> = name.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        if c.general_category() != GeneralCategory::Format {
            return false;
        }
        let joiner = matches!(c, '\u{200C}' | '\u{200D}');
        // In Indic scripts the joiner follows a virama, which is a mark.
        let part_of_a_word = |c: char| {
            c.is_alphabetic()
                || matches!(
                    c.general_category(),
                    GeneralCategory::NonspacingMark | GeneralCategory::SpacingMark
                )
        };
        let between_letters = i > 0
            && part_of_a_word(chars[i - 1])
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        !(joiner && between_letters)
    })
}

fn parse_postcode(input: &str) -> Result<Option<String>, Message> {
    let postcode =
        clean_text(input, false).map_err(|_| Message::new("error-postcode-characters"))?;
    if postcode.chars().count() > MAX_POSTCODE_CHARS {
        return Err(Message::new("error-postcode-too-long").arg("max", MAX_POSTCODE_CHARS));
    }
    Ok((!postcode.is_empty()).then_some(postcode))
}

fn parse_comment(input: &str) -> Result<Option<String>, Message> {
    let comment = clean_text(input, true).map_err(|_| Message::new("error-comment-characters"))?;
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(Message::new("error-comment-too-long").arg("max", MAX_COMMENT_CHARS));
    }
    Ok((!comment.is_empty()).then_some(comment))
}

/// The share channel is attribution only: anything odd is dropped, never an error.
fn parse_source(input: &str) -> Option<String> {
    let source = input.trim().to_ascii_lowercase();
    let ok = !source.is_empty()
        && source.len() <= 32
        && source
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then_some(source)
}

#[cfg(test)]
mod tests {
    use super::parse_name;

    #[test]
    fn names_with_invisible_format_characters_are_refused() {
        for name in [
            "Jane\u{200B}Doe",  // zero-width space
            "\u{202E}eoD enaJ", // right-to-left override
            "Jane Doe\u{2066}", // isolate
            "\u{FEFF}Jane",     // byte order mark
            "Jane\u{200D}",     // a joiner with nothing to join
        ] {
            assert!(parse_name(name).is_err(), "{name:?}");
        }
    }

    #[test]
    fn real_names_pass() {
        // Persian with a non-joiner; Malayalam with a joiner after a virama.
        for name in [
            "Jane Doe",
            "김민준",
            "O'Brien-Smith",
            "محمد\u{200C}علی",
            "ന്\u{200D}റ",
        ] {
            assert_eq!(parse_name(name).as_deref(), Ok(name), "{name:?}");
        }
    }
}
