//! ISO 3166-1 alpha-2 countries. Their names, in each language, are in
//! [`crate::i18n::countries`].

use crate::i18n::Message;

/// An uppercase ISO 3166-1 alpha-2 code that names a real country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country(String);

impl Country {
    pub fn parse(input: &str) -> Result<Self, Message> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(Message::new("error-country-empty"));
        }
        if code.len() != 2 || celes::Country::from_alpha2(&code).is_err() {
            return Err(Message::new("error-country-invalid"));
        }
        Ok(Self(code))
    }

    pub fn code(&self) -> &str {
        &self.0
    }
}
