//! The whole route table, in [`configure`], and shared response helpers.

pub mod abuse;
pub mod accounts;
pub mod admin;
pub mod api;
pub mod api_organizer;
pub mod api_tokens;
pub mod assets;
pub mod body;
pub mod caching;
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
pub mod public_log;
pub mod signatures;
pub mod site;
pub mod statistics;
pub mod updates;
pub mod vary;

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{error, guard, web, HttpRequest, HttpResponse, Resource};
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
    //
    // Every address is a resource with its methods, never
    // `.route(path, web::get()…)`: that puts the method guard on the
    // address itself, so another method finds no address and gets 404. A
    // resource answers another method 405 with `Allow` naming its methods
    // (and `head::as_get` adds HEAD wherever GET is). Unknown addresses
    // still get 404.
    .service(
        web::scope("/petitions/{slug}")
            .service(web::resource("").get(petitions::show))
            .service(web::resource("/badge.svg").get(embeds::badge))
            .service(
                web::resource("/embed")
                    .get(embeds::embed)
                    .post(signatures::sign_embedded),
            )
            .service(web::resource("/live").get(live::live))
            .service(web::resource("/card.png").get(previews::share_card))
            .service(web::resource("/signatures").post(signatures::sign))
            .service(web::resource("/signed").get(signatures::signed))
            .service(web::resource("/verify").get(public_log::verify_page))
            // The public log's JSON: read-only, open to checkers anywhere.
            .service(
                web::scope("/log")
                    .service(open_to_any_origin(
                        read_only(web::resource("/head").get(public_log::head)),
                        &["GET"],
                    ))
                    .service(open_to_any_origin(
                        read_only(web::resource("/heads").get(public_log::heads)),
                        &["GET"],
                    ))
                    .service(open_to_any_origin(
                        read_only(web::resource("/leaves").get(public_log::leaves)),
                        &["GET"],
                    ))
                    .service(open_to_any_origin(
                        read_only(web::resource("/proof").get(public_log::proof)),
                        &["GET"],
                    ))
                    .service(open_to_any_origin(
                        read_only(web::resource("/consistency").get(public_log::consistency)),
                        &["GET"],
                    )),
            ),
    )
    .service(open_to_any_origin(
        read_only(web::resource("/log/key").get(public_log::key)),
        &["GET"],
    ))
    .service(web::resource("/").get(petitions::home))
    .service(web::resource("/privacy").get(petitions::privacy))
    .service(web::resource("/health").get(health::health))
    .service(web::resource("/metrics").get(metrics::metrics))
    .service(web::resource("/static/{file}").get(assets::file))
    .service(web::resource("/favicon.ico").get(site::favicon))
    .service(web::resource("/robots.txt").get(site::robots))
    .service(web::resource("/sitemap.xml").get(site::sitemap))
    .service(web::resource("/embed.js").get(assets::embed_script))
    .service(web::resource("/oembed").get(embeds::oembed))
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
    .service(web::resource("/logout").post(organizers::logout))
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
            .service(web::resource("").get(dashboard::index))
            .service(
                web::resource("/petitions/new")
                    .get(dashboard::new_petition_form)
                    .post(dashboard::create_petition),
            )
            // After `/petitions/new`: actix matches in order, so "new" is
            // never read as a slug.
            .service(
                web::scope("/petitions/{slug}")
                    .service(web::resource("").get(statistics::show))
                    .service(web::resource("/close").post(dashboard::close_petition))
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
                    .service(web::resource("/signatures.csv").get(export::signatures_csv)),
            )
            .service(
                web::resource("/tokens")
                    .get(api_tokens::index)
                    .post(api_tokens::create),
            )
            .service(web::resource("/tokens/{id}/revoke").post(api_tokens::revoke)),
    )
    .service(
        web::scope("/admin")
            .service(web::resource("").get(admin::index))
            .service(web::resource("/organizers/promote").post(admin::promote))
            .service(
                web::scope("/petitions/{slug}")
                    .service(web::resource("/hide").post(admin::hide))
                    .service(web::resource("/unhide").post(admin::unhide))
                    .service(web::resource("/abuse").get(abuse::show))
                    .service(web::resource("/invalidations").post(abuse::invalidate)),
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
            // last, unguarded one answers 405 (in JSON) for any other
            // method. Addresses of one resource answer it themselves.
            .service(open_to_any_origin(
                web::resource("/petitions")
                    .guard(public_read())
                    .get(api::list_petitions)
                    .route(
                        web::route()
                            .guard(guard::Options())
                            .to(api::options(PETITIONS)),
                    ),
                &["GET"],
            ))
            .service(
                web::resource("/petitions")
                    .guard(guard::Post())
                    .post(api_organizer::create_petition),
            )
            .service(web::resource("/petitions").to(api::method_not_allowed(PETITIONS)))
            .service(open_to_any_origin(
                read_only(web::resource("/openapi.json").get(openapi::openapi_json)),
                &["GET"],
            ))
            .service(
                web::scope("/petitions/{slug}")
                    .service(open_to_any_origin(
                        web::resource("")
                            .guard(public_read())
                            .get(api::show_petition)
                            .route(
                                web::route()
                                    .guard(guard::Options())
                                    .to(api::options(PETITION)),
                            ),
                        &["GET"],
                    ))
                    .service(
                        web::resource("")
                            .guard(guard::Patch())
                            .patch(api_organizer::edit_petition),
                    )
                    .service(web::resource("").to(api::method_not_allowed(PETITION)))
                    .service(open_to_any_origin(
                        read_only(web::resource("/count").get(api::petition_count)),
                        &["GET"],
                    ))
                    .service(open_to_any_origin(
                        web::resource("/signatures")
                            .guard(guard::Any(guard::Post()).or(guard::Options()))
                            .post(api::sign_petition)
                            .route(
                                web::route()
                                    .guard(guard::Options())
                                    .to(api::options(SIGNATURES)),
                            ),
                        &["POST"],
                    ))
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
const READ_ONLY: &str = "GET, HEAD, OPTIONS";

/// An API address that is only read: a plain `OPTIONS` names its methods,
/// and any other method gets 405 in JSON, as on the other API addresses.
fn read_only<T>(resource: Resource<T>) -> Resource<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    resource
        .route(
            web::route()
                .guard(guard::Options())
                .to(api::options(READ_ONLY)),
        )
        .default_service(web::to(api::method_not_allowed(READ_ONLY)))
}

/// GET, HEAD and CORS preflights: what the public read resources answer.
fn public_read() -> impl guard::Guard {
    guard::Any(guard::Get())
        .or(guard::Head())
        .or(guard::Options())
}

/// Any origin may call `resource` with `methods`, without credentials.
///
/// Every answer it gives says `Access-Control-Allow-Origin: *`, whether the
/// request named an origin or not, so the answer is the same for every
/// origin and needs no `Vary: Origin` (the Fetch standard's CORS and HTTP
/// caches); actix-cors would add that `Vary` and leave the header off when
/// no `Origin` was sent. A preflight the CORS layer refuses gets neither.
fn open_to_any_origin<T, B>(
    resource: Resource<T>,
    methods: &[&'static str],
) -> Resource<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
>
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: MessageBody + 'static,
{
    let any_origin = actix_web::middleware::DefaultHeaders::new()
        .add((actix_web::http::header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
    let cors = actix_cors::Cors::default()
        .allow_any_origin()
        .send_wildcard()
        .disable_vary_header()
        .allowed_methods(methods.iter().copied())
        .allowed_header(actix_web::http::header::CONTENT_TYPE)
        .max_age(86_400);
    // The CORS layer outside: it answers preflights before the header is
    // added.
    resource.wrap(any_origin).wrap(cors)
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
