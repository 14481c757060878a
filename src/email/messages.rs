//! Email templates: one folder per message under `templates/email/`, each
//! with a subject, a text part and an HTML part, in the recipient's
//! language (`l`).

use askama::Template;

use crate::db::models::outbox::OutgoingEmail;
use crate::domain::petition::PetitionLanguage;
use crate::i18n::Locale;

/// A title in the language's quotation marks, for plain-text parts.
pub fn quoted(l: &Locale, title: &str) -> String {
    l.t1("quoted", "text", title)
}

/// Declares the three templates of one message and its `to_email`.
macro_rules! email_message {
    ($data:ident, $subject:literal, $text:literal, $html:literal, action = $action:ident) => {
        const _: () = {
            // A subject may be plain text that never reads `m`.
            #[allow(dead_code)]
            #[derive(Template)]
            #[template(path = $subject)]
            struct Subject<'a> {
                l: Locale,
                m: &'a $data,
            }
            #[derive(Template)]
            #[template(path = $text)]
            struct Text<'a> {
                l: Locale,
                m: &'a $data,
            }
            #[derive(Template)]
            #[template(path = $html)]
            struct Html<'a> {
                l: Locale,
                m: &'a $data,
                /// For the HTML part's own `<title>`.
                subject: &'a str,
            }

            impl $data {
                /// The email to `to`, in `l`'s language.
                pub fn to_email(&self, to: &str, l: Locale) -> anyhow::Result<OutgoingEmail> {
                    let subject = Subject { l, m: self }.render()?.trim().to_owned();
                    Ok(OutgoingEmail {
                        to: to.to_owned(),
                        text: Text { l, m: self }.render()?,
                        html: Html {
                            l,
                            m: self,
                            subject: &subject,
                        }
                        .render()?,
                        subject,
                        action_url: Some(self.$action.clone()),
                        not_before: None,
                        list_unsubscribe: None,
                        language: l.code(),
                        list_id: None,
                    })
                }
            }
        };
    };
}

/// Signing mail, queued as its data in the writer's transaction and
/// rendered only when it is sent: the one writer thread must only write,
/// and the data is a fraction of the rendered message's size.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Prepared {
    ConfirmSignature {
        locale: String,
        #[serde(flatten)]
        message: ConfirmSignature,
    },
    AlreadySigned {
        locale: String,
        #[serde(flatten)]
        message: AlreadySigned,
    },
}

impl Prepared {
    pub fn confirm_signature(message: ConfirmSignature, l: Locale) -> Self {
        Self::ConfirmSignature {
            locale: l.code().to_owned(),
            message,
        }
    }

    pub fn already_signed(message: AlreadySigned, l: Locale) -> Self {
        Self::AlreadySigned {
            locale: l.code().to_owned(),
            message,
        }
    }

    /// What the outbox stores.
    pub fn to_json(&self) -> anyhow::Result<String> {
        Ok(serde_json::to_string(self)?)
    }

    /// Renders a stored message for `to`.
    pub fn render(stored: &str, to: &str) -> anyhow::Result<OutgoingEmail> {
        match serde_json::from_str(stored)? {
            Self::ConfirmSignature { locale, message } => {
                message.to_email(to, Locale::from_stored(Some(&locale)))
            }
            Self::AlreadySigned { locale, message } => {
                message.to_email(to, Locale::from_stored(Some(&locale)))
            }
        }
    }
}

/// Sent when someone signs: confirm, or withdraw if it was not them. It
/// greets nobody by name: whoever typed the address may not own it, and the
/// name they typed must not reach the owner's inbox.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ConfirmSignature {
    pub petition_title: String,
    /// The petition's own language, which its title is written in.
    pub petition_language: PetitionLanguage,
    pub petition_url: String,
    pub confirm_url: String,
    pub withdraw_url: String,
}
email_message!(
    ConfirmSignature,
    "email/confirm_signature/subject.txt",
    "email/confirm_signature/body.txt",
    "email/confirm_signature/body.html",
    action = confirm_url
);

