//! The public log's tables: leaves, the hashes of complete subtrees, signed
//! heads, each log's running totals, and the queue of entries not yet
//! placed. The transaction that confirms, withdraws or invalidates a
//! signature queues its entry, so the log and the count never disagree;
//! the sequencer places entries in the order they were queued, in batches,
//! so that confirmations do not wait on each other for the log's next
//! index, and heads cover only what is placed.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use time::format_description::well_known::Rfc3339;
use time::PrimitiveDateTime;

use crate::db::schema::{log_heads, log_leaves, log_nodes, log_queue, log_states, petitions};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;
use crate::transparency::head::{LogKey, TreeHead};
use crate::transparency::leaf::{Leaf, LeafKind};
use crate::transparency::merkle::{self, node_hash, Hash, Nodes};

/// Most leaves one page of the public list holds.
pub const MAX_LEAVES_PER_PAGE: u64 = 10_000;

/// Gives a new petition its empty log.
pub fn start(conn: &mut DbConnection, petition_id: &str) -> anyhow::Result<()> {
    db_run!(conn: {
        diesel::insert_into(log_states::table)
            .values(log_states::petition_id.eq(petition_id))
            .execute(conn)
    })
    .context("starting the petition's log")?;
    Ok(())
}

/// Queues the `add` leaf of a signature that now counts. Call inside the
/// confirming transaction: it is one insert, contended by nobody, and the
/// sequencer gives the leaf its index soon after.
pub fn queue_add(
    conn: &mut DbConnection,
    petition_id: &str,
    commitment: &Hash,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    queue(conn, petition_id, LeafKind::Add, commitment, now)
}

/// Queues a `revoke` of the add leaf with this commitment, which it carries
/// too, so that the receipt's holder finds it. Call inside the transaction
/// that takes the signature off the count.
pub fn queue_revoke(
    conn: &mut DbConnection,
    petition_id: &str,
    commitment: &Hash,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    queue(conn, petition_id, LeafKind::Revoke, commitment, now)
}

fn queue(
    conn: &mut DbConnection,
    petition_id: &str,
    kind: LeafKind,
    commitment: &Hash,
    now: PrimitiveDateTime,
) -> anyhow::Result<()> {
    db_run!(conn: {
        diesel::insert_into(log_queue::table)
            .values((
                log_queue::petition_id.eq(petition_id),
                log_queue::kind.eq(kind.as_str()),
                log_queue::commitment.eq(commitment.as_slice()),
                log_queue::day.eq(day_of(now)),
            ))
            .execute(conn)
    })
    .context("queueing a log entry")?;
    Ok(())
}

/// Most queued entries one sequencing transaction places.
const SEQUENCE_BATCH: i64 = 5_000;
/// Rows per multi-row insert, well under either backend's limit on bound
/// parameters.
const INSERT_CHUNK: usize = 1_000;

/// Gives every queued entry its place in its petition's log, oldest first,
/// with the hashes of the subtrees it completes; returns how many it
/// placed. Safe to run from several instances at once.
pub fn sequence(conn: &mut DbConnection) -> anyhow::Result<usize> {
    // What is queued from now on waits for the next call, so that a busy
    // petition never keeps its caller (the head publisher) from signing.
    let last: Option<i64> = db_run!(conn: {
        log_queue::table
            .select(diesel::dsl::max(log_queue::id))
            .first(conn)
    })
    .context("reading the end of the log queue")?;
    let Some(last) = last else {
        return Ok(0);
    };
    let mut placed = 0;
    loop {
        let (read, done) = write_transaction(conn, |conn| sequence_batch(conn, last))?;
        placed += done;
        if read < SEQUENCE_BATCH as usize {
            return Ok(placed);
        }
    }
}

#[derive(Queryable)]
struct Queued {
    id: i64,
    petition_id: String,
    kind: String,
    commitment: Vec<u8>,
    day: String,
}

