//! Abuse review of one petition, for admins: its signatures of the last
//! hour and day by IP address, email domain and country, with outliers
//! marked; invalidating the signatures that match some criteria; and the
//! record of past invalidations.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use time::{Duration, PrimitiveDateTime};

use super::{render, see_other};
use crate::app;
use crate::app::invalidate::{InvalidateError, Invalidation};
use crate::db::models::abuse::{self as abuse_rows, Breakdown, Dimension, InvalidationRecord};
use crate::db::models::petitions::Petition;
use crate::db::models::{now, petitions};
use crate::domain::abuse::{
    describe, is_outlier, median, utc_text, InvalidationForm, OUTLIER_MEDIAN_TIMES, OUTLIER_MIN,
    OUTLIER_SHARE_PERCENT,
};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::http::checked_form::{carries_csrf_token, Admin, CheckedForm};
use crate::http::security_event;
use crate::http::session::CurrentOrganizer;
use crate::i18n::{escape_html, html, Locale, Message, Ui};
use crate::security::audit::Outcome;
use crate::state::AppState;

/// What a query value escapes: addresses and domains stay readable.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'.').remove(b'-').remove(b':');

/// Rows shown per table.
const TOP_ROWS: i64 = 20;
/// Past invalidations shown under the tables.
const RECENT_INVALIDATIONS: i64 = 20;

#[derive(Template)]
#[template(path = "admin/abuse.html")]
struct AbusePage {
    l: Ui,
    slug: String,
    title: String,
    /// "Abuse review: …" as HTML, the title marked with its language.
    heading: String,
    hidden: bool,
    counted_at: String,
    windows: Vec<WindowView>,
    invalidations: Vec<InvalidationView>,
    csrf_token: String,
    notice: Option<String>,
    errors: FieldErrors,
    form: InvalidationForm,
    top_rows: i64,
    /// The outlier rule in words, after the "Outlier" tag.
    outlier_rule: String,
}

impl AbusePage {
    fn error(&self, field: &str) -> Option<&Message> {
        self.errors.get(field)
    }
}

struct WindowView {
    id: &'static str,
    heading: String,
    tables: Vec<TableView>,
}

struct TableView {
    id: String,
    heading: String,
    caption: String,
    key_heading: String,
    summary: String,
    rows: Vec<RowView>,
}

struct RowView {
    label: String,
    confirmed: i64,
    pending: i64,
    total: i64,
    share: String,
    outlier: bool,
    /// The query that fills the invalidation form in with this row.
    prefill: Option<String>,
}

struct InvalidationView {
    at: String,
    admin: String,
    criteria: String,
    matched: i64,
    confirmed: i64,
}

/// The page around the tables: a notice, or a form sent back with errors.
#[derive(Default)]
struct PageState {
    notice: Option<String>,
    errors: FieldErrors,
    form: InvalidationForm,
}

/// The windows the tables cover. The id is also what the catalogue's
/// `$window` selects on.
const WINDOWS: [(&str, Duration); 2] = [("hour", Duration::HOUR), ("day", Duration::DAY)];

/// How each table groups. The id is also what the catalogue's `$dimension`
/// selects on.
const DIMENSIONS: [(Dimension, &str); 3] = [
    (Dimension::Ip, "ip"),
    (Dimension::Domain, "domain"),
    (Dimension::Country, "country"),
];

/// Everything the page reads from the database, in one trip.
struct Loaded {
    breakdowns: Vec<Vec<Breakdown>>,
    invalidations: Vec<InvalidationRecord>,
    shown: Option<InvalidationRecord>,
}

async fn load_petition(state: &AppState, slug: String) -> Result<Petition, AppError> {
    state
        .db
        .run(move |conn| petitions::find_by_slug_including_hidden(conn, &slug))
        .await?
        .ok_or(AppError::NotFound)
}

