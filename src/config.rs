//! Typed settings, layered: the embedded `config/default.toml`, the same file
//! on disk if present, `config/$UNDERSIGNED_ENV.toml`, then
//! `UNDERSIGNED__SECTION__KEY` variables and `DATABASE_URL`.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use config::{Config, File, FileFormat};
use secrecy::{ExposeSecret, SecretString};
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
    #[serde(default)]
    pub live: LiveSettings,
    #[serde(default)]
    pub privacy: PrivacySettings,
    #[serde(default)]
    pub fraud: FraudSettings,
    #[serde(default)]
    pub counts: CountSettings,
    #[serde(default)]
    pub log: LogSettings,
    /// From `UNDERSIGNED_ENV` (`local` when unset).
    #[serde(skip)]
    pub environment: Environment,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    /// `text` for people, `json` (one object per line) for log pipelines.
    pub format: LogFormat,
    /// Seconds between signed heads of a growing public log.
    pub publish_every_s: u64,
    /// Base64 of the Ed25519 seed that signs the public log's heads.
    pub signing_key: SecretString,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::default(),
            publish_every_s: 60,
            signing_key: SecretString::from(""),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Where the instance runs, from `UNDERSIGNED_ENV`. It selects
/// `config/{name}.toml` and how strict start-up is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Environment {
    /// A developer's machine: a generated secret, `.eml` files, plain http.
    #[default]
    Local,
    /// Automated tests; as lenient as `local`.
    Test,
    /// Serving the public: secrets from the environment, https, SMTP.
    Production,
}

impl Environment {
    pub const ALL: [Self; 3] = [Self::Local, Self::Test, Self::Production];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Test => "test",
            Self::Production => "production",
        }
    }

    /// An unknown name is refused: a typo such as `prod` must not quietly
    /// run production with local defaults.
    pub fn parse(value: &str) -> anyhow::Result<Self> {
        Self::ALL
            .into_iter()
            .find(|env| env.as_str() == value.trim())
            .with_context(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|e| e.as_str()).collect();
                format!(
                    "UNDERSIGNED_ENV {value:?} is not a known environment; use one of: {}",
                    names.join(", ")
                )
            })
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: String,
    /// Peers whose `X-Forwarded-For` is believed.
    #[serde(default)]
    pub trusted_proxies: TrustedProxies,
    /// A request body must arrive whole within this many seconds, or the
    /// request gets 408 and its connection is closed.
    #[serde(default = "default_body_timeout_s")]
    pub body_timeout_s: u64,
    /// Connections open at once on the whole instance; 0 derives it from
    /// the open-file limit (see `os::connection_ceiling`).
    #[serde(default)]
    pub max_connections: usize,
}

fn default_body_timeout_s() -> u64 {
    15
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// May carry a password; shown only through [`redact_url`].
    pub url: SecretString,
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
    /// May carry credentials; shown only through [`redact_url`].
    pub smtp_url: SecretString,
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
    /// Login attempts for one account (email address) from one client IP.
    pub login_per_account_per_client: RateLimit,
    /// Login attempts for one account from everywhere: a ceiling well above
    /// the per-client limit, so strangers cannot lock the owner out.
    pub login_per_account: RateLimit,
    /// Sign-ups from one client IP, and for one address.
    pub signup_per_ip: RateLimit,
    pub signup_per_address: RateLimit,
    /// Forgotten-password requests from one client IP, and for one address.
    pub password_reset_per_ip: RateLimit,
    pub password_reset_per_address: RateLimit,
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

/// Live counts (`/petitions/{slug}/live`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LiveSettings {
    /// Milliseconds between heartbeat comments on an idle stream, which
    /// keep proxies from closing it and reveal clients that have gone.
    pub heartbeat_ms: u64,
    /// Streams open at once on this instance; beyond it, 503.
    pub max_streams: usize,
    /// Streams open at once from one client IP (IPv6: one /64); beyond
    /// it, 429.
    pub max_streams_per_client: usize,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            heartbeat_ms: 15_000,
            max_streams: 20_000,
            max_streams_per_client: 100,
        }
    }
}

/// The counters behind every public count.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CountSettings {
    /// How often every petition's count is checked against its confirmed
    /// rows, and corrected.
    pub reconcile_every_s: u64,
}

impl Default for CountSettings {
    fn default() -> Self {
        Self {
            reconcile_every_s: 600,
        }
    }
}

/// Defences against fake signatures that cost real signers something, so
/// the operator switches them on.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FraudSettings {
    /// Refuse addresses at the bundled list of disposable email domains.
    pub block_disposable_emails: bool,
}

