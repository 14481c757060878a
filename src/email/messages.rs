//! Email templates: one folder per message under `templates/email/`, each
//! with a subject, a text part and an HTML part.

use askama::Template;

use crate::db::models::outbox::OutgoingEmail;

/// Declares the three templates of one message and its `to_email`.
macro_rules! email_message {
    ($data:ident, $subject:literal, $text:literal, $html:literal, action = $action:ident) => {
        const _: () = {
            #[derive(Template)]
            #[template(path = $subject)]
            struct Subject<'a> {
                m: &'a $data,
            }
            #[derive(Template)]
            #[template(path = $text)]
            struct Text<'a> {
                m: &'a $data,
            }
            #[derive(Template)]
            #[template(path = $html)]
            struct Html<'a> {
                m: &'a $data,
            }

            impl $data {
                pub fn to_email(&self, to: &str) -> anyhow::Result<OutgoingEmail> {
                    Ok(OutgoingEmail {
                        to: to.to_owned(),
                        subject: Subject { m: self }.render()?.trim().to_owned(),
                        text: Text { m: self }.render()?,
                        html: Html { m: self }.render()?,
                        action_url: Some(self.$action.clone()),
                        not_before: None,
                    })
                }
            }
        };
    };
}

/// Sent when someone signs: confirm, or withdraw if it was not them. It
/// greets nobody by name: whoever typed the address may not own it, and the
/// name they typed must not reach the owner's inbox.
pub struct ConfirmSignature {
    pub petition_title: String,
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
pub struct AlreadySigned {
    pub petition_title: String,
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
