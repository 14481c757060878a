//! The two transports: SMTP for production, `.eml` files for local use.

use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{EmailSettings, EmailTransport};
use crate::db::models::outbox::QueuedEmail;

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
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
    pub fn from_settings(settings: &EmailSettings) -> anyhow::Result<Self> {
        match settings.transport {
            EmailTransport::Smtp => {
                let url = secrecy::ExposeSecret::expose_secret(&settings.smtp_url);
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .with_context(|| {
                        format!(
                            "email.smtp_url {:?} is not a valid SMTP URL",
                            settings.smtp_url
                        )
                    })?
                    .timeout(Some(Duration::from_secs(15)))
                    .build();
                Ok(Self::Smtp(transport))
            }
            EmailTransport::File => {
                std::fs::create_dir_all(&settings.outbox_dir).with_context(|| {
                    format!(
                        "cannot create the email outbox folder {}",
                        settings.outbox_dir.display()
                    )
                })?;
                Ok(Self::File(AsyncFileTransport::new(&settings.outbox_dir)))
            }
        }
    }

    pub async fn send(&self, from: &Mailbox, email: &QueuedEmail) -> Result<(), SendError> {
        let to: Mailbox = email
            .recipient
            .parse()
            .map_err(|e| SendError::Permanent(format!("bad recipient: {e}")))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(
                email.body_text.clone(),
                email.body_html.clone(),
            ))
            .map_err(|e| SendError::Permanent(format!("cannot build message: {e}")))?;
        match self {
            Self::Smtp(transport) => transport.send(message).await.map(drop).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Temporary(e.to_string())
                }
            }),
            Self::File(transport) => {
                let id = transport
                    .send(message)
                    .await
                    .map_err(|e| SendError::Temporary(e.to_string()))?;
                tracing::info!(
                    to = %email.recipient,
                    subject = %email.subject,
                    file = %format!("{id}.eml"),
                    link = email.action_url.as_deref().unwrap_or("-"),
                    "email written to the outbox folder"
                );
                Ok(())
            }
        }
    }
}
