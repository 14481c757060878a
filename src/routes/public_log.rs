//! The public log over HTTP: JSON for checkers (CONTRACT §7) and the page
//! where a signer checks their receipt.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::render;
use crate::app::public_log::{self as log_app, BadSizes, Missing, Proof};
use crate::db::models::public_log::{LeafKey, StoredLeaf, MAX_LEAVES_PER_PAGE};
use crate::error::{ApiError, AppError};
use crate::i18n::{Message, Ui};
use crate::state::AppState;
use crate::transparency::head::TreeHead;
use crate::transparency::merkle::Hash;
use crate::transparency::receipt::Receipt;

/// Heads and proofs change as the log grows; a few seconds of caching
/// spares the database a crowd of checkers and delays nothing that matters.
const SHORT: &str = "public, max-age=10";
/// A full page of leaves never changes: leaves are only appended.
const SETTLED: &str = "public, max-age=86400, immutable";

fn json(cache: &'static str, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, cache))
        .json(body)
}

/// A 404 that says what is missing, in the API's error shape. A leaf not
/// yet under a signed head also says `"pending": true`, so the verify
/// page can tell the signer to come back in a minute.
fn missing(what: Missing) -> Result<HttpResponse, ApiError> {
    let (code, message) = match what {
        Missing::Petition => return Err(AppError::NotFound.into()),
        Missing::Head => (
            "no_signed_head",
            "This petition's log has no signed head yet; heads are signed about once a minute while it grows.",
        ),
        Missing::Leaf => ("not_found", "No leaf of this petition's log matches."),
        Missing::NotYetSigned => (
            "not_yet_signed",
            "The leaf is in the log but not yet under a signed head; heads are signed about once a minute.",
        ),
    };
    let mut body = json!({ "error": { "code": code, "message": message } });
    if what == Missing::NotYetSigned {
        body["pending"] = json!(true);
    }
    Ok(HttpResponse::NotFound().json(body))
}

fn bad_request(id: &'static str) -> ApiError {
    AppError::BadRequest(Message::new(id)).into()
}

/// A query string's parameters, each as typed; parsed by hand so that a
/// malformed one gets a message naming it.
fn query<T: for<'de> Deserialize<'de>>(req: &HttpRequest) -> Result<T, ApiError> {
    web::Query::<T>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|_| bad_request("error-log-query"))
}

/// Indices and sizes: whole numbers up to 2^53, which every JSON reader
/// holds exactly and no log will reach.
fn whole_number(value: Option<&str>, name: &'static str) -> Result<Option<u64>, ApiError> {
    value
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= 1 << 53)
                .ok_or_else(|| {
                    AppError::BadRequest(Message::new("error-param-index").arg("name", name)).into()
                })
        })
        .transpose()
}

#[derive(Serialize, ToSchema)]
pub struct KeyJson {
    /// Always `ed25519`.
    algorithm: &'static str,
    /// Base64 of the 32-byte public key.
    public_key: String,
}

/// The public key that signs every petition's log heads.
#[utoipa::path(
    get,
    path = "/log/key",
    tag = "public log",
    responses((status = 200, description = "The log's public key", body = KeyJson))
)]
pub async fn key(state: web::Data<AppState>) -> HttpResponse {
    json(
        "public, max-age=3600",
        &KeyJson {
            algorithm: "ed25519",
            public_key: state.log_key.public_key_base64(),
        },
    )
}

