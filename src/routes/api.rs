//! The JSON API under `/api/v1`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::PrimitiveDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::app::sign::{self, SignError, SignRequest};
use crate::db::models::now;
use crate::db::models::petitions::{self, ListQuery, ListSort, ListState, Petition, Target};
use crate::domain::petition::PetitionLanguage;
use crate::domain::share;
use crate::domain::signer::SignatureForm;
use crate::domain::target::TargetKind;
use crate::error::{ApiError, AppError};
use crate::http::client_ip::{client_addr, client_ip};
use crate::i18n::{Locale, Message};
use crate::state::AppState;

const MAX_PER_PAGE: i64 = 100;

/// A petition. OSDI names for its fields: `title`, `summary`,
/// `petition_text` (our `body`, given as Markdown; `body_html` is it
/// rendered), `target` (our `targets`), `total_signatures` (our
/// `signature_count`), `browser_url` (our `url`), `created_date` (our
/// `created_at`).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "5f0c2a1e-3b4d-4c5e-8f90-a1b2c3d4e5f6",
    "slug": "protect-the-han-river-wetlands",
    "title": "Protect the Han River wetlands",
    "summary": "Stop the planned marina before the spring migration.",
    "body_html": "<p>The wetlands shelter <strong>40,000</strong> migrating birds every spring.</p>",
    "targets": [{"name": "Seoul Metropolitan Government", "kind": "government"}],
    "goal": 10000,
    "signature_count": 1234,
    "state": "open",
    "language": "en",
    "created_at": "2026-11-30T08:00:00Z",
    "closes_at": "2027-04-01T00:00:00Z",
    "url": "https://undersigned.example/petitions/protect-the-han-river-wetlands",
    "share": {"facebook": "https://www.facebook.com/sharer/sharer.php?u=…"}
}))]
pub struct PetitionJson {
    id: String,
    slug: String,
    title: String,
    summary: String,
    /// The text, rendered from Markdown and sanitised.
    body_html: String,
    targets: Vec<TargetJson>,
    goal: i64,
    /// Confirmed signatures.
    signature_count: i64,
    #[schema(value_type = String, pattern = "^(open|closed)$")]
    state: &'static str,
    /// The language the petition is written in.
    #[schema(value_type = String, pattern = "^(en|ko)$")]
    language: PetitionLanguage,
    created_at: String,
    /// The first moment it no longer takes signatures, if it has a date.
    closes_at: Option<String>,
    pub(crate) url: String,
    /// Each network's share link: `facebook`, `x`, `whatsapp`, `telegram`,
    /// `line`, `linkedin`, `reddit`, `email`, `kakaostory`, `naver_band`,
    /// `weibo`.
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    share: std::collections::BTreeMap<&'static str, String>,
}

#[derive(Serialize, ToSchema)]
struct TargetJson {
    name: String,
    #[schema(value_type = String, pattern = "^(un|eu|government|parliament|company|other)$")]
    kind: TargetKind,
}

pub(crate) fn rfc3339(at: PrimitiveDateTime) -> String {
    at.assume_utc().format(&Rfc3339).unwrap_or_default()
}

/// Every error: a stable `code`, a `message` a person can read, and for
/// 422 the message per field.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"error": {
    "code": "validation_failed",
    "message": "Some fields need correcting.",
    "fields": {"email": "Enter an email address, like name@example.com"}
}}))]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
struct ErrorDetail {
    code: String,
    message: String,
    fields: Option<std::collections::BTreeMap<String, String>>,
}

impl PetitionJson {
    pub(crate) fn new(state: &AppState, petition: Petition, targets: Vec<Target>) -> Self {
        Self {
            language: petition.language(),
            signature_count: state.counts.count_of(&petition.id),
            state: petition.state_at(now()).as_str(),
            share: share::links(&state.petition_url(&petition.slug), &petition.title)
                .into_iter()
                .map(|l| (l.network, l.href))
                .collect(),
            url: state.petition_url(&petition.slug),
            created_at: rfc3339(petition.created_at),
            closes_at: petition.closes_at.map(rfc3339),
            targets: targets
                .into_iter()
                .map(|t| TargetJson {
                    name: t.name,
                    kind: t.kind,
                })
                .collect(),
            id: petition.id,
            slug: petition.slug,
            title: petition.title,
            summary: petition.summary,
            body_html: petition.body_html,
            goal: petition.goal,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words to look for in titles and summaries.
    q: Option<String>,
    #[param(value_type = Option<String>, pattern = "^(open|closed)?$")]
    state: Option<String>,
    /// `signatures` (most signed first, the default) or `recent`.
    #[param(value_type = Option<String>, pattern = "^(signatures|recent)?$")]
    sort: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1_000_000)]
    page: Option<String>,
    /// 1 to 100 (default 20).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ListResponse {
    data: Vec<PetitionJson>,
    page: i64,
    per_page: i64,
    total: i64,
}

