//! Prometheus metrics, served at `/metrics`.
//!
//! Request counts and latencies are recorded by the `http::metrics`
//! middleware as they happen, under the matched route pattern (never the
//! path, which may carry a token). Database figures (signatures, outbox) are read at scrape time
//! with a few aggregate queries, so they cost nothing between scrapes.
//! Other code counts its own events through the [`Metrics`] handle in
//! `AppState`.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

use crate::db::models::metrics::Snapshot;

/// What `/metrics` answers with: the OpenMetrics text format, which
/// Prometheus reads natively.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The two text formats a scraper may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// OpenMetrics 1.0, what Prometheus asks for first.
    OpenMetrics,
    /// Prometheus's classic text format 0.0.4, whose counter families are
    /// named with their `_total`.
    Classic,
}

impl Format {
    /// The format an `Accept` header prefers: the classic text only when
    /// `text/plain` is ranked above OpenMetrics; OpenMetrics otherwise,
    /// and when nothing is said.
    pub fn from_accept(accept: Option<&str>) -> Self {
        let Some(accept) = accept else {
            return Self::OpenMetrics;
        };
        let (mut openmetrics, mut plain) = (None::<f32>, None::<f32>);
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let slot = match media.as_str() {
                "application/openmetrics-text" => &mut openmetrics,
                "text/plain" => &mut plain,
                _ => continue,
            };
            *slot = Some(slot.map_or(q, |best: f32| best.max(q)));
        }
        match (openmetrics, plain) {
            (_, Some(p)) if p > 0.0 && p > openmetrics.unwrap_or(0.0) => Self::Classic,
            _ => Self::OpenMetrics,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::OpenMetrics => CONTENT_TYPE,
            Self::Classic => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        }
    }
}

/// Requests that matched no route share one label, so scanners probing
/// random paths cannot blow up the number of series.
const UNMATCHED_ROUTE: &str = "unmatched";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    /// `2xx`, `4xx`…
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabels {
    limit: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

/// How a failed email send was classed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailFailure {
    /// Will be retried: a timeout, a refused connection, a 4xx reply.
    Temporary,
    /// Given up on: a 5xx reply or an unusable address.
    Permanent,
}

