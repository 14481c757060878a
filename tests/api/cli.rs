use crate::helpers::{run_cli, spawn_app, Backend, PASSWORD};
use crate::on_both_backends;

on_both_backends!(
    organizer_create_makes_an_account_that_can_log_in,
    organizer_create_refuses_duplicates_and_weak_passwords,
);

async fn organizer_create_makes_an_account_that_can_log_in(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
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

async fn organizer_create_refuses_duplicates_and_weak_passwords(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
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
