//! Organizer passwords: argon2id with OWASP's parameters, hashed and
//! verified on the blocking pool because one hash takes tens of milliseconds.

use std::sync::OnceLock;

use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A password that meets the length rules. Not `Debug`, so it cannot leak
/// into logs by accident.
pub struct Password(String);

impl Password {
    pub fn parse(input: String) -> Result<Self, String> {
        let len = input.chars().count();
        if len < MIN_PASSWORD_CHARS {
            return Err(format!(
                "Password must be at least {MIN_PASSWORD_CHARS} characters long"
            ));
        }
        if len > MAX_PASSWORD_CHARS {
            return Err(format!(
                "Password must be {MAX_PASSWORD_CHARS} characters or fewer"
            ));
        }
        Ok(Self(input))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn argon2() -> Argon2<'static> {
    // m=19456 KiB, t=2, p=1: the OWASP minimum for argon2id.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Blocking; call from the blocking pool or the CLI.
pub fn hash_password(password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let hash = argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("hashing the password failed")?;
    Ok(hash.to_string())
}

/// Blocking. `None` for the stored hash verifies against a dummy hash, so an
/// unknown account costs as much time as a wrong password.
pub fn verify_password(stored_hash: Option<&str>, candidate: &str) -> bool {
    let hash = stored_hash.unwrap_or_else(|| dummy_hash());
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = argon2()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_ok();
    ok && stored_hash.is_some()
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let password = Password("not the password of anyone at all".into());
        hash_password(&password).expect("hashing a constant works")
    })
}

pub async fn hash_password_async(password: Password) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .context("password hashing task failed")?
}

pub async fn verify_password_async(stored_hash: Option<String>, candidate: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(stored_hash.as_deref(), &candidate))
        .await
        .unwrap_or(false)
}