impl EmailFailure {
    fn label(self) -> &'static str {
        match self {
            Self::Temporary => "temporary",
            Self::Permanent => "permanent",
        }
    }
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    rate_limited: Family<LimitLabels, Counter>,
    email_send_failures: Family<KindLabels, Counter>,
    database_up: Gauge,
    signatures: Family<StateLabels, Gauge>,
    outbox_depth: Gauge,
    oldest_due_age: Gauge<f64, AtomicU64>,
    emails_failed: Gauge,
    sse_subscribers: Gauge,
    honeypot_caught: Counter,
    count_drift: Counter,
    public_log_gap: Gauge,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("undersigned");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests handled, by route pattern and status class",
            requests.clone(),
        );
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time until the response head, by route pattern and status class",
            Unit::Seconds,
            latency.clone(),
        );
        let rate_limited = Family::<LimitLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused with 429, by limit",
            rate_limited.clone(),
        );
        let email_send_failures = Family::<KindLabels, Counter>::default();
        for kind in [EmailFailure::Temporary, EmailFailure::Permanent] {
            email_send_failures
                .get_or_create(&KindLabels { kind: kind.label() })
                .inc_by(0);
        }
        registry.register(
            "email_send_failures",
            "Failed email sends, by kind",
            email_send_failures.clone(),
        );
        let database_up = Gauge::default();
        registry.register(
            "database_up",
            "1 if the last scrape could read the database, else 0",
            database_up.clone(),
        );
        let signatures = Family::<StateLabels, Gauge>::default();
        registry.register(
            "signatures",
            "Signatures stored, by state",
            signatures.clone(),
        );
        let outbox_depth = Gauge::default();
        registry.register(
            "email_outbox_depth",
            "Emails waiting to be sent (not yet sent nor given up)",
            outbox_depth.clone(),
        );
        let oldest_due_age = Gauge::<f64, AtomicU64>::default();
        registry.register_with_unit(
            "email_oldest_due_age",
            "How long the oldest email that is due has waited; 0 when none is due",
            Unit::Seconds,
            oldest_due_age.clone(),
        );
        let emails_failed = Gauge::default();
        registry.register(
            "emails_failed",
            "Emails given up on, still in the outbox",
            emails_failed.clone(),
        );
        let sse_subscribers = Gauge::default();
        registry.register(
            "sse_subscribers",
            "Live count streams (Server-Sent Events) open on this instance",
            sse_subscribers.clone(),
        );
        let honeypot_caught = Counter::default();
        registry.register(
            "honeypot_submissions",
            "Submissions of the sign, sign-up and forgotten-password forms that filled the hidden honeypot field, answered as usual and dropped",
            honeypot_caught.clone(),
        );
        let count_drift = Counter::default();
        registry.register(
            "count_drift",
            "Signatures by which a petition's durable count differed from its confirmed rows, as found and corrected by the reconciler",
            count_drift.clone(),
        );
        let public_log_gap = Gauge::default();
        registry.register(
            "public_log_gap",
            "Signatures by which confirmed rows differed from the public logs' adds minus revokes (queued ones included), over all petitions, at the reconciler's last pass; the log is never corrected, so anything but 0 needs a person",
            public_log_gap.clone(),
        );
        Self {
            count_drift,
            public_log_gap,
            honeypot_caught,
            registry,
            requests,
            latency,
            rate_limited,
            email_send_failures,
            database_up,
            signatures,
            outbox_depth,
            oldest_due_age,
            emails_failed,
            sse_subscribers,
        }
    }

    /// The gauge of open live count streams, kept by the live hub.
    pub fn sse_subscribers(&self) -> Gauge {
        self.sse_subscribers.clone()
    }

    /// Brings the 429 counters up to the limiter's own tallies, which it
    /// keeps per limit as it refuses requests.
    pub fn sync_rate_limited(&self, tallies: &[(&'static str, u64)]) {
        for (limit, total) in tallies {
            let counter = self.rate_limited.get_or_create(&LimitLabels {
                limit: (*limit).to_owned(),
            });
            let seen = counter.get();
            if *total > seen {
                counter.inc_by(total - seen);
            }
        }
    }

    /// Counts a request refused by the named limit (e.g. `sign_ip`).
    pub fn rate_limited(&self, limit: &str) {
        self.rate_limited
            .get_or_create(&LimitLabels {
                limit: limit.to_owned(),
            })
            .inc();
    }

    /// Adds drift the reconciler found and corrected.
    pub fn count_drift_found(&self, signatures: u64) {
        self.count_drift.inc_by(signatures);
    }

    /// Sets the gap the reconciler's last pass found between the count and
    /// the public log.
    pub fn set_public_log_gap(&self, signatures: u64) {
        self.public_log_gap.set(signatures as i64);
    }

    /// Counts a bot caught by a form's honeypot.
    pub fn honeypot_caught(&self) {
        self.honeypot_caught.inc();
    }

    /// Counts a failed email send.
    pub fn email_send_failed(&self, kind: EmailFailure) {
        self.email_send_failures
            .get_or_create(&KindLabels { kind: kind.label() })
            .inc();
    }

    /// Counts and times a request under its matched route pattern, never
    /// its path; `None` if no route matched.
    pub fn observe_request(&self, method: &str, route: Option<&str>, status: u16, seconds: f64) {
        let labels = RequestLabels {
            method: method.to_owned(),
            route: route.unwrap_or(UNMATCHED_ROUTE).to_owned(),
            status: format!("{}xx", status / 100),
        };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// The text of a scrape. `snapshot` is `None` when the database could
    /// not be read; the in-memory figures are still worth having then.
    pub fn render(&self, snapshot: Option<&Snapshot>, format: Format) -> String {
        match snapshot {
            Some(snapshot) => {
                self.database_up.set(1);
                self.signatures.clear();
                // Both always appear, even at zero.
                for state in ["pending", "confirmed"] {
                    self.signatures
                        .get_or_create(&StateLabels {
                            state: state.into(),
                        })
                        .set(0);
                }
                for (state, count) in &snapshot.signatures_by_state {
                    self.signatures
                        .get_or_create(&StateLabels {
                            state: state.clone(),
                        })
                        .set(*count);
                }
                self.outbox_depth.set(snapshot.outbox_depth);
                self.oldest_due_age.set(snapshot.oldest_due_age_s);
                self.emails_failed.set(snapshot.emails_failed);
            }
            None => {
                self.database_up.set(0);
            }
        }
        let mut text = String::new();
        match format {
            Format::OpenMetrics => encode(&mut text, &self.registry),
            Format::Classic => {
                prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
            }
        }
        .expect("writing to a String cannot fail");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_follows_accept() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(Format::from_accept(Some(prometheus)), Format::OpenMetrics);
        assert_eq!(Format::from_accept(None), Format::OpenMetrics);
        assert_eq!(Format::from_accept(Some("*/*")), Format::OpenMetrics);
        assert_eq!(Format::from_accept(Some("text/plain")), Format::Classic);
        assert_eq!(
            Format::from_accept(Some(
                "text/plain;version=0.0.4;q=0.9, application/openmetrics-text;q=0.2"
            )),
            Format::Classic
        );
    }

    #[test]
    fn classic_counters_are_typed_under_the_name_of_their_samples() {
        let metrics = Metrics::new();
        metrics.rate_limited("sign_ip");
        let text = metrics.render(None, Format::Classic);
        assert!(!text.contains("# EOF"), "{text}");
        for line in text.lines().filter(|l| l.starts_with("# TYPE ")) {
            let mut words = line.split_whitespace().skip(2);
            let (name, kind) = (words.next().unwrap(), words.next().unwrap());
            if kind == "counter" {
                assert!(name.ends_with("_total"), "{line}");
            }
        }
    }

    #[test]
    fn counters_from_other_code_appear_in_the_scrape() {
        let metrics = Metrics::new();
        metrics.rate_limited("sign_ip");
        metrics.rate_limited("sign_ip");
        metrics.rate_limited("login_account");
        metrics.email_send_failed(EmailFailure::Temporary);
        let text = metrics.render(None, Format::OpenMetrics);
        for line in [
            r#"undersigned_rate_limited_total{limit="sign_ip"} 2"#,
            r#"undersigned_rate_limited_total{limit="login_account"} 1"#,
            r#"undersigned_email_send_failures_total{kind="temporary"} 1"#,
            r#"undersigned_email_send_failures_total{kind="permanent"} 0"#,
            "undersigned_database_up 0",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing in:\n{text}"
            );
        }
    }
}
