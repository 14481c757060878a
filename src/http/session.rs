//! Organizer sessions: a random token in an HttpOnly, SameSite cookie, and
//! only its hash in the database.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{FromRequest, HttpRequest};

use crate::db::models::organizers::Organizer;
use crate::db::models::{now, sessions};
use crate::domain::token::{hash_token, SecretToken};
use crate::error::AppError;
use crate::i18n::Message;
use crate::state::AppState;

/// `__Host-` pins the cookie to our host and requires `Secure`, so it is
/// only usable over https.
pub fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.uses_https() {
        "__Host-undersigned_session"
    } else {
        "undersigned_session"
    }
}

fn build_cookie(state: &AppState, value: String, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(cookie_name(state), value)
        .path("/")
        .http_only(true)
        .secure(state.settings.secure_cookies())
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .finish()
}

/// Starts a fresh session (a new token at every login) and returns its cookie.
pub async fn start(state: &AppState, organizer_id: String) -> Result<Cookie<'static>, AppError> {
    let token = SecretToken::generate();
    let hash = token.hash.clone();
    state
        .db
        .run(move |conn| sessions::create(conn, &hash, &organizer_id, now()))
        .await?;
    Ok(build_cookie(
        state,
        token.plain,
        CookieDuration::seconds(sessions::ABSOLUTE_TIMEOUT.whole_seconds()),
    ))
}

/// Ends the request's session, if any, and returns a cookie that clears it.
pub async fn end(state: &AppState, req: &HttpRequest) -> Result<Cookie<'static>, AppError> {
    if let Some(cookie) = req.cookie(cookie_name(state)) {
        let hash = hash_token(cookie.value());
        state
            .db
            .run(move |conn| sessions::delete(conn, &hash))
            .await?;
    }
    Ok(build_cookie(state, String::new(), CookieDuration::ZERO))
}

/// The logged-in organizer. Extracting it from a request without a live
/// session redirects to the login page.
pub struct CurrentOrganizer {
    pub organizer: Organizer,
}

impl CurrentOrganizer {
    /// The CSRF scope of this organizer's forms. It names the organizer, not
    /// the session, so a form whose session expired while it was being
    /// written can be sent again after logging in anew.
    pub fn csrf_scope(&self) -> String {
        format!("organizer:{}", self.organizer.id)
    }

    /// Refuses organizers who are not admins.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.organizer.is_admin {
            Ok(())
        } else {
            Err(AppError::Forbidden(Message::new("error-admin-only")))
        }
    }
}

impl FromRequest for CurrentOrganizer {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = super::state_of(&req)?;
            let Some(cookie) = req.cookie(cookie_name(state)) else {
                return Err(AppError::LoginRequired);
            };
            let session_hash = hash_token(cookie.value());
            let organizer = state
                .db
                .run(move |conn| sessions::find_organizer(conn, &session_hash, now()))
                .await?
                .ok_or(AppError::LoginRequired)?;
            Ok(Self { organizer })
        })
    }
}
