//! `undersigned serve` as its own process, for tests that kill it or send
//! it signals.

use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{MailSink, TestApp, TestDb};

/// How one server process is started; reused to restart on the same port,
/// so links in emails sent before a restart still work.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub database_url: String,
    pub port: u16,
    pub smtp_port: u16,
    /// Extra `UNDERSIGNED__…` settings, applied after the test defaults.
    pub env: Vec<(String, String)>,
}

impl ServeConfig {
    pub fn new(database_url: &str, port: u16, smtp_port: u16) -> Self {
        Self {
            database_url: database_url.to_owned(),
            port,
            smtp_port,
            env: Vec::new(),
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// A running server. Dropping it kills the process.
pub struct ServerProcess {
    child: tokio::process::Child,
    workdir: tempfile::TempDir,
}

impl ServerProcess {
    /// Starts the server and waits until it answers HTTP, failing with its
    /// log if it exits or does not answer within 30 s.
    pub async fn start(config: &ServeConfig) -> Self {
        // The work dir holds what the server may write, and its log.
        let workdir = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(workdir.path().join("server.log")).unwrap();
        let address = config.address();
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"));
        command
            .arg("serve")
            .current_dir(workdir.path())
            .env("DATABASE_URL", &config.database_url)
            .env("UNDERSIGNED__SERVER__PORT", config.port.to_string())
            .env("UNDERSIGNED__SERVER__PUBLIC_URL", &address)
            .env("UNDERSIGNED__EMAIL__TRANSPORT", "smtp")
            .env(
                "UNDERSIGNED__EMAIL__SMTP_URL",
                format!("smtp://127.0.0.1:{}", config.smtp_port),
            )
            .env("UNDERSIGNED__EMAIL__RETRY_BASE_MS", "100")
            .env("UNDERSIGNED__EMAIL__RETRY_MAX_MS", "500")
            // On PostgreSQL a killed server's email claims expire after
            // twice this plus 10 s; the default would make that 70 s.
            .env("UNDERSIGNED__EMAIL__SEND_TIMEOUT_MS", "2000")
            .env(
                "UNDERSIGNED__SECURITY__SECRET_KEY",
                "process-test-secret-key-0123456789abcdef",
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true);
        for (key, value) in &config.env {
            command.env(key, value);
        }
        let child = command.spawn().expect("start undersigned serve");
        let mut server = Self { child, workdir };

        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if client.get(format!("{address}/health")).send().await.is_ok() {
                return server;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("the server exited ({status}) at start:\n{}", server.log());
            }
            assert!(
                Instant::now() < deadline,
                "the server did not answer within 30 s:\n{}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("the server is running")
    }

    /// SIGKILL: no shutdown code runs. Returns once the process is gone.
    pub async fn kill_9(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }

    /// Sends SIGTERM, as a service manager stopping the server would.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit, failing after `within`.
    pub async fn exit_status(&mut self, within: Duration) -> ExitStatus {
        match tokio::time::timeout(within, self.child.wait()).await {
            Ok(status) => status.unwrap(),
            Err(_) => panic!("the server did not exit within {within:?}:\n{}", self.log()),
        }
    }

    /// What the server wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.workdir.path().join("server.log")).unwrap_or_default()
    }
}

/// A client like the in-process tests' [`TestApp`] has, for a server
/// process at `config`'s address.
pub fn process_app(config: &ServeConfig, db: TestDb, mail: MailSink) -> TestApp {
    TestApp {
        address: config.address(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap(),
        mail,
        db,
    }
}

/// Starts `undersigned serve` on a free port with `db` and mail to
/// `smtp_port`, and a [`TestApp`] pointing at it.
pub async fn serve_process(db: TestDb, mail: MailSink, smtp_port: u16) -> (TestApp, ServerProcess) {
    let config = ServeConfig::new(db.url(), crate::helpers::free_port(), smtp_port);
    let server = ServerProcess::start(&config).await;
    (process_app(&config, db, mail), server)
}
