//! `Authorization: Bearer` for the organizer API.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

use crate::db::models::api_tokens;
use crate::db::models::organizers::Organizer;
use crate::domain::token::{hash_token, looks_like_api_token};
use crate::error::{ApiError, AppError};

/// The organizer whose live API token came with the request. A missing,
/// malformed, unknown or revoked token is a 401, and which of these it was
/// is not said.
pub struct ApiOrganizer(pub Organizer);

impl FromRequest for ApiOrganizer {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = super::state_of(&req)?;
            let token = bearer(&req).ok_or(AppError::LoginRequired)?;
            if !looks_like_api_token(token) {
                return Err(AppError::LoginRequired.into());
            }
            let hash = hash_token(token);
            let organizer = state
                .db
                .run(move |conn| api_tokens::authenticate(conn, &hash))
                .await?
                .ok_or(AppError::LoginRequired)?;
            Ok(Self(organizer))
        })
    }
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}
