//! The honeypot: a `website` field on the public forms that send email
//! (signing, signing up, a forgotten password), kept out of people's sight
//! and reach by `templates/_honeypot.html`, so that only a bot fills it in.
//! A bot that does gets the answer a person would, and nothing is recorded
//! or sent.

/// Whether the honeypot field came back filled in.
pub fn filled(website: &str) -> bool {
    !website.trim().is_empty()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_filled_field_is_a_bot() {
        assert!(!super::filled(""));
        assert!(!super::filled("  "));
        assert!(super::filled("http://spam.example"));
    }
}
