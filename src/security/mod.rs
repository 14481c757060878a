//! Passwords, CSRF tokens and sessions.

pub mod csrf;
pub mod password;
pub mod session;