/// The latest signed head of a petition's log.
#[utoipa::path(
    get,
    path = "/petitions/{slug}/log/head",
    tag = "public log",
    params(("slug" = String, Path, description = "The petition's slug")),
    responses(
        (status = 200, description = "The latest signed head", body = TreeHead),
        (status = 404, description = "No such petition, or no head signed yet", body = super::api::ErrorBody),
    )
)]
pub async fn head(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    match log_app::latest_head(&state, slug.into_inner()).await? {
        Ok(head) => Ok(json(SHORT, &head)),
        Err(what) => missing(what),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HeadsJson {
    /// Oldest first.
    data: Vec<TreeHead>,
    page: i64,
    per_page: i64,
    /// The next page's address, while there is one.
    next: Option<String>,
}

/// Every signed head of a petition's log, oldest first, 1,000 a page.
#[utoipa::path(
    get,
    path = "/petitions/{slug}/log/heads",
    tag = "public log",
    params(
        ("slug" = String, Path, description = "The petition's slug"),
        ("page" = Option<i64>, Query, description = "From 1 (the default)"),
    ),
    responses(
        (status = 200, description = "A page of heads", body = HeadsJson),
        (status = 400, description = "A malformed parameter", body = super::api::ErrorBody),
        (status = 404, description = "No such petition", body = super::api::ErrorBody),
    )
)]
pub async fn heads(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let params: PageQuery = query(&req)?;
    let page = super::api::in_range(params.page.as_deref(), "page", 1, 1_000_000)?;
    let slug = slug.into_inner();
    match log_app::heads(&state, slug.clone(), page).await? {
        Ok((data, more)) => Ok(json(
            SHORT,
            &HeadsJson {
                data,
                page,
                per_page: log_app::HEADS_PER_PAGE,
                next: more.then(|| format!("/petitions/{slug}/log/heads?page={}", page + 1)),
            },
        )),
        Err(what) => missing(what),
    }
}