/// The most pages a listing goes to; past it the offset would only be
/// slow.
pub(crate) const MAX_PAGE: i64 = 1_000_000;

/// A whole-number query parameter from 1 to `max`, or `default` when it
/// is left out. Anything else (empty included) is a clear 400, as the
/// schema says.
pub(crate) fn in_range(
    param: Option<&str>,
    name: &str,
    default: i64,
    max: i64,
) -> Result<i64, AppError> {
    match param {
        None => Ok(default),
        Some(p) => p
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(
                    Message::new("error-param-range")
                        .arg("name", name)
                        .arg("max", max),
                )
            }),
    }
}

/// List petitions, most signed or newest first, with search.
#[utoipa::path(
    get,
    path = "/api/v1/petitions",
    tag = "public",
    params(ListParams),
    responses(
        (status = 200, description = "A page of public petitions", body = ListResponse),
        (status = 400, description = "A malformed parameter", body = ErrorBody),
    )
)]
pub async fn list_petitions(
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let list_state = match params.state.as_deref() {
        None | Some("") => ListState::Any,
        Some("open") => ListState::Open,
        Some("closed") => ListState::Closed,
        Some(_) => return Err(AppError::BadRequest(Message::new("error-param-state")).into()),
    };
    let sort = match params.sort.as_deref() {
        None | Some("") | Some("signatures") => ListSort::Signatures,
        Some("recent") => ListSort::Recent,
        Some(_) => return Err(AppError::BadRequest(Message::new("error-param-sort")).into()),
    };
    let page = in_range(params.page.as_deref(), "page", 1, MAX_PAGE)?;
    let per_page = in_range(params.per_page.as_deref(), "per_page", 20, MAX_PER_PAGE)?;
    let query = ListQuery {
        search: petitions::search_terms(params.q.as_deref()),
        state: list_state,
        sort,
        offset: (page - 1) * per_page,
        limit: per_page,
    };
    let (rows, total, mut targets) = state
        .db
        .run(move |conn| {
            let (rows, total) = petitions::list(conn, &query)?;
            let ids: Vec<String> = rows.iter().map(|p| p.id.clone()).collect();
            let targets = petitions::targets_of(conn, &ids)?;
            Ok((rows, total, targets))
        })
        .await?;
    let data = rows
        .into_iter()
        .map(|p| {
            let t = targets.remove(&p.id).unwrap_or_default();
            PetitionJson::new(&state, p, t)
        })
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse {
        data,
        page,
        per_page,
        total,
    }))
}

/// One petition.
#[utoipa::path(
    get,
    path = "/api/v1/petitions/{slug}",
    tag = "public",
    params(("slug" = String, Path, description = "The petition's slug")),
    responses(
        (status = 200, description = "The petition", body = PetitionJson),
        (status = 404, description = "No such petition, or it is hidden", body = ErrorBody),
    )
)]
pub async fn show_petition(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let (petition, targets) = state
        .db
        .run(move |conn| {
            let Some(petition) = petitions::find_by_slug(conn, &slug)? else {
                return Ok(None);
            };
            let targets = petitions::targets_of(conn, std::slice::from_ref(&petition.id))?
                .remove(&petition.id)
                .unwrap_or_default();
            Ok(Some((petition, targets)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(PetitionJson::new(&state, petition, targets)))
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"slug": "protect-the-han-river-wetlands", "signature_count": 1234,
    "goal": 10000, "updated_at": "2026-11-30T09:14:02Z"}))]
pub struct CountJson<'a> {
    slug: &'a str,
    signature_count: i64,
    goal: i64,
    updated_at: String,
}

