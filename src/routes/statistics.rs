//! `GET /dashboard/petitions/{slug}`: the organizer's statistics page.

mod chart;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use time::{Date, Duration, PrimitiveDateTime, Time};

use self::chart::{Bar, BarChart};
use super::managing::{petition_to_manage, Managing};
use super::render;
use crate::db::models::now;
use crate::db::models::petitions::Petition;
use crate::db::models::statistics::{self, PetitionStatistics};
use crate::error::AppError;
use crate::http::session::CurrentOrganizer;
use crate::i18n::{Locale, Message, Ui};
use crate::state::AppState;

/// The hourly chart covers this many hours, the current one included.
const HOURS: i64 = 48;
/// Petitions with at least this many confirmed signatures are recounted
/// at most every `RECOUNT_EVERY`: counting takes tens of milliseconds from
/// about this size on.
const RECOUNT_FROM: i64 = 20_000;
const RECOUNT_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
/// Labels under the daily chart, at most, so that they never overlap.
const MAX_TICKS: usize = 8;
/// Countries listed before the rest fold away.
const TOP_COUNTRIES: usize = 20;
/// The daily chart draws at most this many days, the latest ones.
const MAX_DAYS: i32 = 5 * 366;

#[derive(Template)]
#[template(path = "dashboard/statistics.html")]
struct StatisticsPage {
    l: Ui,
    slug: String,
    title: String,
    /// The petition's own language, for its title.
    lang: &'static str,
    open: bool,
    hidden_reason: Option<String>,
    confirmed: i64,
    pending: i64,
    /// "80.0%", or `None` before anyone has signed.
    confirmation_rate: Option<String>,
    per_day_chart: String,
    per_hour_chart: String,
    /// Days and hours with confirmations, for the tables under the charts.
    days: Vec<Row>,
    hours: Vec<Row>,
    hours_total: i64,
    top_countries: Vec<Row>,
    other_countries: Vec<Row>,
    sources: Vec<Row>,
    counted_at: String,
    /// Set when the figures may be reused for this many seconds.
    recount_seconds: Option<u64>,
}

struct Row {
    label: String,
    count: i64,
    share: String,
}

