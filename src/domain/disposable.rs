//! Disposable email domains: addresses that exist for minutes, which let
//! one person sign many times. Checked only when the operator switches
//! `fraud.block_disposable_emails` on.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The CC0 list of the disposable-email-domains project, bundled.
const LIST: &str = include_str!("../../static/data/disposable_email_domains.txt");

static DOMAINS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Whether `domain` (ASCII, lowercase, as in a canonical address) or any
/// domain it is under is on the list.
pub fn is_disposable(domain: &str) -> bool {
    let mut rest = domain;
    loop {
        if DOMAINS.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if parent.contains('.') => rest = parent,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_disposable;

    #[test]
    fn listed_domains_and_their_subdomains_are_disposable() {
        assert!(is_disposable("mailinator.com"));
        assert!(is_disposable("inbox.mailinator.com"));
        assert!(!is_disposable("gmail.com"));
        assert!(!is_disposable("example.org"));
        // A parent that is only a public suffix is never matched.
        assert!(!is_disposable("com"));
    }
}
