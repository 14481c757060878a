use crate::app_tests;
use crate::helpers::{run_cli, TestApp, PASSWORD};

app_tests!(
    organizer_create_makes_an_account_that_can_log_in,
    organizer_create_refuses_duplicates_and_weak_passwords,
);

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
    assert!(String::from_utf8_lossy(&first.stdout).contains("2 migration(s) applied"));
    let second = run_cli(&url, &["migrate"], "").await;
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 migration(s) applied"));
}

#[tokio::test]
async fn serve_refuses_to_start_on_bad_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("serve.db").display());
    let serve = |envs: Vec<(&'static str, String)>, database_url: String| async move {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("UNDERSIGNED__SERVER__PORT", "0")
            .envs(envs)
            .output()
            .await
            .unwrap();
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let no_secret = serve(vec![("UNDERSIGNED_ENV", "production".into())], url.clone()).await;
    assert!(
        no_secret.contains("security.secret_key is required in production"),
        "{no_secret}"
    );

    let bad_scheme = serve(vec![], "mysql://localhost/undersigned".into()).await;
    assert!(bad_scheme.contains("unknown scheme"), "{bad_scheme}");

    let bad_port = serve(vec![("UNDERSIGNED__SERVER__PORT", "eighty".into())], url).await;
    assert!(bad_port.contains("configuration is invalid"), "{bad_port}");
}
