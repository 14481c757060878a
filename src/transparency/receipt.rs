//! The receipt a signer is shown once when their signature counts: a
//! random secret whose commitment is the signature's leaf in the log. Only
//! its holder can find their leaf; nobody can test a guess of who signed,
//! as they could with a hash of an email address or a name.

use data_encoding::BASE32_NOPAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::merkle::Hash;

/// 160 bits: far beyond guessing, and exactly 32 base32 characters.
const SECRET_LEN: usize = 20;
/// Keeps a commitment from meaning anything outside this log.
const COMMITMENT_TAG: &[u8] = b"undersigned-receipt-v1\0";

#[derive(Clone, PartialEq, Eq)]
pub struct Receipt([u8; SECRET_LEN]);

impl Receipt {
    pub fn generate() -> Self {
        let mut secret = [0u8; SECRET_LEN];
        rand::rng().fill_bytes(&mut secret);
        Self(secret)
    }

    /// A code as a person typed or pasted it: spaces, dashes and case do
    /// not matter.
    pub fn parse(code: &str) -> Option<Self> {
        let compact: String = code
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.len() != 32 {
            return None;
        }
        let bytes = BASE32_NOPAD.decode(compact.as_bytes()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// The code to show: eight groups of four, easy to read out and copy.
    pub fn code(&self) -> String {
        let plain = BASE32_NOPAD.encode(&self.0);
        plain
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("base32 is ASCII"))
            .collect::<Vec<_>>()
            .join("-")
    }

    /// `SHA-256(tag ‖ secret)`: what the log holds instead of the signer.
    pub fn commitment(&self) -> Hash {
        let mut h = Sha256::new();
        h.update(COMMITMENT_TAG);
        h.update(self.0);
        h.finalize().into()
    }
}

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Receipt(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed() {
        let receipt = Receipt::generate();
        let code = receipt.code();
        assert_eq!(code.len(), 39);
        assert_eq!(Receipt::parse(&code), Some(receipt.clone()));
        let sloppy = format!(" {} ", code.to_lowercase().replace('-', " "));
        assert_eq!(Receipt::parse(&sloppy), Some(receipt));
        assert_eq!(Receipt::parse("ABCD"), None);
        assert_eq!(Receipt::parse(&"1".repeat(32)), None);
    }

    #[test]
    fn the_commitment_is_the_tagged_hash_of_the_secret() {
        // Computed independently: printf 'undersigned-receipt-v1\0' and
        // 20 zero bytes through sha256sum.
        let zero = Receipt([0; SECRET_LEN]);
        assert_eq!(zero.code(), "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA");
        let mut input = b"undersigned-receipt-v1\0".to_vec();
        input.extend([0u8; 20]);
        let expected: Hash = Sha256::digest(&input).into();
        assert_eq!(zero.commitment(), expected);
        assert_ne!(Receipt::generate().commitment(), expected);
    }
}