/// Returns how many entries it read and how many it placed.
fn sequence_batch(conn: &mut DbConnection, last: i64) -> anyhow::Result<(usize, usize)> {
    if let DbConnection::Postgresql(c) = conn {
        // One sequencer at a time across instances, so that entries are
        // placed in the order they were queued. SQLite's write transaction
        // already excludes every other writer.
        diesel::sql_query("SELECT pg_advisory_xact_lock(7262173485103)")
            .execute(c)
            .context("waiting for the log sequencer's lock")?;
    }
    let queued: Vec<Queued> = db_run!(conn: {
        log_queue::table
            .filter(log_queue::id.le(last))
            .order(log_queue::id.asc())
            .limit(SEQUENCE_BATCH)
            .select((
                log_queue::id,
                log_queue::petition_id,
                log_queue::kind,
                log_queue::commitment,
                log_queue::day,
            ))
            .load(conn)
    })
    .context("reading the log queue")?;
    let read = queued.len();
    let mut by_log: Vec<(String, Vec<Queued>)> = Vec::new();
    for entry in queued {
        match by_log.iter_mut().find(|(id, _)| *id == entry.petition_id) {
            Some((_, entries)) => entries.push(entry),
            None => by_log.push((entry.petition_id.clone(), vec![entry])),
        }
    }
    let mut done = Vec::new();
    let mut placed = 0;
    for (petition_id, entries) in by_log {
        placed += place(conn, &petition_id, entries, &mut done)?;
    }
    for chunk in done.chunks(INSERT_CHUNK) {
        db_run!(conn: {
            diesel::delete(log_queue::table.filter(log_queue::id.eq_any(chunk))).execute(conn)
        })
        .context("emptying the log queue")?;
    }
    Ok((read, placed))
}

