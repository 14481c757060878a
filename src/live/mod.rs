//! Live counts: `GET /petitions/{slug}/live` as Server-Sent Events.
//!
//! # Why a watch per petition and no task per subscriber
//!
//! A popular petition may have tens of thousands of pages open. Each
//! subscriber is only a response body: a stream holding two `watch`
//! receivers, one for its petition's latest count and one for the
//! heartbeat. One fan-out task per process
//! ([`crate::workers::live_fanout`]) reads the count store's broadcast
//! channel and writes the new state into the petition's watch; every
//! stream then wakes and formats one small frame. A slow client never
//! holds anyone up and never queues stale counts: a watch keeps only the
//! latest value.
//!
//! The fan-out sends at most one change per petition every [`MIN_GAP`],
//! so a burst of signatures costs each subscriber a few events a second.
//!
//! # Event ids
//!
//! Each `count` event's id is the count itself, so it means the same on
//! every instance behind a load balancer. A client that reconnects with
//! `Last-Event-ID` equal to the current count already shows it, and gets
//! no `count` event until the count changes; any other id (or none) gets
//! the current count at once. A count that went down and up again to the
//! value the client last saw is, correctly, nothing new to show.

pub mod bridge;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::Stream;
use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::watch;

use crate::counts::CountStore;
use crate::security::limits::ip_key;

/// The shortest time between two count events for one petition.
pub const MIN_GAP: Duration = Duration::from_millis(250);
/// Asks browsers to wait this long before reconnecting a dropped stream.
const RETRY_MS: u64 = 3_000;

/// What a petition's subscribers see.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// `frame` is the event, formatted once for all subscribers.
    Count { count: i64, goal: i64, frame: Bytes },
    /// Hidden, or the server is stopping: streams end.
    Gone,
}

struct Channel {
    tx: watch::Sender<State>,
    last_sent: Instant,
}

pub struct Hub {
    counts: Arc<CountStore>,
    channels: Mutex<HashMap<String, Channel>>,
    heartbeat: watch::Sender<u64>,
    subscribers: Gauge,
    seats: Arc<Seats>,
}

/// Why a stream was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum NotOpened {
    /// No such public petition.
    Gone,
    /// This client (IPv6: its /64) holds `live.max_streams_per_client`.
    ClientFull,
    /// The instance holds `live.max_streams`.
    ServerFull,
}

impl Hub {
    /// `max_streams` open in all, `max_per_client` from one client: each
    /// stream holds a socket, so without caps one client could take every
    /// file the process may open, and nothing else would be answered.
    pub fn new(
        counts: Arc<CountStore>,
        subscribers: Gauge,
        max_streams: usize,
        max_per_client: usize,
    ) -> Self {
        Self {
            counts,
            channels: Mutex::new(HashMap::new()),
            heartbeat: watch::channel(0).0,
            subscribers,
            seats: Arc::new(Seats {
                max_total: max_streams,
                max_per_client,
                per_client: Mutex::new(HashMap::new()),
                total: std::sync::atomic::AtomicUsize::new(0),
            }),
        }
    }

    fn state_of(&self, slug: &str) -> State {
        match self.counts.get(slug) {
            Some(c) => State::Count {
                count: c.count,
                goal: c.goal,
                frame: Bytes::from(count_frame(c.count, c.goal)),
            },
            None => State::Gone,
        }
    }

    /// A stream of SSE frames for the petition, or `None` if the public may
    /// not see it. `last_event_id` is the client's `Last-Event-ID`.
    pub fn subscribe(
        &self,
        slug: &str,
        last_event_id: Option<i64>,
        client: Option<IpAddr>,
    ) -> Result<impl Stream<Item = Result<Bytes, std::convert::Infallible>> + 'static, NotOpened>
    {
        if self.state_of(slug) == State::Gone {
            return Err(NotOpened::Gone);
        }
        let seat = Seat::take(&self.seats, client)?;
        let mut counts = {
            let mut channels = self.channels.lock().expect("live hub lock");
            // Asked of the store every time: a petition hidden a moment
            // ago may still have a channel until the next sweep.
            let state = self.state_of(slug);
            if state == State::Gone {
                return Err(NotOpened::Gone);
            }
            match channels.get(slug) {
                Some(channel) => channel.tx.subscribe(),
                None => {
                    let (tx, rx) = watch::channel(state);
                    channels.insert(
                        slug.to_owned(),
                        Channel {
                            tx,
                            last_sent: Instant::now(),
                        },
                    );
                    rx
                }
            }
        };
        let state = counts.borrow_and_update().clone();
        let mut first = format!("retry: {RETRY_MS}\n\n");
        match state {
            State::Gone => return Err(NotOpened::Gone),
            State::Count { count, .. } if last_event_id == Some(count) => {}
            State::Count { frame, .. } => {
                first.push_str(std::str::from_utf8(&frame).unwrap_or_default())
            }
        }
        let mut heartbeat = self.heartbeat.subscribe();
        heartbeat.borrow_and_update();
        let subscriber = Subscriber {
            first: Some(Bytes::from(first)),
            counts,
            heartbeat,
            _open: OpenGauge::new(self.subscribers.clone()),
            _seat: seat,
        };
        Ok(futures_util::stream::unfold(subscriber, next_frame))
    }

    /// Sends a petition's current state now, unless it was sent less than
    /// [`MIN_GAP`] ago; the next sweep then sends it.
    pub(crate) fn send(&self, slug: &str) {
        let mut channels = self.channels.lock().expect("live hub lock");
        if let Some(channel) = channels.get_mut(slug) {
            if channel.last_sent.elapsed() >= MIN_GAP {
                let state = self.state_of(slug);
                if channel.tx.send_if_modified(|s| replace(s, state)) {
                    channel.last_sent = Instant::now();
                }
            }
        }
    }

