use futures_util::stream::{self, StreamExt};

use crate::app_tests;
use crate::helpers::{free_port, run_cli, Backend, TestApp, TestDb, PASSWORD};

app_tests!(
    organizer_create_makes_an_account_that_can_log_in,
    organizer_create_refuses_duplicates_and_weak_passwords,
    healthcheck_asks_the_running_instance,
);

/// `organizer create` once died at exit on PostgreSQL with glibc's "double
/// free or corruption": a writer thread closed its connection while the
/// process's exit handlers tore down the same library state. Two hundred
/// runs, four at a time so that exits overlap with other work, must all end
/// cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organizer_create_exits_cleanly_two_hundred_times_on_postgresql() {
    let Some(db) = TestDb::create(Backend::Postgres) else {
        return;
    };
    let url = db.url().to_owned();
    let failures: Vec<String> = stream::iter(0..200)
        .map(|n| {
            let url = url.clone();
            async move {
                let email = format!("exit{n}@example.org");
                let args = [
                    "organizer",
                    "create",
                    "--email",
                    &email,
                    "--name",
                    "Exit Test",
                ];
                let output = run_cli(&url, &args, &format!("{PASSWORD}\n")).await;
                let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
                (!output.status.success()
                    || stderr.contains("corruption")
                    || stderr.contains("free"))
                .then(|| format!("run {n}: {:?} {stderr}", output.status))
            }
        })
        .buffer_unordered(4)
        .filter_map(|failure| async move { failure })
        .collect()
        .await;
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(db.count("organizers", "1 = 1"), 200);
}

/// `undersigned healthcheck` with the server port set to `port`.
async fn healthcheck(app: &TestApp, port: &str) -> (std::process::Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .arg("healthcheck")
        .env("DATABASE_URL", app.db.url())
        .env("UNDERSIGNED__SERVER__PORT", port)
        .output()
        .await
        .unwrap();
    (output, started.elapsed())
}

async fn healthcheck_asks_the_running_instance(app: TestApp) {
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let (output, _) = healthcheck(&app, &port).await;
    assert!(output.status.success(), "{output:?}");

    // Nothing listening: 1, quickly, with a reason.
    let (output, took) = healthcheck(&app, &free_port().to_string()).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("unhealthy"));
    assert!(took < std::time::Duration::from_secs(4));

    // Something listening that never answers: still 1 within 3 s or so.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_port = silent.local_addr().unwrap().port().to_string();
    let (output, took) = healthcheck(&app, &silent_port).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    drop(silent);
}

async fn organizer_create_makes_an_account_that_can_log_in(app: TestApp) {
    let output = run_cli(
        app.db.url(),
        &[
            "organizer",
            "create",
            "--email",
            "Cli@Example.org",
            "--name",
            "Cli User",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("Created organizer Cli User"));
    assert_eq!(app.login("cli@example.org", PASSWORD).await.status(), 303);
}

async fn organizer_create_refuses_duplicates_and_weak_passwords(app: TestApp) {
    app.create_organizer("taken@example.org").await;
    let duplicate = run_cli(
        app.db.url(),
        &[
            "organizer",
            "create",
            "--email",
            "TAKEN@example.org",
            "--name",
            "Again",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));

    let weak = run_cli(
        app.db.url(),
        &[
            "organizer",
            "create",
            "--email",
            "weak@example.org",
            "--name",
            "Weak",
        ],
        "short\n",
    )
    .await;
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));

    let bad_email = run_cli(
        app.db.url(),
        &[
            "organizer",
            "create",
            "--email",
            "not-an-email",
            "--name",
            "Bad",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(!bad_email.status.success());
    assert!(String::from_utf8_lossy(&bad_email.stderr).contains("--email"));
}

#[tokio::test]
async fn help_and_version_work() {
    let help = run_cli("sqlite://unused.db", &["--help"], "").await;
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for command in ["serve", "migrate", "organizer"] {
        assert!(text.contains(command), "{text}");
    }
    let version = run_cli("sqlite://unused.db", &["--version"], "").await;
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[tokio::test]
async fn migrate_applies_pending_migrations_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("migrate.db").display());
    let first = run_cli(&url, &["migrate"], "").await;
    assert!(first.status.success(), "{first:?}");
    let shipped = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    let expected = format!("{shipped} migration(s) applied");
    assert!(
        String::from_utf8_lossy(&first.stdout).contains(&expected),
        "{first:?}"
    );
    let second = run_cli(&url, &["migrate"], "").await;
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 migration(s) applied"));
}

