//! The organizer half of `/api/v1`: creating and editing petitions and
//! reading their signatures, with an API token as `Authorization: Bearer`.
//!
//! Field names follow OSDI (the Open Supporter Data Interface) where it has
//! one; `openapi.json` documents the mapping.

use actix_web::{web, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;
use utoipa::{IntoParams, ToSchema};

use super::api::{from_object, in_range, rfc3339, ErrorBody, PetitionJson, MAX_PAGE};
use super::managing::Managing;
use crate::app;
use crate::app::petitions::{Changes, CreateError, EditError};
use crate::db::models::petitions;
use crate::db::models::signatures::{self as signature_rows, After, ExportCursor, ExportRow};
use crate::domain::petition::PetitionForm;
use crate::error::{ApiError, AppError};
use crate::http::api_token::ApiOrganizer;
use crate::i18n::Message;
use crate::state::AppState;

const MAX_PER_PAGE: i64 = 100;
const DEFAULT_PER_PAGE: i64 = 50;

/// A target as a name (`"UN Secretary-General"`) or as OSDI writes one
/// (`{"name": "UN Secretary-General"}`).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TargetInput {
    Name(String),
    Osdi { name: String },
}

impl TargetInput {
    fn name(&self) -> &str {
        match self {
            Self::Name(name) | Self::Osdi { name } => name,
        }
    }
}

/// A petition as an API client writes it. Every field is optional in the
/// body so that a missing one is named in `fields`, not a parse error.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
#[schema(example = json!({
    "title": "Protect the Han River wetlands",
    "summary": "Stop the planned marina before the spring migration.",
    "body": "The wetlands shelter **40,000** migrating birds every spring.",
    "targets": ["Seoul Metropolitan Government"],
    "goal": 10000,
    "closes_on": "2027-03-31",
    "language": "en"
}))]
pub struct PetitionInput {
    /// OSDI `title`. At most 150 characters.
    title: Option<String>,
    /// OSDI `summary`. At most 500 characters.
    summary: Option<String>,
    /// The text of the petition, in Markdown (sanitised when shown). OSDI
    /// `petition_text`, which is accepted as a name for it.
    #[serde(alias = "petition_text")]
    body: Option<String>,
    /// The institutions addressed, as names or as OSDI `target` objects.
    /// OSDI `target` is accepted as a name for it.
    #[serde(alias = "target")]
    targets: Option<Vec<TargetInput>>,
    /// The signature goal, 1 to 100,000,000.
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 100_000_000)]
    goal: Option<serde_json::Number>,
    /// The last day people can sign, `YYYY-MM-DD` (UTC), or null for none.
    #[serde(deserialize_with = "present_or_null")]
    #[schema(value_type = Option<String>, format = Date)]
    closes_on: Option<Option<String>>,
    /// The language the petition is written in: `en` (the default) or `ko`.
    #[schema(value_type = Option<String>, pattern = "^(en|ko)$")]
    language: Option<String>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
fn present_or_null<'de, D>(deserializer: D) -> Result<Option<Option<String>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Option::<String>::deserialize(deserializer).map(Some)
}

impl PetitionInput {
    /// The form this input amounts to, over `base` (empty for a new
    /// petition, the current one for an edit), so one parser checks both.
    pub fn over(self, mut base: PetitionForm) -> PetitionForm {
        if let Some(title) = self.title {
            base.title = title;
        }
        if let Some(summary) = self.summary {
            base.summary = summary;
        }
        if let Some(body) = self.body {
            base.body = body;
        }
        if let Some(targets) = self.targets {
            base.targets = targets
                .iter()
                .map(|t| t.name().replace(['\r', '\n'], " "))
                .collect::<Vec<_>>()
                .join("\n");
        }
        if let Some(goal) = self.goal {
            // JSON has one number type: 5000.0 is 5000. Anything else is
            // left as written, for the goal's own message to explain.
            base.goal = match (goal.as_i64(), goal.as_f64()) {
                (Some(whole), _) => whole.to_string(),
                (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => (f as i64).to_string(),
                _ => goal.to_string(),
            };
        }
        if let Some(closes_on) = self.closes_on {
            base.closes_on = closes_on.unwrap_or_default();
        }
        if let Some(language) = self.language {
            // An explicit empty string is a mistake, not a default.
            base.language = if language.trim().is_empty() {
                "-".into()
            } else {
                language
            };
        }
        base
    }
}

/// Create a petition (needs an API token). `title`, `summary`, `body`,
/// `targets` and `goal` are required.
#[utoipa::path(
    post,
    path = "/api/v1/petitions",
    tag = "organizers",
    security(("api_token" = [])),
    request_body = PetitionInput,
    responses(
        (status = 201, description = "Created; `Location` names the petition", body = PetitionJson),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No valid API token", body = ErrorBody),
        (status = 408, description = "The body did not arrive in time (`request_timeout`); the connection is closed", body = ErrorBody),
        (status = 413, description = "The body is over 256 KiB", body = ErrorBody),
        (status = 422, description = "Some fields need correcting; `fields` says which", body = ErrorBody),
    )
)]
pub async fn create_petition(
    state: web::Data<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let body: PetitionInput = from_object(body.into_inner())?;
    let form = body.over(PetitionForm::default());
    let saved = app::petitions::create(&state, &organizer, &form)
        .await
        .map_err(|err| match err {
            CreateError::Invalid(errors) => AppError::Validation(errors),
            CreateError::Failed(err) => err.into(),
        })?;
    let json = PetitionJson::new(&state, saved.petition, saved.targets);
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, json.url.clone()))
        .json(json))
}

