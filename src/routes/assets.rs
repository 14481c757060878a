//! Static files: built into the binary, compressed once at start, and
//! served under content-hashed names that browsers may cache for a year.
//!
//! Pages link `/static/style.1a2b3c4d.css` (see [`url`]); a new release
//! changes the name whenever the content changes, so nothing stale is ever
//! served from a cache. The plain name keeps working, briefly cached, for
//! links that outlive a release.
//!
//! Each file has one entity tag, its content hash, for all its encodings;
//! `routes::caching` makes it weak (the encodings are the same content,
//! not the same bytes), answers `If-None-Match`, and sets `Cache-Control`
//! from [`cache_control`].

use std::io::Write;
use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::http::language::add_vary;
use crate::i18n::Locale;

struct Source {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const SOURCES: &[Source] = &[
    Source {
        name: "style.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/style.css"),
    },
    Source {
        name: "share.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/share.js"),
    },
    Source {
        name: "embed-frame.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/embed-frame.js"),
    },
    Source {
        name: "verify.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/verify.js"),
    },
    Source {
        name: "live.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/live.js"),
    },
    Source {
        name: "icon.svg",
        content_type: "image/svg+xml",
        body: super::site::ICON_SVG,
    },
    Source {
        name: "embed.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/embed.js"),
    },
];

struct Asset {
    source: &'static Source,
    /// What is served: the source, with any words filled in.
    body: Bytes,
    /// `style.1a2b3c4d.css`
    hashed_name: String,
    etag: HeaderValue,
    gzip: Bytes,
    brotli: Bytes,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| SOURCES.iter().map(prepare).collect());

fn prepare(source: &'static Source) -> Asset {
    let body = match source.name {
        "embed.js" => Bytes::from(with_frame_titles(source.body)),
        _ => Bytes::from_static(source.body),
    };
    let digest = hex::encode(Sha256::digest(&body));
    let hash = &digest[..10];
    let hashed_name = match source.name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{}.{hash}", source.name),
    };
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&body).expect("gzip into memory");
    let mut brotli = Vec::new();
    {
        // A window just large enough for the file: back-references never
        // reach further than its length anyway, and quality 11 sizes its
        // buffers by the window. The 4 MiB default made start-up spend most
        // of its time and tens of megabytes (kept by the allocator for good)
        // on files of a few kilobytes.
        let window = body
            .len()
            .max(1)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(10, 22);
        let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 11, window);
        writer.write_all(&body).expect("brotli into memory");
    }
    Asset {
        source,
        body,
        hashed_name,
        etag: HeaderValue::from_str(&format!("\"{hash}\"")).expect("a hex tag"),
        gzip: Bytes::from(gzip.finish().expect("gzip into memory")),
        brotli: Bytes::from(brotli),
    }
}

/// Where embed.js takes the frame's title in each language.
const FRAME_TITLES: &str = "/*FRAME_TITLES*/{}";

/// embed.js runs on other sites, where no page of ours says the words: it
/// carries the frame's title from the catalogues, in every language.
fn with_frame_titles(script: &[u8]) -> Vec<u8> {
    let titles: serde_json::Map<String, serde_json::Value> = Locale::ALL
        .into_iter()
        .map(|l| (l.code().to_owned(), l.t("embed-frame-title").into()))
        .collect();
    let titles = serde_json::Value::Object(titles).to_string();
    String::from_utf8_lossy(script)
        .replacen(FRAME_TITLES, &titles, 1)
        .into_bytes()
}

/// Compresses every asset on a thread of its own, rather than on the first
/// request. Brotli at its best quality takes tens of milliseconds for all
/// of them, which the server need not wait for to start: a request for an
/// asset that comes first waits for them instead.
pub fn prepare_all() {
    let started = std::thread::Builder::new().name("assets".into()).spawn(|| {
        LazyLock::force(&ASSETS);
    });
    if started.is_err() {
        LazyLock::force(&ASSETS);
    }
}

