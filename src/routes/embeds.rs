//! A petition on someone else's page: the iframe widget, the script that
//! places it, oEmbed, and the live SVG badge.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::petitions::{PetitionView, SignFormView, Surface};
use super::render;
use crate::domain::signer::SignatureForm;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::i18n::{Locale, Message, Ui};
use crate::state::AppState;

/// The widget may sit in any site's frame; every other page may not.
const EMBED_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors *";

/// The iframe's size when nobody asks otherwise; the script resizes it to
/// its content.
pub const EMBED_WIDTH: u32 = 400;
pub const EMBED_HEIGHT: u32 = 640;

/// What the petition page offers to embed it elsewhere.
pub struct EmbedSnippets {
    /// The oEmbed discovery address.
    pub oembed_href: String,
    pub script: String,
    pub iframe: String,
    pub badge_markdown: String,
}

impl EmbedSnippets {
    /// The snippets in `locale`'s language: English ones name none, so
    /// the widget follows each visitor's browser; others ask for theirs.
    pub fn new(public_url: &str, petition_url: &str, locale: Locale) -> Self {
        let (data_lang, query) = match locale {
            Locale::En => (String::new(), String::new()),
            other => (
                format!(" data-lang=\"{}\"", other.code()),
                format!("?lang={}", other.code()),
            ),
        };
        Self {
            oembed_href: format!(
                "{public_url}/oembed?url={}&format=json",
                crate::domain::share::enc(petition_url)
            ),
            script: format!(
                "<div data-undersigned=\"{petition_url}\"{data_lang}></div>\n\
                 <script src=\"{public_url}/embed.js\" async></script>"
            ),
            iframe: format!(
                "<iframe src=\"{petition_url}/embed{query}\" width=\"{EMBED_WIDTH}\" \
                 height=\"{EMBED_HEIGHT}\" style=\"border:0;max-width:100%\" \
                 title=\"{}\"></iframe>",
                crate::i18n::escape_html(&locale.t("embed-frame-title"))
            ),
            badge_markdown: format!(
                "[![{}]({petition_url}/badge.svg{query})]({petition_url}?source=badge)",
                locale.t("embed-badge-alt").replace(['[', ']'], "")
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "petitions/embed.html")]
struct EmbedPage {
    l: Ui,
    petition: PetitionView,
    form: SignFormView,
    form_notice: Option<Message>,
    /// Just signed: show "check your inbox" instead of the form.
    signed: bool,
}

#[derive(Deserialize)]
pub struct EmbedQuery {
    #[serde(default)]
    signed: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

pub async fn embed(
    state: web::Data<AppState>,
    ui: Ui,
    slug: web::Path<String>,
    query: web::Query<EmbedQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let form = SignatureForm {
        // Signers who come through a widget are attributed to it, unless
        // the embedding page says which campaign it is.
        source: query.source.unwrap_or_else(|| "embed".into()),
        ..SignatureForm::default()
    };
    render_embed(
        &state,
        ui,
        &slug,
        form,
        FieldErrors::default(),
        None,
        query.signed.is_some(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn render_embed(
    state: &AppState,
    ui: Ui,
    slug: &str,
    values: SignatureForm,
    errors: FieldErrors,
    form_notice: Option<Message>,
    signed: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let snapshot = state
        .petitions
        .get(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let (petition, targets) = (snapshot.petition.clone(), snapshot.targets.clone());
    let locale = ui.locale();
    let form = SignFormView::new(state, Surface::Embed, &petition.slug, values, errors, &ui);
    let mut response = render(
        status,
        &EmbedPage {
            l: ui.at(&format!("/petitions/{}/embed", petition.slug)),
            petition: PetitionView::new(state, petition, targets, locale),
            form,
            form_notice,
            signed,
        },
    )?;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(EMBED_CSP),
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct OembedQuery {
    url: Option<String>,
    format: Option<String>,
    maxwidth: Option<String>,
    maxheight: Option<String>,
}

/// An oEmbed 1.0 `rich` response.
#[derive(Serialize)]
struct Oembed {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    provider_name: &'static str,
    provider_url: String,
    html: String,
    width: u32,
    height: u32,
    cache_age: u32,
}

/// The markup consumers paste; escaped like every page.
#[derive(Template)]
#[template(
    source = r#"<iframe src="{{ src }}" width="{{ width }}" height="{{ height }}" title="{{ title }}" style="border:0;max-width:100%" loading="lazy"></iframe>"#,
    ext = "html"
)]
struct OembedFrame<'a> {
    src: &'a str,
    title: &'a str,
    width: u32,
    height: u32,
}

/// The slug of a petition address on this site, if it is one. Either
/// scheme will do: a site on https is still linked by its http address,
/// and the other way round.
fn petition_slug(public_url: &str, url: &str) -> Option<String> {
    let ours = url::Url::parse(public_url).ok()?;
    let asked = url::Url::parse(url.trim()).ok()?;
    let on_the_web = |u: &url::Url| matches!(u.scheme(), "http" | "https");
    let same_site = on_the_web(&ours)
        && on_the_web(&asked)
        && asked.host_str() == ours.host_str()
        && asked.port() == ours.port()
        && asked.username().is_empty()
        && asked.password().is_none();
    if !same_site {
        return None;
    }
    let rest = asked
        .path()
        .strip_prefix(ours.path().trim_end_matches('/'))?
        .strip_prefix("/petitions/")?;
    let slug = rest.split('/').next()?;
    crate::domain::petition::is_plausible_slug(slug).then(|| slug.to_owned())
}

/// The widget's size along one side for a consumer's `maximum`: its own
/// size, or the maximum if that is smaller; `Ok(None)` when the maximum
/// leaves less than `least`, below which the widget is of no use. A
/// maximum that is not a whole number of pixels is an error: read as no
/// maximum, it could give the consumer more than it allowed.
fn fit(maximum: Option<&str>, own: u32, least: u32) -> Result<Option<u32>, ()> {
    let Some(maximum) = maximum.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(Some(own));
    };
    let maximum = maximum.parse::<u32>().map_err(|_| ())?;
    let size = maximum.min(own);
    Ok((size >= least).then_some(size))
}

/// The smallest frame the widget is usable in, either way.
const EMBED_MIN: u32 = 200;

/// The frame's title is in the request's language (`?lang=`, the cookie or
/// `Accept-Language`), and a frame that is not English asks the widget for
/// that language too, as the petition page's snippets do.
///
/// The frame is never larger than `maxwidth` × `maxheight`; when the widget
/// cannot fit them the answer is 404, as oEmbed 1.0 §2.3.4 asks of a
/// provider with no representation to give.
pub async fn oembed(
    state: web::Data<AppState>,
    locale: Locale,
    query: web::Query<OembedQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    match query.format.as_deref() {
        None | Some("json") => {}
        // oEmbed 1.0 §2.3.4: an unsupported format is 501.
        Some(_) => {
            let mut response = HttpResponse::NotImplemented()
                .content_type("text/plain; charset=utf-8")
                .body(locale.t("error-oembed-format"));
            crate::http::language::add_vary(response.headers_mut());
            return Ok(response);
        }
    }
    let public_url = state.settings.server.public_url.clone();
    let Some(slug) = query
        .url
        .as_deref()
        .and_then(|url| petition_slug(&public_url, url))
    else {
        return Err(AppError::NotFound);
    };
    let sizes = (
        fit(query.maxwidth.as_deref(), EMBED_WIDTH, EMBED_MIN),
        fit(query.maxheight.as_deref(), EMBED_HEIGHT, EMBED_MIN),
    );
    let (Ok(width), Ok(height)) = sizes else {
        return Err(AppError::BadRequest(
            Message::new("error-malformed-query").arg(
                "detail",
                "maxwidth and maxheight are whole numbers of pixels",
            ),
        ));
    };
    let (Some(width), Some(height)) = (width, height) else {
        return Err(AppError::NotFound);
    };
    let snapshot = state
        .petitions
        .get(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let petition = &snapshot.petition;
    let lang_query = match locale {
        Locale::En => String::new(),
        other => format!("?lang={}", other.code()),
    };
    let src = format!("{public_url}/petitions/{}/embed{lang_query}", petition.slug);
    let frame_title = locale.t1("embed-frame-title-named", "title", &petition.title);
    let html = OembedFrame {
        src: &src,
        title: &frame_title,
        width,
        height,
    }
    .render()
    .map_err(|e| anyhow::Error::new(e).context("rendering the oEmbed frame"))?;
    let mut response = HttpResponse::Ok()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .json(Oembed {
            version: "1.0",
            kind: "rich",
            title: petition.title.clone(),
            provider_name: "undersigned",
            provider_url: public_url,
            html,
            width,
            height,
            cache_age: 3600,
        });
    crate::http::language::add_vary(response.headers_mut());
    Ok(response)
}

/// The badge: the count and a progress bar, from memory, never the
/// database. Revalidated often: its tag is the count and the goal, and
/// `routes::caching` answers a matching `If-None-Match` with 304.
///
/// Its words are English unless the address asks otherwise (`?lang=ko`):
/// an image is fetched by proxies and Markdown renderers, whose
/// `Accept-Language` is not the reader's.
pub async fn badge(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<BadgeQuery>,
) -> Result<HttpResponse, AppError> {
    let count = state.counts.get(&slug).ok_or(AppError::NotFound)?;
    let locale = query
        .lang
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or_default();
    let etag = match locale {
        Locale::En => format!("\"{}-{}\"", count.count, count.goal),
        other => format!("\"{}-{}-{}\"", count.count, count.goal, other.code()),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .content_type("image/svg+xml; charset=utf-8")
        .body(badge_svg(count.count, count.goal, locale)))
}

#[derive(Deserialize)]
pub struct BadgeQuery {
    #[serde(default)]
    lang: Option<String>,
}

fn badge_svg(count: i64, goal: i64, locale: Locale) -> String {
    const WIDTH: i64 = 240;
    let filled = if goal > 0 {
        (count.clamp(0, goal) * WIDTH / goal).max(i64::from(count > 0) * 2)
    } else {
        0
    };
    let label = crate::i18n::escape_html(&locale.t2("badge-label", "count", count, "goal", goal));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="28" viewBox="0 0 {WIDTH} 28" role="img" aria-label="{label}">
<title>{label}</title>
<rect width="{WIDTH}" height="28" rx="4" fill="#e8efec"/>
<rect width="{filled}" height="28" rx="4" fill="#0b6e4f"/>
<text x="8" y="19" font-family="system-ui,-apple-system,Segoe UI,sans-serif" font-size="13" fill="#1a1a1a" stroke="#fff" stroke-width="3" paint-order="stroke">{label}</text>
</svg>
"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_sites_petition_addresses_have_a_slug() {
        let base = "https://p.example";
        let slug = |url: &str| petition_slug(base, url);
        assert_eq!(
            slug("https://p.example/petitions/save-bees").as_deref(),
            Some("save-bees")
        );
        assert_eq!(
            slug("https://p.example/petitions/save-bees?source=x#sign").as_deref(),
            Some("save-bees")
        );
        // Either scheme, on the same host and port.
        assert_eq!(
            slug("http://p.example/petitions/save-bees").as_deref(),
            Some("save-bees")
        );
        assert_eq!(
            slug("HTTP://P.EXAMPLE:80/petitions/save-bees").as_deref(),
            Some("save-bees")
        );
        assert_eq!(
            petition_slug(
                "http://localhost:8080",
                "https://localhost:8080/petitions/save-bees"
            )
            .as_deref(),
            Some("save-bees")
        );
        assert_eq!(slug("https://evil.example/petitions/save-bees"), None);
        assert_eq!(slug("https://p.example:8443/petitions/save-bees"), None);
        assert_eq!(slug("https://me@p.example/petitions/save-bees"), None);
        assert_eq!(slug("ftp://p.example/petitions/save-bees"), None);
        assert_eq!(slug("https://p.example/dashboard"), None);
        assert_eq!(slug("https://p.example/petitions/"), None);
        assert_eq!(slug("/petitions/save-bees"), None);
        // A site under a path keeps its path.
        assert_eq!(
            petition_slug(
                "https://p.example/sub/",
                "http://p.example/sub/petitions/bees"
            )
            .as_deref(),
            Some("bees")
        );
        assert_eq!(
            petition_slug("https://p.example/sub", "https://p.example/petitions/bees"),
            None
        );
    }

    #[test]
    fn the_widget_never_exceeds_the_maximum_and_is_refused_below_use() {
        assert_eq!(fit(None, 400, 200), Ok(Some(400)));
        assert_eq!(fit(Some(""), 400, 200), Ok(Some(400)));
        assert_eq!(fit(Some("300"), 400, 200), Ok(Some(300)));
        assert_eq!(fit(Some("900"), 400, 200), Ok(Some(400)));
        assert_eq!(fit(Some("200"), 400, 200), Ok(Some(200)));
        assert_eq!(fit(Some("100"), 400, 200), Ok(None));
        assert_eq!(fit(Some("0"), 400, 200), Ok(None));
        // Read as no maximum, these could give more than was allowed.
        assert_eq!(fit(Some("wide"), 400, 200), Err(()));
        assert_eq!(fit(Some("300px"), 400, 200), Err(()));
    }

    #[test]
    fn the_badge_shows_a_sliver_for_a_tiny_share() {
        let en = Locale::En;
        assert!(badge_svg(4, 10_000, en).contains(r#"<rect width="2" "#));
        assert!(badge_svg(0, 10_000, en).contains(r#"<rect width="0" "#));
        assert!(badge_svg(20_000, 10_000, en)
            .contains(r##"<rect width="240" height="28" rx="4" fill="#0b6e4f"/>"##));
        assert!(badge_svg(1234, 10_000, en).contains("1,234 of 10,000 signatures"));
        assert!(badge_svg(1234, 10_000, Locale::Ko).contains("서명 1,234명 / 목표 10,000명"));
    }
}
