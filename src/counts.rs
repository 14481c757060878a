//! The count store: every petition's confirmed count, in memory, so that
//! pages, the API, badges and embeds never count rows per request.
//!
//! # Why sharded counters under an in-memory cache
//!
//! The durable count lives in `signature_count_shards`, changed in the same
//! transaction that confirms or withdraws a signature. It is therefore never
//! lost by a crash and never counted twice, on any number of instances.
//! PostgreSQL spreads each petition over 16 shard rows, so concurrent
//! confirmations do not queue on one hot row (the UK petitions site's
//! failure mode); SQLite has a single writer and uses one row.
//!
//! Reads come from this store. After a local confirmation the store re-reads
//! that petition's shards (a handful of rows). Other instances learn of it
//! through the PostgreSQL bridge in [`crate::live::bridge`]: the petitions
//! changed here are collected ([`CountStore::take_outgoing`]) and announced
//! in one NOTIFY per batch, and each instance re-reads just those rows. A
//! slow full refresh ([`crate::workers::count_refresher`]) re-reads every
//! petition as a safety net and stores the `petitions.signature_count`
//! snapshot for sorted listings. SQLite serves one instance, so there is no
//! bridge; its full refresh stays frequent because it is only a local file
//! read, and it still covers another process writing to the same file.
//! Each database read takes a ticket before it starts; a value is applied
//! only if its ticket is newer than the one that set the current value, so a
//! slow read can never move a count back in time.
//!
//! Every change is published on a broadcast channel for live subscribers.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use time::OffsetDateTime;
use tokio::sync::{broadcast, Notify};

use crate::db::models::counts::{self as count_rows, PetitionCountRow};
use crate::db::models::petitions::Petition;
use crate::db::{Db, DbConnection};

/// What a reader learns about a petition without touching the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PetitionCount {
    pub slug: String,
    pub goal: i64,
    pub count: i64,
    pub updated_at: OffsetDateTime,
}

/// Published whenever a petition's count changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountChange {
    pub slug: String,
    pub count: i64,
    pub goal: i64,
}

struct Entry {
    slug: String,
    goal: i64,
    count: i64,
    updated_at: OffsetDateTime,
    /// The ticket of the read that set `count`.
    ticket: u64,
    /// Hidden by an admin: unknown to public readers.
    hidden: bool,
    /// The ticket of the read that set `hidden`, kept apart from `ticket`
    /// because a count reload does not read it.
    hidden_ticket: u64,
}

#[derive(Default)]
struct Inner {
    by_id: HashMap<String, Entry>,
    id_by_slug: HashMap<String, String>,
}

pub struct CountStore {
    inner: RwLock<Inner>,
    tickets: AtomicU64,
    changes: broadcast::Sender<CountChange>,
    /// Petitions changed by this instance that other instances have not
    /// been told about; `None` when nobody tells them (SQLite).
    outgoing: Option<Outgoing>,
    /// Names this instance in its announcements, so it can skip its own.
    instance: String,
}

struct Outgoing {
    ids: Mutex<HashSet<String>>,
    wake: Notify,
}

impl Default for CountStore {
    fn default() -> Self {
        Self::new()
    }
}

