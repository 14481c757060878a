//! Faults under signing load: the server killed, the mail relay down, the
//! database gone, a graceful stop. Each test has a time limit: a fault that
//! makes something hang fails the test instead of stalling the suite.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use secrecy::ExposeSecret;
use serde_json::json;
use tokio::task::JoinSet;

use crate::helpers::{free_port, spawn_configured, Backend, MailSink, TestApp, TestDb};
use crate::on_both_backends;
use crate::process::{process_app, ServeConfig, ServerProcess};

on_both_backends!(
    kill_9_three_times_under_load_loses_no_acknowledged_signature,
    mail_acknowledged_while_the_relay_is_down_arrives_once_when_it_returns,
    sigterm_under_load_finishes_requests_and_leaves_no_half_written_state,
    sigterm_lets_emails_being_sent_finish_and_none_goes_twice,
);

/// Fails the test if `test` has not finished within `limit`. Dropping it
/// kills the server processes it started.
async fn bounded(limit: Duration, test: impl Future<Output = ()>) {
    if tokio::time::timeout(limit, test).await.is_err() {
        panic!("the test did not finish within {limit:?}");
    }
}

/// What the signing clients saw.
#[derive(Debug, Default)]
struct Outcomes {
    /// Addresses whose signature was acknowledged (202).
    acknowledged: Vec<String>,
    /// Addresses that got any other status, with it.
    refused: Vec<(String, u16)>,
    /// Requests that got no answer, as when the server died.
    unanswered: usize,
}

/// Clients signing through the JSON API, each request with a new address,
/// until stopped.
struct SigningLoad {
    stop: Arc<AtomicBool>,
    outcomes: Arc<Mutex<Outcomes>>,
    clients: JoinSet<()>,
}

