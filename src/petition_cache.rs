//! What the public petition pages show, kept in memory for a moment.
//!
//! A petition that goes viral is read thousands of times a second: its
//! page, its widget on every blog that embeds it, its share card. Reading
//! the petition, its targets, its recent signers and its news from the
//! database for each of those would make the database the bottleneck. Here
//! they are read at most once per `TTL` per petition per instance. The
//! count is not cached here: it comes live from the count store.
//!
//! Changes made on this instance (an edit, a close, a hide, an update) drop
//! the entry at once; other instances see them within `TTL`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::models::petitions::{self, Petition, SigningTarget, Target};
use crate::db::models::signatures::{self as signature_rows, PublicSigner};
use crate::db::models::updates::{self, PetitionUpdate};
use crate::db::{Db, DbConnection};
use crate::domain::petition::is_plausible_slug;

/// How stale a page may be: recent signers and changes made on another
/// instance appear within this.
pub const TTL: Duration = Duration::from_secs(2);
/// Past this many entries the cache starts over, so a scan of made-up
/// addresses cannot grow it without bound.
const CAPACITY: usize = 10_000;
pub const RECENT_SIGNERS: i64 = 10;
pub const NEWS_ON_PAGE: i64 = 5;

/// A public petition with everything its pages show but the count.
#[derive(Debug)]
pub struct PetitionSnapshot {
    pub petition: Petition,
    pub targets: Vec<Target>,
    pub signers: Vec<PublicSigner>,
    pub news: Vec<PetitionUpdate>,
}

/// `None` caches "no such public petition" too, briefly.
type Entry<T> = (Instant, Option<Arc<T>>);

/// Values by slug, each kept for `TTL`.
struct Shelf<T> {
    entries: RwLock<HashMap<String, Entry<T>>>,
}

impl<T> Default for Shelf<T> {
    fn default() -> Self {
        Self {
            entries: RwLock::default(),
        }
    }
}

impl<T> Shelf<T> {
    fn fresh(&self, slug: &str) -> Option<Option<Arc<T>>> {
        let entries = self.entries.read().expect("petition cache");
        let (loaded, value) = entries.get(slug)?;
        (loaded.elapsed() < TTL).then(|| value.clone())
    }

    /// Keeps what a read that began at `started` saw, unless an
    /// invalidation overlapped it (then it may be stale already).
    fn keep(
        &self,
        slug: &str,
        started: Instant,
        value: Option<Arc<T>>,
        overlapped: impl Fn() -> bool,
    ) {
        let mut entries = self.entries.write().expect("petition cache");
        if overlapped() {
            return;
        }
        if entries.len() >= CAPACITY && !entries.contains_key(slug) {
            entries.clear();
        }
        // Stamped with when the read began, so what it saw is never served
        // for longer than TTL after.
        entries.insert(slug.to_owned(), (started, value));
    }

    fn forget(&self, slug: &str) {
        self.entries.write().expect("petition cache").remove(slug);
    }
}

#[derive(Default)]
pub struct PetitionCache {
    pages: Shelf<PetitionSnapshot>,
    /// What signing needs, apart from the pages: signing must not fill the
    /// page's shelf, whose recent signers would then lag behind the very
    /// confirmation the signer is about to make.
    signing: Shelf<SigningTarget>,
    /// Bumped by every invalidation; a read that overlapped one is not kept,
    /// so it cannot put back what the invalidation removed.
    invalidations: AtomicU64,
}

impl PetitionCache {
    /// The public petition behind `slug`, from memory if fresh enough.
    pub async fn get(&self, db: &Db, slug: &str) -> anyhow::Result<Option<Arc<PetitionSnapshot>>> {
        self.read_through(&self.pages, db, slug, |conn, slug| {
            let Some(petition) = petitions::find_by_slug(conn, slug)? else {
                return Ok(None);
            };
            let targets = petitions::targets_of(conn, std::slice::from_ref(&petition.id))?
                .remove(&petition.id)
                .unwrap_or_default();
            let signers = signature_rows::recent_public(conn, &petition.id, RECENT_SIGNERS)?;
            let news = updates::for_petition(conn, &petition.id, NEWS_ON_PAGE)?;
            Ok(Some(PetitionSnapshot {
                petition,
                targets,
                signers,
                news,
            }))
        })
        .await
    }

    /// What signing needs of the public petition behind `slug`: its key,
    /// title, language and whether it is open. Signing re-checks the last
    /// by key in its transaction, so a stale answer cannot let a signature
    /// into a closed petition.
    pub async fn signing_target(
        &self,
        db: &Db,
        slug: &str,
    ) -> anyhow::Result<Option<Arc<SigningTarget>>> {
        self.read_through(&self.signing, db, slug, petitions::find_signing_target)
            .await
    }

    /// `shelf`'s value for `slug` if fresh, else `load`ed and kept.
    async fn read_through<T: Send + Sync + 'static>(
        &self,
        shelf: &Shelf<T>,
        db: &Db,
        slug: &str,
        load: fn(&mut DbConnection, &str) -> anyhow::Result<Option<T>>,
    ) -> anyhow::Result<Option<Arc<T>>> {
        if !is_plausible_slug(slug) {
            return Ok(None);
        }
        if let Some(value) = shelf.fresh(slug) {
            return Ok(value);
        }
        let started = Instant::now();
        let epoch = self.invalidations.load(Ordering::SeqCst);
        let lookup = slug.to_owned();
        let value = db
            .run(move |conn| Ok(load(conn, &lookup)?.map(Arc::new)))
            .await?;
        shelf.keep(slug, started, value.clone(), || {
            self.invalidations.load(Ordering::SeqCst) != epoch
        });
        Ok(value)
    }

    /// Forgets `slug`, after a change made on this instance.
    pub fn invalidate(&self, slug: &str) {
        self.invalidations.fetch_add(1, Ordering::SeqCst);
        self.pages.forget(slug);
        self.signing.forget(slug);
    }
}
