//! The whole route table, in [`configure`], and shared response helpers.

pub mod abuse;
pub mod accounts;
pub mod admin;
pub mod api;
pub mod api_organizer;
pub mod api_tokens;
pub mod assets;
pub mod body;
pub mod dashboard;
pub mod embeds;
pub mod export;
pub mod head;
pub mod health;
pub mod live;
pub mod managing;
pub mod metrics;
pub mod openapi;
pub mod organizers;
pub mod petitions;
pub mod previews;
pub mod signatures;
pub mod site;
pub mod statistics;
pub mod updates;
pub mod vary;

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{error, guard, web, HttpRequest, HttpResponse};
use askama::Template;

use crate::error::{ApiError, AppError};
use crate::i18n::Message;
use crate::security::limits::retry_after_secs;

/// Forms and JSON bodies larger than this are refused with 413. The largest
/// legitimate body is a petition text of 20,000 characters, URL-encoded.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::FormConfig::default()
            .limit(MAX_BODY_BYTES)
            .error_handler(|err, req| error_for(req, form_error(err))),
    )
    .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
    .app_data(web::QueryConfig::default().error_handler(|err, req| {
        error_for(
            req,
            AppError::BadRequest(
                Message::new("error-malformed-query").arg("detail", err.to_string()),
            ),
        )
    }))
    .app_data(
        web::PathConfig::default().error_handler(|_err, req| error_for(req, AppError::NotFound)),
    )
    // Routes are grouped under their first, static segment: actix tries a
    // level's patterns in order, and a static prefix is a string compare
    // where a `{slug}` pattern is a regex search with captures. Matching
    // through some fifty patterns one by one cost the hot reads (count,
    // badge, widget) more CPU than everything else they do; now a petition
    // address costs one regex, at `/petitions/{slug}`.
    .service(
        web::scope("/petitions/{slug}")
            .route("", web::get().to(petitions::show))
            .route("/badge.svg", web::get().to(embeds::badge))
            .service(
                web::resource("/embed")
                    .get(embeds::embed)
                    .post(signatures::sign_embedded),
            )
            .route("/live", web::get().to(live::live))
            .route("/card.png", web::get().to(previews::share_card))
            .route("/signatures", web::post().to(signatures::sign))
            .route("/signed", web::get().to(signatures::signed)),
    )
    .route("/", web::get().to(petitions::home))
    .route("/privacy", web::get().to(petitions::privacy))
    .route("/health", web::get().to(health::health))
    .route("/metrics", web::get().to(metrics::metrics))
    .route("/static/{file}", web::get().to(assets::file))
    .route("/favicon.ico", web::get().to(site::favicon))
    .route("/robots.txt", web::get().to(site::robots))
    .route("/sitemap.xml", web::get().to(site::sitemap))
    .route("/embed.js", web::get().to(assets::embed_script))
    .route("/oembed", web::get().to(embeds::oembed))
    .service(
        web::scope("/signatures")
            .service(
                web::resource("/confirm/{token}")
                    .get(signatures::confirm_form)
                    .post(signatures::confirm),
            )
            .service(
                web::resource("/withdraw/{token}")
                    .get(signatures::withdraw_form)
                    .post(signatures::withdraw),
            )
            .service(
                web::resource("/unsubscribe/{token}")
                    .get(updates::unsubscribe_form)
                    .post(updates::unsubscribe),
            ),
    )
    .service(
        web::resource("/login")
            .get(organizers::login_form)
            .post(organizers::login),
    )
    .route("/logout", web::post().to(organizers::logout))
    .service(
        web::resource("/signup")
            .get(accounts::signup_form)
            .post(accounts::signup),
    )
    .service(
        web::resource("/signup/confirm/{token}")
            .get(accounts::signup_confirm_form)
            .post(accounts::signup_confirm),
    )
    .service(
        web::resource("/password/forgot")
            .get(accounts::forgot_form)
            .post(accounts::forgot),
    )
    .service(
        web::resource("/password/reset/{token}")
            .get(accounts::reset_form)
            .post(accounts::reset),
    )
    .service(
        web::scope("/dashboard")
            .route("", web::get().to(dashboard::index))
            .service(
                web::resource("/petitions/new")
                    .get(dashboard::new_petition_form)
                    .post(dashboard::create_petition),
            )
            // After `/petitions/new`: actix matches in order, so "new" is
            // never read as a slug.
            .service(
                web::scope("/petitions/{slug}")
                    .route("", web::get().to(statistics::show))
                    .route("/close", web::post().to(dashboard::close_petition))
                    .service(
                        web::resource("/edit")
                            .get(dashboard::edit_petition_form)
                            .post(dashboard::edit_petition),
                    )
                    .service(
                        web::resource("/updates")
                            .get(updates::updates_page)
                            .post(updates::post_update),
                    )
                    .route("/signatures.csv", web::get().to(export::signatures_csv)),
            )
            .service(
                web::resource("/tokens")
                    .get(api_tokens::index)
                    .post(api_tokens::create),
            )
            .route("/tokens/{id}/revoke", web::post().to(api_tokens::revoke)),
    )
    .service(
        web::scope("/admin")
            .route("", web::get().to(admin::index))
            .route("/organizers/promote", web::post().to(admin::promote))
            .service(
                web::scope("/petitions/{slug}")
                    .route("/hide", web::post().to(admin::hide))
                    .route("/unhide", web::post().to(admin::unhide))
                    .route("/abuse", web::get().to(abuse::show))
                    .route("/invalidations", web::post().to(abuse::invalidate)),
            ),
    )
    .service(
        web::scope("/api/v1")
            .app_data(
                web::JsonConfig::default()
                    .limit(MAX_BODY_BYTES)
                    .error_handler(|err, _req| ApiError(json_error(err)).into()),
            )
            // Public reads and signing may be called from any site's
            // script (no cookies are involved); nothing else may.
            // Organizer routes share paths with public ones but not their
            // CORS: each method gets its own guarded resource, and the
            // last, unguarded one answers 405 for any other method.
            .service(
                web::resource("/petitions")
                    .guard(public_read())
                    .wrap(cors(&["GET"]))
                    .get(api::list_petitions)
                    .route(
                        web::route()
                            .guard(guard::Options())
                            .to(api::options(PETITIONS)),
                    ),
            )
            .service(
                web::resource("/petitions")
                    .guard(guard::Post())
                    .post(api_organizer::create_petition),
            )
            .service(web::resource("/petitions").to(api::method_not_allowed(PETITIONS)))
            .service(
                web::resource("/openapi.json")
                    .wrap(cors(&["GET"]))
                    .get(openapi::openapi_json),
            )
            .service(
                web::scope("/petitions/{slug}")
                    .service(
                        web::resource("")
                            .guard(public_read())
                            .wrap(cors(&["GET"]))
                            .get(api::show_petition)
                            .route(
                                web::route()
                                    .guard(guard::Options())
                                    .to(api::options(PETITION)),
                            ),
                    )
                    .service(
                        web::resource("")
                            .guard(guard::Patch())
                            .patch(api_organizer::edit_petition),
                    )
                    .service(web::resource("").to(api::method_not_allowed(PETITION)))
                    .service(
                        web::resource("/count")
                            .wrap(cors(&["GET"]))
                            .get(api::petition_count),
                    )
                    .service(
                        web::resource("/signatures")
                            .guard(guard::Any(guard::Post()).or(guard::Options()))
                            .wrap(cors(&["POST"]))
                            .post(api::sign_petition)
                            .route(
                                web::route()
                                    .guard(guard::Options())
                                    .to(api::options(SIGNATURES)),
                            ),
                    )
                    .service(
                        web::resource("/signatures")
                            .guard(guard::Any(guard::Get()).or(guard::Head()))
                            .get(api_organizer::list_signatures),
                    )
                    .service(web::resource("/signatures").to(api::method_not_allowed(SIGNATURES)))
                    // A nested scope falls back to the app's default (an
                    // HTML page), not the API scope's.
                    .default_service(web::to(api::not_found)),
            )
            .default_service(web::to(api::not_found)),
    )
    .default_service(web::to(not_found));
}