/// What is kept about signers, and for how long.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct PrivacySettings {
    /// Days after a petition closes before its signers' personal data
    /// (name, email, postcode, comment, IP) is made anonymous. Counts and
    /// per-country figures stay.
    pub retention_days: u32,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self {
            retention_days: 180,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SecuritySettings {
    pub secret_key: SecretString,
    /// Days an API token works after it is made.
    pub api_token_days: u32,
}

impl Settings {
    /// Loads the layers described in the module docs from `config_dir`.
    pub fn load(config_dir: &Path) -> anyhow::Result<Self> {
        let environment = match std::env::var("UNDERSIGNED_ENV") {
            Ok(value) => Environment::parse(&value)?,
            Err(_) => Environment::default(),
        };
        let mut builder = Config::builder()
            .add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml))
            .add_source(File::from(config_dir.join("default.toml")).required(false))
            .add_source(File::from(config_dir.join(format!("{environment}.toml"))).required(false))
            .add_source(
                config::Environment::with_prefix("UNDERSIGNED")
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
        self.environment == Environment::Production
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
        if self.is_production() && public.scheme() != "https" {
            bail!(
                "server.public_url {:?} must be an https:// URL in production: links in emails carry tokens",
                self.server.public_url
            );
        }
        self.server.public_url = self.server.public_url.trim_end_matches('/').to_owned();
        self.email
            .from
            .parse::<lettre::message::Mailbox>()
            .with_context(|| format!("email.from {:?} is not a valid mailbox", self.email.from))?;
        if self.email.max_attempts < 1 || self.email.retry_base_ms == 0 {
            bail!("email.max_attempts and email.retry_base_ms must be positive");
        }
        if self.security.api_token_days == 0 {
            bail!("security.api_token_days must be at least 1");
        }
        if self.live.heartbeat_ms == 0 {
            bail!("live.heartbeat_ms must be positive");
        }
        if self.live.max_streams == 0 || self.live.max_streams_per_client == 0 {
            bail!("live.max_streams and live.max_streams_per_client must be positive");
        }
        if self.email.concurrency == 0 || self.email.send_timeout_ms == 0 {
            bail!("email.concurrency and email.send_timeout_ms must be positive");
        }
        match self.email.transport {
            EmailTransport::File if self.is_production() => bail!(
                "email.transport \"file\" only writes files and never reaches anyone; production needs \"smtp\""
            ),
            EmailTransport::File => {}
            EmailTransport::Smtp => {
                let url = self.email.smtp_url.expose_secret();
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
                    .map_err(anyhow::Error::new)
                    .with_context(|| {
                        format!("email.smtp_url {} is not a valid SMTP URL", redact_url(url))
                    })?;
            }
        }
        if self.security.secret_key.expose_secret().is_empty() {
            if self.is_production() {
                bail!(
                    "security.secret_key is required in production: set UNDERSIGNED__SECURITY__SECRET_KEY to at least {MIN_SECRET_LEN} random characters"
                );
            }
            self.security.secret_key = local_secret_key(Path::new("data/secret.key"))?.into();
        }
        if self.security.secret_key.expose_secret().len() < MIN_SECRET_LEN {
            bail!("security.secret_key must be at least {MIN_SECRET_LEN} characters long");
        }
        if self.log.signing_key.expose_secret().is_empty() {
            if self.is_production() {
                bail!(
                    "log.signing_key is required in production: set UNDERSIGNED__LOG__SIGNING_KEY to the base64 of 32 random bytes (e.g. `openssl rand -base64 32`), and keep it"
                );
            }
            self.log.signing_key = local_log_key(Path::new("data/log.key"))?.into();
        }
        crate::transparency::head::LogKey::from_base64(self.log.signing_key.expose_secret())?;
        if self.log.publish_every_s == 0 {
            bail!("log.publish_every_s must be at least 1");
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
        create_private_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_private(path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret)
}

/// Reads the local key that signs the public log's heads, creating it on
/// first run. Heads signed with it stay checkable as long as it is kept.
fn local_log_key(path: &Path) -> anyhow::Result<String> {
    use crate::transparency::head::LogKey;
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        LogKey::from_base64(&existing)
            .with_context(|| format!("{} does not hold a log key", path.display()))?;
        return Ok(existing);
    }
    let key = LogKey::generate_base64();
    if let Some(dir) = path.parent() {
        create_private_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_private(path, &key).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key)
}

/// `url` with any password replaced by `***`, for messages and logs:
/// `smtp://user:***@host`. Something that does not parse as a URL but has
/// credentials (`…://…@host`) loses everything before the `@`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => match (url.find("://"), url.rfind('@')) {
            (Some(scheme_end), Some(at)) if at > scheme_end => {
                format!("{}://***{}", &url[..scheme_end], &url[at..])
            }
            _ => url.to_owned(),
        },
    }
}

/// Creates `dir` and any missing parents, readable by the owner only.
/// Existing directories keep their mode: they may be shared on purpose.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
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
    fn urls_lose_their_passwords() {
        assert_eq!(
            redact_url("smtp://user:hunter2@mail.example.org:587?tls=required"),
            "smtp://user:***@mail.example.org:587?tls=required"
        );
        assert_eq!(
            redact_url("postgres://app:p%40ss@db/undersigned"),
            "postgres://app:***@db/undersigned"
        );
        assert_eq!(redact_url("smtp://127.0.0.1:25"), "smtp://127.0.0.1:25");
        assert_eq!(
            redact_url("smtp://user:hunter2@host:notaport"),
            "smtp://***@host:notaport"
        );
        assert_eq!(redact_url("data/undersigned.db"), "data/undersigned.db");
    }

    #[test]
    fn environments_parse_by_name_only() {
        assert_eq!(
            Environment::parse("production").unwrap(),
            Environment::Production
        );
        assert_eq!(Environment::parse("local").unwrap(), Environment::Local);
        assert_eq!(Environment::parse("test").unwrap(), Environment::Test);
        let err = Environment::parse("prod").unwrap_err().to_string();
        assert!(err.contains("local, test, production"), "{err}");
    }

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
