//! Email: templates to messages, transports, and the outbox worker.

pub mod mailer;
pub mod messages;
pub mod outbox;
pub mod relay;
pub mod smtp;
