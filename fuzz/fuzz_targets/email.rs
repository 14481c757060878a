//! `Email::parse` on arbitrary UTF-8: it never panics, and every address it
//! accepts keeps the rules of CONTRACT §6 (see `check_email`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use undersigned::domain::email::EmailError;
use undersigned::domain::Email;
use undersigned_fuzz::check_email;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match Email::parse(input) {
        Ok(email) => check_email(&email),
        Err(EmailError::Empty) => assert!(input.trim().is_empty()),
        Err(err) => assert!(!err.to_string().is_empty()),
    }
});
