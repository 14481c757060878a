//! Tells organizers when their petition reaches its goal.
//!
//! It listens to the count store, so it reacts within about a second of
//! the count that crosses the goal, and also sweeps every petition now and
//! then, which covers a crossing that happened while no instance ran.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;
use tokio::sync::Notify;

use crate::counts::CountStore;
use crate::db::models::goals::{self, GoalReached};
use crate::db::models::now;
use crate::db::Db;
use crate::domain::petition::PetitionLanguage;
use crate::domain::Email;
use crate::email::messages;
use crate::security::limits::Limits;
use crate::workers::{Deps, Heartbeat, Job};

const SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);

pub struct GoalWatch {
    db: Db,
    counts: Arc<CountStore>,
    public_url: String,
    outbox_wake: Arc<Notify>,
    limits: Arc<Limits>,
}

impl GoalWatch {
    pub fn new(deps: &Deps) -> Self {
        Self {
            db: deps.db.clone(),
            counts: deps.counts.clone(),
            public_url: deps.settings.server.public_url.clone(),
            outbox_wake: deps.outbox_wake.clone(),
            limits: deps.limits.clone(),
        }
    }
}

impl Job for GoalWatch {
    const NAME: &'static str = "goal_watch";

    async fn run(&self, heartbeat: &Heartbeat) {
        let mut changes = self.counts.subscribe();
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        // (slug, goal) pairs already settled here, so a petition past its
        // goal costs nothing on each further signature. A new goal is a
        // new pair.
        let mut settled: HashSet<(String, i64)> = HashSet::new();
        let mut due: HashSet<String> = HashSet::new();
        let mut sweep_due = false;
        loop {
            tokio::select! {
                change = changes.recv() => match change {
                    Ok(c) if c.count >= c.goal && !settled.contains(&(c.slug.clone(), c.goal)) => {
                        settled.insert((c.slug.clone(), c.goal));
                        due.insert(c.slug);
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => sweep_due = true,
                    Err(RecvError::Closed) => return,
                },
                _ = sweep.tick() => sweep_due = true,
                _ = tick.tick() => {
                    heartbeat.beat();
                    let slugs: Vec<Option<String>> = if sweep_due {
                        due.clear();
                        vec![None]
                    } else {
                        due.drain().map(Some).collect()
                    };
                    sweep_due = false;
                    for slug in slugs {
                        if let Err(err) = self.mark(slug).await {
                            tracing::warn!(error = ?err, "checking petition goals failed");
                        }
                    }
                }
            }
        }
    }
}

impl GoalWatch {
    async fn mark(&self, slug: Option<String>) -> anyhow::Result<()> {
        let reached = self
            .db
            .run(move |conn| goals::reached_unmarked(conn, slug.as_deref()))
            .await?;
        for petition in reached {
            // Written before the transaction that marks the petition and
            // queues the email.
            let mut mail = compose(&self.public_url, &petition)?;
            let (marking, at) = (petition.clone(), now());
            // Counted against the owner's daily cap like every email; past
            // it the petition is marked all the same, and nothing is sent.
            let address = Email::parse(&petition.owner_email).map_or_else(
                |_| petition.owner_email.to_lowercase(),
                |e| e.canonical().to_owned(),
            );
            mail.not_before = self.limits.email_slot(&address, at);
            let send = mail.not_before.is_some().then_some(mail);
            let marked = self
                .db
                .run(move |conn| goals::mark_reached(conn, &marking, send.as_ref(), at))
                .await?;
            if marked {
                self.outbox_wake.notify_one();
                tracing::info!(petition = %petition.slug, goal = petition.goal, "petition reached its goal");
            }
        }
        Ok(())
    }
}

fn compose(
    public_url: &str,
    petition: &GoalReached,
) -> anyhow::Result<crate::db::models::outbox::OutgoingEmail> {
    let locale = crate::i18n::Locale::from_stored(petition.owner_locale.as_deref());
    messages::GoalReached {
        organizer_name: petition.owner_name.clone(),
        petition_title: petition.title.clone(),
        petition_language: PetitionLanguage::parse(&petition.language).unwrap_or_default(),
        goal: locale.number(&petition.goal),
        petition_url: format!("{public_url}/petitions/{}", petition.slug),
        statistics_url: format!("{public_url}/dashboard/petitions/{}", petition.slug),
        updates_url: format!("{public_url}/dashboard/petitions/{}/updates", petition.slug),
    }
    .to_email(&petition.owner_email, locale)
}
