//! The JSON API under `/api/v1`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::PrimitiveDateTime;

use super::signatures::{submit, SubmitError};
use super::{client_addr, client_ip};
use crate::db::models::now;
use crate::db::models::petitions::{self, ListQuery, ListSort, ListState, Petition, Target};
use crate::domain::share;
use crate::domain::signer::SignatureForm;
use crate::domain::target::TargetKind;
use crate::error::{ApiError, AppError};
use crate::state::AppState;

const MAX_PER_PAGE: i64 = 100;

#[derive(Serialize)]
pub struct PetitionJson {
    id: String,
    slug: String,
    title: String,
    summary: String,
    body_html: String,
    targets: Vec<TargetJson>,
    goal: i64,
    signature_count: i64,
    state: &'static str,
    created_at: String,
    closes_at: Option<String>,
    url: String,
    /// Each network's share link, keyed as in CONTRACT: `facebook`, `x`, …
    share: std::collections::BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct TargetJson {
    name: String,
    kind: TargetKind,
}

fn rfc3339(at: PrimitiveDateTime) -> String {
    at.assume_utc().format(&Rfc3339).unwrap_or_default()
}

impl PetitionJson {
    fn new(state: &AppState, petition: Petition, targets: Vec<Target>) -> Self {
        Self {
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

#[derive(Deserialize)]
pub struct ListParams {
    q: Option<String>,
    state: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

#[derive(Serialize)]
struct ListResponse {
    data: Vec<PetitionJson>,
    page: i64,
    per_page: i64,
    total: i64,
}

fn positive(param: Option<&str>, name: &str, default: i64) -> Result<i64, AppError> {
    match param.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(default),
        Some(p) => p.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            AppError::BadRequest(format!("{name} must be a whole number of 1 or more"))
        }),
    }
}

pub async fn list_petitions(
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let list_state = match params.state.as_deref() {
        None | Some("") => ListState::Any,
        Some("open") => ListState::Open,
        Some("closed") => ListState::Closed,
        Some(_) => return Err(AppError::BadRequest("state must be open or closed".into()).into()),
    };
    let sort = match params.sort.as_deref() {
        None | Some("") | Some("signatures") => ListSort::Signatures,
        Some("recent") => ListSort::Recent,
        Some(_) => {
            return Err(AppError::BadRequest("sort must be signatures or recent".into()).into())
        }
    };
    let page = positive(params.page.as_deref(), "page", 1)?.min(1_000_000);
    let per_page = positive(params.per_page.as_deref(), "per_page", 20)?.min(MAX_PER_PAGE);
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

#[derive(Serialize)]
struct CountJson<'a> {
    slug: &'a str,
    signature_count: i64,
    goal: i64,
    updated_at: String,
}

/// Served from the count store alone: no database access.
pub async fn petition_count(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let count = state.counts.get(&slug).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "public, max-age=1"))
        .json(CountJson {
            slug: &count.slug,
            signature_count: count.count,
            goal: count.goal,
            updated_at: count.updated_at.format(&Rfc3339).unwrap_or_default(),
        }))
}

pub async fn sign_petition(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Json<SignatureForm>,
) -> Result<HttpResponse, ApiError> {
    state.limits.sign(client_addr(&req), &slug)?;
    match submit(&state, &slug, &body, client_ip(&req)).await {
        Ok(()) => Ok(
            HttpResponse::Accepted().json(serde_json::json!({"status": "pending_confirmation"}))
        ),
        Err(SubmitError::Invalid(fields)) => Err(AppError::Validation(fields).into()),
        Err(SubmitError::Closed) => Err(AppError::Conflict {
            code: "petition_closed",
            message: "This petition is closed and no longer takes signatures.".into(),
        }
        .into()),
        Err(SubmitError::Other(err)) => Err(err.into()),
    }
}

pub async fn not_found(_req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(AppError::NotFound.into())
}
