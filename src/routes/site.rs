//! What crawlers and browsers ask every site for: `/favicon.ico`,
//! `/robots.txt` and `/sitemap.xml`.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use resvg::{tiny_skia, usvg};

use crate::db::models::petitions;
use crate::error::AppError;
use crate::i18n::escape_html as escape;
use crate::state::AppState;

/// The site's icon; pages link it as SVG, and `/favicon.ico` is drawn
/// from it once, for clients that ask for that address anyway.
pub const ICON_SVG: &[u8] = include_bytes!("../../static/icon.svg");

/// One sitemap file may list 50,000 addresses.
const SITEMAP_LIMIT: i64 = 50_000;

static FAVICON: LazyLock<Vec<u8>> = LazyLock::new(|| ico_from_svg(ICON_SVG, 32));

/// An ICO holding one PNG image, which every browser since IE 9 reads.
fn ico_from_svg(svg: &[u8], size: u32) -> Vec<u8> {
    let tree = usvg::Tree::from_data(svg, &usvg::Options::default()).expect("the icon parses");
    let mut pixmap = tiny_skia::Pixmap::new(size, size).expect("a non-empty icon");
    let scale = size as f32 / tree.size().width();
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let png = pixmap.encode_png().expect("PNG into memory");
    let dimension = if size >= 256 { 0 } else { size as u8 };
    let mut ico = Vec::with_capacity(22 + png.len());
    ico.extend_from_slice(&[0, 0, 1, 0, 1, 0]); // reserved, type icon, one image
    ico.extend_from_slice(&[dimension, dimension, 0, 0]); // size, no palette
    ico.extend_from_slice(&1u16.to_le_bytes()); // colour planes
    ico.extend_from_slice(&32u16.to_le_bytes()); // bits per pixel
    ico.extend_from_slice(&(png.len() as u32).to_le_bytes());
    ico.extend_from_slice(&22u32.to_le_bytes()); // where the image starts
    ico.extend_from_slice(&png);
    ico
}

pub async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/x-icon")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON.as_slice())
}

pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    // Private and per-person addresses stay out of search results; the
    // API and the live streams are not pages.
    let body = format!(
        "User-agent: *\n\
         Disallow: /dashboard\n\
         Disallow: /admin\n\
         Disallow: /signatures/\n\
         Disallow: /signup/confirm/\n\
         Disallow: /password/\n\
         Disallow: /api/\n\
         Disallow: /*/live\n\
         \n\
         Sitemap: {}\n",
        state.url("/sitemap.xml")
    );
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(body)
}

pub async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let entries = state
        .db
        .run(|conn| petitions::sitemap_entries(conn, SITEMAP_LIMIT - 1))
        .await?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    xml.push_str(&format!(
        "  <url><loc>{}</loc></url>\n",
        escape(&state.url("/"))
    ));
    for (slug, updated_at) in entries {
        xml.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(&state.petition_url(&slug)),
            updated_at.format(&format).unwrap_or_default()
        ));
    }
    xml.push_str("</urlset>\n");
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_favicon_is_an_ico_holding_a_png() {
        let ico = ico_from_svg(ICON_SVG, 32);
        assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
        assert_eq!(&ico[22..30], b"\x89PNG\r\n\x1a\n");
        let length = u32::from_le_bytes(ico[14..18].try_into().unwrap()) as usize;
        assert_eq!(length, ico.len() - 22);
    }
}