pub async fn show(
    state: web::Data<AppState>,
    ui: Ui,
    current: CurrentOrganizer,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (petition, _) =
        petition_to_manage(&state, &current.organizer, &slug, Managing::Statistics).await?;
    let large = state.counts.count_of(&petition.id) >= RECOUNT_FROM;
    let (at, stats) = match large.then(|| recent::get(&petition.id)).flatten() {
        Some(counted) => counted,
        None => {
            let at = now();
            let window = statistics::Window {
                first_hour: first_hour(at),
                last_hour: start_of_hour(at),
                max_days: MAX_DAYS,
            };
            let petition_id = petition.id.clone();
            let stats = state
                .db
                .run(move |conn| statistics::for_petition(conn, &petition_id, window))
                .await?;
            if stats.counted != stats.confirmed {
                // The public count reads the shards; a difference means a
                // bug somewhere that changed one without the other.
                tracing::warn!(
                    petition = %petition.slug,
                    rows = stats.confirmed,
                    shards = stats.counted,
                    "confirmed signatures and the durable count disagree"
                );
            }
            if large {
                recent::put(&petition.id, at, &stats);
            }
            (at, stats)
        }
    };
    let page = build_page(ui, petition, stats, at, large);
    let mut response = render(StatusCode::OK, &page)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The counts of large petitions, kept briefly so that an organizer
/// reloading the page in a busy campaign does not rescan every signature
/// each time. The page says how old its figures may be.
mod recent {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    use std::time::Instant;

    use time::PrimitiveDateTime;

    use super::RECOUNT_EVERY;
    use crate::db::models::statistics::PetitionStatistics;

    struct Counted {
        taken: Instant,
        at: PrimitiveDateTime,
        stats: PetitionStatistics,
    }

    static RECENT: LazyLock<Mutex<HashMap<String, Counted>>> = LazyLock::new(Default::default);

    pub fn get(petition_id: &str) -> Option<(PrimitiveDateTime, PetitionStatistics)> {
        let recent = RECENT.lock().unwrap_or_else(|e| e.into_inner());
        recent
            .get(petition_id)
            .filter(|c| c.taken.elapsed() < RECOUNT_EVERY)
            .map(|c| (c.at, c.stats.clone()))
    }

    pub fn put(petition_id: &str, at: PrimitiveDateTime, stats: &PetitionStatistics) {
        let mut recent = RECENT.lock().unwrap_or_else(|e| e.into_inner());
        // Only live entries stay, so the map holds at most the large
        // petitions viewed in the last few seconds.
        recent.retain(|_, c| c.taken.elapsed() < RECOUNT_EVERY);
        recent.insert(
            petition_id.to_owned(),
            Counted {
                taken: Instant::now(),
                at,
                stats: stats.clone(),
            },
        );
    }
}

fn build_page(
    ui: Ui,
    petition: Petition,
    stats: PetitionStatistics,
    at: PrimitiveDateTime,
    recounted_every: bool,
) -> StatisticsPage {
    let l = ui.locale();
    let hours_from = first_hour(at);
    let open = petition.is_open_at(at);
    let confirmed = stats.confirmed;
    let share = |count: i64| percent(count, confirmed).unwrap_or_default();

    let days = day_range(&petition, &stats, at, open);
    let cross_years = days
        .first()
        .zip(days.last())
        .is_some_and(|(a, b)| a.year() != b.year());
    let stride = days.len().div_ceil(MAX_TICKS).max(1);
    let day_bars: Vec<Bar> = fill(&days, &stats.per_day)
        .enumerate()
        .map(|(i, (day, value))| Bar {
            tick: if i % stride == 0 {
                short_day(l, day, cross_years)
            } else {
                String::new()
            },
            label: l.date(day.midnight()),
            value,
        })
        .collect();
    let shown_days = day_bars.iter().map(|b| b.value).sum::<i64>();
    let unit = (l.t("chart-unit-one"), l.t("chart-unit-many"));
    let per_day_description = format!(
        "{}{}",
        l.msg(
            &Message::new("chart-per-day-description")
                .arg("total", shown_days)
                .arg("days", day_bars.len())
                .arg(
                    "from",
                    days.first()
                        .map(|d| l.date(d.midnight()))
                        .unwrap_or_default()
                )
                .arg(
                    "to",
                    days.last()
                        .map(|d| l.date(d.midnight()))
                        .unwrap_or_default()
                )
        ),
        peak(l, &day_bars),
    );
    let per_day_chart = BarChart {
        id: "per-day",
        title: &l.t("chart-per-day-title"),
        description: &per_day_description,
        unit: (&unit.0, &unit.1),
        bars: &day_bars,
    }
    .to_svg();

    let hour_slots: Vec<PrimitiveDateTime> = (0..HOURS)
        .map(|i| hours_from + Duration::hours(i))
        .collect();
    let hour_bars: Vec<Bar> = fill(&hour_slots, &stats.per_hour)
        .map(|(hour, value)| Bar {
            tick: hour_tick(l, hour),
            label: hour_label(l, hour),
            value,
        })
        .collect();
    let hours_total = hour_bars.iter().map(|b| b.value).sum::<i64>();
    let per_hour_description = format!(
        "{}{}",
        l.t1("chart-per-hour-description", "total", hours_total),
        peak(l, &hour_bars),
    );
    let per_hour_chart = BarChart {
        id: "per-hour",
        title: &l.t("chart-per-hour-title"),
        description: &per_hour_description,
        unit: (&unit.0, &unit.1),
        bars: &hour_bars,
    }
    .to_svg();

    let mut countries = stats.by_country.into_iter().map(|(code, count)| Row {
        label: format!("{} ({code})", l.country(&code)),
        count,
        share: share(count),
    });
    let top_countries = countries.by_ref().take(TOP_COUNTRIES).collect();
    let other_countries = countries.collect();
    let sources = stats
        .by_source
        .into_iter()
        .map(|(source, count)| Row {
            label: source.unwrap_or_else(|| l.t("statistics-source-direct")),
            count,
            share: share(count),
        })
        .collect();

    StatisticsPage {
        l: ui,
        lang: petition.language().code(),
        slug: petition.slug,
        title: petition.title,
        open,
        hidden_reason: petition
            .hidden_at
            .map(|_| petition.hidden_reason.unwrap_or_default()),
        confirmed,
        pending: stats.pending,
        confirmation_rate: percent(confirmed, confirmed + stats.pending),
        per_day_chart,
        per_hour_chart,
        days: rows_of(&day_bars, shown_days),
        hours: rows_of(&hour_bars, hours_total),
        hours_total,
        top_countries,
        other_countries,
        sources,
        counted_at: l.t2(
            "statistics-counted-at",
            "date",
            l.date(at),
            "time",
            format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second()),
        ),
        recount_seconds: recounted_every.then_some(RECOUNT_EVERY.as_secs()),
    }
}