/// A petition's live count. Served from the count store alone: no
/// database access.
#[utoipa::path(
    get,
    path = "/api/v1/petitions/{slug}/count",
    tag = "public",
    params(("slug" = String, Path, description = "The petition's slug")),
    responses(
        (status = 200, description = "The live count", body = CountJson),
        (status = 404, description = "No such petition, or it is hidden", body = ErrorBody),
    )
)]
pub async fn petition_count(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let count = state.counts.get(&slug).ok_or(AppError::NotFound)?;
    // Cached for a second (see `routes::caching`).
    Ok(HttpResponse::Ok().json(CountJson {
        slug: &count.slug,
        signature_count: count.count,
        goal: count.goal,
        updated_at: count.updated_at.format(&Rfc3339).unwrap_or_default(),
    }))
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "pending_confirmation"}))]
pub struct SignedJson {
    /// Always `pending_confirmation`: the same for a new, a repeated and an
    /// already confirmed signature, so the answer tells nobody who signed.
    status: String,
}

/// Sign a petition. The signature counts once the signer confirms by
/// email.
#[utoipa::path(
    post,
    path = "/api/v1/petitions/{slug}/signatures",
    tag = "public",
    params(("slug" = String, Path, description = "The petition's slug")),
    request_body = SignatureForm,
    responses(
        (status = 202, description = "A confirmation email is on its way", body = SignedJson),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 404, description = "No such petition, or it is hidden", body = ErrorBody),
        (status = 409, description = "The petition is closed (`petition_closed`)", body = ErrorBody),
        (status = 408, description = "The body did not arrive in time (`request_timeout`); the connection is closed", body = ErrorBody),
        (status = 413, description = "The body is over 256 KiB", body = ErrorBody),
        (status = 422, description = "Some fields need correcting; `fields` says which", body = ErrorBody),
        (status = 429, description = "Too many signatures from this network; see `Retry-After`", body = ErrorBody),
    )
)]
pub async fn sign_petition(
    state: web::Data<AppState>,
    req: HttpRequest,
    locale: Locale,
    slug: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let body: SignatureForm = from_object(body.into_inner())?;
    state.limits.sign(client_addr(&req), &slug)?;
    // The confirmation email speaks the client's Accept-Language (or
    // ?lang=); the JSON answers stay in English.
    let request = SignRequest {
        slug: &slug,
        form: &body,
        ip: client_ip(&req),
        locale,
    };
    match sign::sign(&state, request).await {
        Ok(()) => Ok(HttpResponse::Accepted().json(SignedJson {
            status: "pending_confirmation".into(),
        })),
        Err(SignError::Invalid(fields)) => Err(AppError::Validation(fields).into()),
        Err(SignError::Closed) => Err(AppError::Conflict {
            code: "petition_closed",
            message: Message::new("error-petition-closed"),
        }
        .into()),
        Err(SignError::NotFound) => Err(AppError::NotFound.into()),
        Err(SignError::Failed(err)) => Err(AppError::from(err).into()),
    }
}

/// A resource's answer to a method it does not take: 405, naming the
/// methods it does take.
pub fn method_not_allowed(
    allow: &'static str,
) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone {
    move || {
        std::future::ready(
            HttpResponse::MethodNotAllowed()
                .insert_header((actix_web::http::header::ALLOW, allow))
                .json(serde_json::json!({"error": {
                    "code": "method_not_allowed",
                    "message": format!("This address takes only {allow}."),
                }})),
        )
    }
}

/// A plain `OPTIONS` (not a CORS preflight, which the CORS layer answers):
/// 204 naming the methods the address takes.
pub fn options(allow: &'static str) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone {
    move || {
        std::future::ready(
            HttpResponse::NoContent()
                .insert_header((actix_web::http::header::ALLOW, allow))
                .finish(),
        )
    }
}

/// Reads a JSON body that must be an object. Serde alone would also read
/// a struct from an array, by position, which no client means. Public so
/// the fuzz targets read bodies exactly as the API does.
pub fn from_object<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T, AppError> {
    if !body.is_object() {
        return Err(AppError::BadRequest(Message::text(
            "The JSON body must be an object, like {\"name\": \"…\"}.",
        )));
    }
    serde_json::from_value(body).map_err(|e| {
        AppError::BadRequest(Message::new("error-json-unreadable").arg("detail", e.to_string()))
    })
}

pub async fn not_found(_req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(AppError::NotFound.into())
}