async fn render_page(
    state: &AppState,
    ui: Ui,
    current: &CurrentOrganizer,
    petition: Petition,
    show_invalidation: Option<String>,
    mut extra: PageState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let at = now();
    let petition_id = petition.id.clone();
    let loaded = state
        .db
        .run(move |conn| {
            let mut breakdowns = Vec::new();
            for (_, length) in WINDOWS {
                let mut tables = Vec::new();
                for (dimension, ..) in DIMENSIONS {
                    tables.push(abuse_rows::breakdown(
                        conn,
                        &petition_id,
                        dimension,
                        at - length,
                        TOP_ROWS,
                    )?);
                }
                breakdowns.push(tables);
            }
            let invalidations =
                abuse_rows::recent_invalidations(conn, &petition_id, RECENT_INVALIDATIONS)?;
            let shown = match show_invalidation {
                Some(id) => abuse_rows::find_invalidation(conn, &petition_id, &id)?,
                None => None,
            };
            Ok(Loaded {
                breakdowns,
                invalidations,
                shown,
            })
        })
        .await?;

    let l = ui.locale();
    if let Some(record) = &loaded.shown {
        extra.notice = Some(notice(l, record));
    }
    let windows = WINDOWS
        .iter()
        .zip(&loaded.breakdowns)
        .map(|(&(window_id, _), tables)| WindowView {
            id: window_id,
            heading: l.t1("abuse-window", "window", window_id),
            tables: DIMENSIONS
                .iter()
                .zip(tables)
                .map(|(&dimension, breakdown)| table_view(l, window_id, dimension, breakdown))
                .collect(),
        })
        .collect();
    let invalidations = loaded
        .invalidations
        .iter()
        .map(|r| InvalidationView {
            at: format!("{} UTC", utc_text(r.created_at)),
            admin: match (&r.admin_name, &r.admin_email) {
                (Some(name), Some(email)) => format!("{name} ({email})"),
                _ => l.t("abuse-former-admin"),
            },
            criteria: criteria_text(l, r),
            matched: r.matched,
            confirmed: r.confirmed,
        })
        .collect();
    let heading = l.markup1(
        "abuse-title",
        "title",
        html(format!(
            "<span lang=\"{}\">{}</span>",
            petition.language().code(),
            escape_html(&petition.title)
        )),
    );
    let outlier_rule = l.msg(
        &Message::new("abuse-outlier-rule")
            .arg("min", OUTLIER_MIN)
            .arg("share", OUTLIER_SHARE_PERCENT)
            .arg("times", OUTLIER_MEDIAN_TIMES),
    );
    render(
        status,
        &AbusePage {
            l: ui,
            slug: petition.slug,
            title: petition.title,
            heading,
            hidden: petition.hidden_at.is_some(),
            counted_at: format!("{} UTC", utc_text(truncate_seconds(at))),
            windows,
            invalidations,
            csrf_token: state.csrf.issue(&current.csrf_scope()),
            notice: extra.notice,
            errors: extra.errors,
            form: extra.form,
            top_rows: TOP_ROWS,
            outlier_rule,
        },
    )
}

fn truncate_seconds(at: PrimitiveDateTime) -> PrimitiveDateTime {
    at.replace_second(0)
        .and_then(|t| t.replace_nanosecond(0))
        .unwrap_or(at)
}

fn table_view(
    l: Locale,
    window_id: &str,
    (dimension, dimension_id): (Dimension, &str),
    breakdown: &Breakdown,
) -> TableView {
    let total = breakdown.total();
    let middle = median(&breakdown.sizes);
    let rows = breakdown
        .top
        .iter()
        .map(|row| {
            let n = row.total();
            let (label, prefill) = match (dimension, &row.key) {
                (Dimension::Ip, Some(ip)) => (ip.clone(), Some(("ip", ip))),
                (Dimension::Ip, None) => (l.t("abuse-no-address"), None),
                (Dimension::Domain, Some(domain)) => (domain.clone(), Some(("domain", domain))),
                (Dimension::Country, Some(code)) => (format!("{} ({code})", l.country(code)), None),
                (_, None) => (l.t("abuse-none"), None),
            };
            RowView {
                label,
                confirmed: row.confirmed,
                pending: row.pending,
                total: n,
                share: percent(l, n, total),
                outlier: is_outlier(n, total, middle),
                prefill: prefill.map(|(field, value)| {
                    format!("{field}={}", utf8_percent_encode(value, QUERY_VALUE))
                }),
            }
        })
        .collect::<Vec<_>>();
    let groups = breakdown.rows();
    let summary = if total == 0 {
        l.t1("abuse-summary-none", "window", window_id)
    } else {
        let summary = l.msg(
            &Message::new("abuse-summary")
                .arg("total", total)
                .arg("groups", groups)
                .arg("dimension", dimension_id)
                .arg("median", format_number(middle)),
        );
        if groups > TOP_ROWS {
            format!("{summary} {}", l.t1("abuse-summary-top", "rows", TOP_ROWS))
        } else {
            summary
        }
    };
    TableView {
        id: format!("{window_id}-{dimension_id}"),
        heading: l.t1("abuse-by", "dimension", dimension_id),
        caption: l.t2(
            "abuse-caption",
            "dimension",
            dimension_id,
            "window",
            window_id,
        ),
        key_heading: l.t1("abuse-col-key", "dimension", dimension_id),
        summary,
        rows,
    }
}