/// The days the daily chart spans: from the petition's start (or its first
/// confirmation, if earlier) to today, or to its last day once closed.
fn day_range(
    petition: &Petition,
    stats: &PetitionStatistics,
    at: PrimitiveDateTime,
    open: bool,
) -> Vec<Date> {
    let today = at.date();
    let first_data = stats.per_day.first().map(|(d, _)| *d);
    let last_data = stats.per_day.last().map(|(d, _)| *d);
    let start = first_data.map_or(petition.created_at.date(), |d| {
        d.min(petition.created_at.date())
    });
    let end = if open {
        today
    } else {
        let closed = petition
            .closed_at
            .map(|t| t.date())
            .or_else(|| petition.closes_at.and_then(|t| t.date().previous_day()))
            .unwrap_or(today);
        closed.max(last_data.unwrap_or(closed)).min(today)
    };
    let end = end.max(start).max(last_data.unwrap_or(start));
    let start = start.max(end - Duration::days(i64::from(MAX_DAYS) - 1));
    let mut days = Vec::new();
    let mut day = start;
    while day <= end {
        days.push(day);
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    days
}

/// Each slot with its count, zero where the query found none. Both lists
/// are sorted, so one pass pairs them.
fn fill<'a, K: Ord + Copy>(
    slots: &'a [K],
    counts: &'a [(K, i64)],
) -> impl Iterator<Item = (K, i64)> + 'a {
    let mut counts = counts.iter().peekable();
    slots.iter().map(move |&slot| {
        while counts.next_if(|(k, _)| *k < slot).is_some() {}
        let value = counts.next_if(|(k, _)| *k == slot).map_or(0, |(_, n)| *n);
        (slot, value)
    })
}

fn rows_of(bars: &[Bar], total: i64) -> Vec<Row> {
    bars.iter()
        .filter(|b| b.value > 0)
        .map(|b| Row {
            label: b.label.clone(),
            count: b.value,
            share: percent(b.value, total).unwrap_or_default(),
        })
        .collect()
}

/// A sentence naming the busiest bar, for the chart's description.
fn peak(l: Locale, bars: &[Bar]) -> String {
    // `max_by_key` keeps the last of equals; the first busiest reads better.
    let best = bars
        .iter()
        .rev()
        .max_by_key(|b| b.value)
        .filter(|b| b.value > 0);
    best.map(|b| {
        format!(
            " {}",
            l.t2("chart-peak", "label", &b.label, "count", b.value)
        )
    })
    .unwrap_or_default()
}

/// `part` of `whole` as a percentage with one decimal; `None` for 0 of 0.
fn percent(part: i64, whole: i64) -> Option<String> {
    (whole > 0).then(|| format!("{:.1}%", part as f64 * 100.0 / whole as f64))
}

