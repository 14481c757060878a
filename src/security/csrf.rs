//! Stateless CSRF tokens: an HMAC over a scope and an expiry.
//!
//! No cookie is involved, so the sign form also works inside a third-party
//! iframe where the browser withholds our cookies. The scope ties a token to
//! what it protects: `sign:{slug}` for a petition's form, `session:…` for a
//! logged-in organizer, `anon` for the login form. An Origin (or Referer)
//! check backs it up.
//!
//! This works on the plain values; `http::csrf` reads them from a request.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

type HmacSha256 = Hmac<Sha256>;

/// How long a rendered form stays submittable.
const TOKEN_TTL_SECS: i64 = 24 * 60 * 60;

#[derive(Clone)]
pub struct Csrf {
    key: Vec<u8>,
    public_origin: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CsrfError {
    Missing,
    Invalid,
    Expired,
    CrossOrigin,
}

/// Where a form post says it comes from, and where it was sent.
#[derive(Debug, Clone, Copy)]
pub struct PostOrigin<'a> {
    /// The `Origin` header.
    pub origin: Option<&'a str>,
    /// The `Referer` header, whose origin stands in for a missing `Origin`.
    pub referer: Option<&'a str>,
    /// `scheme://host` of the address the request was sent to.
    pub own: &'a str,
}

impl Csrf {
    pub fn new(secret_key: &secrecy::SecretString, public_url: &str) -> Self {
        use secrecy::ExposeSecret;
        let public_origin = url::Url::parse(public_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        Self {
            key: format!("csrf:{}", secret_key.expose_secret()).into_bytes(),
            public_origin,
        }
    }

    pub fn issue(&self, scope: &str) -> String {
        let expires = OffsetDateTime::now_utc().unix_timestamp() + TOKEN_TTL_SECS;
        format!(
            "{expires}.{}",
            URL_SAFE_NO_PAD.encode(self.mac(scope, expires))
        )
    }

    /// Checks the token and where the post comes from.
    pub fn check(&self, from: PostOrigin<'_>, scope: &str, token: &str) -> Result<(), CsrfError> {
        self.check_origin(from)?;
        if token.is_empty() {
            return Err(CsrfError::Missing);
        }
        let (expires, mac) = token.split_once('.').ok_or(CsrfError::Invalid)?;
        let expires: i64 = expires.parse().map_err(|_| CsrfError::Invalid)?;
        let mac = URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| CsrfError::Invalid)?;
        let mut expected = HmacSha256::new_from_slice(&self.key).expect("any key length");
        expected.update(format!("{scope}|{expires}").as_bytes());
        // verify_slice compares in constant time.
        expected
            .verify_slice(&mac)
            .map_err(|_| CsrfError::Invalid)?;
        if expires < OffsetDateTime::now_utc().unix_timestamp() {
            return Err(CsrfError::Expired);
        }
        Ok(())
    }

    fn mac(&self, scope: &str, expires: i64) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length");
        mac.update(format!("{scope}|{expires}").as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// A browser always sends Origin (or at least Referer) on a cross-site
    /// POST; if one is present it must be ours. Our own origin is the public
    /// URL's, or the Host the request was sent to.
    fn check_origin(&self, from: PostOrigin<'_>) -> Result<(), CsrfError> {
        let claimed = from.origin.map(str::to_owned).or_else(|| {
            from.referer
                .and_then(|r| url::Url::parse(r).ok())
                .map(|u| u.origin().ascii_serialization())
        });
        let Some(claimed) = claimed else {
            return Ok(());
        };
        if claimed == self.public_origin || claimed == from.own {
            Ok(())
        } else {
            Err(CsrfError::CrossOrigin)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "https://petitions.example";

    fn csrf() -> Csrf {
        Csrf::new(&"a secret key".to_owned().into(), SITE)
    }

    fn from(origin: Option<&'static str>, referer: Option<&'static str>) -> PostOrigin<'static> {
        PostOrigin {
            origin,
            referer,
            own: "http://127.0.0.1:8000",
        }
    }

    #[test]
    fn a_token_holds_for_its_own_scope_only() {
        let csrf = csrf();
        let token = csrf.issue("organizer:1");
        assert_eq!(csrf.check(from(None, None), "organizer:1", &token), Ok(()));
        assert_eq!(
            csrf.check(from(None, None), "organizer:2", &token),
            Err(CsrfError::Invalid)
        );
        assert_eq!(
            csrf.check(from(None, None), "organizer:1", ""),
            Err(CsrfError::Missing)
        );
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let csrf = csrf();
        let token = csrf.issue("anon");
        for ours in [
            from(Some(SITE), None),
            from(Some("http://127.0.0.1:8000"), None),
            from(None, Some("https://petitions.example/login?next=1")),
        ] {
            assert_eq!(csrf.check(ours, "anon", &token), Ok(()));
        }
        for theirs in [
            from(Some("https://evil.example"), None),
            from(None, Some("https://evil.example/page")),
            // Origin wins over a Referer that would pass.
            from(Some("https://evil.example"), Some(SITE)),
        ] {
            assert_eq!(
                csrf.check(theirs, "anon", &token),
                Err(CsrfError::CrossOrigin)
            );
        }
    }
}
