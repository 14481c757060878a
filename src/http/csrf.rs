//! CSRF checks on requests: the token mechanism is `security::csrf`; this
//! reads what it needs (`Origin`, `Referer`, the address the request was
//! sent to) from the request.

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::security::csrf::{Csrf, CsrfError, PostOrigin};

/// A form whose only field is its token (logout, close, withdraw).
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf_token: String,
}

/// [`Csrf::check`] for a request, as a method so that handlers read
/// `state.csrf.verify(&req, scope, &form.csrf_token)`.
pub trait VerifyRequest {
    /// Checks the token, for `scope`, and the request's origin.
    fn verify(&self, req: &HttpRequest, scope: &str, token: &str) -> Result<(), CsrfError>;
}

impl VerifyRequest for Csrf {
    fn verify(&self, req: &HttpRequest, scope: &str, token: &str) -> Result<(), CsrfError> {
        let headers = req.headers();
        let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
        let info = req.connection_info();
        let own = format!("{}://{}", info.scheme(), info.host());
        let from = PostOrigin {
            origin: value(header::ORIGIN),
            referer: value(header::REFERER),
            own: &own,
        };
        self.check(from, scope, token)
    }
}