/// The start of the first hour of the hourly chart.
fn first_hour(at: PrimitiveDateTime) -> PrimitiveDateTime {
    start_of_hour(at) - Duration::hours(HOURS - 1)
}

fn start_of_hour(at: PrimitiveDateTime) -> PrimitiveDateTime {
    let hour = Time::from_hms(at.hour(), 0, 0).unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(at.date(), hour)
}

fn short_day(l: Locale, day: Date, with_year: bool) -> String {
    match l {
        Locale::En => {
            let month = &day.month().to_string()[..3];
            if with_year {
                format!("{} {month} {}", day.day(), day.year())
            } else {
                format!("{} {month}", day.day())
            }
        }
        Locale::Ko => {
            let (month, d) = (u8::from(day.month()), day.day());
            if with_year {
                format!("{}. {month}. {d}.", day.year())
            } else {
                format!("{month}월 {d}일")
            }
        }
    }
}

/// Every sixth hour is labelled, midnight with its date.
fn hour_tick(l: Locale, hour: PrimitiveDateTime) -> String {
    match hour.hour() {
        0 => short_day(l, hour.date(), false),
        h if h % 6 == 0 => format!("{h:02}:00"),
        _ => String::new(),
    }
}

fn hour_label(l: Locale, hour: PrimitiveDateTime) -> String {
    format!(
        "{}, {:02}:00–{:02}:00 UTC",
        l.date(hour),
        hour.hour(),
        (hour.hour() + 1) % 24
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn missing_slots_are_zero() {
        let slots = [
            date!(2026 - 11 - 01),
            date!(2026 - 11 - 02),
            date!(2026 - 11 - 03),
        ];
        let counts = [
            (date!(2026 - 10 - 30), 9),
            (date!(2026 - 11 - 02), 5),
            (date!(2026 - 11 - 04), 7),
        ];
        let filled: Vec<_> = fill(&slots, &counts).map(|(_, n)| n).collect();
        assert_eq!(filled, [0, 5, 0]);
    }

    #[test]
    fn percentages_handle_nothing_yet() {
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(0, 3), Some("0.0%".into()));
        assert_eq!(percent(2, 3), Some("66.7%".into()));
        assert_eq!(percent(5, 5), Some("100.0%".into()));
    }

    #[test]
    fn labels_read_well() {
        let en = Locale::En;
        assert_eq!(short_day(en, date!(2026 - 11 - 03), false), "3 Nov");
        assert_eq!(short_day(en, date!(2026 - 01 - 13), true), "13 Jan 2026");
        assert_eq!(
            short_day(Locale::Ko, date!(2026 - 11 - 03), false),
            "11월 3일"
        );
        assert_eq!(hour_tick(en, datetime!(2026-11-30 00:00)), "30 Nov");
        assert_eq!(hour_tick(en, datetime!(2026-11-30 18:00)), "18:00");
        assert_eq!(hour_tick(en, datetime!(2026-11-30 19:00)), "");
        assert_eq!(
            hour_label(en, datetime!(2026-11-30 23:00)),
            "30 November 2026, 23:00–00:00 UTC"
        );
        assert_eq!(
            hour_label(Locale::Ko, datetime!(2026-11-30 23:00)),
            "2026년 11월 30일, 23:00–00:00 UTC"
        );
        assert_eq!(
            start_of_hour(datetime!(2026-11-30 07:59:59.9)),
            datetime!(2026-11-30 07:00)
        );
    }

    #[test]
    fn the_busiest_bar_is_named() {
        let bars = [("a", 1), ("b", 4), ("c", 4)].map(|(label, value)| Bar {
            tick: String::new(),
            label: label.into(),
            value,
        });
        assert_eq!(peak(Locale::En, &bars), " The busiest was b, with 4.");
        assert_eq!(peak(Locale::En, &[]), "");
    }
}
