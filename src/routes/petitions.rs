//! Public petition pages: the list and one petition with its sign form.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::embeds::EmbedSnippets;
use super::render;
use crate::db::models::now;
use crate::db::models::petitions::{self, ListQuery, ListSort, ListState, Petition, Target};
use crate::db::models::signatures::PublicSigner;
use crate::db::models::updates::PetitionUpdate;
use crate::domain::petition::PetitionLanguage;
use crate::domain::share::SharePanel;
use crate::domain::signer::SignatureForm;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::i18n::{Arg, Locale, Message, Ui};
use crate::petition_cache::PetitionSnapshot;
use crate::state::AppState;

/// A petition as pages show it.
pub struct PetitionView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub targets: Vec<Target>,
    pub goal: i64,
    pub count: i64,
    pub open: bool,
    pub closes_on: Option<String>,
    pub url: String,
    /// The language the petition is written in, which marks its title,
    /// summary and text whatever the page's language.
    pub language: PetitionLanguage,
}

impl PetitionView {
    pub fn new(state: &AppState, petition: Petition, targets: Vec<Target>, locale: Locale) -> Self {
        let count = state.counts.count_of(&petition.id);
        Self {
            open: petition.is_open_at(now()),
            // closes_at is the midnight after the last open day.
            closes_on: petition
                .closes_at
                .map(|c| locale.date(c - time::Duration::days(1))),
            url: state.petition_url(&petition.slug),
            language: petition.language(),
            slug: petition.slug,
            title: petition.title,
            summary: petition.summary,
            body_html: petition.body_html,
            targets,
            goal: petition.goal,
            count,
        }
    }

    /// Progress toward the goal, 0–100, for the progress bar, to a
    /// hundredth of a percent. Any signature shows: 4 of 10,000 is 0.04,
    /// and 1 of ten million is 0.01, not a blank bar.
    pub fn percent(&self) -> f64 {
        if self.goal <= 0 || self.count <= 0 {
            return 0.0;
        }
        let hundredths = (self.count as f64 * 10_000.0 / self.goal as f64).floor();
        hundredths.clamp(1.0, 10_000.0) / 100.0
    }

    /// [`Self::percent`] as the progress label writes it: "0.04", "25".
    pub fn percent_text(&self) -> String {
        self.percent().to_string()
    }

    /// The count as live pages show it: the plain number in an element
    /// that `live.js` and embedding sites update.
    pub fn count_html(&self) -> Arg {
        crate::i18n::html(format!(
            "<strong data-live-count=\"{}\">{}</strong>",
            crate::i18n::escape_html(&self.slug),
            self.count
        ))
    }
}

/// The sign form's state: what was typed, what is wrong, a fresh token.
pub struct SignFormView {
    pub values: SignatureForm,
    pub errors: FieldErrors,
    pub csrf_token: String,
    /// Where it posts: the embed posts to its own address, so that errors
    /// and the answer stay inside the iframe.
    pub action: String,
}

impl SignFormView {
    pub fn new(
        state: &AppState,
        surface: Surface,
        slug: &str,
        values: SignatureForm,
        errors: FieldErrors,
        ui: &Ui,
    ) -> Self {
        let action = match surface {
            Surface::Page => format!("/petitions/{slug}/signatures"),
            // The widget gets no cookies of ours in a third-party frame, so
            // a chosen language travels in its addresses.
            Surface::Embed => match ui.chosen_code() {
                Some(code) => format!("/petitions/{slug}/embed?lang={code}"),
                None => format!("/petitions/{slug}/embed"),
            },
        };
        Self {
            values,
            errors,
            // Stateless, so it works in a cross-site iframe that gets no
            // cookies of ours.
            csrf_token: state.csrf.issue(&sign_scope(slug)),
            action,
        }
    }

    pub fn error(&self, field: &str) -> Option<&Message> {
        self.errors.get(field)
    }

    pub fn public_checked(&self) -> bool {
        crate::domain::signer::CheckboxValue::is_checked(&self.values.public)
    }

    pub fn updates_checked(&self) -> bool {
        crate::domain::signer::CheckboxValue::is_checked(&self.values.updates)
    }
}

pub fn sign_scope(slug: &str) -> String {
    format!("sign:{slug}")
}

#[derive(Template)]
#[template(path = "petitions/show.html")]
pub struct PetitionPage {
    pub l: Ui,
    pub petition: PetitionView,
    pub form: SignFormView,
    pub signers: Vec<SignerView>,
    /// The organizer's latest updates, newest first.
    pub news: Vec<NewsView>,
    pub share: SharePanel,
    pub embed: EmbedSnippets,
    /// A message above the form for problems that are not one field's.
    pub form_notice: Option<Message>,
}

pub struct NewsView {
    pub subject: String,
    pub posted_on: String,
    /// Sanitised when the update was written.
    pub body_html: String,
}

impl NewsView {
    fn new(u: &PetitionUpdate, locale: Locale) -> Self {
        Self {
            posted_on: locale.date(u.created_at),
            subject: u.subject.clone(),
            body_html: u.body_html.clone(),
        }
    }
}

