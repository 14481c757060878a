//! An admin's reason for hiding a petition, which its owner reads on the
//! dashboard.

use super::clean_text;
use crate::i18n::Message;

/// Long enough to explain, short enough to fit on the owner's dashboard.
pub const MAX_REASON_CHARS: usize = 500;

/// Clean, non-empty text of at most [`MAX_REASON_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HideReason(String);

impl HideReason {
    pub fn parse(input: &str) -> Result<Self, Message> {
        let reason =
            clean_text(input, true).map_err(|_| Message::new("error-reason-characters"))?;
        if reason.is_empty() {
            return Err(Message::new("error-reason-empty"));
        }
        let chars = reason.chars().count();
        if chars > MAX_REASON_CHARS {
            return Err(Message::new("error-reason-too-long")
                .arg("max", MAX_REASON_CHARS)
                .arg("count", chars));
        }
        Ok(Self(reason))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_and_must_say_something_briefly() {
        assert_eq!(
            HideReason::parse("  Spam \r\nlinks ").unwrap().as_str(),
            "Spam \nlinks"
        );
        assert_eq!(
            HideReason::parse(" \n "),
            Err(Message::new("error-reason-empty"))
        );
        assert_eq!(
            HideReason::parse("a\u{0}b"),
            Err(Message::new("error-reason-characters"))
        );
        assert!(HideReason::parse(&"x".repeat(MAX_REASON_CHARS)).is_ok());
        assert_eq!(
            HideReason::parse(&"x".repeat(MAX_REASON_CHARS + 1)),
            Err(Message::new("error-reason-too-long")
                .arg("max", MAX_REASON_CHARS)
                .arg("count", MAX_REASON_CHARS + 1))
        );
    }
}
