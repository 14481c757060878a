//! The reference for signing throughput in `benches/run`: what one signature
//! costs SQLite itself, with no HTTP, no pool and no templates.
//!
//! It applies the project's SQLite migrations to a fresh file, opens it the
//! way the app does (WAL, `synchronous = NORMAL`, foreign keys on) and, for
//! a fixed time, writes one signature per `BEGIN IMMEDIATE` transaction: the
//! signature row (with its unique key on petition and email), its confirm
//! and withdraw token rows, and its outbox row.
//!
//! ```sh
//! cargo run --release --example raw_sqlite -- --db /tmp/raw.db --seconds 10
//! ```
//!
//! Prints one line: `signatures=N seconds=S per_second=R`.

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::PrimitiveDateTime;
use undersigned::db::schema::{email_outbox, signatures, tokens};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

#[derive(Parser)]
struct Args {
    /// The SQLite file to create; it must not exist yet.
    #[arg(long)]
    db: std::path::PathBuf,
    /// How long to keep writing signatures.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Size of the queued email's text part, as the app renders it.
    #[arg(long, default_value_t = 500)]
    text_bytes: usize,
    /// Size of the queued email's HTML part.
    #[arg(long, default_value_t = 1050)]
    html_bytes: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.db.exists() {
        anyhow::bail!(
            "{} exists; the reference starts from a fresh file",
            args.db.display()
        );
    }
    let path = args.db.to_str().context("the path is not UTF-8")?;
    let mut conn = SqliteConnection::establish(path)?;
    conn.batch_execute(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;",
    )?;
    conn.run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!(e))?;

    let now = now();
    let petition_id = uuid::Uuid::new_v4().to_string();
    let organizer_id = uuid::Uuid::new_v4().to_string();
    diesel::sql_query(
        "INSERT INTO organizers (id, email, email_canonical, name, password_hash, created_at)
         VALUES (?, 'bench@example.org', 'bench@example.org', 'Bench', 'x', ?)",
    )
    .bind::<Text, _>(&organizer_id)
    .bind::<Timestamp, _>(now)
    .execute(&mut conn)?;
    diesel::sql_query(
        "INSERT INTO petitions (id, slug, owner_id, title, summary, body_markdown, body_html,
                                goal, state, created_at, updated_at)
         VALUES (?, 'bench', ?, 'Bench', 'Bench', 'Bench', '<p>Bench</p>', 1000, 'open', ?, ?)",
    )
    .bind::<Text, _>(&petition_id)
    .bind::<Text, _>(&organizer_id)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(now)
    .execute(&mut conn)?;

    let text = "t".repeat(args.text_bytes);
    let html = "h".repeat(args.html_bytes);
    let deadline = Duration::from_secs_f64(args.seconds);
    let start = Instant::now();
    let mut signatures = 0u64;
    while start.elapsed() < deadline {
        sign(&mut conn, &petition_id, signatures, &text, &html)?;
        signatures += 1;
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "signatures={signatures} seconds={seconds:.2} per_second={:.0}",
        signatures as f64 / seconds
    );
    Ok(())
}

/// One signature, as the app records a new one. The statements go through
/// diesel's query builder rather than `sql_query` because only the former
/// keeps them prepared between transactions, as any raw SQLite program would.
fn sign(
    conn: &mut SqliteConnection,
    petition_id: &str,
    n: u64,
    text: &str,
    html: &str,
) -> anyhow::Result<()> {
    conn.immediate_transaction(|conn| {
        let now = now();
        let id = uuid::Uuid::new_v4().to_string();
        let email = format!("raw-{n}@example.org");
        let inserted = diesel::insert_into(signatures::table)
            .values((
                signatures::id.eq(&id),
                signatures::petition_id.eq(petition_id),
                signatures::email.eq(&email),
                signatures::email_canonical.eq(&email),
                signatures::name.eq("Jane Doe"),
                signatures::country.eq("DE"),
                signatures::postcode.eq(Some("10115")),
                signatures::comment.eq(Some("Bees matter.")),
                signatures::public.eq(true),
                signatures::updates.eq(false),
                signatures::source.eq(None::<&str>),
                signatures::state.eq("pending"),
                signatures::emails_sent.eq(1),
                signatures::emails_window_start.eq(now),
                signatures::pending_until.eq(now + time::Duration::days(7)),
                signatures::ip.eq(Some("127.0.0.1")),
                signatures::created_at.eq(now),
            ))
            .on_conflict((signatures::petition_id, signatures::email_canonical))
            .do_nothing()
            .execute(conn)?;
        anyhow::ensure!(inserted == 1, "email {email} was already taken");
        for (purpose, ttl, payload) in [
            ("confirm_signature", time::Duration::days(7), Some(DETAILS)),
            ("withdraw_signature", time::Duration::days(365), None),
        ] {
            diesel::insert_into(tokens::table)
                .values((
                    tokens::token_hash.eq(token_hash()),
                    tokens::purpose.eq(purpose),
                    tokens::signature_id.eq(&id),
                    tokens::created_at.eq(now),
                    tokens::expires_at.eq(now + ttl),
                    tokens::payload.eq(payload),
                ))
                .execute(conn)?;
        }
        diesel::insert_into(email_outbox::table)
            .values((
                email_outbox::id.eq(uuid::Uuid::new_v4().to_string()),
                email_outbox::signature_id.eq(&id),
                email_outbox::recipient.eq(&email),
                email_outbox::subject.eq("Confirm your signature"),
                email_outbox::body_text.eq(text),
                email_outbox::body_html.eq(html),
                email_outbox::action_url
                    .eq(Some(format!("http://localhost/signatures/confirm/{n}"))),
                email_outbox::attempts.eq(0),
                email_outbox::next_attempt_at.eq(now),
                email_outbox::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The signer's details stored with a confirmation token, as the app
/// writes them.
const DETAILS: &str = r#"{"name":"Jane Doe","country":"DE","postcode":"10115","comment":"Bees matter.","public":true,"updates":false,"source":null,"ip":"127.0.0.1"}"#;

/// A fresh random token's stored hash, as the app computes it.
fn token_hash() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(Sha256::digest(bytes))
}

fn now() -> PrimitiveDateTime {
    let now = time::OffsetDateTime::now_utc();
    PrimitiveDateTime::new(now.date(), now.time())
}
