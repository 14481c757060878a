//! ISO 3166-1 alpha-2 countries.

use std::sync::OnceLock;

/// An uppercase ISO 3166-1 alpha-2 code that names a real country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country(String);

impl Country {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err("Select your country");
        }
        if code.len() != 2 || celes::Country::from_alpha2(&code).is_err() {
            return Err("Select a country from the list");
        }
        Ok(Self(code))
    }

    pub fn code(&self) -> &str {
        &self.0
    }
}

/// `(code, name)` pairs sorted by name, for the select list.
pub fn all() -> &'static [(&'static str, String)] {
    static LIST: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    LIST.get_or_init(|| {
        let mut list: Vec<_> = celes::Country::get_countries()
            .iter()
            .map(|c| {
                let name = c.long_name.strip_prefix("The ").unwrap_or(c.long_name);
                (c.alpha2, name.to_owned())
            })
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    })
}

/// The display name of a code, or the code itself if unknown.
pub fn name(code: &str) -> &str {
    all()
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, n)| n.as_str())
        .unwrap_or(code)
}