/// Appends one petition's queued entries to its log. Entries done with are
/// added to `done`; a revoke whose add cannot be found stays queued.
fn place(
    conn: &mut DbConnection,
    petition_id: &str,
    entries: Vec<Queued>,
    done: &mut Vec<i64>,
) -> anyhow::Result<usize> {
    let slug: String = db_run!(conn: {
        petitions::table
            .filter(petitions::id.eq(petition_id))
            .select(petitions::slug)
            .first(conn)
    })
    .context("reading the slug of a log")?;
    let totals = totals(conn, petition_id)?;
    let start = totals.size as u64;
    let mut leaves: Vec<Leaf> = Vec::with_capacity(entries.len());
    // The adds and revokes of this batch, by commitment.
    let mut added: HashMap<Hash, u64> = HashMap::new();
    let mut revoked: HashSet<u64> = HashSet::new();
    for entry in entries {
        let commitment = to_hash(entry.commitment)?;
        let kind = LeafKind::parse(&entry.kind)
            .with_context(|| format!("a queued entry has the kind {:?}", entry.kind))?;
        let index = start + leaves.len() as u64;
        let revokes = match kind {
            LeafKind::Add => {
                added.insert(commitment, index);
                None
            }
            LeafKind::Revoke => {
                let add = match added.get(&commitment) {
                    Some(add) => Some(*add),
                    None => find_leaf(conn, petition_id, &LeafKey::Commitment(commitment))?
                        .map(|(add, _)| add),
                };
                let Some(add) = add else {
                    // Cannot happen while the queue keeps its order. Left
                    // queued, it is reported here at each pass, and
                    // `undersigned verify` finds the count above the log.
                    tracing::error!(petition_id, entry = entry.id, "a queued revoke has no add");
                    continue;
                };
                if revoked.contains(&add) || revoked_by(conn, petition_id, add)?.is_some() {
                    tracing::error!(petition_id, add, "a signature was revoked twice; kept once");
                    done.push(entry.id);
                    continue;
                }
                revoked.insert(add);
                Some(add)
            }
        };
        done.push(entry.id);
        leaves.push(Leaf {
            index,
            kind,
            revokes,
            day: entry.day,
            commitment,
        });
    }
    if leaves.is_empty() {
        return Ok(0);
    }

    // Each leaf completes one subtree on average; the left halves come from
    // this batch or, at its start, from the stored hashes.
    let mut hashes = Vec::with_capacity(leaves.len());
    let mut new_nodes: Vec<(u32, u64, Hash)> = Vec::with_capacity(leaves.len());
    {
        let mut nodes = StoredNodes::new(conn, petition_id);
        for leaf in &leaves {
            let hash = leaf.hash(&slug);
            hashes.push(hash);
            nodes.remember(0, leaf.index, hash);
            let (mut level, mut position, mut current) = (0u32, leaf.index, hash);
            while position & 1 == 1 {
                let left = nodes.perfect(level, position - 1)?;
                current = node_hash(&left, &current);
                level += 1;
                position >>= 1;
                nodes.remember(level, position, current);
                new_nodes.push((level, position, current));
            }
        }
    }

    for (chunk, chunk_hashes) in leaves.chunks(INSERT_CHUNK).zip(hashes.chunks(INSERT_CHUNK)) {
        let rows: Vec<_> = chunk
            .iter()
            .zip(chunk_hashes)
            .map(|(leaf, hash)| {
                (
                    log_leaves::petition_id.eq(petition_id),
                    log_leaves::idx.eq(leaf.index as i64),
                    log_leaves::kind.eq(leaf.kind.as_str()),
                    log_leaves::revokes.eq(leaf.revokes.map(|r| r as i64)),
                    log_leaves::day.eq(leaf.day.as_str()),
                    log_leaves::commitment.eq(leaf.commitment.as_slice()),
                    log_leaves::leaf_hash.eq(hash.as_slice()),
                )
            })
            .collect();
        db_run!(conn: { diesel::insert_into(log_leaves::table).values(&rows).execute(conn) })
            .context("appending leaves")?;
    }
    for chunk in new_nodes.chunks(INSERT_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(level, position, hash)| {
                (
                    log_nodes::petition_id.eq(petition_id),
                    log_nodes::level.eq(*level as i32),
                    log_nodes::idx.eq(*position as i64),
                    log_nodes::hash.eq(hash.as_slice()),
                )
            })
            .collect();
        db_run!(conn: { diesel::insert_into(log_nodes::table).values(&rows).execute(conn) })
            .context("storing subtree hashes")?;
    }
    let adds = leaves.iter().filter(|l| l.kind == LeafKind::Add).count() as i64;
    let revokes = leaves.len() as i64 - adds;
    db_run!(conn: {
        diesel::update(log_states::table.filter(log_states::petition_id.eq(petition_id)))
            .set((
                log_states::size.eq(log_states::size + leaves.len() as i64),
                log_states::adds.eq(log_states::adds + adds),
                log_states::revokes.eq(log_states::revokes + revokes),
            ))
            .execute(conn)
    })
    .context("growing the log")?;
    Ok(leaves.len())
}

/// Adds minus revokes, placed and queued, read in one statement: two
/// statements could see an entry the sequencer moves in between in
/// neither place.
pub fn net_with_queue(conn: &mut DbConnection, petition_id: &str) -> anyhow::Result<i64> {
    #[derive(QueryableByName)]
    struct Net {
        #[diesel(sql_type = BigInt)]
        net: i64,
    }
    const SQL: &str =
        "SELECT CAST(COALESCE((SELECT adds - revokes FROM log_states WHERE petition_id = $1), 0) \
         + COALESCE((SELECT SUM(CASE WHEN kind = 'add' THEN 1 ELSE -1 END) FROM log_queue \
                     WHERE petition_id = $1), 0) AS BIGINT) AS net";
    let net: Net = db_run!(conn: {
        diesel::sql_query(SQL)
            .bind::<Text, _>(petition_id)
            .get_result(conn)
    })
    .context("reading the log's adds minus revokes")?;
    Ok(net.net)
}

