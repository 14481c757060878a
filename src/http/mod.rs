//! Where HTTP meets the mechanisms: the middleware and extractors that read
//! requests (cookies, headers, the peer's address) and hand plain values to
//! `i18n`, `security` and the database, so that those never see actix.
//! Route handlers themselves live in `routes`.

pub mod api_token;
pub mod checked_form;
pub mod client_ip;
pub mod csrf;
pub mod language;
pub mod metrics;
pub mod session;