/// Sent when a confirmed signer signs again; nameless for the same reason.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct AlreadySigned {
    pub petition_title: String,
    /// The petition's own language, which its title is written in.
    pub petition_language: PetitionLanguage,
    pub petition_url: String,
    pub withdraw_url: String,
}
email_message!(
    AlreadySigned,
    "email/already_signed/subject.txt",
    "email/already_signed/body.txt",
    "email/already_signed/body.html",
    action = petition_url
);

/// Sent on sign-up: verify the address. Nameless, like every email to an
/// address nobody has proved yet.
pub struct VerifyOrganizer {
    pub verify_url: String,
}
email_message!(
    VerifyOrganizer,
    "email/verify_organizer/subject.txt",
    "email/verify_organizer/body.txt",
    "email/verify_organizer/body.html",
    action = verify_url
);

/// Sent when someone signs up with an address that has an account; the
/// page they see says nothing of it.
pub struct AccountExists {
    pub login_url: String,
    pub reset_url: String,
}
email_message!(
    AccountExists,
    "email/account_exists/subject.txt",
    "email/account_exists/body.txt",
    "email/account_exists/body.html",
    action = login_url
);

/// Sent on request: a single-use link to choose a new password.
pub struct ResetPassword {
    pub reset_url: String,
}
email_message!(
    ResetPassword,
    "email/reset_password/subject.txt",
    "email/reset_password/body.txt",
    "email/reset_password/body.html",
    action = reset_url
);

/// An organizer's update, to one confirmed signer who asked for news.
pub struct PetitionUpdate {
    pub petition_title: String,
    /// The petition's own language, which its title is written in.
    pub petition_language: PetitionLanguage,
    pub petition_url: String,
    pub subject: String,
    pub body_text: String,
    /// Sanitised when the update was written.
    pub body_html: String,
    pub unsubscribe_url: String,
}
email_message!(
    PetitionUpdate,
    "email/petition_update/subject.txt",
    "email/petition_update/body.txt",
    "email/petition_update/body.html",
    action = petition_url
);

impl PetitionUpdate {
    /// The email, with the headers that let mail providers offer a
    /// one-click unsubscribe and file the petition's updates together.
    /// `list_id` names the petition's list: see [`update_list_id`].
    pub fn to_bulk_email(
        &self,
        to: &str,
        l: Locale,
        list_id: String,
    ) -> anyhow::Result<OutgoingEmail> {
        Ok(OutgoingEmail {
            list_unsubscribe: Some(self.unsubscribe_url.clone()),
            list_id: Some(list_id),
            ..self.to_email(to, l)?
        })
    }
}

/// The `List-Id` of a petition's updates (RFC 2919): its slug under the
/// site's host, which stays the same from one update to the next.
pub fn update_list_id(petition_slug: &str, public_host: &str) -> String {
    format!("<{petition_slug}.updates.{public_host}>")
}

/// Sent once to the organizer when the count first reaches the goal.
pub struct GoalReached {
    pub organizer_name: String,
    pub petition_title: String,
    /// The petition's own language, which its title is written in.
    pub petition_language: PetitionLanguage,
    pub goal: String,
    pub petition_url: String,
    pub statistics_url: String,
    pub updates_url: String,
}
email_message!(
    GoalReached,
    "email/goal_reached/subject.txt",
    "email/goal_reached/body.txt",
    "email/goal_reached/body.html",
    action = petition_url
);

/// Sent to an organizer when an API token is made for their account, so
/// that a token they did not make does not go unnoticed.
pub struct TokenCreated {
    pub organizer_name: String,
    pub token_name: String,
    /// In the recipient's language.
    pub expires_on: String,
    pub tokens_url: String,
}
email_message!(
    TokenCreated,
    "email/token_created/subject.txt",
    "email/token_created/body.txt",
    "email/token_created/body.html",
    action = tokens_url
);