#[tokio::test]
async fn serve_refuses_to_start_on_bad_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("serve.db").display());
    // Runs in an empty folder, so only the embedded defaults and these
    // variables apply, and a local secret key lands in the temp dir.
    let serve = |envs: Vec<(&'static str, String)>, database_url: String| {
        let workdir = dir.path().to_owned();
        async move {
            let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
                .arg("serve")
                .current_dir(workdir)
                .env_remove("UNDERSIGNED_ENV")
                .env("DATABASE_URL", database_url)
                .env("UNDERSIGNED__SERVER__PORT", "0")
                .envs(envs)
                .kill_on_drop(true)
                .output();
            // A server that starts instead of refusing would serve forever.
            let output = tokio::time::timeout(std::time::Duration::from_secs(30), output)
                .await
                .expect("serve refuses to start rather than serving")
                .unwrap();
            assert!(!output.status.success());
            String::from_utf8_lossy(&output.stderr).into_owned()
        }
    };
    let production = |extra: &[(&'static str, &str)]| {
        let mut envs = vec![
            ("UNDERSIGNED_ENV", "production".to_owned()),
            (
                "UNDERSIGNED__SERVER__PUBLIC_URL",
                "https://petitions.example.org".to_owned(),
            ),
            ("UNDERSIGNED__EMAIL__TRANSPORT", "smtp".to_owned()),
            (
                "UNDERSIGNED__SECURITY__SECRET_KEY",
                "production-secret-key-0123456789abcdef".to_owned(),
            ),
        ];
        for (key, value) in extra {
            envs.retain(|(k, _)| k != key);
            envs.push((key, (*value).to_owned()));
        }
        envs
    };

    let no_secret = serve(
        production(&[("UNDERSIGNED__SECURITY__SECRET_KEY", "")]),
        url.clone(),
    )
    .await;
    assert!(
        no_secret.contains("security.secret_key is required in production"),
        "{no_secret}"
    );

    let unknown_env = serve(vec![("UNDERSIGNED_ENV", "prod".into())], url.clone()).await;
    assert!(
        unknown_env.contains("UNDERSIGNED_ENV \"prod\" is not a known environment")
            && unknown_env.contains("local, test, production"),
        "{unknown_env}"
    );

    let plain_http = serve(
        production(&[(
            "UNDERSIGNED__SERVER__PUBLIC_URL",
            "http://petitions.example.org",
        )]),
        url.clone(),
    )
    .await;
    assert!(
        plain_http.contains("must be an https:// URL in production"),
        "{plain_http}"
    );

    let file_transport = serve(
        production(&[("UNDERSIGNED__EMAIL__TRANSPORT", "file")]),
        url.clone(),
    )
    .await;
    assert!(
        file_transport.contains("production needs \"smtp\""),
        "{file_transport}"
    );

    let bad_smtp = serve(
        vec![
            ("UNDERSIGNED__EMAIL__TRANSPORT", "smtp".into()),
            (
                "UNDERSIGNED__EMAIL__SMTP_URL",
                "smtpx://mailer:hunter2@mail.example.org".into(),
            ),
        ],
        url.clone(),
    )
    .await;
    assert!(
        bad_smtp
            .contains("email.smtp_url smtpx://mailer:***@mail.example.org is not a valid SMTP URL"),
        "{bad_smtp}"
    );
    assert!(!bad_smtp.contains("hunter2"), "{bad_smtp}");

    let bad_scheme = serve(vec![], "mysql://app:hunter2@localhost/undersigned".into()).await;
    assert!(bad_scheme.contains("unknown scheme"), "{bad_scheme}");
    assert!(bad_scheme.contains("app:***@localhost"), "{bad_scheme}");
    assert!(!bad_scheme.contains("hunter2"), "{bad_scheme}");

    let bad_port = serve(vec![("UNDERSIGNED__SERVER__PORT", "eighty".into())], url).await;
    assert!(bad_port.contains("configuration is invalid"), "{bad_port}");
}

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_file_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = data.join("undersigned.db");
    let output = run_cli(&format!("sqlite://{}", db.display()), &["migrate"], "").await;
    assert!(output.status.success(), "{output:?}");
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&db), 0o600, "the database file");
    for suffix in ["-wal", "-shm"] {
        let side = data.join(format!("undersigned.db{suffix}"));
        if side.exists() {
            assert_eq!(mode(&side), 0o600, "{}", side.display());
        }
    }

    // A file left readable by an older version is tightened.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = run_cli(&format!("sqlite://{}", db.display()), &["migrate"], "").await;
    assert!(again.status.success(), "{again:?}");
    assert_eq!(mode(&db), 0o600, "the database file after a restart");
}
