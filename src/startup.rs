//! Builds the application: database, migrations, workers and the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use tokio::sync::Notify;
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::counts::CountStore;
use crate::db::{migrations, Backend, Db};
use crate::email::mailer::Mailer;
use crate::email::relay::RelayMonitor;
use crate::http;
use crate::live::Hub;
use crate::metrics::Metrics;
use crate::routes;
use crate::security::csrf::Csrf;
use crate::security::erasure::ErasedSigners;
use crate::security::limits::Limits;
use crate::security::password::HashingGate;
use crate::state::AppState;
use crate::telemetry::RequestSpan;
use crate::transparency::head::LogKey;
use crate::workers::{self, Deps};
use secrecy::ExposeSecret;

pub struct Application {
    port: u16,
    server: Server,
    jobs: workers::Running,
}

impl Application {
    /// Binds `server.host:server.port` and prepares everything.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let address = format!("{}:{}", settings.server.host, settings.server.port);
        let listener =
            TcpListener::bind(&address).with_context(|| format!("cannot listen on {address}"))?;
        Self::build_with_listener(settings, listener).await
    }

    /// Like [`Application::build`] on an already bound listener.
    pub async fn build_with_listener(
        mut settings: Settings,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        settings.prepare_for_serving()?;
        let limits = Limits::start(&settings.limits)?;
        let hashing = HashingGate::new(settings.limits.password_hash_queue);
        let db = Db::connect(&settings.database.url, settings.database.pool_size)?;
        let applied = migrations::run_pending(&db).await?;
        if applied > 0 {
            tracing::info!(applied, "database migrations applied");
        }
        let backfilled = db
            .run(|conn| crate::db::models::public_log::backfill(conn, crate::db::models::now()))
            .await
            .context("adding earlier signatures to the public log")?;
        if backfilled > 0 {
            tracing::info!(
                backfilled,
                "signatures confirmed before the public log added to it"
            );
        }
        let log_key = LogKey::from_base64(settings.log.signing_key.expose_secret())?;

        let shared = db.backend() == Backend::Postgresql;
        let counts = Arc::new(if shared {
            CountStore::shared()
        } else {
            CountStore::new()
        });
        counts
            .refresh(&db)
            .await
            .context("loading petition counts")?;
        routes::assets::prepare_all();
        let metrics = Arc::new(Metrics::new());
        let max_connections = match settings.server.max_connections {
            0 => crate::os::connection_ceiling().unwrap_or(25_000),
            set => set,
        };
        // actix counts per worker, and starts one worker per CPU.
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per_worker = (max_connections / workers).max(1);
        // Live streams leave a tenth of the connections (at least 256, or
        // half of a small ceiling) to everything else, so the rest of the
        // site still answers when they are all open.
        let keep_free = (max_connections / 10).max(256.min(max_connections / 2));
        let max_streams = settings
            .live
            .max_streams
            .min(max_connections - keep_free)
            .max(1);
        let live = Arc::new(Hub::new(
            counts.clone(),
            metrics.sse_subscribers(),
            max_streams,
            settings.live.max_streams_per_client,
        ));
        tracing::info!(
            max_connections,
            per_worker,
            max_streams,
            "connection ceiling"
        );
        let outbox_wake = Arc::new(Notify::new());
        let relay = Arc::new(RelayMonitor::new(Arc::new(Mailer::from_settings(
            &settings.email,
            crate::email::public_host(&settings.server.public_url),
        )?)));
        let jobs = workers::start_all(&Deps {
            settings: &settings,
            db: &db,
            counts: &counts,
            live: &live,
            metrics: &metrics,
            relay: &relay,
            outbox_wake: &outbox_wake,
            limits: &limits,
        })
        .await?;

        let port = listener.local_addr()?.port();
        let host = listener.local_addr()?.ip();
        let state = web::Data::new(AppState {
            csrf: Csrf::new(&settings.security.secret_key, &settings.server.public_url),
            erased_signers: ErasedSigners::new(&settings.security.secret_key),
            email_relay: relay,
            settings,
            db,
            counts,
            live,
            outbox_wake,
            workers: jobs.workers.clone(),
            limits,
            hashing,
            metrics,
            share_cards: Arc::default(),
            petitions: Arc::default(),
            log_key,
        });
        crate::i18n::load().map_err(|e| anyhow::anyhow!("the message catalogues: {e}"))?;
        let server = HttpServer::new(move || {
            App::new()
                .wrap(actix_web::middleware::from_fn(http::language::negotiate))
                .wrap(actix_web::middleware::from_fn(routes::body::read_whole))
                .wrap(actix_web::middleware::from_fn(routes::head::as_get))
                // Cache-Control, Vary, weak ETags and 304s, on the body
                // before it is compressed.
                .wrap(actix_web::middleware::from_fn(routes::caching::rules))
                // HTML, JSON, CSS, JS and SVG, by Accept-Encoding. Static
                // files arrive compressed already, and the live stream says
                // `identity`, so neither is touched.
                .wrap(actix_web::middleware::Compress::default())
                .wrap(actix_web::middleware::from_fn(routes::vary::complete))
                .wrap(actix_web::middleware::from_fn(
                    http::metrics::track_requests,
                ))
                .wrap(routes::security_headers())
                .wrap(actix_web::middleware::from_fn(
                    crate::telemetry::request_id_header,
                ))
                .wrap(TracingLogger::<RequestSpan>::new())
                .app_data(state.clone())
                .configure(routes::configure)
        })
        .max_connections(per_worker)
        .listen(listener)?
        .shutdown_timeout(30)
        .run();
        tracing::info!("listening on http://{host}:{port}");
        Ok(Self { port, server, jobs })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests,
    /// and lets the emails being sent finish and be recorded.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.jobs.stop().await;
        served
    }
}
