//! `GET /api/v1/openapi.json`: the API's description, generated from the
//! handlers' and types' own annotations, so it cannot drift from them.

use std::sync::LazyLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{api, api_organizer, public_log};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "undersigned API",
        description = "Read petitions and their live counts, sign them, and, with an \
            organizer's API token, create and edit petitions and read their confirmed \
            signatures.\n\nErrors are `{\"error\": {\"code\", \"message\", \"fields\"}}`. \
            Timestamps are RFC 3339, in UTC.\n\nField names follow OSDI (the Open Supporter \
            Data Interface) where it has one. Petitions: `title`, `summary`, `petition_text` \
            (accepted for `body`), `target` (accepted for `targets`, as names or \
            `{\"name\"}` objects); our `signature_count`, `url` and `created_at` are OSDI's \
            `total_signatures`, `browser_url` and `created_date`. Signatures are OSDI \
            signatures: `identifiers`, `created_date`, `modified_date`, `comments`, \
            `referrer_data.source` and a `person` with `email_addresses` and \
            `postal_addresses`; the person's name stays one field, `name`, because not \
            every name splits into `given_name` and `family_name`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        api::list_petitions,
        api::show_petition,
        api::petition_count,
        api::sign_petition,
        api_organizer::create_petition,
        api_organizer::edit_petition,
        api_organizer::list_signatures,
        public_log::key,
        public_log::head,
        public_log::heads,
        public_log::leaves,
        public_log::proof,
        public_log::consistency,
        openapi_json,
    ),
    modifiers(&BearerToken),
    tags(
        (name = "public", description = "No authentication; any origin may call these (CORS)."),
        (name = "public log", description = "A petition's append-only log of signatures \
            (RFC 9162 hashing, Ed25519-signed heads): see docs/verifiable-count.md. Any origin."),
        (name = "organizers", description = "An organizer's API token as `Authorization: Bearer`. \
            Make one at /dashboard/tokens or with `undersigned token create`."),
    )
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An organizer's API token, `usg_…`"))
                    .build(),
            ),
        );
    }
}

static SPEC: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_json()
        .expect("the API description serialises")
});

/// This description of the API, as OpenAPI 3.1.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "public",
    responses((status = 200, description = "This description", content_type = "application/json"))
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "public, max-age=3600",
        ))
        .body(SPEC.as_str())
}
