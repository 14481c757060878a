//! The organizer's CSV export of confirmed signatures, streamed page by
//! page so that 200,000 signers cost no more memory than 2,000.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use futures_util::stream;

use super::managing::{petition_to_manage, Managing};
use crate::db::models::signatures::{self as signature_rows, After, ExportCursor, ExportRow};
use crate::db::Db;
use crate::domain::csv_cell::spreadsheet_safe;
use crate::error::AppError;
use crate::http::session::CurrentOrganizer;
use crate::i18n::Locale;
use crate::state::AppState;

/// Rows per database round trip and per chunk sent.
const PAGE: i64 = 1_000;
/// The columns' headings, as catalogue ids. In English they are the field
/// names scripts may rely on; in Korean, words a person reads.
const HEADER: [&str; 7] = [
    "export-col-name",
    "export-col-email",
    "export-col-country",
    "export-col-postcode",
    "export-col-comment",
    "export-col-source",
    "export-col-confirmed-at",
];

/// `GET /dashboard/petitions/{slug}/signatures.csv`: only the petition's
/// owner or an admin may download it. The headings are in the language the
/// organizer uses the site in.
pub async fn signatures_csv(
    state: web::Data<AppState>,
    locale: Locale,
    current: CurrentOrganizer,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (petition, _) =
        petition_to_manage(&state, &current.organizer, &slug, Managing::Export).await?;

    let first = csv_chunk(std::iter::once(header(locale)))?;
    let pages = stream::unfold(
        Some(Export {
            db: state.db.clone(),
            petition_id: petition.id,
            cursor: None,
        }),
        next_chunk,
    );
    let body = futures_util::StreamExt::chain(
        stream::once(async move { Ok::<_, actix_web::Error>(first) }),
        pages,
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{slug}-signatures.csv\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

struct Export {
    db: Db,
    petition_id: String,
    cursor: Option<ExportCursor>,
}

/// The next page as CSV, or the end. A failure mid-stream can only cut the
/// download short (the status is already sent), so it is logged.
async fn next_chunk(
    export: Option<Export>,
) -> Option<(Result<web::Bytes, actix_web::Error>, Option<Export>)> {
    let mut export = export?;
    let petition_id = export.petition_id.clone();
    let after = export.cursor.clone().map(After::Cursor);
    let page = export
        .db
        .run(move |conn| signature_rows::export_page(conn, &petition_id, after.as_ref(), PAGE))
        .await;
    let rows = match page {
        Ok(rows) if rows.is_empty() => return None,
        Ok(rows) => rows,
        Err(err) => {
            tracing::error!(error = ?err, "a signature export failed part way");
            return Some((
                Err(actix_web::error::ErrorInternalServerError("export failed")),
                None,
            ));
        }
    };
    let last = rows.last().expect("a non-empty page");
    export.cursor = last.confirmed_at.map(|at| (at, last.id.clone()));
    let more = rows.len() as i64 == PAGE && export.cursor.is_some();
    let chunk = csv_chunk(rows.into_iter().map(record)).map_err(actix_web::Error::from);
    Some((chunk, more.then_some(export)))
}

fn header(locale: Locale) -> Vec<String> {
    HEADER.iter().map(|id| locale.t(id)).collect()
}

fn record(row: ExportRow) -> Vec<String> {
    let text = |value: &str| spreadsheet_safe(value).into_owned();
    vec![
        text(&row.name),
        text(&row.email),
        row.country,
        text(row.postcode.as_deref().unwrap_or("")),
        text(row.comment.as_deref().unwrap_or("")),
        text(row.source.as_deref().unwrap_or("")),
        row.confirmed_at
            .map(|at| {
                at.assume_utc()
                    .format(&time::format_description::well_known::Rfc3339)
            })
            .transpose()
            .ok()
            .flatten()
            .unwrap_or_default(),
    ]
}

fn csv_chunk(records: impl Iterator<Item = Vec<String>>) -> Result<web::Bytes, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        writer
            .write_record(&record)
            .map_err(|e| anyhow::Error::new(e).context("writing CSV"))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("finishing CSV: {e}"))?;
    Ok(web::Bytes::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_headings_are_the_field_names() {
        assert_eq!(
            header(Locale::En),
            [
                "name",
                "email",
                "country",
                "postcode",
                "comment",
                "source",
                "confirmed_at"
            ]
        );
        let korean = header(Locale::Ko);
        assert_eq!(korean[0], "이름");
        assert!(korean.iter().all(|h| !h.is_ascii()), "{korean:?}");
    }
}