/// Edit one of your petitions (needs an API token). Fields left out
/// stay as they are; `closes_on: null` removes the closing date.
#[utoipa::path(
    patch,
    path = "/api/v1/petitions/{slug}",
    tag = "organizers",
    security(("api_token" = [])),
    params(("slug" = String, Path, description = "The petition's slug")),
    request_body(content = PetitionInput, description = "Only the fields to change"),
    responses(
        (status = 200, description = "The petition as it now is", body = PetitionJson),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "No valid API token", body = ErrorBody),
        (status = 403, description = "Another organizer's petition", body = ErrorBody),
        (status = 404, description = "No such petition", body = ErrorBody),
        (status = 408, description = "The body did not arrive in time (`request_timeout`); the connection is closed", body = ErrorBody),
        (status = 413, description = "The body is over 256 KiB", body = ErrorBody),
        (status = 422, description = "Some fields need correcting; `fields` says which", body = ErrorBody),
    )
)]
pub async fn edit_petition(
    state: web::Data<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    slug: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let body: PetitionInput = from_object(body.into_inner())?;
    let changes = Changes::Patch(Box::new(|current| body.over(current)));
    let saved = app::petitions::edit(&state, &organizer, &slug, changes)
        .await
        .map_err(|err| match err {
            EditError::Refused(refusal) => Managing::Api.refused(refusal),
            EditError::Invalid(errors) => AppError::Validation(errors),
            EditError::Failed(err) => err.into(),
        })?;
    Ok(HttpResponse::Ok().json(PetitionJson::new(&state, saved.petition, saved.targets)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignatureListParams {
    /// `next_cursor` from the previous page. Leave out for the first page.
    cursor: Option<String>,
    /// 1-based page number, for clients that count pages; `cursor` is
    /// faster on long lists and is not thrown off by new signatures.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1_000_000)]
    page: Option<String>,
    /// Signatures per page, 1 to 100 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
}

/// A confirmed signature, in OSDI's shape: the signer is a `person`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "identifiers": ["undersigned:0b7e6f3c-8a55-4f0e-9d5e-1f2a3b4c5d6e"],
    "created_date": "2026-11-30T09:12:44Z",
    "modified_date": "2026-11-30T09:14:02Z",
    "comments": "For my grandchildren.",
    "referrer_data": {"source": "kakaotalk"},
    "person": {
        "name": "김민지",
        "email_addresses": [{"address": "minji@example.org", "primary": true}],
        "postal_addresses": [{"postal_code": "04524", "country": "KR"}]
    },
    "email_updates": true,
    "public": false
}))]
pub struct SignatureJson {
    /// `undersigned:{id}`.
    identifiers: Vec<String>,
    /// When the signer signed (RFC 3339).
    created_date: String,
    /// When they confirmed their email, which is when it began to count.
    modified_date: String,
    /// The signer's comment, if any.
    comments: Option<String>,
    referrer_data: ReferrerJson,
    person: PersonJson,
    /// Whether the signer asked for news about this petition.
    email_updates: bool,
    /// Whether the signer let their name be shown publicly.
    public: bool,
}

#[derive(Debug, Serialize, ToSchema)]
struct ReferrerJson {
    /// The share channel the signer came from (`facebook`, `kakaotalk`, …).
    source: Option<String>,
}

/// OSDI splits names into given and family names; people's names do not
/// all split that way, so the name is kept whole, as typed.
#[derive(Debug, Serialize, ToSchema)]
struct PersonJson {
    name: String,
    email_addresses: Vec<EmailAddressJson>,
    postal_addresses: Vec<PostalAddressJson>,
}

#[derive(Debug, Serialize, ToSchema)]
struct EmailAddressJson {
    address: String,
    primary: bool,
}

#[derive(Debug, Serialize, ToSchema)]
struct PostalAddressJson {
    postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    country: String,
}

