//! Typed settings, layered: the embedded `config/default.toml`, the same file
//! on disk if present, `config/$UNDERSIGNED_ENV.toml`, then
//! `UNDERSIGNED__SECTION__KEY` variables and `DATABASE_URL`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

use crate::security::client_ip::TrustedProxies;

const DEFAULT_TOML: &str = include_str!("../config/default.toml");
const MIN_SECRET_LEN: usize = 32;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub email: EmailSettings,
    pub limits: LimitSettings,
    pub security: SecuritySettings,
    /// The value of `UNDERSIGNED_ENV` (`local` when unset).
    #[serde(skip, default = "default_environment")]
    pub environment: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: String,
    /// Peers whose `X-Forwarded-For` is believed.
    #[serde(default)]
    pub trusted_proxies: TrustedProxies,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    File,
    Smtp,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EmailSettings {
    pub transport: EmailTransport,
    pub smtp_url: String,
    pub from: String,
    pub outbox_dir: PathBuf,
    pub retry_base_ms: u64,
    pub retry_max_ms: u64,
    pub max_attempts: i32,
    /// How many messages are in flight to the relay at once.
    pub concurrency: usize,
    /// The longest one send may take, connecting included.
    pub send_timeout_ms: u64,
    /// `/health` answers 503 once the oldest due email has waited longer.
    pub max_due_age_s: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LimitSettings {
    /// `false` switches every rate limit off, for load tests.
    pub enabled: bool,
    /// Signing from one client IP, across all petitions.
    pub sign_per_ip: RateLimit,
    /// Signing one petition from one client IP.
    pub sign_per_ip_per_petition: RateLimit,
    /// Login attempts from one client IP.
    pub login_per_ip: RateLimit,
    /// Login attempts for one account (email address).
    pub login_per_account: RateLimit,
    /// Emails to one address per day; more are delayed, not dropped.
    pub emails_per_address_per_day: u32,
    /// Logins that may wait for a free CPU to check a password; beyond
    /// that they get 503 at once. Not a rate limit: stays on when
    /// `enabled` is false.
    pub password_hash_queue: usize,
}

/// A burst of `burst` requests at once, then `per_minute` on average.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct RateLimit {
    pub burst: u32,
    pub per_minute: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    pub secret_key: String,
}

fn default_environment() -> String {
    "local".into()
}

impl Settings {
    /// Loads the layers described in the module docs from `config_dir`.
    pub fn load(config_dir: &Path) -> anyhow::Result<Self> {
        let environment =
            std::env::var("UNDERSIGNED_ENV").unwrap_or_else(|_| default_environment());
        let mut builder = Config::builder()
            .add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml))
            .add_source(File::from(config_dir.join("default.toml")).required(false))
            .add_source(File::from(config_dir.join(format!("{environment}.toml"))).required(false))
            .add_source(
                Environment::with_prefix("UNDERSIGNED")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true),
            );
        if let Ok(url) = std::env::var("DATABASE_URL") {
            builder = builder.set_override("database.url", url)?;
        }
        let mut settings: Settings = builder
            .build()
            .and_then(Config::try_deserialize)
            .context("the configuration is invalid")?;
        settings.environment = environment;
        Ok(settings)
    }

    /// The embedded defaults alone: what tests start from.
    pub fn defaults() -> Self {
        Config::builder()
            .add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml))
            .build()
            .and_then(Config::try_deserialize)
            .expect("the embedded config/default.toml is valid")
    }

    pub fn is_production(&self) -> bool {
        self.environment == "production"
    }

    /// Checks what serving needs, and fills in a local secret key.
    pub fn prepare_for_serving(&mut self) -> anyhow::Result<()> {
        let public = url::Url::parse(&self.server.public_url).with_context(|| {
            format!(
                "server.public_url {:?} is not a URL",
                self.server.public_url
            )
        })?;
        if !matches!(public.scheme(), "http" | "https") || public.host_str().is_none() {
            bail!("server.public_url must be an http:// or https:// URL with a host");
        }
        self.server.public_url = self.server.public_url.trim_end_matches('/').to_owned();
        self.email
            .from
            .parse::<lettre::message::Mailbox>()
            .with_context(|| format!("email.from {:?} is not a valid mailbox", self.email.from))?;
        if self.email.max_attempts < 1 || self.email.retry_base_ms == 0 {
            bail!("email.max_attempts and email.retry_base_ms must be positive");
        }
        if self.email.concurrency == 0 || self.email.send_timeout_ms == 0 {
            bail!("email.concurrency and email.send_timeout_ms must be positive");
        }
        if self.security.secret_key.is_empty() {
            if self.is_production() {
                bail!(
                    "security.secret_key is required in production: set UNDERSIGNED__SECURITY__SECRET_KEY to at least {MIN_SECRET_LEN} random characters"
                );
            }
            self.security.secret_key = local_secret_key(Path::new("data/secret.key"))?;
        }
        if self.security.secret_key.len() < MIN_SECRET_LEN {
            bail!("security.secret_key must be at least {MIN_SECRET_LEN} characters long");
        }
        Ok(())
    }

    /// Whether the site is served over https; cookies then take the
    /// `__Host-` prefix.
    pub fn uses_https(&self) -> bool {
        self.server.public_url.starts_with("https://")
    }

    /// Cookies are `Secure` everywhere but a plain-http localhost, where
    /// browsers would otherwise drop them during development.
    pub fn secure_cookies(&self) -> bool {
        let local = url::Url::parse(&self.server.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .is_some_and(|h| matches!(h.as_str(), "localhost" | "127.0.0.1" | "[::1]"));
        self.uses_https() || !local
    }
}

/// Reads the local secret, creating it on first run so that sessions and
/// forms survive restarts without any setup.
fn local_secret_key(path: &Path) -> anyhow::Result<String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= MIN_SECRET_LEN {
            return Ok(existing);
        }
    }
    let secret = crate::domain::token::SecretToken::generate().plain;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_private(path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_everywhere_but_plain_http_localhost() {
        let mut settings = Settings::defaults();
        for (url, secure) in [
            ("http://localhost:8080", false),
            ("http://127.0.0.1:9000", false),
            ("https://localhost:8443", true),
            ("http://petitions.example.org", true),
            ("https://petitions.example.org", true),
        ] {
            settings.server.public_url = url.into();
            assert_eq!(settings.secure_cookies(), secure, "{url}");
        }
    }

    #[test]
    fn trusted_proxies_may_be_one_comma_separated_string() {
        // As `UNDERSIGNED__SERVER__TRUSTED_PROXIES` would give them.
        let settings: Settings = Config::builder()
            .add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml))
            .set_override("server.trusted_proxies", "127.0.0.1, 10.0.0.0/8")
            .unwrap()
            .build()
            .and_then(Config::try_deserialize)
            .unwrap();
        assert_eq!(
            settings.server.trusted_proxies,
            TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8"]).unwrap()
        );
        assert_eq!(
            Settings::defaults().server.trusted_proxies,
            TrustedProxies::default()
        );
    }
}
