//! The public log at scale: what appending a leaf costs, how long a proof
//! takes at a million leaves, and how many bytes a leaf takes on disk.
//!
//! `cargo bench --bench public_log` runs it on a temporary SQLite file;
//! `BENCH_POSTGRES_URL=postgres://…/postgres` adds PostgreSQL (a database
//! is made and dropped). `BENCH_LEAVES` sets the size (1,000,000).
//!
//! A confirmation queues its leaf; the sequencer places leaves in the tree
//! in batches, in the background. Both are timed, inside transactions of
//! 1,000 queued leaves, on both backends. The raw reference is the same
//! number of plain inserts of a 32-byte value into an indexed table, in
//! the same run. Statement text is built per insert there, as SQL a
//! client sends; the log's statements are diesel's, bound and cached.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use rand::Rng;
use secrecy::SecretString;
use undersigned::db::models::public_log;
use undersigned::db::{migrations, write_transaction, Db, DbConnection};
use undersigned::transparency::merkle::{self, Hash};

const PETITION: &str = "00000000-0000-7000-8000-000000000001";

fn main() -> anyhow::Result<()> {
    let leaves: u64 = std::env::var("BENCH_LEAVES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runtime = tokio::runtime::Runtime::new()?;
    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("log.db").display());
    runtime.block_on(measure("SQLite", &sqlite, leaves, 1_000))?;
    if let Ok(admin) = std::env::var("BENCH_POSTGRES_URL") {
        let name = format!("undersigned_bench_log_{}", std::process::id());
        undersigned::db::init_tls();
        let mut conn = <diesel::PgConnection as diesel::Connection>::establish(&admin)?;
        conn.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => anyhow::bail!("BENCH_POSTGRES_URL has no database name"),
        };
        let result = runtime.block_on(measure("PostgreSQL", &url, leaves, 1_000));
        conn.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))?;
        result?;
    }
    Ok(())
}