/// The methods each API address takes, for `Allow`.
const PETITIONS: &str = "GET, HEAD, POST, OPTIONS";
const PETITION: &str = "GET, HEAD, PATCH, OPTIONS";
const SIGNATURES: &str = "GET, HEAD, POST, OPTIONS";

/// GET, HEAD and CORS preflights: what the public read resources answer.
fn public_read() -> impl guard::Guard {
    guard::Any(guard::Get())
        .or(guard::Head())
        .or(guard::Options())
}

/// Any origin may call these `methods`, without credentials.
fn cors(methods: &[&'static str]) -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .allowed_methods(methods.iter().copied())
        .allowed_header(actix_web::http::header::CONTENT_TYPE)
        .max_age(86_400)
}

/// An extractor's error, as JSON under `/api/` and as a page elsewhere.
fn error_for(req: &HttpRequest, err: AppError) -> actix_web::Error {
    if req.path().starts_with("/api/") {
        ApiError(err).into()
    } else {
        err.into()
    }
}

async fn not_found(_req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

fn form_error(err: error::UrlencodedError) -> AppError {
    match err {
        error::UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge,
        error::UrlencodedError::ContentType => {
            AppError::BadRequest(Message::new("error-form-content-type"))
        }
        other => AppError::BadRequest(
            Message::new("error-form-unreadable").arg("detail", other.to_string()),
        ),
    }
}

fn json_error(err: error::JsonPayloadError) -> AppError {
    match err {
        error::JsonPayloadError::OverflowKnownLength { .. }
        | error::JsonPayloadError::Overflow { .. } => AppError::PayloadTooLarge,
        error::JsonPayloadError::ContentType => {
            AppError::BadRequest(Message::new("error-json-content-type"))
        }
        error::JsonPayloadError::Deserialize(e) => {
            AppError::BadRequest(Message::new("error-json-unreadable").arg("detail", e.to_string()))
        }
        other => AppError::BadRequest(
            Message::new("error-body-unreadable").arg("detail", other.to_string()),
        ),
    }
}

/// Headers for every response. Routes that must be framable (the embed)
/// set their own `Content-Security-Policy`, which this leaves alone.
pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    use actix_web::http::header;
    actix_web::middleware::DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
}

/// Renders a page with the given status.
pub fn render(status: StatusCode, page: &impl Template) -> Result<HttpResponse, AppError> {
    let body = page
        .render()
        .map_err(|e| anyhow::Error::new(e).context("rendering a template"))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A 303 to `location`, the answer to every successful form POST.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

/// Adds `Retry-After` to a page rendered for a refused request.
pub fn with_retry_after(mut response: HttpResponse, wait: Duration) -> HttpResponse {
    response.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        retry_after_secs(wait).into(),
    );
    response
}

/// Formats a number with thousands separators: 12,345. Called from
/// templates, which pass values by reference.
pub fn thousands(n: &i64) -> String {
    crate::i18n::group_thousands(*n)
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(&0), "0");
        assert_eq!(thousands(&999), "999");
        assert_eq!(thousands(&1000), "1,000");
        assert_eq!(thousands(&1234567), "1,234,567");
        assert_eq!(thousands(&-12345), "-12,345");
    }
}