#[derive(Deserialize)]
struct RangeQuery {
    start: Option<String>,
    end: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LeafJson {
    index: u64,
    /// `add` or `revoke`.
    kind: &'static str,
    /// For a revoke, the index of the add it takes back.
    revokes: Option<u64>,
    /// `YYYY-MM-DD`, UTC.
    day: String,
    /// Lowercase hex.
    commitment: String,
    /// Lowercase hex.
    leaf_hash: String,
}

impl From<StoredLeaf> for LeafJson {
    fn from(stored: StoredLeaf) -> Self {
        Self {
            index: stored.leaf.index,
            kind: stored.leaf.kind.as_str(),
            revokes: stored.leaf.revokes,
            day: stored.leaf.day,
            commitment: hex::encode(stored.leaf.commitment),
            leaf_hash: hex::encode(stored.leaf_hash),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LeavesJson {
    data: Vec<LeafJson>,
}

/// A petition's log leaves `start <= index < end`, in order, at most
/// 10,000 at a time. No personal data: a leaf holds a commitment to the
/// signer's receipt, never the signer.
#[utoipa::path(
    get,
    path = "/petitions/{slug}/log/leaves",
    tag = "public log",
    params(
        ("slug" = String, Path, description = "The petition's slug"),
        ("start" = Option<u64>, Query, description = "The first index (default 0)"),
        ("end" = Option<u64>, Query, description = "One past the last index (default and at most start + 10,000)"),
    ),
    responses(
        (status = 200, description = "The leaves in the range that exist", body = LeavesJson),
        (status = 400, description = "A malformed parameter", body = super::api::ErrorBody),
        (status = 404, description = "No such petition", body = super::api::ErrorBody),
    )
)]
pub async fn leaves(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let params: RangeQuery = query(&req)?;
    let start = whole_number(params.start.as_deref(), "start")?.unwrap_or(0);
    let end = whole_number(params.end.as_deref(), "end")?;
    if end.is_some_and(|e| e < start) {
        return Err(bad_request("error-log-range"));
    }
    match log_app::leaves(&state, slug.into_inner(), start, end).await? {
        Ok(leaves) => {
            let asked = end
                .unwrap_or(u64::MAX)
                .min(start.saturating_add(MAX_LEAVES_PER_PAGE))
                - start;
            // Every leaf asked for exists, so this page is final.
            let cache = if leaves.len() as u64 == asked {
                SETTLED
            } else {
                SHORT
            };
            let data = leaves.into_iter().map(LeafJson::from).collect();
            Ok(json(cache, &LeavesJson { data }))
        }
        Err(what) => missing(what),
    }
}

#[derive(Deserialize)]
struct ProofQuery {
    receipt: Option<String>,
    leaf_hash: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ProofJson {
    index: u64,
    leaf_hash: String,
    /// The latest head's size and root, which the path leads to.
    tree_size: u64,
    root_hash: String,
    /// Sibling hashes, deepest first (RFC 9162 §2.1.3).
    path: Vec<String>,
    /// The index of the revoke leaf that withdrew this signature, if any.
    revoked_by: Option<u64>,
}

fn hexes(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(hex::encode).collect()
}

impl From<Proof> for ProofJson {
    fn from(proof: Proof) -> Self {
        Self {
            index: proof.index,
            leaf_hash: hex::encode(proof.leaf_hash),
            tree_size: proof.head.tree_size,
            root_hash: proof.head.root_hash,
            path: hexes(&proof.path),
            revoked_by: proof.revoked_by,
        }
    }
}

/// The inclusion proof of a receipt's leaf (or of any leaf, by its hash)
/// to the latest signed head.
#[utoipa::path(
    get,
    path = "/petitions/{slug}/log/proof",
    tag = "public log",
    params(
        ("slug" = String, Path, description = "The petition's slug"),
        ("receipt" = Option<String>, Query, description = "A receipt code, dashes and spaces optional"),
        ("leaf_hash" = Option<String>, Query, description = "A leaf hash, 64 hex characters"),
    ),
    responses(
        (status = 200, description = "The proof", body = ProofJson),
        (status = 400, description = "Neither a receipt code nor a leaf hash", body = super::api::ErrorBody),
        (status = 404, description = "No such petition or leaf, or the leaf is not yet under a signed head (`pending`)", body = super::api::ErrorBody),
    )
)]
pub async fn proof(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let params: ProofQuery = query(&req)?;
    let key = match (params.receipt.as_deref(), params.leaf_hash.as_deref()) {
        (Some(code), None) => LeafKey::Commitment(
            Receipt::parse(code)
                .ok_or_else(|| bad_request("error-log-receipt"))?
                .commitment(),
        ),
        (None, Some(hash)) => LeafKey::LeafHash(
            hex::decode(hash.trim())
                .ok()
                .and_then(|h| h.try_into().ok())
                .ok_or_else(|| bad_request("error-log-leaf-hash"))?,
        ),
        _ => return Err(bad_request("error-log-proof-key")),
    };
    match log_app::proof(&state, slug.into_inner(), key).await? {
        Ok(proof) => Ok(json(SHORT, &ProofJson::from(proof))),
        Err(what) => missing(what),
    }
}

#[derive(Deserialize)]
struct SizesQuery {
    first: Option<String>,
    second: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsistencyJson {
    first: u64,
    second: u64,
    /// RFC 9162 §2.1.4.
    path: Vec<String>,
}

/// The proof that the log at size `second` only added to the log at size
/// `first`.
#[utoipa::path(
    get,
    path = "/petitions/{slug}/log/consistency",
    tag = "public log",
    params(
        ("slug" = String, Path, description = "The petition's slug"),
        ("first" = u64, Query, description = "The earlier tree size, at least 1"),
        ("second" = u64, Query, description = "The later tree size, at most the log's size"),
    ),
    responses(
        (status = 200, description = "The proof", body = ConsistencyJson),
        (status = 400, description = "Sizes out of order or beyond the log", body = super::api::ErrorBody),
        (status = 404, description = "No such petition", body = super::api::ErrorBody),
    )
)]
pub async fn consistency(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let params: SizesQuery = query(&req)?;
    let (Some(first), Some(second)) = (
        whole_number(params.first.as_deref(), "first")?,
        whole_number(params.second.as_deref(), "second")?,
    ) else {
        return Err(bad_request("error-log-sizes-missing"));
    };
    match log_app::consistency(&state, slug.into_inner(), first, second).await? {
        Ok(Ok(path)) => Ok(json(
            SETTLED,
            &ConsistencyJson {
                first,
                second,
                path: hexes(&path),
            },
        )),
        Ok(Err(BadSizes::OutOfRange { size })) => Err(AppError::BadRequest(
            Message::new("error-log-sizes").arg("size", size as i64),
        )
        .into()),
        Err(what) => missing(what),
    }
}

