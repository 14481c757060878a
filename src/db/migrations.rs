use anyhow::Context;
use diesel::RunQueryDsl;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::{Db, DbConnection};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The PostgreSQL advisory lock migrations are applied under: any number
/// that no other lock in the database uses.
const MIGRATION_LOCK: i64 = 0x756e_6465_7273;

/// Applies pending migrations and returns how many ran.
pub async fn run_pending(db: &Db) -> anyhow::Result<usize> {
    db.run(|conn| {
        let applied = match conn {
            DbConnection::Postgresql(conn) => {
                // Instances (or commands) starting together on a fresh
                // database take turns, under a session lock: the later
                // ones find the migrations applied, rather than applying
                // them a second time and failing.
                diesel::sql_query("SELECT pg_advisory_lock($1)")
                    .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
                    .execute(conn)
                    .context("waiting for the migration lock")?;
                let applied = conn.run_pending_migrations(POSTGRES).map(|done| done.len());
                let unlocked = diesel::sql_query("SELECT pg_advisory_unlock($1)")
                    .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
                    .execute(conn);
                if let Err(err) = unlocked {
                    tracing::warn!("releasing the migration lock: {err}");
                }
                applied
            }
            DbConnection::Sqlite(conn) => {
                conn.run_pending_migrations(SQLITE).map(|done| done.len())
            }
        }
        .map_err(|e| anyhow::anyhow!(e))
        .context("applying migrations failed")?;
        Ok(applied)
    })
    .await
}
