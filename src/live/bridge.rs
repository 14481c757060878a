//! Carries count changes between instances that share a PostgreSQL
//! database, with LISTEN/NOTIFY.
//!
//! # Why batches
//!
//! A NOTIFY takes a database-wide lock when its transaction commits, so a
//! NOTIFY per signature would queue every confirming transaction behind
//! each other. Instead confirmations only mark their petition as changed
//! in the count store; [`run_announcer`] sends at most one NOTIFY every
//! [`ANNOUNCE_EVERY`], naming all petitions changed meanwhile, on its own
//! connection and outside any signature's transaction. Petitions created,
//! edited, hidden or shown again are announced the same way, so that every
//! instance re-reads the whole row (slug, goal, hidden) and not only the
//! count.
//!
//! [`run_listener`] holds one dedicated connection per instance, LISTENing,
//! and re-reads the petitions named in each announcement. If that
//! connection is lost it reconnects with backoff and then re-reads every
//! petition, since announcements made meanwhile are lost.

use std::sync::Arc;
use std::time::Duration;

use crate::counts::CountStore;
use crate::db::models::counts as count_rows;
use crate::db::{Db, DbConnection};
use crate::workers::Heartbeat;

/// The longest a change waits before it is announced; also the shortest
/// time between two announcements from one instance.
pub const ANNOUNCE_EVERY: Duration = Duration::from_millis(100);
/// How often the listening connection is checked for announcements.
const POLL_EVERY: Duration = Duration::from_millis(50);
/// How often the listening connection proves it is still alive: a server
/// that vanished without closing the socket would otherwise go unnoticed.
const PING_EVERY: Duration = Duration::from_secs(10);
const BACKOFF_MIN: Duration = Duration::from_millis(200);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// PostgreSQL refuses payloads of 8000 bytes or more.
const MAX_PAYLOAD: usize = 7_000;

/// Announces the petitions this instance changed, in batches.
pub async fn run_announcer(counts: &CountStore, db: &Db, beat: &Heartbeat) {
    let sender = counts.instance_id().to_owned();
    loop {
        beat.beat();
        // Wakes at least every second, to beat.
        let _ = tokio::time::timeout(Duration::from_secs(1), counts.outgoing_changed()).await;
        let ids = counts.take_outgoing();
        if ids.is_empty() {
            continue;
        }
        let payloads = payloads(&sender, &ids);
        let snapshot_ids = ids.clone();
        let sent = db
            .run(move |conn| {
                // The listing snapshot moves with the announcement, so that
                // sorting by signatures never trails a busy petition by a
                // whole safety-net refresh.
                for id in &snapshot_ids {
                    count_rows::store_snapshot_from_shards(conn, id)?;
                }
                for payload in &payloads {
                    count_rows::announce(conn, payload)?;
                }
                Ok(())
            })
            .await;
        if let Err(err) = sent {
            tracing::warn!(error = ?err, "announcing changed counts failed; retrying");
            counts.restore_outgoing(ids);
            tokio::time::sleep(BACKOFF_MIN).await;
        }
        tokio::time::sleep(ANNOUNCE_EVERY).await;
    }
}

/// `"{sender} {id},{id},…"`, split so that no payload is too long.
fn payloads(sender: &str, ids: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for id in ids {
        if !current.is_empty() && current.len() + 1 + id.len() > MAX_PAYLOAD {
            out.push(std::mem::take(&mut current));
        }
        if current.is_empty() {
            current.push_str(sender);
            current.push(' ');
        } else {
            current.push(',');
        }
        current.push_str(id);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The petition ids in an announcement from another instance; `None` for
/// this instance's own, whose changes are already in its store.
fn parse(payload: &str, own: &str) -> Option<Vec<String>> {
    let (sender, ids) = payload.split_once(' ')?;
    if sender == own {
        return None;
    }
    Some(
        ids.split(',')
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

/// Applies other instances' announcements to the count store.
pub async fn run_listener(counts: Arc<CountStore>, db: Db, beat: &Heartbeat) {
    let own = counts.instance_id().to_owned();
    let mut backoff = BACKOFF_MIN;
    let mut first = true;
    loop {
        beat.beat();
        let connected = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || {
                let mut conn = db.dedicated_connection()?;
                count_rows::listen(&mut conn)?;
                anyhow::Ok(conn)
            })
            .await
        };
        let conn = match connected {
            Ok(Ok(conn)) => conn,
            Ok(Err(err)) => {
                tracing::warn!(error = ?err, "cannot listen for count changes; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
            Err(err) => {
                tracing::warn!(error = ?err, "listening task failed; retrying");
                tokio::time::sleep(backoff).await;
                continue;
            }
        };
        if !first {
            tracing::info!("listening for count changes again");
        }
        first = false;
        // Whatever was announced while not listening (before the first
        // LISTEN too) is lost: re-read everything once.
        if let Err(err) = counts.refresh(&db).await {
            tracing::warn!(error = ?err, "refreshing counts after listening failed");
        }
        backoff = BACKOFF_MIN;
        if let Err(err) = listen(conn, &counts, &db, &own, beat).await {
            tracing::warn!(error = ?err, "lost the connection listening for count changes");
        }
    }
}

/// Reads announcements until the connection fails.
async fn listen(
    mut conn: DbConnection,
    counts: &CountStore,
    db: &Db,
    own: &str,
    beat: &Heartbeat,
) -> anyhow::Result<()> {
    let mut poll = tokio::time::interval(POLL_EVERY);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_ping = tokio::time::Instant::now();
    loop {
        poll.tick().await;
        beat.beat();
        let ping = last_ping.elapsed() >= PING_EVERY;
        if ping {
            last_ping = tokio::time::Instant::now();
        }
        // Reading what already arrived does not wait for the network, but
        // a ping does, and libpq calls are blocking in general.
        let (back, payloads) = tokio::task::spawn_blocking(move || {
            let read = count_rows::take_announcements(&mut conn).and_then(|payloads| {
                if ping {
                    conn.ping().map_err(anyhow::Error::new)?;
                }
                Ok(payloads)
            });
            (conn, read)
        })
        .await?;
        conn = back;
        let mut ids: Vec<String> = payloads?
            .iter()
            .filter_map(|p| parse(p, own))
            .flatten()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        if let Err(err) = counts.reload_some(db, ids).await {
            tracing::warn!(error = ?err, "re-reading announced counts failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_the_sender_and_stay_under_postgresql_limit() {
        let ids: Vec<String> = (0..1000).map(|i| format!("{i:036}")).collect();
        let payloads = payloads("me", &ids);
        assert!(payloads.len() > 1);
        let mut back = Vec::new();
        for p in &payloads {
            assert!(p.len() < 8000);
            back.extend(parse(p, "other").unwrap());
        }
        assert_eq!(back, ids);
        assert_eq!(parse(&payloads[0], "me"), None);
    }
}