#[derive(Template)]
#[template(path = "petitions/verify.html")]
struct VerifyPage {
    l: Ui,
    slug: String,
    title: String,
    receipt: String,
    /// The server's verdict on a receipt sent without the script: a CSS
    /// class (as the script would set) and the words.
    result: Option<(&'static str, String)>,
    head_line: String,
    command: String,
}

#[derive(Deserialize)]
struct VerifyQuery {
    receipt: Option<String>,
}

/// A message whose `{name}` placeholders (see `Locale::for_script`) are
/// filled here, as the page's script fills them in the browser.
fn filled(l: &Ui, id: &str, values: &[(&'static str, String)]) -> String {
    let names: Vec<&'static str> = values.iter().map(|(name, _)| *name).collect();
    values
        .iter()
        .fold(l.for_script(id, &names), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// Where a signer checks their receipt. The page's script checks it in the
/// browser; a `?receipt=` sent without the script is checked here.
pub async fn verify_page(
    state: web::Data<AppState>,
    ui: Ui,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let Some(petition) = state.petitions.get(&state.db, &slug).await? else {
        return Err(AppError::NotFound);
    };
    let receipt = web::Query::<VerifyQuery>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.into_inner().receipt)
        .filter(|r| !r.trim().is_empty());
    let result = match receipt.as_deref().map(Receipt::parse) {
        None => None,
        Some(None) => Some(("verify-warn", ui.t("verify-invalid-code"))),
        Some(Some(parsed)) => {
            let key = LeafKey::Commitment(parsed.commitment());
            Some(match log_app::proof(&state, slug.clone(), key).await? {
                Ok(Proof {
                    checks_out: false, ..
                }) => ("verify-bad", ui.t("verify-mismatch")),
                Ok(Proof {
                    index,
                    revoked_by: Some(revoked_by),
                    ..
                }) => (
                    "verify-warn",
                    filled(
                        &ui,
                        "verify-withdrawn",
                        &[
                            ("index", index.to_string()),
                            ("revoked_by", revoked_by.to_string()),
                        ],
                    ),
                ),
                Ok(proof) => (
                    "verify-ok",
                    filled(
                        &ui,
                        "verify-counted",
                        &[
                            ("index", proof.index.to_string()),
                            ("tree_size", proof.head.tree_size.to_string()),
                            ("timestamp", proof.head.timestamp),
                        ],
                    ),
                ),
                Err(Missing::NotYetSigned) => ("verify-warn", ui.t("verify-pending")),
                Err(_) => ("verify-bad", ui.t("verify-not-found")),
            })
        }
    };
    let head_line = match log_app::latest_head(&state, slug.clone()).await? {
        Ok(head) => filled(
            &ui,
            "verify-head",
            &[
                ("tree_size", head.tree_size.to_string()),
                ("adds", head.adds.to_string()),
                ("revokes", head.revokes.to_string()),
                ("timestamp", head.timestamp),
            ],
        ),
        Err(_) => ui.t("verify-no-head"),
    };
    render(
        StatusCode::OK,
        &VerifyPage {
            command: format!("undersigned verify {}", state.petition_url(&slug)),
            title: petition.petition.title.clone(),
            l: ui,
            slug,
            receipt: receipt.unwrap_or_default(),
            result,
            head_line,
        },
    )
}