/// Whether a receipt's commitment waits in the queue for its place.
pub fn is_queued(
    conn: &mut DbConnection,
    petition_id: &str,
    commitment: &Hash,
) -> anyhow::Result<bool> {
    let found: Option<i64> = db_run!(conn: {
        log_queue::table
            .filter(log_queue::petition_id.eq(petition_id))
            .filter(log_queue::commitment.eq(commitment.as_slice()))
            .select(log_queue::id)
            .first(conn)
            .optional()
    })
    .context("looking in the log queue")?;
    Ok(found.is_some())
}

fn day_of(at: PrimitiveDateTime) -> String {
    let d = at.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub fn to_hash(bytes: Vec<u8>) -> anyhow::Result<Hash> {
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("a stored hash is not 32 bytes"))
}

/// Complete subtrees read from the stored hashes, each at most once.
pub struct StoredNodes<'c> {
    conn: &'c mut DbConnection,
    petition_id: &'c str,
    seen: HashMap<(u32, u64), Hash>,
}

impl<'c> StoredNodes<'c> {
    pub fn new(conn: &'c mut DbConnection, petition_id: &'c str) -> Self {
        Self {
            conn,
            petition_id,
            seen: HashMap::new(),
        }
    }

    /// Reads these subtrees' hashes at once: the leaves in one query, the
    /// higher nodes in another. Any missing is read, and reported, later.
    pub fn prefetch(&mut self, wanted: &[(u32, u64)]) -> anyhow::Result<()> {
        let petition_id = self.petition_id;
        let leaves: Vec<i64> = wanted
            .iter()
            .filter(|(level, _)| *level == 0)
            .map(|(_, index)| *index as i64)
            .collect();
        if !leaves.is_empty() {
            let conn = &mut *self.conn;
            let found: Vec<(i64, Vec<u8>)> = db_run!(conn: {
                log_leaves::table
                    .filter(log_leaves::petition_id.eq(petition_id))
                    .filter(log_leaves::idx.eq_any(&leaves))
                    .select((log_leaves::idx, log_leaves::leaf_hash))
                    .load(conn)
            })
            .context("reading the log's leaves")?;
            for (index, hash) in found {
                self.seen.insert((0, index as u64), to_hash(hash)?);
            }
        }
        let higher: HashSet<(i32, i64)> = wanted
            .iter()
            .filter(|(level, _)| *level > 0)
            .map(|(level, index)| (*level as i32, *index as i64))
            .collect();
        if !higher.is_empty() {
            // Every wanted level by every wanted index, sorted out here: a
            // few rows more than asked for, over the primary key.
            let levels: HashSet<i32> = higher.iter().map(|(level, _)| *level).collect();
            let indices: HashSet<i64> = higher.iter().map(|(_, index)| *index).collect();
            let (levels, indices): (Vec<i32>, Vec<i64>) =
                (levels.into_iter().collect(), indices.into_iter().collect());
            let conn = &mut *self.conn;
            let found: Vec<(i32, i64, Vec<u8>)> = db_run!(conn: {
                log_nodes::table
                    .filter(log_nodes::petition_id.eq(petition_id))
                    .filter(log_nodes::level.eq_any(&levels))
                    .filter(log_nodes::idx.eq_any(&indices))
                    .select((log_nodes::level, log_nodes::idx, log_nodes::hash))
                    .load(conn)
            })
            .context("reading the log's subtree hashes")?;
            for (level, index, hash) in found {
                if higher.contains(&(level, index)) {
                    self.seen
                        .insert((level as u32, index as u64), to_hash(hash)?);
                }
            }
        }
        Ok(())
    }

    /// A hash known before it is stored, so it is never read back.
    pub fn remember(&mut self, level: u32, index: u64, hash: Hash) {
        self.seen.insert((level, index), hash);
    }
}

