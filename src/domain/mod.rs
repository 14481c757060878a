//! Parse, don't validate: each type here can only hold valid data, and each
//! `parse` turns the raw strings of a form into such a type or into
//! messages a person can act on.

pub mod abuse;
pub mod country;
pub mod csv_cell;
pub mod disposable;
pub mod email;
pub mod honeypot;
pub mod moderation;
pub mod petition;
pub mod share;
pub mod signer;
pub mod target;
pub mod token;
pub mod update;

pub use email::Email;

use crate::i18n::Message;

/// Per-field messages, in form order, for re-rendering a form (in the
/// reader's language) or for the `fields` object of an API error.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, Message)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: Message) {
        if self.get(field).is_none() {
            self.0.push((field, message));
        }
    }

    pub fn get(&self, field: &str) -> Option<&Message> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m)
    }

    /// The field's message in English, for tests and logs.
    pub fn english(&self, field: &str) -> Option<String> {
        self.get(field).map(Message::english)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Message)> {
        self.0.iter().map(|(f, m)| (*f, m))
    }

    /// Collects the message of a failed parse and yields the value otherwise.
    pub fn check<T, E: Into<Message>>(
        &mut self,
        field: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        result.map_err(|e| self.add(field, e.into())).ok()
    }
}

/// Why free text was refused; see [`clean_text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadCharacters;

/// Trims, NFC-normalizes and rejects control characters (other than line
/// breaks and tabs where `multiline`) in free text.
pub fn clean_text(input: &str, multiline: bool) -> Result<String, BadCharacters> {
    use unicode_normalization::UnicodeNormalization;
    let text: String = input.trim().nfc().collect();
    let text = if multiline {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    let bad = text
        .chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')));
    if bad {
        return Err(BadCharacters);
    }
    Ok(text)
}