impl From<ExportRow> for SignatureJson {
    fn from(row: ExportRow) -> Self {
        Self {
            identifiers: vec![format!("undersigned:{}", row.id)],
            created_date: rfc3339(row.created_at),
            modified_date: rfc3339(row.confirmed_at.unwrap_or(row.created_at)),
            comments: row.comment,
            referrer_data: ReferrerJson { source: row.source },
            person: PersonJson {
                name: row.name,
                email_addresses: vec![EmailAddressJson {
                    address: row.email,
                    primary: true,
                }],
                postal_addresses: vec![PostalAddressJson {
                    postal_code: row.postcode,
                    country: row.country,
                }],
            },
            email_updates: row.updates,
            public: row.public,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureListJson {
    data: Vec<SignatureJson>,
    per_page: i64,
    /// Pass as `cursor` for the next page; null on the last one.
    next_cursor: Option<String>,
}

/// List a petition's confirmed signatures, oldest first (needs an API
/// token; the petition's organizer or an admin).
#[utoipa::path(
    get,
    path = "/api/v1/petitions/{slug}/signatures",
    tag = "organizers",
    security(("api_token" = [])),
    params(("slug" = String, Path, description = "The petition's slug"), SignatureListParams),
    responses(
        (status = 200, description = "Confirmed signatures, oldest first", body = SignatureListJson),
        (status = 400, description = "A malformed cursor, page or per_page", body = ErrorBody),
        (status = 401, description = "No valid API token", body = ErrorBody),
        (status = 403, description = "Another organizer's petition", body = ErrorBody),
        (status = 404, description = "No such petition", body = ErrorBody),
    )
)]
pub async fn list_signatures(
    state: web::Data<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    slug: web::Path<String>,
    params: web::Query<SignatureListParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let per_page = in_range(
        params.per_page.as_deref(),
        "per_page",
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
    )?;
    let after = match params.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(cursor) => Some(After::Cursor(decode_cursor(cursor).ok_or_else(|| {
            AppError::BadRequest(Message::text("cursor is not one this API gave out"))
        })?)),
        None => {
            let page = in_range(params.page.as_deref(), "page", 1, MAX_PAGE)?;
            (page > 1).then(|| After::Offset((page - 1) * per_page))
        }
    };
    let slug = slug.into_inner();
    let (id, admin) = (organizer.id.clone(), organizer.is_admin);
    let rows = state
        .db
        .run(move |conn| {
            let petition = match petitions::find_editable(conn, &slug, &id, admin)? {
                Ok((petition, _)) => petition,
                Err(refusal) => return Ok(Err(refusal)),
            };
            // One row more than asked tells whether there is a next page.
            signature_rows::export_page(conn, &petition.id, after.as_ref(), per_page + 1).map(Ok)
        })
        .await?
        .map_err(|refusal| Managing::Api.refused(refusal))?;
    let mut rows = rows;
    let next_cursor = if rows.len() as i64 > per_page {
        rows.truncate(per_page as usize);
        rows.last().and_then(encode_cursor)
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(SignatureListJson {
        data: rows.into_iter().map(SignatureJson::from).collect(),
        per_page,
        next_cursor,
    }))
}

/// A cursor is the last row's (confirmed_at, id), opaque to clients.
fn encode_cursor(row: &ExportRow) -> Option<String> {
    let at = row.confirmed_at?;
    // Nanoseconds: SQLite keeps them, and a rounded cursor would repeat a row.
    let nanos = at.assume_utc().unix_timestamp_nanos();
    Some(URL_SAFE_NO_PAD.encode(format!("{nanos}|{}", row.id)))
}

fn decode_cursor(cursor: &str) -> Option<ExportCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (nanos, id) = text.split_once('|')?;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
    uuid::Uuid::parse_str(id).ok()?;
    Some((PrimitiveDateTime::new(at.date(), at.time()), id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let row = ExportRow {
            id: uuid::Uuid::new_v4().to_string(),
            name: String::new(),
            email: String::new(),
            country: "KR".into(),
            postcode: None,
            comment: None,
            source: None,
            confirmed_at: Some(time::macros::datetime!(2026-11-30 09:14:02.123456)),
            created_at: time::macros::datetime!(2026-11-30 09:12:44),
            updates: false,
            public: false,
        };
        let cursor = encode_cursor(&row).unwrap();
        assert_eq!(
            decode_cursor(&cursor),
            Some((row.confirmed_at.unwrap(), row.id.clone()))
        );
        assert_eq!(decode_cursor("not a cursor"), None);
        assert_eq!(decode_cursor(&URL_SAFE_NO_PAD.encode("1|x")), None);
        assert_eq!(
            decode_cursor(&URL_SAFE_NO_PAD.encode(format!("{}|{}", i128::MAX, row.id))),
            None
        );
    }
}