pub struct SignerView {
    pub name: String,
    pub country: String,
}

impl SignerView {
    fn new(s: &PublicSigner, locale: Locale) -> Self {
        Self {
            country: locale.country(&s.country),
            name: s.name.clone(),
        }
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    source: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    ui: Ui,
    slug: web::Path<String>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let form = SignatureForm {
        source: query.into_inner().source.unwrap_or_default(),
        ..SignatureForm::default()
    };
    render_petition_page(
        &state,
        ui,
        &slug,
        form,
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Where a sign form is shown: the petition's own page, or the compact
/// widget other sites embed in an iframe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Page,
    Embed,
}

/// Renders the sign form's surface, as fetched or with a rejected submission.
#[allow(clippy::too_many_arguments)]
pub async fn render_sign_surface(
    state: &AppState,
    ui: Ui,
    surface: Surface,
    slug: &str,
    values: SignatureForm,
    errors: FieldErrors,
    form_notice: Option<Message>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    match surface {
        Surface::Page => {
            render_petition_page(state, ui, slug, values, errors, form_notice, status).await
        }
        Surface::Embed => {
            super::embeds::render_embed(state, ui, slug, values, errors, form_notice, false, status)
                .await
        }
    }
}

/// Renders a petition page, as fetched or with a rejected submission.
pub async fn render_petition_page(
    state: &AppState,
    ui: Ui,
    slug: &str,
    values: SignatureForm,
    errors: FieldErrors,
    form_notice: Option<Message>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let snapshot = state
        .petitions
        .get(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let PetitionSnapshot {
        petition,
        targets,
        signers,
        news,
    } = snapshot.as_ref();
    let (petition, targets) = (petition.clone(), targets.clone());
    let url = state.petition_url(&petition.slug);
    let locale = ui.locale();
    let form = SignFormView::new(state, Surface::Page, &petition.slug, values, errors, &ui);
    let share = SharePanel::new(&url, &petition.title, locale);
    let embed = EmbedSnippets::new(&state.settings.server.public_url, &url, locale);
    let page = PetitionPage {
        // A rejected form answers at another address; the switcher leads
        // back to the petition.
        l: ui.at(&format!("/petitions/{}", petition.slug)),
        share,
        embed,
        form,
        petition: PetitionView::new(state, petition, targets, locale),
        signers: signers.iter().map(|s| SignerView::new(s, locale)).collect(),
        news: news.iter().map(|n| NewsView::new(n, locale)).collect(),
        form_notice,
    };
    render(status, &page)
}

#[derive(Template)]
#[template(path = "petitions/index.html")]
struct HomePage {
    l: Ui,
    query: String,
    most_signed: Vec<PetitionCard>,
    newest: Vec<PetitionCard>,
}

struct PetitionCard {
    slug: String,
    title: String,
    summary: String,
    count: i64,
    goal: i64,
    language: PetitionLanguage,
}

impl PetitionCard {
    fn count_html(&self) -> Arg {
        crate::i18n::html(format!(
            "<strong data-live-count=\"{}\">{}</strong>",
            crate::i18n::escape_html(&self.slug),
            self.count
        ))
    }
}

#[derive(Deserialize)]
pub struct HomeQuery {
    q: Option<String>,
}

pub async fn home(
    state: web::Data<AppState>,
    ui: Ui,
    query: web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    let search = petitions::search_terms(query.q.as_deref());
    let list = |sort, limit| ListQuery {
        search: search.clone(),
        state: ListState::Open,
        sort,
        offset: 0,
        limit,
    };
    let (by_signatures, recent) = (list(ListSort::Signatures, 20), list(ListSort::Recent, 10));
    let searching = search.is_some();
    let (most_signed, newest) = state
        .db
        .run(move |conn| {
            let most = petitions::list_page(conn, &by_signatures)?;
            let newest = if searching {
                Vec::new()
            } else {
                petitions::list_page(conn, &recent)?
            };
            Ok((most, newest))
        })
        .await?;
    let card = |p: Petition| PetitionCard {
        count: state.counts.count_of(&p.id),
        language: p.language(),
        slug: p.slug,
        title: p.title,
        summary: p.summary,
        goal: p.goal,
    };
    let mut most_signed: Vec<PetitionCard> = most_signed.into_iter().map(card).collect();
    // The listing snapshot may trail by a second; order by the live count.
    most_signed.sort_by_key(|card| std::cmp::Reverse(card.count));
    render(
        StatusCode::OK,
        &HomePage {
            l: ui,
            query: search.unwrap_or_default(),
            most_signed,
            newest: newest.into_iter().map(card).collect(),
        },
    )
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    l: Ui,
    retention_days: u32,
}

/// `GET /privacy`: what happens to a signer's details.
pub async fn privacy(state: web::Data<AppState>, ui: Ui) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &PrivacyPage {
            l: ui,
            retention_days: state.settings.privacy.retention_days,
        },
    )
}
