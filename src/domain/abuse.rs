//! Abuse review: the criteria an admin invalidates signatures by, and the
//! rule that marks a row of the abuse tables as worth a look.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;
use time::macros::format_description;
use time::PrimitiveDateTime;

use super::{Email, FieldErrors};
use crate::i18n::{Locale, Message};

/// A row is an outlier with at least this many signatures…
pub const OUTLIER_MIN: i64 = 10;
/// …and at least this share (in percent) of the window's signatures…
pub const OUTLIER_SHARE_PERCENT: i64 = 20;
/// …or at least this many times the median row of the window.
pub const OUTLIER_MEDIAN_TIMES: i64 = 5;

/// Whether a row of `n` signatures stands out in a window of `total`
/// signatures whose rows have the given `median`. See the constants above;
/// the abuse page states the same rule in words.
pub fn is_outlier(n: i64, total: i64, median: f64) -> bool {
    n >= OUTLIER_MIN
        && (n * 100 >= total * OUTLIER_SHARE_PERCENT
            || n as f64 >= median * OUTLIER_MEDIAN_TIMES as f64)
}

/// The median row size, from `(size, rows of that size)` pairs in any
/// order. 0 when there are no rows.
pub fn median(histogram: &[(i64, i64)]) -> f64 {
    let mut sizes: Vec<(i64, i64)> = histogram.iter().copied().filter(|&(_, c)| c > 0).collect();
    sizes.sort_unstable();
    let rows: i64 = sizes.iter().map(|&(_, c)| c).sum();
    if rows == 0 {
        return 0.0;
    }
    // The size of the row at 0-based position `i` in ascending order.
    let at = |i: i64| {
        let mut seen = 0;
        for &(size, count) in &sizes {
            seen += count;
            if i < seen {
                return size;
            }
        }
        sizes.last().map_or(0, |&(size, _)| size)
    };
    if rows % 2 == 1 {
        at(rows / 2) as f64
    } else {
        (at(rows / 2 - 1) + at(rows / 2)) as f64 / 2.0
    }
}

/// The invalidation form as typed.
#[derive(Debug, Default, Clone)]
pub struct InvalidationForm {
    pub ip: String,
    pub domain: String,
    pub since: String,
    pub until: String,
}

/// What an invalidation matches: every criterion given, ANDed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria {
    /// An address (as a /32 or /128) or a range.
    pub ip: Option<IpNet>,
    /// The domain of the canonical email, in ASCII and lowercase.
    pub domain: Option<String>,
    /// Signed at or after this (UTC).
    pub since: Option<PrimitiveDateTime>,
    /// Signed before this (UTC).
    pub until: Option<PrimitiveDateTime>,
}

impl Criteria {
    /// The range as stored and shown: a bare address for a single one.
    pub fn ip_text(&self) -> Option<String> {
        self.ip.map(|net| ip_range_text(&net))
    }

    /// Whether a stored signature address lies in the range. Addresses
    /// that do not parse (there are none, but old rows may hold anything)
    /// never match.
    pub fn ip_matches(&self, stored: Option<&str>) -> bool {
        match self.ip {
            None => true,
            Some(net) => stored
                .and_then(|s| s.parse::<IpAddr>().ok())
                .is_some_and(|ip| net.contains(&ip.to_canonical())),
        }
    }
}

/// An address or range as people write it: `203.0.113.7`, `203.0.113.0/24`.
pub fn ip_range_text(net: &IpNet) -> String {
    if net.prefix_len() == net.max_prefix_len() {
        net.addr().to_string()
    } else {
        net.trunc().to_string()
    }
}

impl fmt::Display for Criteria {
    /// The criteria in English words, e.g. "IP 203.0.113.0/24 and email
    /// domain example.com"; see [`describe`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = describe(
            Locale::En,
            self.ip_text().as_deref(),
            self.domain.as_deref(),
            self.since,
            self.until,
        );
        f.write_str(&parts)
    }
}

/// Stored criteria in `l`'s words, for notices and the audit list.
pub fn describe(
    l: Locale,
    ip: Option<&str>,
    domain: Option<&str>,
    since: Option<PrimitiveDateTime>,
    until: Option<PrimitiveDateTime>,
) -> String {
    let mut parts = Vec::new();
    if let Some(ip) = ip {
        parts.push(l.t1("abuse-criteria-ip", "ip", ip));
    }
    if let Some(domain) = domain {
        parts.push(l.t1("abuse-criteria-domain", "domain", domain));
    }
    if let Some(since) = since {
        parts.push(l.t1("abuse-criteria-since", "time", utc_text(since)));
    }
    if let Some(until) = until {
        parts.push(l.t1("abuse-criteria-until", "time", utc_text(until)));
    }
    parts
        .into_iter()
        .reduce(|first, next| l.t2("abuse-criteria-and", "first", first, "next", next))
        .unwrap_or_default()
}

