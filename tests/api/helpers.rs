//! `spawn_app`: the real application on port 0 with a fresh database and a
//! real SMTP sink, plus a `TestApp` with one method per user action.

use std::collections::HashMap;
use std::net::TcpListener;
use std::process::Stdio;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::redirect::Policy;
use reqwest::Response;
use scraper::{Html, Selector};
use tokio::io::AsyncWriteExt;
use undersigned::config::{EmailTransport, Settings};
use undersigned::startup::Application;

pub use crate::smtp::MailSink;

pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(TestApp)` against a fresh app on SQLite and
/// on PostgreSQL, as `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! app_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use $crate::helpers::{spawn_app, Backend};

            async fn run(backend: Backend) {
                if let Some(app) = spawn_app(backend).await {
                    super::$name(app).await
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run(Backend::Postgres).await
            }
        }
    )*};
}

/// Like [`app_tests!`] for tests that start the app their own way: each
/// `async fn(Backend)` runs once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    )*};
}

/// Whether the `CI` variable asks for every test to really run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Notes why a test is skipped. Under CI a missing prerequisite is a
/// failure: a green run must mean every test ran.
pub fn skip_unless_ci(why: &str) {
    assert!(!in_ci(), "CI is set, so this test may not skip: {why}");
    eprintln!("skipped: {why}");
}

/// A fresh database, removed when dropped.
pub enum TestDb {
    Sqlite {
        _dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

/// A connection that waits for the app's writers instead of failing with
/// "database is locked".
fn sqlite_connection(path: &str) -> diesel::SqliteConnection {
    let mut conn = diesel::SqliteConnection::establish(path).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 10000").unwrap();
    conn
}

impl TestDb {
    /// `None` for PostgreSQL when `TEST_POSTGRES_URL` is not set, except
    /// under CI, where it fails instead.
    pub fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(Self::Sqlite { _dir: dir, url })
            }
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("TEST_POSTGRES_URL") else {
                    skip_unless_ci("set TEST_POSTGRES_URL to run this test on PostgreSQL");
                    return None;
                };
                let name = format!("undersigned_test_{}", uuid::Uuid::new_v4().simple());
                undersigned::db::init_tls();
                let mut admin = PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the test database");
                let mut url = url::Url::parse(&admin_url).expect("TEST_POSTGRES_URL is a URL");
                url.set_path(&name);
                Some(Self::Postgres {
                    admin_url,
                    name,
                    url: url.to_string(),
                })
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// Runs SQL directly, for setting up states no route can reach yet
    /// (such as an expired token).
    pub fn execute(&self, sql: &str) {
        match self {
            Self::Sqlite { url, .. } => {
                let path = url.trim_start_matches("sqlite://");
                let mut conn = sqlite_connection(path);
                conn.batch_execute(sql).unwrap();
            }
            Self::Postgres { url, .. } => {
                let mut conn = PgConnection::establish(url).unwrap();
                conn.batch_execute(sql).unwrap();
            }
        }
    }

    /// The first column of each row `sql` returns, as text; name the
    /// column `value`.
    pub fn strings(&self, sql: &str) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            value: String,
        }
        let rows: Vec<Row> = match self {
            Self::Sqlite { url, .. } => {
                let path = url.trim_start_matches("sqlite://");
                let mut conn = sqlite_connection(path);
                diesel::sql_query(sql).load(&mut conn).unwrap()
            }
            Self::Postgres { url, .. } => {
                let mut conn = PgConnection::establish(url).unwrap();
                diesel::sql_query(sql).load(&mut conn).unwrap()
            }
        };
        rows.into_iter().map(|row| row.value).collect()
    }

    /// How many rows of `table` match `condition` (SQL).
    pub fn count(&self, table: &str, condition: &str) -> usize {
        self.strings(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM {table} WHERE {condition}"
        ))[0]
            .parse()
            .unwrap()
    }

    /// The public log's entries of one kind (`add` or `revoke`), placed or
    /// still queued, read in one statement so that none the sequencer moves
    /// in between goes unseen.
    pub fn log_entries(&self, kind: &str) -> usize {
        self.count(
            "(SELECT kind FROM log_leaves UNION ALL SELECT kind FROM log_queue) AS entries",
            &format!("kind = '{kind}'"),
        )
    }

    /// Copies a confirmed signature as a row the public log never heard
    /// of, as a forged insert would make.
    pub fn forge_confirmed_signature(&self) {
        self.execute(
            "INSERT INTO signatures (id, petition_id, email, email_canonical, name, country, \
             public, updates, state, emails_sent, created_at, confirmed_at, commitment) \
             SELECT 'forged', petition_id, 'forged@example.org', 'forged@example.org', name, \
             country, public, updates, state, emails_sent, created_at, confirmed_at, commitment \
             FROM signatures WHERE state = 'confirmed' LIMIT 1",
        );
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Self::Postgres {
            admin_url, name, ..
        } = self
        {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub mail: MailSink,
    pub db: TestDb,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with_settings(backend, |_| {}).await
}

/// Like [`spawn_app`], with `configure` changing the test settings first,
/// e.g. `|s| s.limits.enabled = false`.
pub async fn spawn_app_with_settings(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let mail = MailSink::start().await;
    let port = mail.port();
    spawn_configured(backend, mail, port, configure).await
}

/// Starts the app sending mail to `smtp_port`, where `mail` may or may not
/// be listening yet.
pub async fn spawn_app_with(backend: Backend, mail: MailSink, smtp_port: u16) -> Option<TestApp> {
    spawn_configured(backend, mail, smtp_port, |_| {}).await
}

/// Like [`spawn_app_with`], with the test's own changes to the settings
/// applied last.
pub async fn spawn_configured(
    backend: Backend,
    mail: MailSink,
    smtp_port: u16,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let db = TestDb::create(backend)?;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the app");
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());

    let mut settings = test_settings(db.url(), &address, smtp_port);
    configure(&mut settings);

    start(settings, listener).await;

    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    Some(TestApp {
        address,
        client,
        mail,
        db,
    })
}

