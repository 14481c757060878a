//! Secrets handed out in links and cookies: 256 random bits, shown once,
//! stored only as a SHA-256 hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A freshly generated secret, with the hash that goes into the database.
pub struct SecretToken {
    pub plain: String,
    pub hash: String,
}

impl SecretToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let plain = URL_SAFE_NO_PAD.encode(bytes);
        let hash = hash_token(&plain);
        Self { plain, hash }
    }
}

/// Marks an API token, so secret scanners and people can tell it from
/// other random strings.
pub const API_TOKEN_PREFIX: &str = "usg_";

/// A new organizer API token: the prefix and 256 random bits.
pub fn generate_api_token() -> SecretToken {
    let SecretToken { plain, .. } = SecretToken::generate();
    let plain = format!("{API_TOKEN_PREFIX}{plain}");
    let hash = hash_token(&plain);
    SecretToken { plain, hash }
}

/// Whether a presented API token has our shape; garbage is refused
/// without a database lookup.
pub fn looks_like_api_token(plain: &str) -> bool {
    plain
        .strip_prefix(API_TOKEN_PREFIX)
        .is_some_and(looks_like_token)
}

/// The stored form of a token. A plain SHA-256 suffices for high-entropy
/// random values; a slow hash would only slow down legitimate lookups.
pub fn hash_token(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.as_bytes()))
}

/// Whether a string from a URL could be one of our tokens at all; saves a
/// database round trip for garbage.
pub fn looks_like_token(plain: &str) -> bool {
    plain.len() == 43
        && plain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What a stored token is for; a token for one purpose never works for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    ConfirmSignature,
    WithdrawSignature,
    /// Proves a new organizer owns their address; 24 hours.
    VerifyOrganizer,
    /// Lets an organizer set a new password; 1 hour.
    ResetPassword,
    /// Stops a signer's updates about one petition; in every update email.
    Unsubscribe,
}

impl TokenPurpose {
    /// How long a link for this purpose works.
    pub const fn ttl(self) -> time::Duration {
        match self {
            Self::ConfirmSignature => time::Duration::days(7),
            // Withdrawal links stay usable long after the confirmation link.
            Self::WithdrawSignature => time::Duration::days(365),
            Self::VerifyOrganizer => time::Duration::hours(24),
            Self::ResetPassword => time::Duration::hours(1),
            // An old update email's link should still work when it is read late.
            Self::Unsubscribe => time::Duration::days(180),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConfirmSignature => "confirm_signature",
            Self::WithdrawSignature => "withdraw_signature",
            Self::VerifyOrganizer => "verify_organizer",
            Self::ResetPassword => "reset_password",
            Self::Unsubscribe => "unsubscribe",
        }
    }
}
