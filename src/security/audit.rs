//! Security events, one structured log line each under the `security`
//! target: what happened, who did it, to whom, how it ended, and from
//! which address. Operators search these after an incident, so every field
//! is always present (`-` when unknown). Email addresses never appear as
//! typed: [`mask_email`] keeps enough to recognise one's own.

use std::fmt;
use std::net::IpAddr;

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Tried and wrong: a bad password, an unknown account.
    Failure,
    /// Not even tried: a rate limit, a missing right, a rule.
    Refused,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Refused => "refused",
        })
    }
}

/// One security event. `actor` and `target` are account ids, petition
/// slugs or masked addresses, never a clear email address or a secret.
pub struct Event<'a> {
    pub action: &'static str,
    pub actor: Option<&'a str>,
    pub target: Option<&'a str>,
    pub outcome: Outcome,
    pub client_ip: Option<IpAddr>,
}

impl Event<'_> {
    pub fn log(&self) {
        let ip = self
            .client_ip
            .map_or_else(|| "-".to_owned(), |ip| ip.to_string());
        tracing::info!(
            target: "security",
            action = self.action,
            actor = self.actor.unwrap_or("-"),
            target = self.target.unwrap_or("-"),
            outcome = %self.outcome,
            client_ip = %ip,
            "security event"
        );
    }
}

/// `o***@example.org` for `olga@example.org`: its owner and an operator
/// recognise it, a leaked log does not hand out the address.
pub fn mask_email(address: &str) -> String {
    let address = address.trim();
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first = local.chars().next().unwrap_or('?');
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_addresses_keep_the_first_letter_and_the_domain() {
        assert_eq!(mask_email("olga@example.org"), "o***@example.org");
        assert_eq!(mask_email(" 김@예시.kr "), "김***@예시.kr");
        assert_eq!(mask_email("not an address"), "***");
        assert_eq!(mask_email("@example.org"), "?***@example.org");
    }
}