impl Nodes for StoredNodes<'_> {
    fn perfect(&mut self, level: u32, index: u64) -> anyhow::Result<Hash> {
        if let Some(hash) = self.seen.get(&(level, index)) {
            return Ok(*hash);
        }
        let conn = &mut *self.conn;
        let petition_id = self.petition_id;
        let bytes: Vec<u8> = if level == 0 {
            db_run!(conn: {
                log_leaves::table
                    .filter(log_leaves::petition_id.eq(petition_id))
                    .filter(log_leaves::idx.eq(index as i64))
                    .select(log_leaves::leaf_hash)
                    .first(conn)
            })
        } else {
            db_run!(conn: {
                log_nodes::table
                    .filter(log_nodes::petition_id.eq(petition_id))
                    .filter(log_nodes::level.eq(level as i32))
                    .filter(log_nodes::idx.eq(index as i64))
                    .select(log_nodes::hash)
                    .first(conn)
            })
        }
        .with_context(|| format!("reading the log's subtree {level}/{index}"))?;
        let hash = to_hash(bytes)?;
        self.seen.insert((level, index), hash);
        Ok(hash)
    }
}

/// A log's running totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct LogTotals {
    pub size: i64,
    pub adds: i64,
    pub revokes: i64,
}

pub fn totals(conn: &mut DbConnection, petition_id: &str) -> anyhow::Result<LogTotals> {
    Ok(db_run!(conn: {
        log_states::table
            .filter(log_states::petition_id.eq(petition_id))
            .select((log_states::size, log_states::adds, log_states::revokes))
            .first(conn)
            .optional()
    })
    .context("reading the log's totals")?
    .unwrap_or(LogTotals {
        size: 0,
        adds: 0,
        revokes: 0,
    }))
}

/// The id of the public (not hidden) petition behind `slug`.
pub fn public_petition_id(conn: &mut DbConnection, slug: &str) -> anyhow::Result<Option<String>> {
    db_run!(conn: {
        petitions::table
            .filter(petitions::slug.eq(slug))
            .filter(petitions::hidden_at.is_null())
            .select(petitions::id)
            .first(conn)
            .optional()
    })
    .context("finding the petition of a log")
}

#[derive(Queryable)]
struct HeadRow {
    tree_size: i64,
    root_hash: Vec<u8>,
    adds: i64,
    revokes: i64,
    published_at: PrimitiveDateTime,
    signature: Vec<u8>,
}

impl HeadRow {
    fn into_head(self, slug: &str) -> TreeHead {
        use base64::Engine;
        TreeHead {
            petition: slug.to_owned(),
            tree_size: self.tree_size as u64,
            root_hash: hex::encode(self.root_hash),
            adds: self.adds as u64,
            revokes: self.revokes as u64,
            timestamp: rfc3339(self.published_at),
            signature: base64::engine::general_purpose::STANDARD.encode(self.signature),
        }
    }
}

fn rfc3339(at: PrimitiveDateTime) -> String {
    at.assume_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

type HeadColumns = (
    log_heads::tree_size,
    log_heads::root_hash,
    log_heads::adds,
    log_heads::revokes,
    log_heads::published_at,
    log_heads::signature,
);
const HEAD_COLUMNS: HeadColumns = (
    log_heads::tree_size,
    log_heads::root_hash,
    log_heads::adds,
    log_heads::revokes,
    log_heads::published_at,
    log_heads::signature,
);

/// The latest signed head of a petition's log.
pub fn latest_head(
    conn: &mut DbConnection,
    petition_id: &str,
    slug: &str,
) -> anyhow::Result<Option<TreeHead>> {
    let row: Option<HeadRow> = db_run!(conn: {
        log_heads::table
            .filter(log_heads::petition_id.eq(petition_id))
            .order(log_heads::seq.desc())
            .select(HEAD_COLUMNS)
            .first(conn)
            .optional()
    })
    .context("reading the latest head")?;
    Ok(row.map(|r| r.into_head(slug)))
}

/// Signed heads, oldest first, `limit` from `offset`.
pub fn heads(
    conn: &mut DbConnection,
    petition_id: &str,
    slug: &str,
    offset: i64,
    limit: i64,
) -> anyhow::Result<Vec<TreeHead>> {
    let rows: Vec<HeadRow> = db_run!(conn: {
        log_heads::table
            .filter(log_heads::petition_id.eq(petition_id))
            .order(log_heads::seq.asc())
            .offset(offset)
            .limit(limit)
            .select(HEAD_COLUMNS)
            .load(conn)
    })
    .context("reading heads")?;
    Ok(rows.into_iter().map(|r| r.into_head(slug)).collect())
}

/// A leaf as the public list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLeaf {
    pub leaf: Leaf,
    pub leaf_hash: Hash,
}

