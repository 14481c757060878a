//! Email addresses: the address as typed (where mail goes) and its canonical
//! form (what makes one person count once).

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use validator::ValidateEmail;

const MAX_LOCAL_LEN: usize = 64;
const MAX_ADDRESS_LEN: usize = 254;

/// A syntactically valid email address. It can only be built by
/// [`Email::parse`], so holding one means it is valid and normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    typed: String,
    canonical: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter your email address")]
    Empty,
    #[error("Email address must be 254 characters or fewer")]
    TooLong,
    #[error("Enter an email address in the correct format, like name@example.com")]
    Invalid,
}

impl From<EmailError> for crate::i18n::Message {
    fn from(err: EmailError) -> Self {
        Self::new(match err {
            EmailError::Empty => "error-email-empty",
            EmailError::TooLong => "error-email-too-long",
            EmailError::Invalid => "error-email-invalid",
        })
    }
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let typed: String = input.trim().nfc().collect();
        if typed.is_empty() {
            return Err(EmailError::Empty);
        }
        if typed.len() > MAX_ADDRESS_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = typed.rsplit_once('@').ok_or(EmailError::Invalid)?;
        if local.is_empty() || local.len() > MAX_LOCAL_LEN || !typed.validate_email() {
            return Err(EmailError::Invalid);
        }
        // Mail must be deliverable by our own SMTP client, so ask it too.
        if typed.parse::<lettre::Address>().is_err() {
            return Err(EmailError::Invalid);
        }
        let canonical = canonicalize(local, domain).ok_or(EmailError::Invalid)?;
        if !is_public_mail_domain(canonical.rsplit_once('@').map_or("", |(_, d)| d)) {
            return Err(EmailError::Invalid);
        }
        Ok(Self { typed, canonical })
    }

    /// The address as the person typed it (trimmed, NFC). Mail goes here.
    pub fn as_typed(&self) -> &str {
        &self.typed
    }

    /// The key signatures are deduplicated on.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The domain, in ASCII and lowercase.
    pub fn domain(&self) -> &str {
        self.canonical
            .rsplit_once('@')
            .map_or("", |(_, domain)| domain)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.typed)
    }
}

/// A domain someone can receive mail at on the public internet: a name with
/// at least one dot and a non-numeric top label. IP literals
/// (`user@[127.0.0.1]`, `user@10.0.0.1`) and dotless names (`user@localhost`)
/// would let one person mint endless "different" addresses, or aim our
/// mail at internal hosts.
fn is_public_mail_domain(domain: &str) -> bool {
    if domain.starts_with('[') || domain.parse::<std::net::IpAddr>().is_ok() {
        return false;
    }
    match domain.rsplit_once('.') {
        Some((rest, top)) => {
            !rest.is_empty() && !top.is_empty() && !top.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Lowercase, IDNA the domain, drop a `+tag`, and fold gmail's dots and its
/// googlemail alias. Returns `None` if the domain is not valid IDNA.
fn canonicalize(local: &str, domain: &str) -> Option<String> {
    let local = local.to_lowercase();
    let domain = idna::domain_to_ascii(&domain.to_lowercase()).ok()?;
    let mut local = match local.split_once('+') {
        Some((before, _tag)) => before.to_owned(),
        None => local,
    };
    let domain = match domain.as_str() {
        "gmail.com" | "googlemail.com" => {
            local.retain(|c| c != '.');
            "gmail.com".to_owned()
        }
        _ => domain,
    };
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn canonical(s: &str) -> String {
        Email::parse(s).unwrap().canonical().to_owned()
    }

    #[test]
    fn case_tags_and_gmail_dots_fold_together() {
        assert_eq!(
            canonical("  Jane.Doe+petitions@GoogleMail.com "),
            "janedoe@gmail.com"
        );
        assert_eq!(canonical("j.a.n.e.doe@gmail.com"), "janedoe@gmail.com");
        assert_eq!(canonical("Jane.Doe+x@Example.org"), "jane.doe@example.org");
    }

    #[test]
    fn international_domains_become_ascii() {
        assert_eq!(
            canonical("Anna@Bücher.example"),
            "anna@xn--bcher-kva.example"
        );
        assert_eq!(
            Email::parse("Anna@Bücher.example").unwrap().as_typed(),
            "Anna@Bücher.example"
        );
        assert!(canonical("kim@예시.한국").ends_with(".xn--3e0b707e"));
    }

    #[test]
    fn ip_literal_and_dotless_domains_are_rejected() {
        for bad in [
            "jane@[127.0.0.1]",
            "jane@[IPv6:::1]",
            "jane@10.0.0.1",
            "jane@localhost",
            "jane@example.123",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad:?}");
        }
        assert!(Email::parse("jane@mail.example.co.uk").is_ok());
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "",
            "   ",
            "plainaddress",
            "nul\0byte@example.com",
            "a@exa\0mple.com",
            "@example.com",
            "a@",
            "a b@example.com",
            "+@gmail.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
    }

    proptest! {
        #[test]
        fn canonical_form_is_stable(local in "[a-z0-9]{1,8}(\\.[a-z0-9]{1,8}){0,2}", tag in "[a-z0-9]{0,8}") {
            let plain = Email::parse(&format!("{local}@example.com")).unwrap();
            // Canonicalizing a canonical address changes nothing.
            prop_assert_eq!(canonical(plain.canonical()), plain.canonical());
            // Case and tags never make a second person.
            let tagged = format!("{}+{tag}@EXAMPLE.com", local.to_uppercase());
            prop_assert_eq!(canonical(&tagged), plain.canonical());
        }

        #[test]
        fn gmail_dots_never_make_a_second_person(local in "[a-z0-9]{2,10}", dots in proptest::collection::vec(any::<bool>(), 9)) {
            // A dot between any two letters, never leading, trailing or doubled.
            let mut dotted = String::new();
            for (i, c) in local.chars().enumerate() {
                if i > 0 && dots[i - 1] {
                    dotted.push('.');
                }
                dotted.push(c);
            }
            prop_assert_eq!(canonical(&format!("{dotted}@googlemail.com")), canonical(&format!("{local}@gmail.com")));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,80}") {
            let _ = Email::parse(&s);
        }
    }
}
