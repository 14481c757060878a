//! Email: templates to messages, transports, and sending a queued message
//! (the outbox loop itself is [`crate::workers::email_outbox`]).

pub mod mailer;
pub mod messages;
pub mod outbox;
pub mod relay;
pub mod smtp;

/// The host of the site's public address, under which messages take their
/// `Message-ID` and update lists their `List-Id`. `localhost` when the
/// address has none (configuration validates that it does).
pub fn public_host(public_url: &str) -> String {
    url::Url::parse(public_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned())
}