impl SigningLoad {
    /// `clients` clients, each waiting `pause` between its requests.
    fn start(address: &str, slug: &str, tag: &str, clients: usize, pause: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let outcomes = Arc::new(Mutex::new(Outcomes::default()));
        let next = Arc::new(AtomicUsize::new(0));
        let url = format!("{address}/api/v1/petitions/{slug}/signatures");
        let mut tasks = JoinSet::new();
        for _ in 0..clients {
            let (stop, outcomes, next) = (stop.clone(), outcomes.clone(), next.clone());
            let (url, tag) = (url.clone(), tag.to_owned());
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            tasks.spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let email =
                        format!("{tag}{}@example.com", next.fetch_add(1, Ordering::Relaxed));
                    let body = json!({"name": "Load Signer", "email": email, "country": "DE",
                                      "public": false, "updates": false});
                    let response = client.post(&url).json(&body).send().await;
                    match response.map(|r| r.status().as_u16()) {
                        Ok(202) => outcomes.lock().unwrap().acknowledged.push(email),
                        Ok(status) => outcomes.lock().unwrap().refused.push((email, status)),
                        Err(_) => {
                            outcomes.lock().unwrap().unanswered += 1;
                            // The server is down; do not spin.
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                    if !pause.is_zero() {
                        tokio::time::sleep(pause).await;
                    }
                }
            });
        }
        Self {
            stop,
            outcomes,
            clients: tasks,
        }
    }

    fn acknowledged(&self) -> usize {
        self.outcomes.lock().unwrap().acknowledged.len()
    }

    /// Waits until `more` signatures beyond those acknowledged so far are.
    async fn wait_for_more(&self, more: usize) {
        let target = self.acknowledged() + more;
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.acknowledged() < target {
            assert!(
                Instant::now() < deadline,
                "signing made no progress: {:?}",
                self.outcomes.lock().unwrap().refused.first()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops the clients after their current request.
    async fn stop(mut self) -> Outcomes {
        self.stop.store(true, Ordering::Relaxed);
        while let Some(client) = self.clients.join_next().await {
            client.unwrap();
        }
        std::mem::take(&mut *self.outcomes.lock().unwrap())
    }
}

/// Waits until each of `addresses` has received at least one email.
async fn wait_for_mail_to(sink: &MailSink, addresses: &[String], within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let received = sink.per_recipient();
        let missing: Vec<_> = addresses
            .iter()
            .filter(|a| !received.contains_key(&a.to_ascii_lowercase()))
            .collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} acknowledged signers got no email within {within:?}, such as {:?}",
            missing.len(),
            addresses.len(),
            &missing[..missing.len().min(5)]
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Asserts that every address got exactly one email, and nobody else any.
fn assert_each_got_one(sink: &MailSink, addresses: &[String]) {
    let received = sink.per_recipient();
    let twice: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "received more than once: {twice:?}");
    assert_eq!(
        received.len(),
        addresses.len(),
        "mail to unexpected recipients"
    );
}

/// The confirmation link of the first email each address received.
fn confirmation_links(sink: &MailSink) -> HashMap<String, String> {
    let mut links = HashMap::new();
    for mail in sink.all() {
        for to in &mail.to {
            links
                .entry(to.to_ascii_lowercase())
                .or_insert_with(|| mail.link_containing("/signatures/confirm/"));
        }
    }
    links
}

/// Visits every link, 8 at a time, and returns each page's status and body.
async fn visit_all(app: &TestApp, links: &[String]) -> Vec<(u16, String)> {
    stream::iter(links)
        .map(|link| async move {
            let page = app.confirm(link).await;
            (page.status, page.body)
        })
        .buffer_unordered(8)
        .collect()
        .await
}

/// Waits until the public count is `expected`, failing after 10 s.
async fn wait_for_count(app: &TestApp, slug: &str, expected: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let count = app.count(slug).await;
        if count == expected as i64 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the count is {count}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn kill_9_three_times_under_load_loses_no_acknowledged_signature(backend: Backend) {
    bounded(Duration::from_secs(240), async {
        let Some(db) = TestDb::create(backend) else {
            return;
        };
        let sink = MailSink::start().await;
        let config = ServeConfig::new(db.url(), free_port(), sink.port())
            .env("UNDERSIGNED__LIMITS__ENABLED", "false");
        let mut server = ServerProcess::start(&config).await;
        let app = process_app(&config, db, sink.clone());
        let slug = app.petition("Crash under load").await;

        let load = SigningLoad::start(&app.address, &slug, "crash", 8, Duration::ZERO);
        for _ in 0..3 {
            // Killed in the middle of the flow of signatures.
            load.wait_for_more(200).await;
            server.kill_9().await;
            server = ServerProcess::start(&config).await;
        }
        load.wait_for_more(50).await;
        let outcomes = load.stop().await;
        assert!(outcomes.refused.is_empty(), "{:?}", outcomes.refused);
        let acknowledged = outcomes.acknowledged;

        // Every acknowledged signature gets its email (twice at worst, if
        // the server died between sending and marking it sent).
        wait_for_mail_to(&sink, &acknowledged, Duration::from_secs(90)).await;
        let links = confirmation_links(&sink);
        let links: Vec<String> = acknowledged
            .iter()
            .map(|a| links[&a.to_ascii_lowercase()].clone())
            .collect();

        for (status, body) in visit_all(&app, &links).await {
            assert_eq!(status, 200, "{body}");
            assert!(body.contains("Thank you for signing"), "{body}");
        }
        let confirmed = acknowledged.len();
        wait_for_count(&app, &slug, confirmed).await;
        assert_eq!(app.db.count("signatures", "state = 'confirmed'"), confirmed);

        // A second visit confirms nothing more.
        for (status, body) in visit_all(&app, &links).await {
            assert_eq!(status, 200, "{body}");
            assert!(body.contains("already confirmed"), "{body}");
        }
        // Past two count refreshes.
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        assert_eq!(app.count(&slug).await, confirmed as i64);
        assert_eq!(app.db.count("signatures", "state = 'confirmed'"), confirmed);
        drop(server);
    })
    .await
}

async fn mail_acknowledged_while_the_relay_is_down_arrives_once_when_it_returns(backend: Backend) {
    bounded(Duration::from_secs(180), async {
        let sink = MailSink::start().await;
        let Some(app) = spawn_configured(backend, sink.clone(), sink.port(), |settings| {
            settings.limits.enabled = false;
            settings.email.retry_base_ms = 100;
            settings.email.retry_max_ms = 1_000;
            settings.email.send_timeout_ms = 2_000;
            // At most a second between attempts: enough of them to outlast
            // the outage.
            settings.email.max_attempts = 1_000;
        })
        .await
        else {
            return;
        };
        let slug = app.petition("Relay outage").await;
        let load = SigningLoad::start(&app.address, &slug, "outage", 4, Duration::from_millis(200));
        load.wait_for_more(40).await;

        // Nothing listens on the relay's port for 30 s.
        sink.stop().await;
        let before = load.acknowledged();
        tokio::time::sleep(Duration::from_secs(30)).await;
        let during = load.acknowledged() - before;
        assert!(during > 0, "signing goes on while the relay is down");
        sink.resume();

        load.wait_for_more(40).await;
        let outcomes = load.stop().await;
        assert!(outcomes.refused.is_empty(), "{:?}", outcomes.refused);
        assert_eq!(outcomes.unanswered, 0);
        let acknowledged = outcomes.acknowledged;

        wait_for_mail_to(&sink, &acknowledged, Duration::from_secs(60)).await;
        // Nothing more trickles in later.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_each_got_one(&sink, &acknowledged);
    })
    .await
}

async fn sigterm_under_load_finishes_requests_and_leaves_no_half_written_state(backend: Backend) {
    bounded(Duration::from_secs(180), async {
        let Some(db) = TestDb::create(backend) else {
            return;
        };
        // The relay is down until the restart, so every email is still
        // queued when the rows are checked.
        let relay = MailSink::start().await;
        relay.stop().await;
        let config = ServeConfig::new(db.url(), free_port(), relay.port())
            .env("UNDERSIGNED__LIMITS__ENABLED", "false")
            .env("UNDERSIGNED__EMAIL__MAX_ATTEMPTS", "1000");
        let mut server = ServerProcess::start(&config).await;
        let app = process_app(&config, db, relay.clone());
        let slug = app.petition("Graceful stop").await;

        let load = SigningLoad::start(&app.address, &slug, "term", 8, Duration::ZERO);
        load.wait_for_more(300).await;
        server.terminate();
        // Within the 30 s shutdown timeout, with a margin.
        let status = server.exit_status(Duration::from_secs(40)).await;
        assert_eq!(status.code(), Some(0), "{}", server.log());
        let outcomes = load.stop().await;
        assert!(
            outcomes.refused.is_empty(),
            "answers other than 202: {:?}",
            &outcomes.refused[..outcomes.refused.len().min(5)]
        );
        let acknowledged = outcomes.acknowledged;

        // Each acknowledged signature was written with its email, and no
        // signature lacks its email or the other way round.
        let signed: HashSet<String> = app
            .db
            .strings("SELECT email AS value FROM signatures")
            .into_iter()
            .collect();
        let queued = app
            .db
            .strings("SELECT recipient AS value FROM email_outbox WHERE sent_at IS NULL");
        let missing: Vec<_> = acknowledged
            .iter()
            .filter(|a| !signed.contains(*a))
            .collect();
        assert!(
            missing.is_empty(),
            "acknowledged but not stored: {missing:?}"
        );
        assert_eq!(queued.len(), signed.len(), "one queued email per signature");
        assert_eq!(queued.into_iter().collect::<HashSet<_>>(), signed);

        // Restarted with the relay back: every acknowledged signer gets mail.
        relay.resume();
        let _server = ServerProcess::start(&config).await;
        wait_for_mail_to(&relay, &acknowledged, Duration::from_secs(60)).await;
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        // Signatures that were stored but whose answer was lost in the
        // shutdown get their email too; none gets two.
        assert_each_got_one(&relay, &signed.into_iter().collect::<Vec<_>>());
    })
    .await
}

/// A TCP proxy to PostgreSQL that the test can take down: closing its
/// listener and every connection through it looks to the app like the
/// database stopping.
struct TcpProxy {
    port: u16,
    target: SocketAddr,
    running: Option<tokio::task::JoinHandle<()>>,
}

impl TcpProxy {
    fn start(target: SocketAddr) -> Self {
        let mut proxy = Self {
            port: 0,
            target,
            running: None,
        };
        proxy.resume();
        proxy
    }

    /// Listens (again) on the proxy's port.
    fn resume(&mut self) {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], self.port)))
            .expect("bind the proxy");
        let listener = socket.listen(128).unwrap();
        self.port = listener.local_addr().unwrap().port();
        let target = self.target;
        self.running = Some(tokio::spawn(async move {
            // Dropped with this task: aborting it cuts every connection.
            let mut connections = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                while connections.try_join_next().is_some() {}
                connections.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    async fn stop(&mut self) {
        if let Some(task) = self.running.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

mod a_stopped_database_answers_503_quickly_and_service_recovers {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::bounded(
            std::time::Duration::from_secs(90),
            super::a_stopped_database_answers_503_quickly_and_service_recovers(),
        )
        .await
    }
}

/// Times one request; returns its status and how long the answer took.
async fn timed(request: reqwest::RequestBuilder) -> (u16, Duration, String) {
    let started = Instant::now();
    let response = request.send().await.expect("an answer, not a hang");
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    (status, started.elapsed(), body)
}

async fn a_stopped_database_answers_503_quickly_and_service_recovers() {
    // The app reaches the test database through the proxy.
    let mut proxy = None;
    let sink = MailSink::start().await;
    let Some(app) = spawn_configured(Backend::Postgres, sink.clone(), sink.port(), |settings| {
        settings.limits.enabled = false;
        let mut url = url::Url::parse(settings.database.url.expose_secret()).unwrap();
        let database = SocketAddr::new(
            url.host_str().unwrap().parse().expect("an IP address"),
            url.port().unwrap_or(5432),
        );
        let started = TcpProxy::start(database);
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(started.port)).unwrap();
        settings.database.url = url.to_string().into();
        proxy = Some(started);
    })
    .await
    else {
        return;
    };
    let mut proxy = proxy.unwrap();
    let slug = app.petition("Database outage").await;
    let sign = |email: &str| {
        app.client
            .post(app.url(&format!("/api/v1/petitions/{slug}/signatures")))
            .timeout(Duration::from_secs(10))
            .json(&json!({"name": "Dee Bee", "email": email, "country": "FR",
                         "public": false, "updates": false}))
    };
    assert_eq!(timed(sign("before@example.com")).await.0, 202);

    proxy.stop().await;
    // Correctness bounds, not benchmarks: a second's wait for a connection,
    // then a clear 503 rather than a hang or a 500.
    const BOUND: Duration = Duration::from_millis(1_000);
    let get = |path: &str| {
        app.client
            .get(app.url(path))
            .timeout(Duration::from_secs(10))
    };
    let (status, took, body) = timed(get("/health")).await;
    assert_eq!(status, 503, "{body}");
    assert!(took < BOUND, "/health took {took:?}");
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["database"], "unavailable", "{body}");

    let (status, took, body) = timed(get(&format!("/petitions/{slug}"))).await;
    assert_eq!(status, 503, "{body}");
    assert!(took < BOUND, "the petition page took {took:?}");
    assert!(body.contains("briefly unavailable"), "{body}");

    let (status, took, body) = timed(sign("during@example.com")).await;
    assert_eq!(status, 503, "{body}");
    assert!(took < BOUND, "signing took {took:?}");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "unavailable", "{body}");

    // The database comes back on the same address: service resumes
    // without a restart.
    proxy.resume();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, _, body) = timed(get("/health")).await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "/health stays {status}: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.get(&format!("/petitions/{slug}")).await.status, 200);
    assert_eq!(timed(sign("after@example.com")).await.0, 202);
    sink.wait_for("before@example.com", 1).await;
    sink.wait_for("after@example.com", 1).await;
}

