//! Passwords, CSRF tokens, sessions, client addresses and rate limits.

pub mod api_token;
pub mod client_ip;
pub mod csrf;
pub mod limits;
pub mod password;
pub mod session;
