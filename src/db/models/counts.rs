//! Durable confirmed counts: a few shard rows per petition, changed in the
//! same transaction as the signature, so they are never lost or doubled.

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Text};
use rand::Rng;

use super::petitions::count_shards;
use crate::db::schema::{petitions, signature_count_shards, signatures};
use crate::db::DbConnection;
use crate::db_run;
use crate::domain::signer::SignatureState;

/// Adds `delta` to a random shard of the petition's count.
pub fn add(conn: &mut DbConnection, petition_id: &str, delta: i64) -> anyhow::Result<()> {
    let shard = rand::rng().random_range(0..count_shards(conn.backend()));
    let updated = db_run!(conn: {
        diesel::update(
            signature_count_shards::table
                .filter(signature_count_shards::petition_id.eq(petition_id))
                .filter(signature_count_shards::shard.eq(shard)),
        )
        .set(signature_count_shards::confirmed.eq(signature_count_shards::confirmed + delta))
        .execute(conn)
    })
    .context("updating count shard")?;
    if updated == 0 {
        // Shards are made with the petition; this only happens if a
        // petition predates a change in the shard count.
        db_run!(conn: {
            diesel::insert_into(signature_count_shards::table)
                .values((
                    signature_count_shards::petition_id.eq(petition_id),
                    signature_count_shards::shard.eq(shard),
                    signature_count_shards::confirmed.eq(delta),
                ))
                .execute(conn)
        })
        .context("inserting count shard")?;
    }
    Ok(())
}

/// One petition as the count store keeps it.
#[derive(Debug, Clone, QueryableByName)]
pub struct PetitionCountRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = BigInt)]
    pub goal: i64,
    #[diesel(sql_type = BigInt)]
    pub snapshot: i64,
    #[diesel(sql_type = BigInt)]
    pub confirmed: i64,
    /// An admin hid the petition: the store then answers as if it did not
    /// exist, on other instances as soon as the change is announced (or,
    /// failing that, at the next full refresh).
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
}

/// Every petition with its true confirmed count: one grouped scan of the
/// shard table, run by the count store in the background, never per request.
pub fn load_all(conn: &mut DbConnection) -> anyhow::Result<Vec<PetitionCountRow>> {
    // Portable SQL without bind parameters, so one string serves both
    // backends. The CAST keeps PostgreSQL's SUM(bigint) from becoming numeric.
    const SQL: &str = "SELECT p.id, p.slug, p.goal, \
         p.signature_count AS snapshot, \
         CAST(COALESCE(c.confirmed, 0) AS BIGINT) AS confirmed, \
         (p.hidden_at IS NOT NULL) AS hidden \
         FROM petitions p LEFT JOIN ( \
           SELECT petition_id, SUM(confirmed) AS confirmed \
           FROM signature_count_shards GROUP BY petition_id \
         ) c ON c.petition_id = p.id";
    db_run!(conn: { diesel::sql_query(SQL).load(conn) }).context("loading counts")
}

/// The named petitions as [`load_all`] reads them: what another instance
/// announced it changed.
pub fn load_some(conn: &mut DbConnection, ids: &[String]) -> anyhow::Result<Vec<PetitionCountRow>> {
    match conn {
        DbConnection::Postgresql(conn) => diesel::sql_query(
            "SELECT p.id, p.slug, p.goal, \
             p.signature_count AS snapshot, \
             CAST(COALESCE((SELECT SUM(s.confirmed) FROM signature_count_shards s \
                            WHERE s.petition_id = p.id), 0) AS BIGINT) AS confirmed, \
             (p.hidden_at IS NOT NULL) AS hidden \
             FROM petitions p WHERE p.id = ANY($1)",
        )
        .bind::<Array<Text>, _>(ids)
        .load(conn)
        .context("loading changed counts"),
        // One instance only: nothing announces changes, so this is rare.
        DbConnection::Sqlite(_) => Ok(load_all(conn)?
            .into_iter()
            .filter(|row| ids.contains(&row.id))
            .collect()),
    }
}

/// The PostgreSQL channel on which instances announce changed petitions.
pub const CHANGES_CHANNEL: &str = "undersigned_counts";

