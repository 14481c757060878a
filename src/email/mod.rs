//! Email: templates to messages, transports, and sending a queued message
//! (the outbox loop itself is [`crate::workers::email_outbox`]).

pub mod mailer;
pub mod messages;
pub mod outbox;
pub mod relay;
pub mod smtp;
