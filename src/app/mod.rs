//! Use cases: what people do on the platform, whichever door they come in
//! by (the petition page, the embedded widget, the dashboard, the JSON API).
//!
//! Signers:
//! - [`sign::sign`]: signing, from the form, the widget or the API;
//! - [`confirm::prompt`], [`confirm::confirm`]: opening the confirmation
//!   link, and pressing its button;
//! - [`withdraw::find`], [`withdraw::withdraw`], [`withdraw::erase`]: the
//!   withdrawal link, and withdrawing or erasing one's details.
//!
//! Organizers, on a petition they may manage ([`managing`]: their own, or
//! any for an admin):
//! - [`petitions::create`], [`petitions::edit`] (the dashboard's whole
//!   form or the API's patch), [`petitions::preview_edit`],
//!   [`petitions::close`];
//! - [`updates::post`]: writing to the signers, or previewing it.
//!
//! Anyone: [`accounts::sign_up`], [`accounts::verify_address`],
//! [`accounts::request_reset`].
//!
//! Organizers, for themselves: [`api_tokens::issue`].
//!
//! Admins:
//! - [`invalidate::invalidate`]: invalidating signatures that match some
//!   criteria;
//! - [`moderation::hide`], [`moderation::unhide`].
//!
//! Each takes typed input and answers in the use case's own terms: an
//! outcome, or an error enum that says what stopped it (a missing
//! petition, a refusal, fields to correct) with `Failed` for the rest.
//! What they change reaches the page cache and the count store before they
//! answer. Routes decide only how an answer looks (page, JSON, status).
//!
//! The data flows one way: `routes` parse HTTP, call one function here and
//! render its typed outcome; a use case applies its policy, asks `domain`
//! to parse, `db::models` to read and write, and `email` to prepare its
//! mail. Nothing below calls back up. Signing, for instance:
//!
//! 1. `routes::signatures::sign` (form) or `routes::api::sign_petition`
//!    (JSON) checks CSRF or the rate limit and calls [`sign::sign`];
//! 2. [`sign::sign`] parses the form into a `domain::signer::NewSignature`,
//!    finds the petition in the petition cache, takes the address's mail quota,
//!    fingerprints the address for erasure, draws both tokens and prepares
//!    both messages, all on the request's thread;
//! 3. one job on the group-commit writer checks the petition is still open
//!    and calls `db::models::signatures::record`, which inserts the row,
//!    the token hashes and the chosen outbox row in one transaction;
//! 4. the outbox worker renders the message from its data and sends it.

pub mod accounts;
pub mod api_tokens;
pub mod confirm;
pub mod invalidate;
pub mod managing;
pub mod moderation;
pub mod petitions;
pub mod preview;
pub mod public_log;
pub mod sign;
pub mod updates;
pub mod verify_log;
pub mod withdraw;

use time::PrimitiveDateTime;

use crate::db::models::now;
use crate::state::AppState;

/// When an email to the canonical `address` may go, under the per-address
/// daily cap that every email shares: now, after its turn within a day, or
/// (`None`) not at all. Taken before the write, so that the writer asks
/// nobody: a request that ends up sending nothing still takes its slot.
pub(crate) fn mail_slot(state: &AppState, address: &str) -> Option<PrimitiveDateTime> {
    state.limits.email_slot(address, now())
}
