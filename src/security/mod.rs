//! Passwords, CSRF tokens, the honeypot, erased signers' fingerprints, sessions, client addresses and rate limits.

pub mod client_ip;
pub mod csrf;
pub mod erasure;
pub mod honeypot;
pub mod limits;
pub mod password;
