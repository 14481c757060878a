//! The public log that makes a petition's count verifiable: an append-only
//! Merkle tree per petition (RFC 9162 hashing), whose leaves are commitments
//! to signers' receipts, and signed heads that fix its size and root.
//! Knows nothing of HTTP or the database; `db::models::public_log` stores
//! it and `app::public_log` serves it.

pub mod head;
pub mod leaf;
pub mod merkle;
pub mod receipt;