/// `batch`: appends (and reference inserts) per transaction.
async fn measure(backend: &str, url: &str, leaves: u64, batch: u64) -> anyhow::Result<()> {
    let db = Db::connect(&SecretString::from(url.to_owned()), Some(2))?;
    migrations::run_pending(&db).await?;
    db.run(|conn| {
        conn_exec(
            conn,
            &format!(
                "INSERT INTO organizers (id, email, email_canonical, name, password_hash, is_admin, created_at) \
                 VALUES ('o', 'o@example.org', 'o@example.org', 'O', 'x', FALSE, CURRENT_TIMESTAMP); \
                 INSERT INTO petitions (id, slug, owner_id, title, summary, body_markdown, body_html, goal, state, \
                 signature_count, created_at, updated_at, language) VALUES ('{PETITION}', 'bench', 'o', 'Bench', 's', \
                 'b', 'b', 100, 'open', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'en'); \
                 CREATE TABLE bench_reference (id BIGINT PRIMARY KEY, value {blob} NOT NULL); \
                 CREATE INDEX bench_reference_value ON bench_reference (value);",
                blob = if conn.backend() == undersigned::db::Backend::Sqlite { "BLOB" } else { "BYTEA" }
            ),
        )?;
        public_log::start(conn, PETITION)
    })
    .await?;
    let size_before = db.run(database_bytes).await?;

    // What a confirmation adds (queueing its leaf, `batch` a transaction)
    // and what the sequencer does in the background (placing the leaves a
    // thousand at a time, as it would each second at 1,000 confirmations a
    // second), timed apart.
    let now = undersigned::db::models::now();
    let mut queueing = Duration::ZERO;
    let mut placing = Duration::ZERO;
    for first in (0..leaves).step_by(batch as usize) {
        let count = batch.min(leaves - first);
        queueing += db
            .run(move |conn| {
                let started = Instant::now();
                write_transaction(conn, |conn| {
                    for _ in 0..count {
                        let commitment: Hash = rand::rng().random();
                        public_log::queue_add(conn, PETITION, &commitment, now)?;
                    }
                    Ok(())
                })?;
                Ok(started.elapsed())
            })
            .await?;
        if (first + count).is_multiple_of(1_000) || first + count == leaves {
            placing += db
                .run(|conn| {
                    let started = Instant::now();
                    public_log::sequence(conn)?;
                    Ok(started.elapsed())
                })
                .await?;
        }
    }
    let size_log = db.run(database_bytes).await?;
    let mut reference = Duration::ZERO;
    for first in (0..leaves).step_by(batch as usize) {
        let count = batch.min(leaves - first);
        reference += db
            .run(move |conn| {
                let started = Instant::now();
                write_transaction(conn, |conn| {
                    for i in first..first + count {
                        let value: Hash = rand::rng().random();
                        let sql = format!(
                            "INSERT INTO bench_reference (id, value) VALUES ({i}, {})",
                            blob_literal(conn, &value)
                        );
                        conn_exec(conn, &sql)?;
                    }
                    Ok(())
                })?;
                Ok(started.elapsed())
            })
            .await?;
    }
    let size_reference = db.run(database_bytes).await?;

    // Proofs against the whole log: random leaves, and consistency from
    // random earlier sizes.
    const PROOFS: u32 = 1_000;
    let (inclusion, consistency) = db
        .run(move |conn| {
            let root = merkle::root(&mut public_log::StoredNodes::new(conn, PETITION), leaves)?;
            let mut inclusion = Vec::new();
            let mut consistency = Vec::new();
            for _ in 0..PROOFS {
                let index = rand::rng().random_range(0..leaves);
                let started = Instant::now();
                let path = public_log::inclusion_path(conn, PETITION, index, leaves)?;
                inclusion.push(started.elapsed());
                let mut nodes = public_log::StoredNodes::new(conn, PETITION);
                let hash = merkle::Nodes::perfect(&mut nodes, 0, index)?;
                anyhow::ensure!(merkle::verify_inclusion(index, leaves, &hash, &path, &root));
                let first = rand::rng().random_range(1..=leaves);
                let started = Instant::now();
                public_log::consistency_path(conn, PETITION, first, leaves)?;
                consistency.push(started.elapsed());
            }
            Ok((inclusion, consistency))
        })
        .await?;

    let per = |d: Duration| d.as_secs_f64() * 1e6 / leaves as f64;
    println!("{backend}: {leaves} leaves");
    println!(
        "  queue a leaf, {batch} a transaction: {:.1} µs; plain indexed insert (reference): {:.1} µs",
        per(queueing),
        per(reference)
    );
    println!(
        "  place it in the tree, 1000 a batch (in the background): {:.1} µs a leaf",
        per(placing)
    );
    println!(
        "  inclusion proof: median {:.2} ms, p99 {:.2} ms; consistency proof: median {:.2} ms, p99 {:.2} ms",
        percentile(&inclusion, 50),
        percentile(&inclusion, 99),
        percentile(&consistency, 50),
        percentile(&consistency, 99)
    );
    println!(
        "  storage: {:.0} bytes a leaf (the leaf, its indexes and subtree hashes); reference row: {:.0} bytes",
        (size_log - size_before) as f64 / leaves as f64,
        (size_reference - size_log) as f64 / leaves as f64
    );
    Ok(())
}

fn percentile(samples: &[Duration], p: usize) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[(sorted.len() - 1) * p / 100].as_secs_f64() * 1e3
}

fn conn_exec(conn: &mut DbConnection, sql: &str) -> anyhow::Result<()> {
    match conn {
        DbConnection::Postgresql(c) => c.batch_execute(sql)?,
        DbConnection::Sqlite(c) => c.batch_execute(sql)?,
    }
    Ok(())
}

fn blob_literal(conn: &DbConnection, value: &Hash) -> String {
    match conn {
        DbConnection::Postgresql(_) => format!("'\\x{}'::bytea", hex::encode(value)),
        DbConnection::Sqlite(_) => format!("X'{}'", hex::encode(value)),
    }
}

/// The database's size on disk, as its engine reports it.
fn database_bytes(conn: &mut DbConnection) -> anyhow::Result<i64> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Size {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        bytes: i64,
    }
    let size: Size = match conn {
        DbConnection::Postgresql(c) => {
            diesel::sql_query("SELECT pg_database_size(current_database()) AS bytes")
                .get_result(c)?
        }
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()",
        )
        .get_result(c)?,
    };
    Ok(size.bytes)
}