/// What every in-process test app runs with: its database, the local relay,
/// a known secret and quick retries.
fn test_settings(database_url: &str, public_url: &str, smtp_port: u16) -> Settings {
    let mut settings = Settings::defaults();
    settings.server.public_url = public_url.to_owned();
    settings.database.url = database_url.into();
    settings.database.pool_size = Some(6);
    settings.email.transport = EmailTransport::Smtp;
    settings.email.smtp_url = format!("smtp://127.0.0.1:{smtp_port}").into();
    settings.email.retry_base_ms = 100;
    settings.email.retry_max_ms = 500;
    settings.security.secret_key = "test-secret-key-that-is-long-enough-0123456789".into();
    settings.log.signing_key = TEST_LOG_KEY.into();
    settings.log.publish_every_s = 1;
    settings
}

/// The seed that signs test apps' log heads: base64 of 32 known bytes.
pub const TEST_LOG_KEY: &str = "dGVzdC1sb2cta2V5LXRoYXQtaXMtMzItYnl0ZXMhISE=";

async fn start(settings: Settings, listener: TcpListener) {
    let app = Application::build_with_listener(settings, listener)
        .await
        .expect("the application starts");
    tokio::spawn(app.run_until_stopped());
}

impl TestApp {
    /// Starts one more instance on the same database and relay, as a
    /// second server or a restart would; returns its address.
    pub async fn start_another_instance(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the app");
        let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        start(
            test_settings(self.db.url(), &address, self.mail.port()),
            listener,
        )
        .await;
        address
    }
}

pub struct Page {
    pub status: u16,
    pub body: String,
}

impl Page {
    pub async fn from(response: Response) -> Self {
        Self {
            status: response.status().as_u16(),
            body: response.text().await.unwrap(),
        }
    }

    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The value of the first element matching `selector`'s `attr`.
    pub fn attr(&self, selector: &str, attr: &str) -> Option<String> {
        let selector = Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr(attr).map(str::to_owned))
    }

    pub fn text_of(&self, selector: &str) -> Option<String> {
        let selector = Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .next()
            .map(|e| e.text().collect::<String>())
    }

    pub fn csrf_token(&self) -> String {
        self.attr("input[name=csrf_token]", "value")
            .expect("the page has a csrf_token field")
    }
}

