//! One file per table group. Every function takes `&mut DbConnection` and
//! is the only place that knows how its statement is written per backend.

pub mod abuse;
pub mod accounts;
pub mod admin;
pub mod api_tokens;
pub mod counts;
pub mod goals;
pub mod metrics;
pub mod organizers;
pub mod outbox;
pub mod petitions;
pub mod privacy;
pub mod sessions;
pub mod signatures;
pub mod statistics;
pub mod updates;

use time::{OffsetDateTime, PrimitiveDateTime};

/// The current time as stored: UTC without an offset.
pub fn now() -> PrimitiveDateTime {
    let now = OffsetDateTime::now_utc();
    PrimitiveDateTime::new(now.date(), now.time())
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