/// Leaves `start <= index < end`, in order.
pub fn leaves(
    conn: &mut DbConnection,
    petition_id: &str,
    start: u64,
    end: u64,
) -> anyhow::Result<Vec<StoredLeaf>> {
    type Row = (i64, String, Option<i64>, String, Vec<u8>, Vec<u8>);
    let rows: Vec<Row> = db_run!(conn: {
        log_leaves::table
            .filter(log_leaves::petition_id.eq(petition_id))
            .filter(log_leaves::idx.ge(start as i64))
            .filter(log_leaves::idx.lt(end as i64))
            .order(log_leaves::idx.asc())
            .select((
                log_leaves::idx,
                log_leaves::kind,
                log_leaves::revokes,
                log_leaves::day,
                log_leaves::commitment,
                log_leaves::leaf_hash,
            ))
            .load(conn)
    })
    .context("reading leaves")?;
    rows.into_iter()
        .map(|(idx, kind, revokes, day, commitment, leaf_hash)| {
            Ok(StoredLeaf {
                leaf: Leaf {
                    index: idx as u64,
                    kind: LeafKind::parse(&kind)
                        .with_context(|| format!("leaf {idx} has the kind {kind:?}"))?,
                    revokes: revokes.map(|r| r as u64),
                    day,
                    commitment: to_hash(commitment)?,
                },
                leaf_hash: to_hash(leaf_hash)?,
            })
        })
        .collect()
}

/// What a proof is asked for by.
pub enum LeafKey {
    /// A receipt's commitment: the add leaf it belongs to.
    Commitment(Hash),
    LeafHash(Hash),
}

/// The index and hash of the leaf a proof is asked for, if it is in this
/// petition's log.
pub fn find_leaf(
    conn: &mut DbConnection,
    petition_id: &str,
    key: &LeafKey,
) -> anyhow::Result<Option<(u64, Hash)>> {
    let found: Option<(i64, Vec<u8>)> = match key {
        LeafKey::Commitment(c) => db_run!(conn: {
            log_leaves::table
                .filter(log_leaves::commitment.eq(c.as_slice()))
                .filter(log_leaves::petition_id.eq(petition_id))
                .filter(log_leaves::kind.eq(LeafKind::Add.as_str()))
                .select((log_leaves::idx, log_leaves::leaf_hash))
                .first(conn)
                .optional()
        }),
        LeafKey::LeafHash(h) => db_run!(conn: {
            log_leaves::table
                .filter(log_leaves::leaf_hash.eq(h.as_slice()))
                .filter(log_leaves::petition_id.eq(petition_id))
                .select((log_leaves::idx, log_leaves::leaf_hash))
                .first(conn)
                .optional()
        }),
    }
    .context("finding a leaf")?;
    found
        .map(|(idx, hash)| Ok((idx as u64, to_hash(hash)?)))
        .transpose()
}

