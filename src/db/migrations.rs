use anyhow::Context;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::{Db, DbConnection};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies pending migrations and returns how many ran.
pub async fn run_pending(db: &Db) -> anyhow::Result<usize> {
    db.run(|conn| {
        let applied = match conn {
            DbConnection::Postgresql(conn) => conn.run_pending_migrations(POSTGRES),
            DbConnection::Sqlite(conn) => conn.run_pending_migrations(SQLITE),
        }
        .map_err(|e| anyhow::anyhow!(e))
        .context("applying migrations failed")?;
        Ok(applied.len())
    })
    .await
}
