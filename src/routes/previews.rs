//! Link previews: the share card image that `og:image` points at.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::i18n::Locale;
use crate::share_card::CardText;
use crate::state::AppState;

/// `GET /petitions/{slug}/card.png`. Crawlers fetch it when a link is
/// shared; it is drawn once per noticeable change and then served from
/// memory.
pub async fn share_card(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let snapshot = state
        .petitions
        .get(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let (petition, targets) = (&snapshot.petition, &snapshot.targets);
    let text = CardText {
        count: state.counts.count_of(&petition.id),
        goal: petition.goal,
        title: petition.title.clone(),
        targets: targets.iter().map(|t| t.name.clone()).collect(),
        locale: Locale::from_stored(Some(petition.language().code())),
    };
    let card = match state.share_cards.cached(&slug, &text) {
        Some(card) => card,
        None => {
            let cards = state.share_cards.clone();
            web::block(move || cards.draw(&slug, &text))
                .await
                .map_err(|e| anyhow::anyhow!("drawing a share card: {e}"))??
        }
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == card.etag));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, card.etag.clone()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=600"));
    if fresh {
        return Ok(response.finish());
    }
    Ok(response
        .content_type("image/png")
        .body(card.png.as_ref().clone()))
}
