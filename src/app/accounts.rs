//! Accounts that organizers open themselves: signing up, and asking for a
//! password reset. Whether or not the address has an account, the caller
//! answers the same; only the email differs, and it is written here,
//! before the transaction that queues it.

use crate::db::models::accounts::{self, ResetRequest, SignUpMails};
use crate::db::models::organizers::{self, NewOrganizer};
use crate::db::models::{new_id, now};
use crate::domain::token::SecretToken;
use crate::domain::Email;
use crate::email::messages::{AccountExists, ResetPassword, VerifyOrganizer};
use crate::i18n::Locale;
use crate::state::AppState;

/// A sign-up whose fields have been checked and password hashed.
pub struct SignUp {
    pub email: Email,
    pub name: String,
    pub password_hash: String,
    /// The language the visitor used, for the account and its mail.
    pub locale: Locale,
}

/// Opens an unverified account and mails its verification link, or mails
/// the owner of an existing account a note instead.
pub async fn sign_up(state: &AppState, request: SignUp) -> anyhow::Result<()> {
    let SignUp {
        email,
        name,
        password_hash,
        locale,
    } = request;
    // An existing account's own language, for the note to its owner. Read
    // for every sign-up, so the work done tells nothing either.
    let canonical = email.canonical().to_owned();
    let existing = state
        .db
        .run(move |conn| organizers::find_by_canonical_email(conn, &canonical))
        .await?;
    let theirs = existing
        .and_then(|o| o.locale_code.as_deref().and_then(Locale::parse))
        .unwrap_or(locale);
    let verify = SecretToken::generate();
    let to = email.as_typed();
    let due = super::mail_slot(state, email.canonical());
    let mut mails = SignUpMails {
        verify: VerifyOrganizer {
            verify_url: state.url(&format!("/signup/confirm/{}", verify.plain)),
        }
        .to_email(to, locale)?,
        already_registered: AccountExists {
            login_url: state.url("/login"),
            reset_url: state.url("/password/forgot"),
        }
        .to_email(to, theirs)?,
        verify_token_hash: verify.hash,
        over_daily_cap: due.is_none(),
    };
    mails.verify.not_before = due;
    mails.already_registered.not_before = due;
    state
        .db
        .run(move |conn| {
            let (id, at) = (new_id(), now());
            let organizer = NewOrganizer {
                id: &id,
                email: email.as_typed(),
                email_canonical: email.canonical(),
                name: &name,
                password_hash: &password_hash,
                is_admin: false,
                verified_at: None,
                created_at: at,
                locale: Some(locale.code()),
            };
            accounts::sign_up(conn, &organizer, at, &mails)
        })
        .await?;
    state.outbox_wake.notify_one();
    Ok(())
}

/// Mails a reset link to the account with this address, if there is one.
/// `locale` is the asker's, used when the account has none of its own.
/// Either way it reads, writes the mail and takes the write lock, so how
/// long it takes does not tell whether the account exists.
pub async fn request_reset(state: &AppState, email: &Email, locale: Locale) -> anyhow::Result<()> {
    let canonical = email.canonical().to_owned();
    let organizer = state
        .db
        .run(move |conn| organizers::find_by_canonical_email(conn, &canonical))
        .await?;
    let token = SecretToken::generate();
    // In the account's language; the asker's if it has none.
    let language = organizer
        .as_ref()
        .and_then(|o| o.locale_code.as_deref())
        .and_then(Locale::parse)
        .unwrap_or(locale);
    let to = organizer
        .as_ref()
        .map_or(email.as_typed(), |o| o.email.as_str());
    let mut mail = ResetPassword {
        reset_url: state.url(&format!("/password/reset/{}", token.plain)),
    }
    .to_email(to, language)?;
    // Taken whether or not the address has an account, like the rest.
    mail.not_before = super::mail_slot(state, email.canonical());
    // Over the address's daily cap nothing goes, and a link that is never
    // sent is not stored either.
    let request = organizer
        .filter(|_| mail.not_before.is_some())
        .map(|o| ResetRequest {
            organizer_id: o.id,
            token_hash: token.hash,
            mail,
        });
    state
        .db
        .run(move |conn| accounts::request_reset(conn, request.as_ref(), now()))
        .await?;
    state.outbox_wake.notify_one();
    Ok(())
}

/// What the password given on a verification link's page did.
pub enum AddressCheck {
    /// The address of this account is verified: it may log in.
    Verified(String),
    /// Not this account's password; the link still works.
    WrongPassword(String),
    /// Unknown, expired or used.
    LinkInvalid,
    /// Too many hashes waiting; try again after this long.
    Busy(std::time::Duration),
}

/// Verifies an account's address once the person at that address proves
/// they also hold its password. Opening the link alone verifies nothing:
/// mail scanners open every link, and an account opened in someone else's
/// name must stay unverified until its owner both reads the mail and
/// knows the password chosen at sign-up.
pub async fn verify_address(
    state: &AppState,
    token: String,
    password: String,
) -> anyhow::Result<AddressCheck> {
    let lookup = token.clone();
    let stored = state
        .db
        .run(move |conn| accounts::verification_password_hash(conn, &lookup, now()))
        .await?;
    let Some((organizer_id, stored)) = stored else {
        return Ok(AddressCheck::LinkInvalid);
    };
    match state.hashing.verify(Some(stored), password).await {
        Err(busy) => return Ok(AddressCheck::Busy(busy.retry_after)),
        Ok(false) => return Ok(AddressCheck::WrongPassword(organizer_id)),
        Ok(true) => {}
    }
    let verified = state
        .db
        .run(move |conn| accounts::verify(conn, &token, now()))
        .await?;
    Ok(if verified {
        AddressCheck::Verified(organizer_id)
    } else {
        AddressCheck::LinkInvalid
    })
}
