//! [`CheckedForm`]: a posted form whose sender may send it and whose CSRF
//! token is good, or the request is refused before the handler runs.
//!
//! The handler names who may send the form, and with that the scope its
//! token was issued for: `CheckedForm<HideForm, Admin>`,
//! `CheckedForm<TokenForm>` (any logged-in organizer), or
//! `CheckedForm<LoginForm, Anyone>`.

use std::borrow::Cow;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use super::csrf::VerifyRequest;
use super::session::CurrentOrganizer;
use crate::error::AppError;

/// A form that carries the CSRF token it was rendered with.
pub trait CarriesCsrfToken {
    fn csrf_token(&self) -> &str;
}

/// Implements [`CarriesCsrfToken`] for forms that keep the token in a
/// `csrf_token` field.
macro_rules! carries_csrf_token {
    ($($form:ty),+ $(,)?) => {
        $(
            impl $crate::http::checked_form::CarriesCsrfToken for $form {
                fn csrf_token(&self) -> &str {
                    &self.csrf_token
                }
            }
        )+
    };
}
pub(crate) use carries_csrf_token;

carries_csrf_token!(super::csrf::CsrfForm);

/// Who may send a form, and so what its CSRF token is bound to.
pub trait Sender: Sized {
    /// What is read from the request to find the sender.
    type Found: FromRequest;

    /// The sender, or why they may not send this form.
    fn admit(found: Self::Found) -> Result<Self, AppError>;

    /// The scope the form's token was issued for.
    fn csrf_scope(&self) -> Cow<'_, str>;
}

/// Any logged-in organizer, for forms about their own things.
impl Sender for CurrentOrganizer {
    type Found = Self;

    fn admit(found: Self) -> Result<Self, AppError> {
        Ok(found)
    }

    fn csrf_scope(&self) -> Cow<'_, str> {
        Cow::Owned(CurrentOrganizer::csrf_scope(self))
    }
}

/// A logged-in admin.
pub struct Admin(pub CurrentOrganizer);

impl Sender for Admin {
    type Found = CurrentOrganizer;

    fn admit(found: CurrentOrganizer) -> Result<Self, AppError> {
        found.require_admin()?;
        Ok(Self(found))
    }

    fn csrf_scope(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.csrf_scope())
    }
}

/// Anyone, logged in or not: the forms of logging in, signing up and
/// recovering a password.
pub struct Anyone;

impl Anyone {
    /// The scope of these forms' tokens, for issuing them.
    pub const CSRF_SCOPE: &'static str = "anon";
}

impl Sender for Anyone {
    type Found = ();

    fn admit(_: ()) -> Result<Self, AppError> {
        Ok(Self)
    }

    fn csrf_scope(&self) -> Cow<'_, str> {
        Cow::Borrowed(Self::CSRF_SCOPE)
    }
}

/// A posted form `T` from a [`Sender`] `S` who may send it, with its CSRF
/// token checked for them.
pub struct CheckedForm<T, S = CurrentOrganizer> {
    pub sender: S,
    pub form: T,
}

impl<T, S> FromRequest for CheckedForm<T, S>
where
    T: DeserializeOwned + CarriesCsrfToken + 'static,
    S: Sender + 'static,
    S::Found: 'static,
{
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Read together, as a handler's own arguments are, so that when
        // both fail the same error wins as when handlers took them apart.
        let found_and_form = <(S::Found, web::Form<T>)>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let (found, form) = found_and_form.await?;
            let sender = S::admit(found)?;
            let form = form.into_inner();
            let state = super::state_of(&req)?;
            state
                .csrf
                .verify(&req, &sender.csrf_scope(), form.csrf_token())
                .map_err(AppError::from)?;
            Ok(Self { sender, form })
        })
    }
}