    /// Brings every watched petition up to date (changes held back by
    /// [`MIN_GAP`], missed ones, a new goal, a petition hidden meanwhile)
    /// and drops those whose last subscriber has gone.
    pub(crate) fn sweep(&self) {
        let mut channels = self.channels.lock().expect("live hub lock");
        channels.retain(|slug, channel| {
            if channel.tx.receiver_count() == 0 {
                return false;
            }
            if channel.last_sent.elapsed() >= MIN_GAP {
                let state = self.state_of(slug);
                let gone = state == State::Gone;
                if channel.tx.send_if_modified(|s| replace(s, state)) {
                    channel.last_sent = Instant::now();
                }
                return !gone;
            }
            true
        });
    }

    /// A comment on every stream, so proxies keep it open and a departed
    /// client is noticed.
    pub(crate) fn send_heartbeat(&self) {
        self.heartbeat.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(crate) fn close_all(&self) {
        let mut channels = self.channels.lock().expect("live hub lock");
        for channel in channels.values() {
            channel.tx.send_replace(State::Gone);
        }
        channels.clear();
    }
}

fn replace(current: &mut State, new: State) -> bool {
    if *current == new {
        return false;
    }
    *current = new;
    true
}

fn count_frame(count: i64, goal: i64) -> String {
    format!("id: {count}\nevent: count\ndata: {{\"signature_count\":{count},\"goal\":{goal}}}\n\n")
}

/// One open stream: its whole state while it waits.
struct Subscriber {
    first: Option<Bytes>,
    counts: watch::Receiver<State>,
    heartbeat: watch::Receiver<u64>,
    _open: OpenGauge,
    _seat: Seat,
}

async fn next_frame(
    mut sub: Subscriber,
) -> Option<(Result<Bytes, std::convert::Infallible>, Subscriber)> {
    if let Some(first) = sub.first.take() {
        return Some((Ok(first), sub));
    }
    let frame = tokio::select! {
        biased;
        changed = sub.counts.changed() => {
            changed.ok()?;
            match &*sub.counts.borrow_and_update() {
                State::Count { frame, .. } => frame.clone(),
                State::Gone => return None,
            }
        }
        beat = sub.heartbeat.changed() => {
            beat.ok()?;
            Bytes::from_static(b": hb\n\n")
        }
    };
    Some((Ok(frame), sub))
}

/// Counts a stream as open for as long as its body lives: actix drops the
/// body when the client goes away.
struct OpenGauge(Gauge);

impl OpenGauge {
    fn new(gauge: Gauge) -> Self {
        gauge.inc();
        Self(gauge)
    }
}

impl Drop for OpenGauge {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The open streams, in all and per client, against their caps.
struct Seats {
    max_total: usize,
    max_per_client: usize,
    per_client: Mutex<HashMap<IpAddr, usize>>,
    total: std::sync::atomic::AtomicUsize,
}

/// One open stream's place, given back when its body is dropped.
struct Seat {
    seats: Arc<Seats>,
    client: Option<IpAddr>,
}

impl Seat {
    fn take(seats: &Arc<Seats>, client: Option<IpAddr>) -> Result<Self, NotOpened> {
        use std::sync::atomic::Ordering;
        let client = client.map(ip_key);
        let mut per_client = seats.per_client.lock().expect("live seats lock");
        if let Some(ip) = client {
            if per_client.get(&ip).copied().unwrap_or(0) >= seats.max_per_client {
                return Err(NotOpened::ClientFull);
            }
        }
        if seats.total.load(Ordering::Relaxed) >= seats.max_total {
            return Err(NotOpened::ServerFull);
        }
        seats.total.fetch_add(1, Ordering::Relaxed);
        if let Some(ip) = client {
            *per_client.entry(ip).or_insert(0) += 1;
        }
        Ok(Self {
            seats: seats.clone(),
            client,
        })
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        use std::sync::atomic::Ordering;
        let mut per_client = self.seats.per_client.lock().expect("live seats lock");
        self.seats.total.fetch_sub(1, Ordering::Relaxed);
        if let Some(ip) = self.client {
            if let Some(n) = per_client.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    per_client.remove(&ip);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_capped_per_client_and_in_all_and_seats_come_back() {
        let seats = Arc::new(Seats {
            max_total: 3,
            max_per_client: 2,
            per_client: Mutex::new(HashMap::new()),
            total: std::sync::atomic::AtomicUsize::new(0),
        });
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8::2".parse().unwrap();
        let b: IpAddr = "203.0.113.9".parse().unwrap();
        let first = Seat::take(&seats, Some(a)).unwrap();
        let _second = Seat::take(&seats, Some(same_64)).unwrap();
        assert_eq!(
            Seat::take(&seats, Some(a)).err(),
            Some(NotOpened::ClientFull)
        );
        let _third = Seat::take(&seats, Some(b)).unwrap();
        assert_eq!(
            Seat::take(&seats, Some(b)).err(),
            Some(NotOpened::ServerFull)
        );
        drop(first);
        assert!(Seat::take(&seats, Some(a)).is_ok());
    }

    #[test]
    fn a_count_frame_is_an_sse_event_with_the_count_as_its_id() {
        assert_eq!(
            count_frame(1234, 5000),
            "id: 1234\nevent: count\ndata: {\"signature_count\":1234,\"goal\":5000}\n\n"
        );
    }
}
