//! API tokens: made on the dashboard or the command line for an organizer,
//! who is told by email each time.

use time::{Duration, PrimitiveDateTime};

use crate::db::models::api_tokens::{self, ApiToken, NewApiToken};
use crate::db::models::now;
use crate::db::models::organizers::Organizer;
use crate::db::Db;
use crate::domain::token::generate_api_token;
use crate::email::messages::TokenCreated;

/// A token just made: its secret, shown once and never stored.
pub struct Issued {
    pub secret: String,
    pub token: ApiToken,
}

/// Makes a token named `name` for `owner`, working for `days`, and queues
/// the note to the owner with it. `mail_due` is when the address's daily
/// email cap lets the note go (`None`: not at all).
pub async fn issue(
    db: &Db,
    public_url: &str,
    owner: &Organizer,
    name: String,
    days: u32,
    mail_due: Option<PrimitiveDateTime>,
) -> anyhow::Result<Issued> {
    let secret = generate_api_token();
    let created_at = now();
    let expires_at = created_at + Duration::days(i64::from(days));
    let l = owner.locale();
    let notice = match mail_due {
        Some(due) => {
            let mut mail = TokenCreated {
                organizer_name: owner.name.clone(),
                token_name: name.clone(),
                expires_on: l.date(expires_at),
                tokens_url: format!("{public_url}/dashboard/tokens"),
            }
            .to_email(&owner.email, l)?;
            mail.not_before = Some(due);
            Some(mail)
        }
        None => None,
    };
    let (organizer_id, hash) = (owner.id.clone(), secret.hash);
    let token = db
        .run(move |conn| {
            api_tokens::create(
                conn,
                &NewApiToken {
                    organizer_id: &organizer_id,
                    name: &name,
                    token_hash: &hash,
                    created_at,
                    expires_at,
                    notice: notice.as_ref(),
                },
            )
        })
        .await?;
    Ok(Issued {
        secret: secret.plain,
        token,
    })
}
