//! Signed tree heads: the log's size and root at a moment, signed with the
//! site's Ed25519 key so that anyone can hold the site to them later.

use anyhow::Context;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// A head as published. Every field but `signature` is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TreeHead {
    /// The petition's slug.
    pub petition: String,
    pub tree_size: u64,
    /// Lowercase hex.
    pub root_hash: String,
    pub adds: u64,
    pub revokes: u64,
    /// RFC 3339, UTC, whole seconds.
    pub timestamp: String,
    /// Base64 Ed25519 signature of [`TreeHead::message`].
    pub signature: String,
}

impl TreeHead {
    /// The signed text: one field a line, in a fixed order, exactly as the
    /// JSON shows them.
    pub fn message(&self) -> String {
        format!(
            "undersigned-tree-head-v1\n{}\n{}\n{}\n{}\n{}\n{}",
            self.petition, self.tree_size, self.root_hash, self.adds, self.revokes, self.timestamp
        )
    }

    /// Whether the signature is the key's, over these fields.
    pub fn is_signed_by(&self, key: &VerifyingKey) -> bool {
        let Ok(bytes) = BASE64.decode(&self.signature) else {
            return false;
        };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else {
            return false;
        };
        key.verify_strict(self.message().as_bytes(), &Signature::from_bytes(&bytes))
            .is_ok()
    }
}

/// The key heads are signed with.
#[derive(Clone)]
pub struct LogKey(SigningKey);

impl LogKey {
    /// From the base64 of a 32-byte seed, as `log.signing_key` holds it.
    pub fn from_base64(seed: &str) -> anyhow::Result<Self> {
        let bytes = BASE64
            .decode(seed.trim())
            .context("log.signing_key is not base64")?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("log.signing_key must be the base64 of 32 bytes"))?;
        Ok(Self(SigningKey::from_bytes(&seed)))
    }

    /// A new random seed, as base64.
    pub fn generate_base64() -> String {
        use rand::RngCore;
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        BASE64.encode(seed)
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.0.verifying_key()
    }

    pub fn public_key_base64(&self) -> String {
        BASE64.encode(self.public_key().to_bytes())
    }

    /// Signs `head`'s fields and fills in its signature.
    pub fn sign(&self, head: &mut TreeHead) {
        head.signature = BASE64.encode(self.0.sign(head.message().as_bytes()).to_bytes());
    }
}

impl std::fmt::Debug for LogKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogKey({})", self.public_key_base64())
    }
}

/// A published public key, from its base64.
pub fn public_key_from_base64(key: &str) -> anyhow::Result<VerifyingKey> {
    let bytes = BASE64.decode(key.trim()).context("the key is not base64")?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("an Ed25519 public key is 32 bytes"))?;
    VerifyingKey::from_bytes(&bytes).context("not an Ed25519 public key")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_head_verifies_and_any_change_breaks_it() {
        let key = LogKey::from_base64(&LogKey::generate_base64()).unwrap();
        let mut head = TreeHead {
            petition: "save-bees".into(),
            tree_size: 3,
            root_hash: "ab".repeat(32),
            adds: 2,
            revokes: 1,
            timestamp: "2026-12-07T18:00:00Z".into(),
            signature: String::new(),
        };
        key.sign(&mut head);
        let public = public_key_from_base64(&key.public_key_base64()).unwrap();
        assert!(head.is_signed_by(&public));
        let mut altered = head.clone();
        altered.adds = 3;
        assert!(!altered.is_signed_by(&public));
        let other = LogKey::from_base64(&LogKey::generate_base64()).unwrap();
        assert!(!head.is_signed_by(&other.public_key()));
        assert_eq!(
            head.message(),
            format!(
                "undersigned-tree-head-v1\nsave-bees\n3\n{}\n2\n1\n2026-12-07T18:00:00Z",
                "ab".repeat(32)
            )
        );
    }
}
