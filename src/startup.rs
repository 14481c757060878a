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
use crate::workers::{self, Deps};

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
        let live = Arc::new(Hub::new(counts.clone(), metrics.sse_subscribers()));
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
        });
        crate::i18n::load().map_err(|e| anyhow::anyhow!("the message catalogues: {e}"))?;
        let server = HttpServer::new(move || {
            App::new()
                .wrap(actix_web::middleware::from_fn(http::language::negotiate))
                .wrap(actix_web::middleware::from_fn(routes::body::read_whole))
                .wrap(actix_web::middleware::from_fn(routes::head::as_get))
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
