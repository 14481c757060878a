//! The public log that makes a petition's count verifiable: an append-only
//! Merkle tree per petition (RFC 9162 hashing), whose leaves are commitments
//! to signers' receipts, and signed heads that fix its size and root.
//! Knows nothing of HTTP or the database; `db::models::public_log` stores
//! it and `app::public_log` serves it.

pub mod head;
pub mod leaf;
pub mod merkle;
pub mod receipt;

#[cfg(test)]
mod documented_example {
    //! The worked example in docs/verifiable-count.md, computed there
    //! independently of this code (Python's hashlib and OpenSSL). A checker
    //! written from the docs must agree with what the server signs.

    use super::head::{LogKey, TreeHead};
    use super::leaf::{Leaf, LeafKind};
    use super::merkle::{root_of, Hash};
    use super::receipt::Receipt;

    fn h(hex_str: &str) -> Hash {
        hex::decode(hex_str).unwrap().try_into().unwrap()
    }

    #[test]
    fn the_example_in_the_docs_holds() {
        let receipt = Receipt::parse("AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT").unwrap();
        let first = receipt.commitment();
        assert_eq!(
            first,
            h("0a4bbde263c8f38b55fdf5d4dca1c6785f05637bc0b71ab6851ef7530b4b1a57")
        );
        let leaves = [
            Leaf {
                index: 0,
                kind: LeafKind::Add,
                revokes: None,
                day: "2026-12-07".into(),
                commitment: first,
            },
            Leaf {
                index: 1,
                kind: LeafKind::Add,
                revokes: None,
                day: "2026-12-07".into(),
                commitment: h("38a2064b269416934860888d138afe5856002ac6888c9c67f835212cdc2a1bc7"),
            },
            Leaf {
                index: 2,
                kind: LeafKind::Revoke,
                revokes: Some(0),
                day: "2026-12-08".into(),
                commitment: first,
            },
        ];
        let hashes: Vec<Hash> = leaves.iter().map(|l| l.hash("save-the-bees")).collect();
        assert_eq!(
            hashes,
            [
                h("06fbe96cb87d3053ca7bf5aee0a25d19e86eee3c12d0a7d193555183685c4ebf"),
                h("5903fc2398636cc82e2883e5dc2d7cb27d5e054b5982e456d7e6292452b198c1"),
                h("a6ca22c271adfffbd196c1ee28d72422acf6437528a2af6e1fcdb28217b7b534"),
            ]
        );
        let root = root_of(&hashes);
        assert_eq!(
            hex::encode(root),
            "0d767b6c8b166be1e3509f41a44659aa985a936adc4b59eb9ebb0e36fade7bc2"
        );
        let key = LogKey::from_base64("KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=").unwrap();
        assert_eq!(
            key.public_key_base64(),
            "GX9rI+FshTLGq8g4+s1ep4m+DHaykgM0A5v6iz02jWE="
        );
        let mut head = TreeHead {
            petition: "save-the-bees".into(),
            tree_size: 3,
            root_hash: hex::encode(root),
            adds: 2,
            revokes: 1,
            timestamp: "2026-12-08T18:00:00Z".into(),
            signature: String::new(),
        };
        key.sign(&mut head);
        assert_eq!(
            head.signature,
            "9hCDglABK5EUh/lUK7BaeYHGA4cqP9a2tR7nxbjvqhMfglYZObXLfQywrArNGGezfOR0ZhUpzd+Rs7PKz35UCQ=="
        );
    }
}