/// Announces `payload` to every instance listening on [`CHANGES_CHANNEL`].
/// PostgreSQL only; one call per batch of changes, since every NOTIFY
/// takes a lock at commit that serialises committing transactions.
pub fn announce(conn: &mut DbConnection, payload: &str) -> anyhow::Result<()> {
    match conn {
        DbConnection::Postgresql(conn) => {
            diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<Text, _>(CHANGES_CHANNEL)
                .bind::<Text, _>(payload)
                .execute(conn)
                .context("announcing changed counts")?;
            Ok(())
        }
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// Brings one petition's listing snapshot up to its shards' sum, in its
/// own statement so that no transaction holds several petition rows.
pub fn store_snapshot_from_shards(
    conn: &mut DbConnection,
    petition_id: &str,
) -> anyhow::Result<()> {
    const SQL: &str = "UPDATE petitions SET signature_count = \
         (SELECT CAST(COALESCE(SUM(confirmed), 0) AS BIGINT) FROM signature_count_shards \
          WHERE petition_id = petitions.id) \
         WHERE id = $1 AND signature_count <> \
         (SELECT CAST(COALESCE(SUM(confirmed), 0) AS BIGINT) FROM signature_count_shards \
          WHERE petition_id = petitions.id)";
    match conn {
        DbConnection::Postgresql(conn) => diesel::sql_query(SQL)
            .bind::<Text, _>(petition_id)
            .execute(conn),
        DbConnection::Sqlite(conn) => diesel::sql_query(SQL.replace("$1", "?"))
            .bind::<Text, _>(petition_id)
            .execute(conn),
    }
    .context("storing count snapshot")?;
    Ok(())
}

/// Subscribes a dedicated PostgreSQL connection to [`CHANGES_CHANNEL`].
pub fn listen(conn: &mut DbConnection) -> anyhow::Result<()> {
    match conn {
        DbConnection::Postgresql(conn) => conn
            .batch_execute(&format!("LISTEN {CHANGES_CHANNEL}"))
            .context("listening for changed counts"),
        DbConnection::Sqlite(_) => anyhow::bail!("SQLite has no LISTEN"),
    }
}

/// The payloads of announcements that have arrived on a listening
/// connection. Does not wait: it reads what the socket already holds.
pub fn take_announcements(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    match conn {
        DbConnection::Postgresql(conn) => conn
            .notifications_iter()
            .filter(|n| !matches!(n, Ok(n) if n.channel != CHANGES_CHANNEL))
            .map(|n| n.map(|n| n.payload))
            .collect::<Result<_, _>>()
            .context("reading announcements"),
        DbConnection::Sqlite(_) => Ok(Vec::new()),
    }
}

/// Writes the listing snapshot (`petitions.signature_count`) for petitions
/// whose count moved. One batch per refresh, never one write per signature.
pub fn store_snapshots(conn: &mut DbConnection, changed: &[(String, i64)]) -> anyhow::Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    crate::db::write_transaction(conn, |conn| {
        for (id, count) in changed {
            db_run!(conn: {
                diesel::update(petitions::table.filter(petitions::id.eq(id)))
                    .set(petitions::signature_count.eq(count))
                    .execute(conn)
            })
            .context("storing count snapshot")?;
        }
        Ok(())
    })
}

/// One petition's true confirmed count, summed over its shards.
pub fn load_one(conn: &mut DbConnection, petition_id: &str) -> anyhow::Result<i64> {
    let shards: Vec<i64> = db_run!(conn: {
        signature_count_shards::table
            .filter(signature_count_shards::petition_id.eq(petition_id))
            .select(signature_count_shards::confirmed)
            .load(conn)
    })
    .context("loading count shards")?;
    Ok(shards.iter().sum())
}

/// Every petition's id, for the reconciler.
pub fn petition_ids(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    db_run!(conn: { petitions::table.select(petitions::id).load(conn) })
        .context("listing petitions to reconcile")
}

/// Recounts a petition's confirmed signature rows and moves its shards to
/// match. Returns the drift found: rows minus shards, 0 when they agree.
pub fn reconcile(conn: &mut DbConnection, petition_id: &str) -> anyhow::Result<Reconciled> {
    crate::db::write_transaction(conn, |conn| {
        // The shard rows are locked before the rows are counted: a
        // confirmation that has already added itself to a shard commits
        // first (and is counted), and one that has not waits until this
        // is done. So the comparison is never torn by one in flight.
        macro_rules! shards {
            () => {
                signature_count_shards::table
                    .filter(signature_count_shards::petition_id.eq(petition_id))
                    .select(signature_count_shards::confirmed)
            };
        }
        let shards: Vec<i64> = match conn {
            DbConnection::Postgresql(c) => shards!().for_update().load(c),
            // SQLite's IMMEDIATE transaction already excludes writers.
            DbConnection::Sqlite(c) => shards!().load(c),
        }
        .context("locking count shards")?;
        let rows: i64 = db_run!(conn: {
            signatures::table
                .filter(signatures::petition_id.eq(petition_id))
                .filter(signatures::state.eq(SignatureState::Confirmed))
                .count()
                .get_result(conn)
        })
        .context("counting confirmed signatures")?;
        let drift = rows - shards.iter().sum::<i64>();
        if drift != 0 {
            add(conn, petition_id, drift)?;
        }
        // The public log cannot be corrected, only appended to: a gap
        // between it and the signatures is reported, never papered over.
        let log_net = super::public_log::net_with_queue(conn, petition_id)?;
        Ok(Reconciled {
            drift,
            log_gap: rows - log_net,
        })
    })
}

/// What reconciling one petition found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconciled {
    /// Confirmed signatures minus the durable count, before correcting it.
    pub drift: i64,
    /// Confirmed signatures minus the public log's adds minus revokes,
    /// counting those queued for it.
    pub log_gap: i64,
}