fn percent(l: Locale, n: i64, total: i64) -> String {
    if total == 0 || n == 0 {
        return l.t1("abuse-share", "percent", "0");
    }
    let tenths = n * 1000 / total;
    if tenths == 0 {
        return l.t("abuse-share-under");
    }
    l.t1(
        "abuse-share",
        "percent",
        format_number(tenths as f64 / 10.0),
    )
}

/// 3, 2.5: no trailing ".0".
fn format_number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn criteria_text(l: Locale, r: &InvalidationRecord) -> String {
    describe(
        l,
        r.ip_range.as_deref(),
        r.email_domain.as_deref(),
        r.signed_since,
        r.signed_before,
    )
}

fn notice(l: Locale, r: &InvalidationRecord) -> String {
    let criteria = criteria_text(l, r);
    if r.matched == 0 {
        return l.t1("abuse-notice-none", "criteria", criteria);
    }
    l.msg(
        &Message::new("abuse-notice")
            .arg("matched", r.matched)
            .arg("criteria", criteria)
            .arg("confirmed", r.confirmed)
            .arg("pending", r.matched - r.confirmed),
    )
}

#[derive(Deserialize)]
pub struct AbuseQuery {
    /// The invalidation just made, for the notice.
    invalidation: Option<String>,
    /// Fill the form in, from a table row's link.
    ip: Option<String>,
    domain: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    ui: Ui,
    current: CurrentOrganizer,
    slug: web::Path<String>,
    query: web::Query<AbuseQuery>,
) -> Result<HttpResponse, AppError> {
    current.require_admin()?;
    let petition = load_petition(&state, slug.into_inner()).await?;
    let query = query.into_inner();
    let extra = PageState {
        form: InvalidationForm {
            ip: query.ip.unwrap_or_default(),
            domain: query.domain.unwrap_or_default(),
            ..InvalidationForm::default()
        },
        ..PageState::default()
    };
    render_page(
        &state,
        ui,
        &current,
        petition,
        query.invalidation,
        extra,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct InvalidationRequest {
    #[serde(default)]
    ip: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    csrf_token: String,
}

carries_csrf_token!(InvalidationRequest);

pub async fn invalidate(
    state: web::Data<AppState>,
    req: HttpRequest,
    ui: Ui,
    slug: web::Path<String>,
    CheckedForm {
        sender: Admin(current),
        form,
    }: CheckedForm<InvalidationRequest, Admin>,
) -> Result<HttpResponse, AppError> {
    let typed = InvalidationForm {
        ip: form.ip,
        domain: form.domain,
        since: form.since,
        until: form.until,
    };
    match app::invalidate::invalidate(&state, &current.organizer, &slug, &typed).await {
        Ok(Invalidation::Done {
            petition,
            record_id,
        }) => {
            let admin = Some(current.organizer.id.as_str());
            security_event(
                &req,
                "signatures_invalidated",
                admin,
                Some(&petition.slug),
                Outcome::Success,
            );
            Ok(see_other(&format!(
                "/admin/petitions/{}/abuse?invalidation={record_id}",
                petition.slug
            )))
        }
        Ok(Invalidation::Invalid { petition, errors }) => {
            let extra = PageState {
                errors,
                form: typed,
                ..PageState::default()
            };
            render_page(
                &state,
                ui,
                &current,
                petition,
                None,
                extra,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(InvalidateError::NotFound) => Err(AppError::NotFound),
        Err(InvalidateError::Failed(err)) => Err(err.into()),
    }
}
