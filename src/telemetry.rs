use std::io::{IsTerminal, Write};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::field::{Field, Visit};
use tracing::{Event, Span, Subscriber};
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// No log line is longer than this; a longer one is cut, and says so.
pub const MAX_LINE_BYTES: usize = 4096;

/// Logs to stderr, as text or JSON lines; `RUST_LOG` overrides the default
/// level.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(ClientMistakes);
    let _ = match format {
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(BoundedStderr)
                    .with_ansi(std::io::stderr().is_terminal()),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_writer(BoundedStderr),
            )
            .try_init(),
    };
}

/// actix-http logs a malformed request line or header at ERROR, though it
/// is the client's mistake and has already been answered with 400. Such
/// events are dropped here and noted at DEBUG instead, so ERROR keeps
/// meaning that the server is in trouble.
struct ClientMistakes;

impl<S: Subscriber> Layer<S> for ClientMistakes {
    fn event_enabled(&self, event: &Event<'_>, _: Context<'_, S>) -> bool {
        if !event.metadata().target().starts_with("actix_http::h1") {
            return true;
        }
        let mut message = MessageText::default();
        event.record(&mut message);
        if message.0.contains("request parse error") || message.0.contains("payload error") {
            tracing::debug!(target: "undersigned::http", "a malformed request was refused with 400");
            return false;
        }
        true
    }
}

#[derive(Default)]
struct MessageText(String);

impl Visit for MessageText {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

/// Standard error, one bounded line per event: the formatter writes each
/// event whole, so each write is cut to [`MAX_LINE_BYTES`].
struct BoundedStderr;

impl<'a> MakeWriter<'a> for BoundedStderr {
    type Writer = BoundedLine;

    fn make_writer(&'a self) -> Self::Writer {
        BoundedLine
    }
}

struct BoundedLine;

impl Write for BoundedLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut stderr = std::io::stderr().lock();
        if buf.len() <= MAX_LINE_BYTES {
            stderr.write_all(buf)?;
        } else {
            let mut cut = MAX_LINE_BYTES - 256;
            // Cut on a character boundary.
            while cut > 0 && (buf[cut] & 0b1100_0000) == 0b1000_0000 {
                cut -= 1;
            }
            let head = String::from_utf8_lossy(&buf[..cut]);
            if buf.first() == Some(&b'{') {
                // A cut JSON line would not parse; say what it was instead.
                let line = serde_json::json!({"cut": true, "bytes": buf.len(), "start": head});
                writeln!(stderr, "{line}")?;
            } else {
                writeln!(stderr, "{head} [cut from {} bytes]", buf.len())?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// The span around each request. It names the matched route pattern
/// (`/signatures/confirm/{token}`), never the path or query, which carry
/// link tokens and search terms; nor the client's address. Its request id
/// is also the response's `X-Request-Id`, so a person reporting a problem
/// can quote the line that tells what happened.
pub struct RequestSpan;

/// Requests that matched no route.
const UNMATCHED_ROUTE: &str = "unmatched";

/// The request's route pattern, `None` when no route matched. Finding it
/// walks the route table (a tenth of what a count read cost), so the span
/// finds it once and leaves it in the request for the metrics middleware.
pub struct MatchedRoute(pub Option<String>);

impl MatchedRoute {
    /// What the span found, taken for its one other reader, or else a
    /// fresh lookup.
    pub fn take(request: &ServiceRequest) -> Option<String> {
        match request.extensions_mut().remove::<Self>() {
            Some(Self(route)) => route,
            None => request.match_pattern(),
        }
    }
}

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let matched = request.match_pattern();
        let route = matched.as_deref().unwrap_or(UNMATCHED_ROUTE).to_owned();
        request.extensions_mut().insert(MatchedRoute(matched));
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = %route,
            request_id = %request_id,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status(),
            Err(err) => err.as_response_error().status_code(),
        };
        span.record("status", status.as_u16());
        if status.is_client_error() {
            // The client's mistake, not ours: worth a line, never an ERROR.
            // The span carries the route, status and request id.
            tracing::info!(parent: &span, "refused the request");
        } else {
            // Failures are logged where they happen, with their cause; this
            // line is an access log for debugging.
            tracing::debug!(parent: &span, "request handled");
        }
    }
}

/// Puts the request id of [`RequestSpan`] on the response as
/// `X-Request-Id`.
pub async fn request_id_header(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = request.extensions().get::<RequestId>().copied();
    let mut response = next.call(request).await?;
    if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id.to_string()).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(response)
}
