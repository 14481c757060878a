//! The two transports: SMTP for production, `.eml` files for local use.

use std::time::Duration;

use anyhow::Context;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

use super::messages::Prepared;
use super::smtp::SmtpSessions;

use crate::config::{EmailSettings, EmailTransport};
use crate::db::models::outbox::QueuedEmail;

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");
const LIST_ID: HeaderName = HeaderName::new_from_ascii_str("List-Id");
const CONTENT_LANGUAGE: HeaderName = HeaderName::new_from_ascii_str("Content-Language");

pub struct Mailer {
    transport: Transport,
    /// Bounds a whole send: connecting, the greeting, every reply.
    send_timeout: Duration,
    outbox_dir: std::path::PathBuf,
    /// The site's public host: every `Message-ID` is made under it.
    message_id_host: String,
}

enum Transport {
    Smtp(SmtpSessions),
    File(AsyncFileTransport<Tokio1Executor>),
}

/// How a failed send should be treated.
#[derive(Debug)]
pub enum SendError {
    /// Worth retrying: connection refused, timeouts, 4xx replies.
    Temporary(String),
    /// Retrying cannot help: a 5xx reply or an address lettre cannot use.
    Permanent(String),
}

impl Mailer {
    /// `public_host` is the site's own host, for the `Message-ID`s.
    pub fn from_settings(settings: &EmailSettings, public_host: String) -> anyhow::Result<Self> {
        let send_timeout = Duration::from_millis(settings.send_timeout_ms);
        let transport = match settings.transport {
            EmailTransport::Smtp => {
                let url = secrecy::ExposeSecret::expose_secret(&settings.smtp_url);
                // As many sessions kept open as concurrent sends, so a burst
                // reuses them instead of opening new ones.
                let sessions = SmtpSessions::from_url(url, send_timeout, settings.concurrency)
                    .with_context(|| {
                        format!(
                            "email.smtp_url {:?} is not a valid SMTP URL",
                            settings.smtp_url
                        )
                    })?;
                Transport::Smtp(sessions)
            }
            EmailTransport::File => {
                crate::config::create_private_dir(&settings.outbox_dir).with_context(|| {
                    format!(
                        "cannot create the email outbox folder {}",
                        settings.outbox_dir.display()
                    )
                })?;
                Transport::File(AsyncFileTransport::new(&settings.outbox_dir))
            }
        };
        Ok(Self {
            transport,
            send_timeout,
            outbox_dir: settings.outbox_dir.clone(),
            message_id_host: public_host,
        })
    }

    /// `smtp` or `file`, as configured.
    pub fn transport_name(&self) -> &'static str {
        match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::File(_) => "file",
        }
    }

    /// Checks that mail could go out now: the relay greets a new session
    /// and answers its EHLO, or the outbox folder is a writable folder.
    /// The error never holds an address.
    pub async fn probe(&self) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp(sessions) => sessions
                .probe()
                .await
                .map_err(|e| without_addresses(&e.to_string())),
            Transport::File(_) => {
                let metadata = tokio::fs::metadata(&self.outbox_dir)
                    .await
                    .map_err(|e| format!("the outbox folder: {e}"))?;
                if !metadata.is_dir() || metadata.permissions().readonly() {
                    return Err("the outbox folder is not a writable folder".to_owned());
                }
                Ok(())
            }
        }
    }

    /// Sends one message. A send that has not finished within the timeout
    /// is a temporary failure: a relay that accepts the connection and
    /// never answers (hung, or its listen queue overflowed) would otherwise
    /// hold the send forever.
    pub async fn send(&self, from: &Mailbox, email: &QueuedEmail) -> Result<(), SendError> {
        match tokio::time::timeout(self.send_timeout, self.send_unbounded(from, email)).await {
            Ok(result) => result,
            Err(_) => Err(SendError::Temporary(format!(
                "no answer from the mail relay within {} ms",
                self.send_timeout.as_millis()
            ))),
        }
    }

    async fn send_unbounded(&self, from: &Mailbox, email: &QueuedEmail) -> Result<(), SendError> {
        let to: Mailbox = email
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("bad recipient: {e}")))?;
        // (lettre's address errors describe the problem, not the address.)
        // Signing mail is queued as data and rendered here, off the writer.
        let rendered =
            match &email.message {
                Some(stored) => Some(Prepared::render(stored, &email.recipient).map_err(|e| {
                    SendError::Permanent(format!("cannot render the message: {e:#}"))
                })?),
                None => None,
            };
        let (subject, text, html, action_url, language) = match &rendered {
            Some(r) => (
                &r.subject,
                &r.text,
                &r.html,
                r.action_url.as_deref(),
                Some(r.language),
            ),
            None => (
                &email.subject,
                &email.body_text,
                &email.body_html,
                email.action_url.as_deref(),
                email.content_language.as_deref(),
            ),
        };
        // The outbox row's id is unique and stable across retries, so a
        // relay that saw a message before knows it again.
        let message_id = format!("<{}@{}>", email.id, self.message_id_host);
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(message_id));
        if let Some(language) = language {
            builder = builder.raw_header(HeaderValue::new(CONTENT_LANGUAGE, language.to_owned()));
        }
        if let Some(list_id) = &email.list_id {
            builder = builder.raw_header(HeaderValue::new(LIST_ID, list_id.clone()));
        }
        if let Some(url) = &email.list_unsubscribe {
            // RFC 8058: mail providers show an unsubscribe button and POST
            // `List-Unsubscribe=One-Click` to the address themselves.
            builder = builder
                .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                text.clone(),
                html.clone(),
            ))
            .map_err(|e| SendError::Permanent(format!("cannot build message: {e}")))?;
        match &self.transport {
            Transport::Smtp(sessions) => sessions
                .send(message.envelope(), &message.formatted())
                .await
                .map_err(|e| {
                    if e.is_permanent() {
                        SendError::Permanent(without_addresses(&e.to_string()))
                    } else {
                        SendError::Temporary(without_addresses(&e.to_string()))
                    }
                }),
            Transport::File(transport) => {
                let id = transport
                    .send(message)
                    .await
                    .map_err(|e| SendError::Temporary(e.to_string()))?;
                tracing::info!(
                    to = %email.recipient,
                    subject = %subject,
                    file = %format!("{id}.eml"),
                    link = action_url.unwrap_or("-"),
                    "email written to the outbox folder"
                );
                Ok(())
            }
        }
    }
}

/// A relay's reply with every address in it replaced: replies such as
/// `550 <jane@example.org> rejected` end up in the logs and in the outbox
/// row's `last_error`, which outlive the wiped recipient.
fn without_addresses(reply: &str) -> String {
    reply
        .split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::without_addresses;

    #[test]
    fn relay_replies_lose_their_addresses() {
        assert_eq!(
            without_addresses(
                "permanent error (550): 5.1.1 <jane@example.org>: Recipient rejected"
            ),
            "permanent error (550): 5.1.1 <address> Recipient rejected"
        );
        assert_eq!(
            without_addresses("Connection refused (os error 111)"),
            "Connection refused (os error 111)"
        );
    }
}
