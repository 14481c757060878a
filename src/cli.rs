//! The command line: `serve` (the default), `migrate`, `organizer create`,
//! `token create`, `anonymise`, `healthcheck`, `verify`.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::db::models::{api_tokens, new_id, now, organizers, privacy};
use crate::db::{migrations, Db};
use crate::domain::petition::required_text;
use crate::domain::signer::parse_name;
use crate::domain::Email;
use crate::security::password::{hash_password, Password};
use crate::startup::Application;
use crate::transparency::head::TreeHead;

#[derive(Debug, Parser)]
#[command(
    name = "undersigned",
    version,
    about = "An open-source online petition platform"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP and send queued email.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Manage organizer accounts.
    #[command(subcommand)]
    Organizer(OrganizerCommand),
    /// Ask the running instance's /health (at the configured host and
    /// port): exit 0 on 200, 1 otherwise, within 3 seconds.
    Healthcheck,
    /// Manage organizers' API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Make anonymous the signers of petitions closed longer ago than
    /// `privacy.retention_days`, print how many, and exit.
    Anonymise,
    /// Check a petition's public log through its public address: every
    /// leaf, the root, the head's signature, the revokes and the count.
    /// Exit 0 when all of it holds, 1 with the reason otherwise.
    Verify {
        /// The petition's address, e.g. https://example.org/petitions/save-the-bees
        url: String,
        /// A head saved earlier (the JSON of …/log/head): the log must
        /// still extend it.
        #[arg(long, value_name = "HEAD.json")]
        since: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an organizer and print it, once, on stdout.
    /// Only its hash is stored.
    Create {
        /// The organizer's email address.
        #[arg(long)]
        email: String,
        /// What the token is for, as the dashboard lists it.
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrganizerCommand {
    /// Create a verified organizer. The password is read from stdin.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Let this organizer moderate every petition.
        #[arg(long)]
        admin: bool,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        // Anyone may check a log from anywhere: it reads no configuration,
        // and so neither needs nor creates an instance's keys.
        Command::Verify { url, since } => verify(url, since).await,
        command => run_instance(command).await,
    }
}

async fn verify(url: String, since: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let since = since
        .map(|path| -> anyhow::Result<TreeHead> {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a saved head", path.display()))
        })
        .transpose()?;
    match crate::app::verify_log::verify(&url, since).await {
        Ok(report) => {
            println!("{report}");
            Ok(())
        }
        Err(err) => {
            eprintln!("FAILED: {err:#}");
            std::process::exit(1);
        }
    }
}

/// The commands that work on this instance, with its configuration.
async fn run_instance(command: Command) -> anyhow::Result<()> {
    let settings = Settings::load(Path::new("config"))?;
    crate::telemetry::init(settings.log.format);
    match command {
        Command::Verify { url, since } => verify(url, since).await,
        Command::Serve => {
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Migrate => {
            let applied = with_db(
                &settings,
                |db| async move { migrations::run_pending(&db).await },
            )
            .await?;
            println!("{applied} migration(s) applied");
            Ok(())
        }
        Command::Anonymise => {
            let days = settings.privacy.retention_days;
            let changed = with_db(&settings, |db| async move {
                migrations::run_pending(&db).await?;
                db.run(move |conn| privacy::anonymise_closed(conn, now(), days))
                    .await
            })
            .await?;
            println!(
                "{changed} signature(s) anonymised (petitions closed more than {days} days ago)"
            );
            Ok(())
        }
        Command::Healthcheck => {
            let (host, port) = (settings.server.host.clone(), settings.server.port);
            match crate::healthcheck::check(&host, port).await {
                Ok(()) => Ok(()),
                Err(err) => {
                    eprintln!("unhealthy: {err:#}");
                    std::process::exit(1);
                }
            }
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let name = required_text(&name, api_tokens::MAX_NAME_CHARS, "token", false)
                .map_err(|e| anyhow::anyhow!("--name: {}", e.english()))?;
            let public_url = settings.server.public_url.clone();
            let days = settings.security.api_token_days;
            let issued = with_db(&settings, |db| async move {
                migrations::run_pending(&db).await?;
                let canonical = email.canonical().to_owned();
                let owner = db
                    .run(move |conn| organizers::find_by_canonical_email(conn, &canonical))
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no organizer has the email address {email}"))?;
                // The owner is told, as when they make one on the dashboard;
                // an operator's command is not held to the daily email cap.
                crate::app::api_tokens::issue(&db, &public_url, &owner, name, days, Some(now()))
                    .await
            })
            .await?;
            crate::security::audit::Event {
                action: "api_token_created",
                actor: None,
                target: Some(&issued.token.id),
                outcome: crate::security::audit::Outcome::Success,
                client_ip: None,
            }
            .log();
            println!("{}", issued.secret);
            Ok(())
        }
        Command::Organizer(OrganizerCommand::Create { email, name, admin }) => {
            tokio::task::spawn_blocking(move || create_organizer(&settings, &email, &name, admin))
                .await?
        }
    }
}

fn create_organizer(
    settings: &Settings,
    email: &str,
    name: &str,
    admin: bool,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let name = parse_name(name).map_err(|e| anyhow::anyhow!("--name: {}", e.english()))?;
    let password = Password::parse(read_password()?).map_err(|e| anyhow::anyhow!(e.english()))?;
    let password_hash = hash_password(&password)?;

    let db = Db::connect(&settings.database.url, Some(1))?;
    let created = insert_organizer(&db, &email, &name, &password_hash, admin);
    db.close();
    created?;
    println!(
        "Created {}organizer {} <{}>",
        if admin { "admin " } else { "" },
        name,
        email
    );
    Ok(())
}

fn insert_organizer(
    db: &Db,
    email: &Email,
    name: &str,
    password_hash: &str,
    admin: bool,
) -> anyhow::Result<()> {
    let rt = tokio::runtime::Handle::current();
    rt.block_on(migrations::run_pending(db))?;
    let id = new_id();
    let created_at = now();
    db.run_blocking(|conn| {
        organizers::create(
            conn,
            &organizers::NewOrganizer {
                id: &id,
                email: email.as_typed(),
                email_canonical: email.canonical(),
                name,
                password_hash,
                is_admin: admin,
                verified_at: Some(created_at),
                created_at,
                locale: None,
            },
        )
        .map_err(anyhow::Error::from)
    })?;
    Ok(())
}

/// Runs `work` with a database of one connection and closes it before
/// returning, whatever the outcome: see [`Db::close`].
async fn with_db<T, F, Fut>(settings: &Settings, work: F) -> anyhow::Result<T>
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let db = Db::connect(&settings.database.url, Some(1))?;
    let result = work(db.clone()).await;
    tokio::task::spawn_blocking(move || db.close())
        .await
        .context("closing the database")?;
    result
}

/// Prompts on a terminal; otherwise reads the first line of stdin.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat the password: ")?;
        if first != second {
            bail!("the passwords do not match");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from stdin")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password given on stdin");
    }
    Ok(password)
}
