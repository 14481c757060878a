//! Passwords, CSRF tokens, security events, erased signers' fingerprints, the client's
//! address behind trusted proxies, and rate limits: mechanisms over plain
//! values, which `http` applies to requests.

pub mod audit;
pub mod client_ip;
pub mod csrf;
pub mod erasure;
pub mod limits;
pub mod password;