impl CountStore {
    /// A store for one instance alone.
    pub fn new() -> Self {
        Self {
            inner: RwLock::new(Inner::default()),
            tickets: AtomicU64::new(1),
            changes: broadcast::channel(1024).0,
            outgoing: None,
            instance: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    pub fn instance_id(&self) -> &str {
        &self.instance
    }

    /// A store whose local changes are collected for other instances; see
    /// [`CountStore::take_outgoing`].
    pub fn shared() -> Self {
        Self {
            outgoing: Some(Outgoing {
                ids: Mutex::new(HashSet::new()),
                wake: Notify::new(),
            }),
            ..Self::new()
        }
    }

    /// Waits until this instance has changed a petition that other
    /// instances have not heard of yet. Never returns on a store that
    /// collects nothing.
    pub async fn outgoing_changed(&self) {
        match &self.outgoing {
            Some(outgoing) => outgoing.wake.notified().await,
            None => std::future::pending().await,
        }
    }

    /// The ids of petitions changed here since the last call.
    pub fn take_outgoing(&self) -> Vec<String> {
        let Some(outgoing) = &self.outgoing else {
            return Vec::new();
        };
        let mut ids = outgoing.ids.lock().expect("outgoing lock");
        let mut taken: Vec<String> = ids.drain().collect();
        // A stable order, so that writers touching several petitions take
        // their row locks in the same order and cannot deadlock.
        taken.sort_unstable();
        taken
    }

    /// Puts back ids whose announcement failed, to be sent with the next.
    pub fn restore_outgoing(&self, ids: Vec<String>) {
        if let Some(outgoing) = &self.outgoing {
            outgoing.ids.lock().expect("outgoing lock").extend(ids);
            outgoing.wake.notify_one();
        }
    }

    fn mark_outgoing(&self, petition_id: &str) {
        if let Some(outgoing) = &self.outgoing {
            let mut ids = outgoing.ids.lock().expect("outgoing lock");
            if !ids.contains(petition_id) {
                ids.insert(petition_id.to_owned());
            }
            drop(ids);
            outgoing.wake.notify_one();
        }
    }

    /// The public view of a petition's count: `None` for an unknown
    /// petition and for one an admin has hidden.
    pub fn get(&self, slug: &str) -> Option<PetitionCount> {
        let inner = self.inner.read().expect("count store lock");
        let entry = inner.by_id.get(inner.id_by_slug.get(slug)?)?;
        (!entry.hidden).then(|| snapshot(entry))
    }

    /// Any petition's count, hidden or not, for its owner and admins.
    pub fn count_of(&self, petition_id: &str) -> i64 {
        let inner = self.inner.read().expect("count store lock");
        inner.by_id.get(petition_id).map_or(0, |e| e.count)
    }

    /// Count changes as they happen, for live pages and badges.
    pub fn subscribe(&self) -> broadcast::Receiver<CountChange> {
        self.changes.subscribe()
    }

    /// Records a petition created, edited, closed, hidden or shown again on
    /// this instance, so that this instance answers for it at once.
    pub fn upsert_petition(&self, petition: &Petition) {
        let row = PetitionCountRow {
            id: petition.id.clone(),
            slug: petition.slug.clone(),
            goal: petition.goal,
            snapshot: petition.signature_count,
            confirmed: self.count_of(&petition.id),
            hidden: petition.hidden_at.is_some(),
        };
        let ticket = self.ticket();
        self.apply(&[row], ticket);
        self.mark_outgoing(&petition.id);
    }

    /// Re-reads one petition's durable count; call after committing a change
    /// to it. Blocking: run it on the database thread that made the change.
    pub fn reload_one(&self, conn: &mut DbConnection, petition_id: &str) -> anyhow::Result<()> {
        let ticket = self.ticket();
        let count = count_rows::load_one(conn, petition_id)?;
        self.mark_outgoing(petition_id);
        let mut inner = self.inner.write().expect("count store lock");
        if let Some(entry) = inner.by_id.get_mut(petition_id) {
            if ticket > entry.ticket {
                entry.ticket = ticket;
                if entry.count != count {
                    entry.count = count;
                    entry.updated_at = OffsetDateTime::now_utc();
                    publish(&self.changes, entry);
                }
            }
        }
        Ok(())
    }

    /// Re-reads every petition and stores listing snapshots that moved.
    pub async fn refresh(&self, db: &Db) -> anyhow::Result<()> {
        let ticket = self.ticket();
        let rows = db.run(count_rows::load_all).await?;
        let stale: Vec<(String, i64)> = rows
            .iter()
            .filter(|r| r.snapshot != r.confirmed)
            .map(|r| (r.id.clone(), r.confirmed))
            .collect();
        self.apply(&rows, ticket);
        if !stale.is_empty() {
            db.run(move |conn| count_rows::store_snapshots(conn, &stale))
                .await?;
        }
        Ok(())
    }

    /// Re-reads the given petitions, which another instance changed: their
    /// counts, goals, slugs and whether they are hidden.
    pub async fn reload_some(&self, db: &Db, ids: Vec<String>) -> anyhow::Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let ticket = self.ticket();
        let rows = db
            .run(move |conn| count_rows::load_some(conn, &ids))
            .await?;
        self.apply(&rows, ticket);
        Ok(())
    }

    fn ticket(&self) -> u64 {
        self.tickets.fetch_add(1, Ordering::SeqCst)
    }

    fn apply(&self, rows: &[PetitionCountRow], ticket: u64) {
        let mut inner = self.inner.write().expect("count store lock");
        for row in rows {
            let Inner { by_id, id_by_slug } = &mut *inner;
            let entry = by_id.entry(row.id.clone()).or_insert_with(|| {
                id_by_slug.insert(row.slug.clone(), row.id.clone());
                Entry {
                    slug: row.slug.clone(),
                    goal: row.goal,
                    count: row.confirmed,
                    updated_at: OffsetDateTime::now_utc(),
                    ticket: 0,
                    hidden: row.hidden,
                    hidden_ticket: 0,
                }
            });
            entry.goal = row.goal;
            // A refresh that read the database before an admin hid the
            // petition here must not show it again.
            if ticket > entry.hidden_ticket {
                entry.hidden_ticket = ticket;
                entry.hidden = row.hidden;
            }
            if ticket > entry.ticket {
                entry.ticket = ticket;
                if entry.count != row.confirmed {
                    entry.count = row.confirmed;
                    entry.updated_at = OffsetDateTime::now_utc();
                    publish(&self.changes, entry);
                }
            }
        }
    }
}

fn snapshot(entry: &Entry) -> PetitionCount {
    PetitionCount {
        slug: entry.slug.clone(),
        goal: entry.goal,
        count: entry.count,
        updated_at: entry.updated_at,
    }
}

/// Live subscribers are public, so a hidden petition's changes are kept
/// from them.
fn publish(changes: &broadcast::Sender<CountChange>, entry: &Entry) {
    if !entry.hidden {
        let _ = changes.send(change(entry));
    }
}

fn change(entry: &Entry) -> CountChange {
    CountChange {
        slug: entry.slug.clone(),
        count: entry.count,
        goal: entry.goal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(count: i64) -> PetitionCountRow {
        PetitionCountRow {
            id: "p1".into(),
            slug: "save-the-bees".into(),
            goal: 100,
            snapshot: 0,
            confirmed: count,
            hidden: false,
        }
    }

    #[test]
    fn an_older_read_never_moves_a_count_back() {
        let store = CountStore::new();
        let first = store.ticket();
        store.apply(&[row(0)], first);
        let mut changes = store.subscribe();
        let slow_read = store.ticket();
        let fresh_read = store.ticket();
        store.apply(&[row(7)], fresh_read);
        store.apply(&[row(5)], slow_read);
        assert_eq!(store.get("save-the-bees").unwrap().count, 7);
        assert_eq!(
            changes.try_recv().unwrap(),
            CountChange {
                slug: "save-the-bees".into(),
                count: 7,
                goal: 100
            }
        );
        assert!(
            changes.try_recv().is_err(),
            "the stale read published nothing"
        );
    }

    #[test]
    fn a_hidden_petition_has_no_public_count_and_a_stale_read_keeps_it_hidden() {
        let store = CountStore::new();
        let first = store.ticket();
        store.apply(&[row(3)], first);
        let mut changes = store.subscribe();
        let stale_read = store.ticket();
        let hide = store.ticket();
        store.apply(
            &[PetitionCountRow {
                hidden: true,
                ..row(4)
            }],
            hide,
        );
        assert!(store.get("save-the-bees").is_none());
        assert_eq!(store.count_of("p1"), 4, "its owner still sees the count");
        assert!(
            changes.try_recv().is_err(),
            "nothing published while hidden"
        );
        store.apply(&[row(3)], stale_read);
        assert!(store.get("save-the-bees").is_none());
        let shown_again = store.ticket();
        store.apply(&[row(4)], shown_again);
        assert_eq!(store.get("save-the-bees").unwrap().count, 4);
    }

    #[test]
    fn unknown_petitions_have_no_count() {
        let store = CountStore::new();
        assert!(store.get("nope").is_none());
        assert_eq!(store.count_of("nope"), 0);
    }
}