/// The fields of a valid signature, to tweak per test.
pub fn signature(email: &str) -> HashMap<&'static str, String> {
    HashMap::from([
        ("name", "Jane Doe".to_owned()),
        ("email", email.to_owned()),
        ("country", "DE".to_owned()),
        ("postcode", "10115".to_owned()),
        ("comment", "Bees matter.".to_owned()),
        ("public", "on".to_owned()),
    ])
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::from(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// The page once `ready` holds, for what public pages show a moment
    /// late by design (they are cached for about two seconds).
    pub async fn get_when(&self, path: &str, ready: impl Fn(&Page) -> bool) -> Page {
        for _ in 0..50 {
            let page = self.get(path).await;
            if ready(&page) {
                return page;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{path} never showed what was expected");
    }

    pub async fn get_response(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn post_form<T: serde::Serialize + ?Sized>(&self, path: &str, form: &T) -> Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// Creates an organizer through the command line, against this app's database.
    pub async fn create_organizer(&self, email: &str) {
        self.create_organizer_with(email, &[]).await
    }

    /// Creates an admin through the command line (`organizer create --admin`).
    pub async fn create_admin(&self, email: &str) {
        self.create_organizer_with(email, &["--admin"]).await
    }

    async fn create_organizer_with(&self, email: &str, extra: &[&str]) {
        let mut args = vec![
            "organizer",
            "create",
            "--email",
            email,
            "--name",
            "Olga Organizer",
        ];
        args.extend_from_slice(extra);
        let output = run_cli(self.db.url(), &args, &format!("{PASSWORD}\n")).await;
        assert!(
            output.status.success(),
            "organizer create failed: {output:?}"
        );
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        let token = self.get("/login").await.csrf_token();
        self.post_form(
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf_token", &token),
            ],
        )
        .await
    }

    /// An organizer, logged in, with one open petition; returns its slug.
    pub async fn petition(&self, title: &str) -> String {
        let email = format!("organizer-{}@example.org", uuid::Uuid::new_v4().simple());
        self.create_organizer(&email).await;
        assert_eq!(self.login(&email, PASSWORD).await.status(), 303);
        self.create_petition(title, "").await
    }

    /// Creates a petition as the logged-in organizer; returns its slug.
    pub async fn create_petition(&self, title: &str, closes_on: &str) -> String {
        let token = self.get("/dashboard/petitions/new").await.csrf_token();
        let response = self
            .post_form(
                "/dashboard/petitions/new",
                &[
                    ("title", title),
                    ("summary", "Protect pollinators across Europe."),
                    ("body", "Bees pollinate **a third** of our food."),
                    ("targets", "European Parliament\nEuropean Commission"),
                    ("goal", "1000"),
                    ("closes_on", closes_on),
                    ("csrf_token", &token),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        location.trim_start_matches("/petitions/").to_owned()
    }

    /// Submits the petition page's sign form with `fields` and its own token.
    pub async fn sign(&self, slug: &str, fields: &HashMap<&'static str, String>) -> Response {
        let token = self.get(&format!("/petitions/{slug}")).await.csrf_token();
        let mut form = fields.clone();
        form.insert("csrf_token", token);
        self.post_form(&format!("/petitions/{slug}/signatures"), &form)
            .await
    }

    /// The confirmation link of the `n`th email (1-based) to `email`.
    pub async fn confirmation_link(&self, email: &str, n: usize) -> String {
        let mails = self.mail.wait_for(email, n).await;
        mails[n - 1].link_containing("/signatures/confirm/")
    }

    /// Visits a link from an email, which points at this app.
    pub async fn follow(&self, link: &str) -> Page {
        let path = link
            .strip_prefix(&self.address)
            .expect("a link to this app");
        self.get(path).await
    }

    /// Opens a signature's confirmation link as a person does, and presses
    /// the button on the page it shows. A page without the button (already
    /// confirmed, or not valid) is returned as it is.
    pub async fn confirm(&self, link: &str) -> Page {
        let path = link
            .strip_prefix(&self.address)
            .expect("a link to this app");
        let page = self.get(path).await;
        let button = format!("form[method=post][action='{path}'] button");
        if page
            .html()
            .select(&scraper::Selector::parse(&button).unwrap())
            .next()
            .is_none()
        {
            return page;
        }
        assert_eq!(page.status, 200, "{}", page.body);
        let no_fields: [(&str, &str); 0] = [];
        Page::from(self.post_form(path, &no_fields).await).await
    }

    /// Opens an account's verification link and gives the account's
    /// password on the page it shows.
    pub async fn confirm_account(&self, link: &str, password: &str) -> Page {
        let path = link
            .strip_prefix(&self.address)
            .expect("a link to this app");
        let page = self.get(path).await;
        if page.status != 200 {
            return page;
        }
        Page::from(self.post_form(path, &[("password", password)]).await).await
    }

    pub async fn count(&self, slug: &str) -> i64 {
        let (status, body) = self
            .get_json(&format!("/api/v1/petitions/{slug}/count"))
            .await;
        assert_eq!(status, 200, "{body}");
        body["signature_count"].as_i64().unwrap()
    }

    /// The count the petition page shows.
    pub async fn page_count(&self, slug: &str) -> i64 {
        let page = self.get(&format!("/petitions/{slug}")).await;
        page.text_of(&format!("[data-live-count=\"{slug}\"]"))
            .expect("the page shows a live count")
            .trim()
            .parse()
            .unwrap()
    }
}

/// Runs the `undersigned` binary with `DATABASE_URL` set and `stdin` piped.
pub async fn run_cli(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the undersigned binary");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    child.wait_with_output().await.unwrap()
}