/// A stored UTC time as `2026-12-01 14:30`, with seconds only if any.
pub fn utc_text(at: PrimitiveDateTime) -> String {
    let format = if at.second() == 0 {
        format_description!("[year]-[month]-[day] [hour]:[minute]")
    } else {
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")
    };
    at.format(&format).unwrap_or_default()
}

const NO_CRITERIA: &str = "error-invalidation-no-criteria";

impl TryFrom<&InvalidationForm> for Criteria {
    type Error = FieldErrors;

    fn try_from(form: &InvalidationForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let ip = errors.check("ip", optional(&form.ip).map(parse_ip).transpose());
        let domain = errors.check(
            "domain",
            optional(&form.domain).map(parse_domain).transpose(),
        );
        let since = errors.check("since", optional(&form.since).map(parse_utc).transpose());
        let until = errors.check("until", optional(&form.until).map(parse_utc).transpose());
        if let (Some(Some(since)), Some(Some(until))) = (since, until) {
            if until <= since {
                errors.add("until", Message::new("error-invalidation-order"));
            }
        }
        if [&form.ip, &form.domain, &form.since, &form.until]
            .iter()
            .all(|v| v.trim().is_empty())
        {
            errors.add("criteria", Message::new(NO_CRITERIA));
        }
        match (ip, domain, since, until) {
            (Some(ip), Some(domain), Some(since), Some(until)) if errors.is_empty() => Ok(Self {
                ip,
                domain,
                since,
                until,
            }),
            _ => Err(errors),
        }
    }
}

fn optional(input: &str) -> Option<&str> {
    Some(input.trim()).filter(|s| !s.is_empty())
}

fn parse_ip(input: &str) -> Result<IpNet, Message> {
    const MESSAGE: &str = "error-invalidation-ip";
    if let Ok(ip) = input.parse::<IpAddr>() {
        return Ok(IpNet::from(ip.to_canonical()));
    }
    let invalid = || Message::new(MESSAGE);
    let (addr, prefix) = input.split_once('/').ok_or_else(invalid)?;
    let addr = addr.parse::<IpAddr>().map_err(|_| invalid())?;
    let prefix = prefix
        .parse::<u8>()
        .ok()
        .filter(|_| prefix.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(invalid)?;
    let net = IpNet::new(addr, prefix).map_err(|_| {
        Message::new(match addr {
            IpAddr::V4(_) => "error-invalidation-ipv4-prefix",
            IpAddr::V6(_) => "error-invalidation-ipv6-prefix",
        })
    })?;
    Ok(net.trunc())
}

fn parse_domain(input: &str) -> Result<String, Message> {
    let invalid = || Message::new("error-invalidation-domain");
    let domain = input.strip_prefix('@').unwrap_or(input);
    if domain.is_empty() || domain.contains('@') || domain.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    // The same folding as signers' addresses get (lowercase, IDNA, and
    // googlemail.com as gmail.com), so it matches what the tables show.
    let email = Email::parse(&format!("x@{domain}")).map_err(|_| invalid())?;
    let domain = email.domain();
    // Matched with LIKE, so only plain host name characters may pass.
    if !domain
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err(invalid());
    }
    Ok(domain.to_owned())
}

