//! Hands organizers' updates to the outbox, a batch at a time.
//!
//! An update to 100,000 signers is not queued at once: the next batch goes
//! in only when the outbox has nearly sent the last one. So confirmation
//! emails never wait behind a whole update, and `/health` does not see
//! hours-old mail that is merely queued in bulk.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::db::models::now;
use crate::db::models::updates::{self, Batch, UpdateMail, WrittenMail};
use crate::db::Db;
use crate::domain::token::SecretToken;
use crate::domain::update::EmailBody;
use crate::email::messages::{update_list_id, PetitionUpdate};
use crate::email::public_host;
use crate::security::limits::Limits;
use crate::workers::{Deps, Heartbeat, Job};

/// Emails queued per transaction, and roughly the most of one update that
/// waits in the outbox at a time.
pub const BATCH: i64 = 500;
const EVERY: Duration = Duration::from_secs(1);

pub struct UpdateFanout {
    db: Db,
    public_url: String,
    outbox_wake: Arc<Notify>,
    limits: Arc<Limits>,
}

impl UpdateFanout {
    pub fn new(deps: &Deps) -> Self {
        Self {
            db: deps.db.clone(),
            public_url: deps.settings.server.public_url.clone(),
            outbox_wake: deps.outbox_wake.clone(),
            limits: deps.limits.clone(),
        }
    }
}

impl Job for UpdateFanout {
    const NAME: &'static str = "update_fanout";

    async fn run(&self, heartbeat: &Heartbeat) {
        let mut interval = tokio::time::interval(EVERY);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            heartbeat.beat();
            if let Err(err) = self.pass(heartbeat).await {
                tracing::warn!(error = ?err, "queueing update emails failed");
            }
        }
    }
}

impl UpdateFanout {
    /// Tops up every update in progress to about two batches in the outbox.
    async fn pass(&self, heartbeat: &Heartbeat) -> anyhow::Result<()> {
        for update_id in self.db.run(updates::undelivered).await? {
            loop {
                heartbeat.beat();
                let id = update_id.clone();
                let unsent = self
                    .db
                    .run(move |conn| updates::unsent_emails(conn, &id))
                    .await?;
                if unsent >= BATCH {
                    break;
                }
                let id = update_id.clone();
                let Some(batch) = self
                    .db
                    .run(move |conn| updates::next_batch(conn, &id, BATCH))
                    .await?
                else {
                    break;
                };
                // Written outside any transaction: the database holds its
                // write lock only to store what is already written.
                let public_url = self.public_url.clone();
                let limits = self.limits.clone();
                let (batch, mails) = tokio::task::spawn_blocking(move || {
                    let mails = write_all(&public_url, &batch, &limits)?;
                    anyhow::Ok((batch, mails))
                })
                .await??;
                let full = batch.recipients.len() as i64 == BATCH;
                let queued = self
                    .db
                    .run(move |conn| updates::queue_batch(conn, &batch, &mails, BATCH, now()))
                    .await?;
                if queued > 0 {
                    self.outbox_wake.notify_one();
                    tracing::info!(update = %update_id, queued, "queued update emails");
                }
                // A short batch was the last; a batch queued by someone
                // else meanwhile is read again on the next pass.
                if !full || queued == 0 {
                    break;
                }
            }
        }
        Ok(())
    }
}

/// Each recipient's email, with a fresh unsubscribe link. An update
/// counts against each address's daily cap like every email: past it, it
/// waits its turn, or is not sent to that address at all.
fn write_all(public_url: &str, batch: &Batch, limits: &Limits) -> anyhow::Result<Vec<WrittenMail>> {
    let body = EmailBody::of(&batch.update.body_markdown, &batch.update.body_html);
    let list_id = update_list_id(&batch.petition_slug, &public_host(public_url));
    let at = now();
    batch
        .recipients
        .iter()
        .filter_map(|recipient| {
            let due = limits.email_slot(&recipient.email_canonical, at)?;
            let unsubscribe = SecretToken::generate();
            let mail = batch.mail_for(recipient, &unsubscribe.plain);
            Some(
                compose(public_url, &mail, &body, &list_id).map(|mut email| {
                    email.not_before = Some(due);
                    WrittenMail {
                        signature_id: recipient.signature_id.clone(),
                        email,
                        unsubscribe_hash: unsubscribe.hash,
                    }
                }),
            )
        })
        .collect()
}

fn compose(
    public_url: &str,
    mail: &UpdateMail,
    body: &EmailBody,
    list_id: &str,
) -> anyhow::Result<crate::db::models::outbox::OutgoingEmail> {
    PetitionUpdate {
        petition_title: mail.petition_title.to_owned(),
        petition_language: mail.petition_language,
        petition_url: format!("{public_url}/petitions/{}", mail.petition_slug),
        subject: mail.update.subject.clone(),
        body_text: body.text.clone(),
        body_html: body.html.clone(),
        unsubscribe_url: format!(
            "{public_url}/signatures/unsubscribe/{}",
            mail.unsubscribe_token
        ),
    }
    .to_bulk_email(mail.to, mail.locale, list_id.to_owned())
}
