//! SMTP sessions kept open between messages.
//!
//! lettre's pooled transport sends a NOOP on every reused connection before
//! each message, and hands a connection back to its pool from a spawned
//! task, so a send that starts right after another often finds the pool
//! empty and opens a new connection. Under a burst that was most of the
//! cost: 5,000 emails opened 3,442 connections, and the NOOPs alone are a
//! fifth more commands for the relay to answer. Here a send takes an open
//! session off a stack and puts it back as soon as the relay has accepted
//! the message, as a plain client that keeps its connection open does.

use std::borrow::Cow;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::{SMTP_PORT, SUBMISSIONS_PORT, SUBMISSION_PORT};
use tokio::net::TcpStream;

/// A session idle longer than this is closed rather than reused: relays
/// drop idle clients (Postfix after 300 s, many providers sooner), and a
/// dropped session found only when sending costs a failed attempt.
const MAX_IDLE: Duration = Duration::from_secs(60);

/// Where and how to reach the relay, from `email.smtp_url`.
struct Relay {
    host: String,
    port: u16,
    tls: Tls,
    hello_name: ClientId,
    credentials: Option<Credentials>,
    /// Bounds opening the connection; the caller bounds the whole send.
    connect_timeout: Duration,
}

struct IdleSession {
    connection: AsyncSmtpConnection,
    since: Instant,
}

pub struct SmtpSessions {
    relay: Relay,
    /// Most recently used on top, so the stalest sessions age out first.
    idle: Mutex<Vec<IdleSession>>,
    max_idle_sessions: usize,
}

impl SmtpSessions {
    /// Reads the relay's URL as lettre documents it: `smtp://host:port`,
    /// `?tls=required` or `?tls=opportunistic` for STARTTLS, `smtps://` for
    /// TLS from the start, credentials as `user:password@`, and a path
    /// naming the EHLO domain.
    pub fn from_url(
        url: &str,
        connect_timeout: Duration,
        max_idle_sessions: usize,
    ) -> anyhow::Result<Self> {
        let url = url::Url::parse(url).context("not a URL")?;
        let host = url.host_str().context("no relay host")?.to_owned();
        let tls_query = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let tls_parameters = || TlsParameters::new(host.clone());
        let (default_port, tls) = match (url.scheme(), tls_query.as_deref()) {
            ("smtp", None) => (SMTP_PORT, Tls::None),
            ("smtp", Some("required")) => (SUBMISSION_PORT, Tls::Required(tls_parameters()?)),
            ("smtp", Some("opportunistic")) => {
                (SUBMISSION_PORT, Tls::Opportunistic(tls_parameters()?))
            }
            ("smtps", _) => (SUBMISSIONS_PORT, Tls::Wrapper(tls_parameters()?)),
            (scheme, tls) => bail!("unknown scheme {scheme:?} or tls parameter {tls:?}"),
        };
        let hello_name = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(
                percent_decoded(url.username())?,
                percent_decoded(password)?,
            )),
            None => None,
        };
        Ok(Self {
            relay: Relay {
                port: url.port().unwrap_or(default_port),
                host,
                tls,
                hello_name,
                credentials,
                connect_timeout,
            },
            idle: Mutex::new(Vec::new()),
            max_idle_sessions,
        })
    }

    /// Hands one message to the relay. A session that went stale while
    /// idle fails before the relay takes anything, so the message is sent
    /// once more on a fresh session, at once, instead of after a backoff.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> Result<(), SmtpError> {
        if let Some(mut session) = self.take_idle() {
            match session.send(envelope, message).await {
                Ok(_) => {
                    self.put_back(session);
                    return Ok(());
                }
                // The relay answered: that reply stands.
                Err(err) if err.is_response() => return Err(err.into()),
                Err(_) => {}
            }
        }
        let mut session = self.connect().await?;
        session.send(envelope, message).await?;
        self.put_back(session);
        Ok(())
    }

    /// Checks that the relay answers its greeting and EHLO, on a session
    /// of its own. Never one from the stack: `/health` runs on the HTTP
    /// workers' runtimes, and a session opened there dies with them at
    /// shutdown, in the middle of whatever the outbox was sending on it.
    pub async fn probe(&self) -> Result<(), SmtpError> {
        let mut session = self.connect().await?;
        session.quit().await?;
        Ok(())
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SmtpError> {
        let relay = &self.relay;
        let mut session = match &relay.tls {
            // TLS from the first byte: lettre opens these itself, and leaves
            // Nagle's algorithm on (see `open_tcp`).
            Tls::Wrapper(parameters) => {
                AsyncSmtpConnection::connect_tokio1(
                    (relay.host.as_str(), relay.port),
                    Some(relay.connect_timeout),
                    &relay.hello_name,
                    Some(parameters.clone()),
                    None,
                )
                .await?
            }
            _ => {
                let tcp = self.open_tcp().await?;
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &relay.hello_name)
                    .await?
            }
        };
        match &relay.tls {
            Tls::Required(parameters) => {
                session
                    .starttls(parameters.clone(), &relay.hello_name)
                    .await?
            }
            Tls::Opportunistic(parameters) if session.can_starttls() => {
                session
                    .starttls(parameters.clone(), &relay.hello_name)
                    .await?
            }
            _ => {}
        }
        if let Some(credentials) = &relay.credentials {
            session.auth(DEFAULT_MECHANISMS, credentials).await?;
        }
        Ok(session)
    }

    /// A TCP connection to the relay with Nagle's algorithm off. lettre
    /// writes a message's text and its closing dot in two writes before
    /// reading the reply; with Nagle on, the dot waits for the relay's
    /// delayed ACK of the text, about 40 ms per message on Linux, which
    /// capped each session at some 25 messages a second.
    async fn open_tcp(&self) -> Result<TcpStream, SmtpError> {
        let relay = &self.relay;
        let connect = TcpStream::connect((relay.host.as_str(), relay.port));
        let tcp = tokio::time::timeout(relay.connect_timeout, connect)
            .await
            .map_err(|_| {
                SmtpError::Connect(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "connecting to the mail relay timed out",
                ))
            })?
            .map_err(SmtpError::Connect)?;
        tcp.set_nodelay(true).map_err(SmtpError::Connect)?;
        Ok(tcp)
    }

    /// The freshest idle session; stale ones are closed on the way.
    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().expect("idle sessions lock");
        let fresh = idle.iter().position(|s| s.since.elapsed() < MAX_IDLE);
        // Sessions under the freshest one's position are older still.
        let stale: Vec<IdleSession> = match fresh {
            Some(first_fresh) => idle.drain(..first_fresh).collect(),
            None => idle.drain(..).collect(),
        };
        let session = idle.pop().map(|s| s.connection);
        drop(idle);
        for mut old in stale {
            // QUIT politely, off the sender's path.
            tokio::spawn(async move { old.connection.abort().await });
        }
        session
    }

    fn put_back(&self, connection: AsyncSmtpConnection) {
        if connection.has_broken() {
            return;
        }
        let mut idle = self.idle.lock().expect("idle sessions lock");
        if idle.len() < self.max_idle_sessions {
            idle.push(IdleSession {
                connection,
                since: Instant::now(),
            });
        } else {
            drop(idle);
            let mut extra = connection;
            tokio::spawn(async move { extra.abort().await });
        }
    }
}