/// A `datetime-local` value (`2026-12-01T14:30`, seconds optional), read
/// as UTC.
fn parse_utc(input: &str) -> Result<PrimitiveDateTime, Message> {
    let text = input
        .strip_suffix('Z')
        .unwrap_or(input)
        .replacen(' ', "T", 1);
    let formats = [
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
    ];
    formats
        .iter()
        .find_map(|format| PrimitiveDateTime::parse(&text, format).ok())
        .ok_or_else(|| Message::new("error-invalidation-time"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn form(ip: &str, domain: &str, since: &str, until: &str) -> InvalidationForm {
        InvalidationForm {
            ip: ip.into(),
            domain: domain.into(),
            since: since.into(),
            until: until.into(),
        }
    }

    #[test]
    fn addresses_and_ranges_of_both_families_parse() {
        let c = Criteria::try_from(&form(" 203.0.113.7 ", "", "", "")).unwrap();
        assert_eq!(c.ip_text().unwrap(), "203.0.113.7");
        assert!(c.ip_matches(Some("203.0.113.7")));
        assert!(!c.ip_matches(Some("203.0.113.8")));
        assert!(!c.ip_matches(None));

        let c = Criteria::try_from(&form("203.0.113.77/24", "", "", "")).unwrap();
        assert_eq!(c.ip_text().unwrap(), "203.0.113.0/24");
        assert!(c.ip_matches(Some("203.0.113.200")));
        assert!(!c.ip_matches(Some("203.0.114.1")));
        assert!(!c.ip_matches(Some("2001:db8::1")));

        let c = Criteria::try_from(&form("2001:DB8::/32", "", "", "")).unwrap();
        assert_eq!(c.ip_text().unwrap(), "2001:db8::/32");
        assert!(c.ip_matches(Some("2001:db8:1::9")));
        assert!(!c.ip_matches(Some("2001:db9::1")));

        // An IPv4 address written as IPv6 is the IPv4 address.
        let c = Criteria::try_from(&form("::ffff:203.0.113.7", "", "", "")).unwrap();
        assert!(c.ip_matches(Some("203.0.113.7")));
    }

    #[test]
    fn malformed_ranges_are_refused_with_a_message() {
        for bad in [
            "203.0.113.0/33",
            "2001:db8::/129",
            "203.0.113",
            "203.0.113.0/",
            "203.0.113.0/+8",
            "/24",
            "example.com",
            "203.0.113.0/24/8",
        ] {
            let errors = Criteria::try_from(&form(bad, "", "", "")).unwrap_err();
            assert!(errors.get("ip").is_some(), "{bad:?}");
            assert!(errors.get("criteria").is_none(), "{bad:?}");
        }
    }

    #[test]
    fn domains_fold_like_signers_addresses() {
        let domain = |d: &str| Criteria::try_from(&form("", d, "", "")).map(|c| c.domain.unwrap());
        assert_eq!(domain("Spam.Example").unwrap(), "spam.example");
        assert_eq!(domain("@example.org").unwrap(), "example.org");
        assert_eq!(domain("googlemail.com").unwrap(), "gmail.com");
        assert_eq!(domain("bücher.example").unwrap(), "xn--bcher-kva.example");
        for bad in [
            "a@b.example",
            "local host.example",
            "localhost",
            "%.example",
            "_x.example",
        ] {
            assert!(domain(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn times_are_utc_and_the_end_follows_the_start() {
        let c =
            Criteria::try_from(&form("", "", "2026-12-01T14:30", "2026-12-01 15:00:30")).unwrap();
        assert_eq!(c.since, Some(datetime!(2026-12-01 14:30)));
        assert_eq!(c.until, Some(datetime!(2026-12-01 15:00:30)));
        assert_eq!(
            c.to_string(),
            "signed at or after 2026-12-01 14:30 UTC and signed before 2026-12-01 15:00:30 UTC"
        );
        let korean = describe(
            Locale::Ko,
            Some("203.0.113.0/24"),
            Some("spam.example"),
            c.since,
            c.until,
        );
        assert_eq!(
            korean,
            "IP 203.0.113.0/24 및 이메일 도메인 spam.example 및 \
             서명 시각 2026-12-01 14:30 UTC 이후 및 서명 시각 2026-12-01 15:00:30 UTC 전"
        );

        let errors =
            Criteria::try_from(&form("", "", "2026-12-01T14:30", "2026-12-01T14:30")).unwrap_err();
        assert!(errors.get("until").is_some());
        let errors = Criteria::try_from(&form("", "", "yesterday", "")).unwrap_err();
        assert!(errors.get("since").is_some());
    }

    #[test]
    fn at_least_one_criterion_is_needed() {
        let errors = Criteria::try_from(&form(" ", "", "", "")).unwrap_err();
        assert_eq!(errors.get("criteria").map(|m| m.id()), Some(NO_CRITERIA));
    }

    #[test]
    fn the_median_and_the_outlier_rule() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[(1, 5), (12, 1)]), 1.0);
        assert_eq!(median(&[(3, 1), (1, 1)]), 2.0);
        assert_eq!(median(&[(2, 2), (8, 1), (4, 1)]), 3.0);

        // Ten or more, and a fifth of the window or five times the median.
        assert!(is_outlier(10, 50, 1.0));
        assert!(!is_outlier(9, 9, 1.0));
        assert!(is_outlier(20, 100, 10.0));
        assert!(!is_outlier(19, 100, 4.0));
        assert!(is_outlier(20, 1000, 4.0));
    }
}
