//! Stateless CSRF tokens: an HMAC over a scope and an expiry.
//!
//! No cookie is involved, so the sign form also works inside a third-party
//! iframe where the browser withholds our cookies. The scope ties a token to
//! what it protects: `sign:{slug}` for a petition's form, `session:…` for a
//! logged-in organizer, `anon` for the login form. An Origin (or Referer)
//! check backs it up.

use actix_web::http::header;
use actix_web::HttpRequest;
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

/// A form whose only field is its token (logout, close, withdraw).
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf_token: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CsrfError {
    Missing,
    Invalid,
    Expired,
    CrossOrigin,
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

    /// Checks the token and the request's origin.
    pub fn verify(&self, req: &HttpRequest, scope: &str, token: &str) -> Result<(), CsrfError> {
        self.check_origin(req)?;
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
    fn check_origin(&self, req: &HttpRequest) -> Result<(), CsrfError> {
        let headers = req.headers();
        let claimed = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| {
                headers
                    .get(header::REFERER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|r| url::Url::parse(r).ok())
                    .map(|u| u.origin().ascii_serialization())
            });
        let Some(claimed) = claimed else {
            return Ok(());
        };
        let info = req.connection_info();
        let own = format!("{}://{}", info.scheme(), info.host());
        if claimed == self.public_origin || claimed == own {
            Ok(())
        } else {
            Err(CsrfError::CrossOrigin)
        }
    }
}