/// Why a session could not take a message.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error(transparent)]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot connect to the mail relay: {0}")]
    Connect(std::io::Error),
}

impl SmtpError {
    /// The relay refused for good (a 5xx reply): retrying cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Smtp(err) if err.is_permanent())
    }
}

fn percent_decoded(s: &str) -> anyhow::Result<String> {
    Ok(percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(Cow::into_owned)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay(url: &str) -> Relay {
        SmtpSessions::from_url(url, Duration::from_secs(1), 1)
            .unwrap()
            .relay
    }

    #[test]
    fn urls_read_as_lettre_documents_them() {
        let plain = relay("smtp://127.0.0.1:2525");
        assert_eq!((plain.host.as_str(), plain.port), ("127.0.0.1", 2525));
        assert!(matches!(plain.tls, Tls::None));
        assert!(plain.credentials.is_none());
        assert_eq!(relay("smtp://mail.example.org").port, 25);

        let starttls = relay("smtp://mail.example.org?tls=required");
        assert_eq!(starttls.port, 587);
        assert!(matches!(starttls.tls, Tls::Required(_)));
        let maybe = relay("smtp://mail.example.org:2587?tls=opportunistic");
        assert_eq!(maybe.port, 2587);
        assert!(matches!(maybe.tls, Tls::Opportunistic(_)));
        let wrapped = relay("smtps://mail.example.org");
        assert_eq!(wrapped.port, 465);
        assert!(matches!(wrapped.tls, Tls::Wrapper(_)));

        let named = relay("smtps://us%40er:p%3Ass@mail.example.org/undersigned.example");
        assert_eq!(
            named.credentials,
            Some(Credentials::new("us@er".into(), "p:ss".into()))
        );
        assert_eq!(
            named.hello_name,
            ClientId::Domain("undersigned.example".into())
        );
    }

    #[test]
    fn other_schemes_and_tls_modes_are_refused() {
        for url in [
            "http://mail.example.org",
            "smtp://mail.example.org?tls=sometimes",
            "smtp:///no-host",
            "not a url",
        ] {
            assert!(
                SmtpSessions::from_url(url, Duration::from_secs(1), 1).is_err(),
                "{url}"
            );
        }
    }
}
