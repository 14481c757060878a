//! What stays of a signer who erased their details: a keyed fingerprint of
//! their canonical address in place of it, so that signing the same
//! petition again finds their signature instead of counting them twice.
//!
//! The key comes from the site secret and the petition is part of the
//! input, so a fingerprint can be neither reversed with a list of
//! addresses nor linked to the same person on another petition.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Marks stored in `email_canonical` start with this; no address does.
const PREFIX: &str = "erased:";

#[derive(Clone)]
pub struct ErasedSigners {
    key: Vec<u8>,
}

impl ErasedSigners {
    pub fn new(secret: &SecretString) -> Self {
        // A key of its own, so a fingerprint never equals a CSRF MAC.
        let mut mac =
            HmacSha256::new_from_slice(secret.expose_secret().as_bytes()).expect("any key length");
        mac.update(b"undersigned erased-signer fingerprint v1");
        Self {
            key: mac.finalize().into_bytes().to_vec(),
        }
    }

    /// The value that replaces `canonical` on `petition_id`'s signature.
    pub fn marker(&self, petition_id: &str, canonical: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("any key length");
        mac.update(petition_id.as_bytes());
        mac.update(b"\0");
        mac.update(canonical.as_bytes());
        format!(
            "{PREFIX}{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signers(secret: &str) -> ErasedSigners {
        ErasedSigners::new(&SecretString::from(secret.to_owned()))
    }

    #[test]
    fn the_same_address_on_the_same_petition_gives_the_same_marker() {
        let s = signers("a site secret that is long enough");
        assert_eq!(
            s.marker("p1", "ana@example.org"),
            s.marker("p1", "ana@example.org")
        );
        assert!(s.marker("p1", "ana@example.org").starts_with("erased:"));
    }

    #[test]
    fn markers_differ_across_petitions_addresses_and_secrets() {
        let s = signers("a site secret that is long enough");
        let m = s.marker("p1", "ana@example.org");
        assert_ne!(m, s.marker("p2", "ana@example.org"));
        assert_ne!(m, s.marker("p1", "bo@example.org"));
        assert_ne!(
            m,
            signers("another secret, also long enough").marker("p1", "ana@example.org")
        );
        assert!(!m.contains("ana"));
    }
}