/// The revoke leaf that takes back the add at `index`, if any.
pub fn revoked_by(
    conn: &mut DbConnection,
    petition_id: &str,
    index: u64,
) -> anyhow::Result<Option<u64>> {
    let found: Option<i64> = db_run!(conn: {
        log_leaves::table
            .filter(log_leaves::petition_id.eq(petition_id))
            .filter(log_leaves::revokes.eq(index as i64))
            .select(log_leaves::idx)
            .first(conn)
            .optional()
    })
    .context("finding a revoke")?;
    Ok(found.map(|i| i as u64))
}

pub fn inclusion_path(
    conn: &mut DbConnection,
    petition_id: &str,
    index: u64,
    size: u64,
) -> anyhow::Result<Vec<Hash>> {
    with_prefetched(conn, petition_id, |nodes| {
        merkle::inclusion_path(nodes, index, size)
    })
}

pub fn consistency_path(
    conn: &mut DbConnection,
    petition_id: &str,
    first: u64,
    second: u64,
) -> anyhow::Result<Vec<Hash>> {
    with_prefetched(conn, petition_id, |nodes| {
        merkle::consistency_path(nodes, first, second)
    })
}

pub fn root(conn: &mut DbConnection, petition_id: &str, size: u64) -> anyhow::Result<Hash> {
    with_prefetched(conn, petition_id, |nodes| merkle::root(nodes, size))
}

/// Runs `compute` twice: once to learn which stored hashes it reads (which
/// never depends on their values), then over those hashes read in two
/// queries, rather than one query per hash, O(log n) of them.
fn with_prefetched<T>(
    conn: &mut DbConnection,
    petition_id: &str,
    compute: impl Fn(&mut dyn Nodes) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    struct Wanted(Vec<(u32, u64)>);
    impl Nodes for Wanted {
        fn perfect(&mut self, level: u32, index: u64) -> anyhow::Result<Hash> {
            self.0.push((level, index));
            Ok([0; 32])
        }
    }
    let mut wanted = Wanted(Vec::new());
    compute(&mut wanted)?;
    let mut nodes = StoredNodes::new(conn, petition_id);
    nodes.prefetch(&wanted.0)?;
    compute(&mut nodes)
}

/// A log whose head is due: it grew since its last head, or its petition
/// closed since then.
#[derive(Debug, Clone, QueryableByName)]
pub struct DueHead {
    #[diesel(sql_type = Text)]
    pub petition_id: String,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = BigInt)]
    pub size: i64,
    #[diesel(sql_type = BigInt)]
    pub adds: i64,
    #[diesel(sql_type = BigInt)]
    pub revokes: i64,
    #[diesel(sql_type = BigInt)]
    pub head_seq: i64,
}

pub fn due_heads(conn: &mut DbConnection, now: PrimitiveDateTime) -> anyhow::Result<Vec<DueHead>> {
    // A petition closes by hand (closed_at) or when its closing date
    // passes (closes_at); either way its log gets a last head after it.
    const SQL: &str = "SELECT s.petition_id, p.slug, s.size, s.adds, s.revokes, s.head_seq \
         FROM log_states s JOIN petitions p ON p.id = s.petition_id \
         WHERE s.size > s.head_size \
            OR (p.closed_at IS NOT NULL AND (s.head_at IS NULL OR s.head_at < p.closed_at)) \
            OR (p.closes_at IS NOT NULL AND p.closes_at <= $1 \
                AND (s.head_at IS NULL OR s.head_at < p.closes_at))";
    db_run!(conn: {
        diesel::sql_query(SQL)
            .bind::<Timestamp, _>(now)
            .load(conn)
    })
    .context("finding logs whose head is due")
}

