//! Parse, don't validate: each type here can only hold valid data, and each
//! `parse` turns the raw strings of a form into such a type or into
//! messages a person can act on.

pub mod abuse;
pub mod country;
pub mod csv_cell;
pub mod disposable;
pub mod email;
pub mod petition;
pub mod share;
pub mod signer;
pub mod target;
pub mod token;
pub mod update;

pub use email::Email;

/// Per-field messages, in form order, for re-rendering a form or for the
/// `fields` object of an API error.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }

    /// Collects the message of a failed parse and yields the value otherwise.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        result.map_err(|e| self.add(field, e.to_string())).ok()
    }
}

/// Trims, NFC-normalizes and rejects control characters (other than line
/// breaks and tabs where `multiline`) in free text.
pub fn clean_text(input: &str, multiline: bool) -> Result<String, &'static str> {
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
        return Err("contains characters that cannot be used");
    }
    Ok(text)
}