async fn sigterm_lets_emails_being_sent_finish_and_none_goes_twice(backend: Backend) {
    bounded(Duration::from_secs(120), async {
        let Some(db) = TestDb::create(backend) else {
            return;
        };
        // The relay stores each message at once but acknowledges it only
        // after a while, so sends are in flight when the server is stopped.
        let relay = MailSink::start().await;
        relay.set_reply_delay(Duration::from_millis(1_500));
        let config = ServeConfig::new(db.url(), free_port(), relay.port())
            .env("UNDERSIGNED__LIMITS__ENABLED", "false")
            .env("UNDERSIGNED__EMAIL__SEND_TIMEOUT_MS", "10000");
        let mut server = ServerProcess::start(&config).await;
        let app = process_app(&config, db, relay.clone());
        let slug = app.petition("Mail in flight").await;
        let emails: Vec<String> = (0..10)
            .map(|i| format!("inflight{i}@example.com"))
            .collect();
        for email in &emails {
            let response = app
                .post_json(
                    &format!("/api/v1/petitions/{slug}/signatures"),
                    &json!({"name": "In Flight", "email": email, "country": "FR"}),
                )
                .await;
            assert_eq!(response.status(), 202);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while relay.all().is_empty() {
            assert!(Instant::now() < deadline, "no email reached the relay");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        // Stopped while the relay has messages it has not acknowledged.
        server.terminate();
        let status = server.exit_status(Duration::from_secs(40)).await;
        assert_eq!(status.code(), Some(0), "{}", server.log());

        // After a restart everyone has exactly one email: what was in
        // flight was recorded as sent, not sent again.
        relay.set_reply_delay(Duration::ZERO);
        let _server = ServerProcess::start(&config).await;
        wait_for_mail_to(&relay, &emails, Duration::from_secs(60)).await;
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_each_got_one(&relay, &emails);
    })
    .await
}