/// Signs and stores the head of `due`, unless another instance already
/// published one since `due` was read. Returns whether it published.
pub fn publish_head(
    conn: &mut DbConnection,
    due: &DueHead,
    key: &LogKey,
    now: PrimitiveDateTime,
) -> anyhow::Result<bool> {
    // Whole seconds: the timestamp is signed as text, and must read back
    // from the database exactly as it was signed.
    let at = now.replace_nanosecond(0).unwrap_or(now);
    write_transaction(conn, |conn| {
        let claimed = db_run!(conn: {
            diesel::update(
                log_states::table
                    .filter(log_states::petition_id.eq(&due.petition_id))
                    .filter(log_states::head_seq.eq(due.head_seq)),
            )
            .set((
                log_states::head_seq.eq(due.head_seq + 1),
                log_states::head_size.eq(due.size),
                log_states::head_at.eq(at),
            ))
            .execute(conn)
        })
        .context("claiming the next head")?;
        if claimed == 0 {
            return Ok(false);
        }
        let root = root(conn, &due.petition_id, due.size as u64)?;
        let mut head = TreeHead {
            petition: due.slug.clone(),
            tree_size: due.size as u64,
            root_hash: hex::encode(root),
            adds: due.adds as u64,
            revokes: due.revokes as u64,
            timestamp: rfc3339(at),
            signature: String::new(),
        };
        key.sign(&mut head);
        use base64::Engine;
        let signature = base64::engine::general_purpose::STANDARD
            .decode(&head.signature)
            .context("decoding our own signature")?;
        db_run!(conn: {
            diesel::insert_into(log_heads::table)
                .values((
                    log_heads::petition_id.eq(&due.petition_id),
                    log_heads::seq.eq(due.head_seq + 1),
                    log_heads::tree_size.eq(due.size),
                    log_heads::root_hash.eq(root.as_slice()),
                    log_heads::adds.eq(due.adds),
                    log_heads::revokes.eq(due.revokes),
                    log_heads::published_at.eq(at),
                    log_heads::signature.eq(signature),
                ))
                .execute(conn)
        })
        .context("storing a signed head")?;
        Ok(true)
    })
}

/// Another process gave a signature its leaf first.
#[derive(Debug, thiserror::Error)]
#[error("another process is backfilling the log")]
struct Raced;

/// Confirmed signatures that have no add leaf: those confirmed before the
/// log existed. Each gets one, with the commitment of a receipt nobody was
/// shown, so that the log adds up to the count from the start.
pub fn backfill(conn: &mut DbConnection, now: PrimitiveDateTime) -> anyhow::Result<u64> {
    use crate::db::schema::signatures;
    use crate::domain::signer::SignatureState;
    let mut done = 0;
    loop {
        let batch: Vec<(String, String)> = db_run!(conn: {
            signatures::table
                // Written out, not bound, so that both planners match it
                // to the partial index signatures_without_leaf.
                .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "state = 'confirmed' AND commitment IS NULL",
                ))
                .select((signatures::id, signatures::petition_id))
                .limit(500)
                .load(conn)
        })
        .context("finding signatures the log lacks")?;
        if batch.is_empty() {
            return Ok(done);
        }
        let written = write_transaction(conn, |conn| {
            for (id, petition_id) in &batch {
                let commitment = crate::transparency::receipt::Receipt::generate().commitment();
                // Another instance starting at the same moment may have
                // given it a leaf already, or it was withdrawn or
                // invalidated since it was read: then this batch is rolled
                // back and the next round reads what is still missing.
                let set = db_run!(conn: {
                    diesel::update(
                        signatures::table
                            .filter(signatures::id.eq(id))
                            .filter(signatures::state.eq(SignatureState::Confirmed))
                            .filter(signatures::commitment.is_null()),
                    )
                    .set(signatures::commitment.eq(commitment.as_slice()))
                    .execute(conn)
                })
                .context("recording a backfilled commitment")?;
                if set == 0 {
                    return Err(anyhow::Error::new(Raced));
                }
                queue_add(conn, petition_id, &commitment, now)?;
            }
            Ok(())
        });
        match written {
            Ok(()) => done += batch.len() as u64,
            Err(err) if err.is::<Raced>() => continue,
            Err(err) => return Err(err),
        }
    }
}