/// How long caches may keep the file asked for as `file`: a year under
/// its hashed name, which changes with its content; an hour under its
/// plain name, as for `/embed.js`.
pub fn cache_control(file: &str) -> &'static str {
    if ASSETS.iter().any(|a| a.hashed_name == file) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    }
}

/// The cache-busting address of a static file, for templates.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.source.name == name) {
        Some(asset) => format!("/static/{}", asset.hashed_name),
        None => format!("/static/{name}"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding the client accepts (no q-value beyond "q=0 is no").
fn negotiate(req: &HttpRequest) -> Encoding {
    let accepted = req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let coding = parts.next()?.trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            (!refused).then_some(coding)
        })
        .collect::<Vec<_>>();
    if accepted.iter().any(|c| c == "br") {
        Encoding::Brotli
    } else if accepted.iter().any(|c| c == "gzip" || c == "*") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// `GET /static/{file}`, by hashed or plain name.
pub async fn file(req: HttpRequest, locale: Locale, file: web::Path<String>) -> HttpResponse {
    let file = file.into_inner();
    let found = ASSETS
        .iter()
        .find(|a| a.hashed_name == file || a.source.name == file);
    match found {
        Some(asset) => serve(&req, asset),
        None => {
            let mut response = HttpResponse::NotFound()
                .content_type("text/plain; charset=utf-8")
                .body(locale.t("error-no-such-file"));
            add_vary(response.headers_mut());
            response
        }
    }
}

/// `GET /embed.js`: its address is pasted into other sites, so it never
/// changes; it is cached for an hour (see `routes::caching`).
pub async fn embed_script(req: HttpRequest) -> HttpResponse {
    let asset = ASSETS
        .iter()
        .find(|a| a.source.name == "embed.js")
        .expect("embed.js is built in");
    let mut response = serve(&req, asset);
    // Other sites load it cross-origin.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The file in the best encoding the client takes. Its `Vary` says that
/// the encoding was chosen by `Accept-Encoding`.
fn serve(req: &HttpRequest, asset: &Asset) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type(asset.source.content_type)
        .insert_header((header::ETAG, asset.etag.clone()))
        .insert_header((header::VARY, "Accept-Encoding"));
    match negotiate(req) {
        Encoding::Brotli => response
            .insert_header((header::CONTENT_ENCODING, "br"))
            .body(asset.brotli.clone()),
        Encoding::Gzip => response
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(asset.gzip.clone()),
        Encoding::Identity => response.body(asset.body.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn hashed_names_change_with_the_content() {
        let css = url("style.css");
        assert!(
            css.starts_with("/static/style.") && css.ends_with(".css"),
            "{css}"
        );
        assert_eq!(css.len(), "/static/style..css".len() + 10);
        assert_eq!(url("unknown.txt"), "/static/unknown.txt");
    }

    #[test]
    fn brotli_is_preferred_and_refusals_are_honoured() {
        let req = |v: &str| {
            TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, v))
                .to_http_request()
        };
        assert_eq!(negotiate(&req("gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(negotiate(&req("gzip")), Encoding::Gzip);
        assert_eq!(negotiate(&req("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(negotiate(&req("identity")), Encoding::Identity);
        assert_eq!(
            negotiate(&TestRequest::default().to_http_request()),
            Encoding::Identity
        );
    }

    #[test]
    fn compressed_forms_decode_to_the_original() {
        let asset = &ASSETS[0];
        let mut gunzipped = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&asset.gzip[..]),
            &mut gunzipped,
        )
        .unwrap();
        assert_eq!(gunzipped, asset.body);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut &asset.brotli[..], &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, asset.body);
        assert!(asset.brotli.len() < asset.body.len() / 2);
    }

    #[test]
    fn embed_js_names_its_frame_in_every_language() {
        let script = &ASSETS
            .iter()
            .find(|a| a.source.name == "embed.js")
            .unwrap()
            .body;
        let script = std::str::from_utf8(script).unwrap();
        assert!(!script.contains(FRAME_TITLES), "{script}");
        assert!(
            script.contains(r#"var titles = {"en":"Petition","ko":"청원"};"#),
            "{script}"
        );
    }
}
