use std::collections::HashMap;

use anyhow::Context;
use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::{new_id, now};
use crate::db::schema::{petition_targets, petitions, signature_count_shards, targets};
use crate::db::{is_unique_violation, write_transaction, Backend, DbConnection};
use crate::db_run;
use crate::domain::petition::{
    is_plausible_slug, slug_from_title, NewPetition, PetitionForm, PetitionLanguage, PetitionState,
};
use crate::domain::target::TargetKind;

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petitions)]
pub struct Petition {
    pub id: String,
    pub slug: String,
    pub owner_id: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub body_html: String,
    pub goal: i64,
    pub state: PetitionState,
    pub signature_count: i64,
    pub closes_at: Option<PrimitiveDateTime>,
    pub closed_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// Set while an admin keeps the petition from the public.
    pub hidden_at: Option<PrimitiveDateTime>,
    pub hidden_reason: Option<String>,
    /// `en` or `ko`: see [`PetitionLanguage`].
    pub language: String,
}

impl Petition {
    /// The petition as its edit form (or an API edit) starts from.
    pub fn as_form(&self, targets: &[Target]) -> PetitionForm {
        PetitionForm {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body_markdown.clone(),
            targets: targets
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            goal: self.goal.to_string(),
            // Stored as the first moment it is closed; shown as its last
            // open day.
            closes_on: self
                .closes_at
                .and_then(|at| at.date().previous_day())
                .map(|day| day.to_string())
                .unwrap_or_default(),
            language: self.language.clone(),
            csrf_token: String::new(),
        }
    }

    pub fn language(&self) -> PetitionLanguage {
        PetitionLanguage::parse(&self.language).unwrap_or_default()
    }

    /// Open, and not past its closing date.
    pub fn is_open_at(&self, at: PrimitiveDateTime) -> bool {
        is_open(self.state, self.closes_at, at)
    }

    pub fn state_at(&self, at: PrimitiveDateTime) -> PetitionState {
        if self.is_open_at(at) {
            PetitionState::Open
        } else {
            PetitionState::Closed
        }
    }
}

fn is_open(
    state: PetitionState,
    closes_at: Option<PrimitiveDateTime>,
    at: PrimitiveDateTime,
) -> bool {
    state == PetitionState::Open && closes_at.is_none_or(|c| at < c)
}

#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
}

/// Confirmed counts are spread over this many rows per petition. PostgreSQL
/// takes concurrent confirmations, so spreading avoids one hot row; SQLite
/// has a single writer anyway.
pub fn count_shards(backend: Backend) -> i32 {
    match backend {
        Backend::Postgresql => 16,
        Backend::Sqlite => 1,
    }
}

/// Creates a petition with its targets and count shards. The slug comes
/// from the title; a taken slug gets a short random suffix.
pub fn create(
    conn: &mut DbConnection,
    owner_id: &str,
    new: &NewPetition,
) -> anyhow::Result<Petition> {
    let base = match slug_from_title(&new.title) {
        s if s.is_empty() => "petition".to_owned(),
        // `/dashboard/petitions/new` is the new-petition form.
        s if s == "new" => "new-petition".to_owned(),
        s => s,
    };
    for attempt in 0..5 {
        let slug = if attempt == 0 {
            base.clone()
        } else {
            // Random, not a slice of a row key: those begin with the time.
            format!("{base}-{:06x}", rand::random::<u32>() >> 8)
        };
        match write_transaction(conn, |conn| insert_petition(conn, owner_id, &slug, new)) {
            Ok(petition) => return Ok(petition),
            Err(e) if e.downcast_ref().is_some_and(is_unique_violation) => continue,
            Err(e) => return Err(e),
        }
    }
    anyhow::bail!("could not find a free slug for {base:?}")
}

fn insert_petition(
    conn: &mut DbConnection,
    owner_id: &str,
    slug: &str,
    new: &NewPetition,
) -> anyhow::Result<Petition> {
    let now = now();
    let id = new_id();
    let shards = count_shards(conn.backend());
    let petition: Petition = db_run!(conn: {
        diesel::insert_into(petitions::table)
            .values((
                petitions::id.eq(&id),
                petitions::slug.eq(slug),
                petitions::owner_id.eq(owner_id),
                petitions::title.eq(&new.title),
                petitions::summary.eq(&new.summary),
                petitions::body_markdown.eq(&new.body_markdown),
                petitions::body_html.eq(&new.body_html),
                petitions::goal.eq(new.goal),
                petitions::state.eq(PetitionState::Open),
                petitions::signature_count.eq(0),
                petitions::closes_at.eq(new.closes_at),
                petitions::language.eq(new.language.code()),
                petitions::created_at.eq(now),
                petitions::updated_at.eq(now),
            ))
            .returning(Petition::as_returning())
            .get_result(conn)
    })?;
    let shard_rows: Vec<_> = (0..shards)
        .map(|shard| {
            (
                signature_count_shards::petition_id.eq(&id),
                signature_count_shards::shard.eq(shard),
                signature_count_shards::confirmed.eq(0i64),
            )
        })
        .collect();
    db_run!(conn: {
        diesel::insert_into(signature_count_shards::table)
            .values(&shard_rows)
            .execute(conn)
    })
    .context("inserting count shards")?;
    super::public_log::start(conn, &id)?;
    for (position, target) in new.targets.iter().enumerate() {
        let target_id = ensure_target(conn, target.as_str(), &target.key())?;
        db_run!(conn: {
            diesel::insert_into(petition_targets::table)
                .values((
                    petition_targets::petition_id.eq(&id),
                    petition_targets::target_id.eq(&target_id),
                    petition_targets::position.eq(position as i32),
                ))
                .execute(conn)
        })
        .context("linking target")?;
    }
    Ok(petition)
}

/// The id of a known institution, adding free-text ones as kind `other`.
fn ensure_target(conn: &mut DbConnection, name: &str, key: &str) -> anyhow::Result<String> {
    let id = new_id();
    db_run!(conn: {
        diesel::insert_into(targets::table)
            .values((
                targets::id.eq(&id),
                targets::name.eq(name),
                targets::name_key.eq(key),
                targets::kind.eq(TargetKind::Other.as_str()),
                targets::suggested.eq(false),
            ))
            .on_conflict(targets::name_key)
            .do_nothing()
            .execute(conn)
    })
    .context("inserting target")?;
    db_run!(conn: {
        targets::table
            .filter(targets::name_key.eq(key))
            .select(targets::id)
            .first::<String>(conn)
    })
    .context("loading target")
}

/// The petition as the public may see it: `None` while an admin keeps it
/// hidden. Public routes use this, so a new one cannot forget to check.
pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> anyhow::Result<Option<Petition>> {
    Ok(find_by_slug_including_hidden(conn, slug)?.filter(|p| p.hidden_at.is_none()))
}

/// The petition whether hidden or not, for its owner and for admins.
pub fn find_by_slug_including_hidden(
    conn: &mut DbConnection,
    slug: &str,
) -> anyhow::Result<Option<Petition>> {
    if !is_plausible_slug(slug) {
        return Ok(None);
    }
    db_run!(conn: {
        petitions::table
            .filter(petitions::slug.eq(slug))
            .select(Petition::as_select())
            .first(conn)
            .optional()
    })
    .context("loading petition")
}

/// What signing needs of a petition: not its text, which can run to tens
/// of kilobytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petitions)]
pub struct SigningTarget {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub state: PetitionState,
    pub closes_at: Option<PrimitiveDateTime>,
    pub language: String,
}

impl SigningTarget {
    pub fn is_open_at(&self, at: PrimitiveDateTime) -> bool {
        is_open(self.state, self.closes_at, at)
    }

    /// The petition's own language, which its title is written in.
    pub fn language(&self) -> PetitionLanguage {
        PetitionLanguage::parse(&self.language).unwrap_or_default()
    }
}

/// The public petition behind `slug`, as signing needs it.
pub fn find_signing_target(
    conn: &mut DbConnection,
    slug: &str,
) -> anyhow::Result<Option<SigningTarget>> {
    if !is_plausible_slug(slug) {
        return Ok(None);
    }
    db_run!(conn: {
        petitions::table
            .filter(petitions::slug.eq(slug))
            .filter(petitions::hidden_at.is_null())
            .select(SigningTarget::as_select())
            .first(conn)
            .optional()
    })
    .context("loading petition for signing")
}

/// Whether a petition can be signed at `at`: `None` if it is gone or
/// hidden. A lookup by key, for the writer's transaction, where the page
/// cache's answer is re-checked.
pub fn open_for_signing(
    conn: &mut DbConnection,
    petition_id: &str,
    at: PrimitiveDateTime,
) -> anyhow::Result<Option<bool>> {
    let petition: Option<(PetitionState, Option<PrimitiveDateTime>)> = db_run!(conn: {
        petitions::table
            .filter(petitions::id.eq(petition_id))
            .filter(petitions::hidden_at.is_null())
            .select((petitions::state, petitions::closes_at))
            .first(conn)
            .optional()
    })
    .context("checking a petition is open for signing")?;
    Ok(petition.map(|(state, closes_at)| is_open(state, closes_at, at)))
}

/// Targets of several petitions, in their chosen order.
pub fn targets_of(
    conn: &mut DbConnection,
    petition_ids: &[String],
) -> anyhow::Result<HashMap<String, Vec<Target>>> {
    let rows: Vec<(String, String, String)> = db_run!(conn: {
        petition_targets::table
            .inner_join(targets::table)
            .filter(petition_targets::petition_id.eq_any(petition_ids))
            .order((petition_targets::petition_id, petition_targets::position))
            .select((petition_targets::petition_id, targets::name, targets::kind))
            .load(conn)
    })
    .context("loading targets")?;
    let mut map: HashMap<String, Vec<Target>> = HashMap::new();
    for (petition_id, name, kind) in rows {
        map.entry(petition_id).or_default().push(Target {
            name,
            kind: TargetKind::from_db(&kind),
        });
    }
    Ok(map)
}

/// Institutions offered as suggestions on the petition form.
pub fn suggested_targets(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    db_run!(conn: {
        targets::table
            .filter(targets::suggested.eq(true))
            .order(targets::name)
            .select(targets::name)
            .load(conn)
    })
    .context("loading suggested targets")
}

pub fn list_for_owner(conn: &mut DbConnection, owner_id: &str) -> anyhow::Result<Vec<Petition>> {
    db_run!(conn: {
        petitions::table
            .filter(petitions::owner_id.eq(owner_id))
            .order(petitions::created_at.desc())
            .select(Petition::as_select())
            .load(conn)
    })
    .context("loading the organizer's petitions")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListState {
    Open,
    Closed,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListSort {
    Signatures,
    Recent,
}

#[derive(Debug, Clone)]
pub struct ListQuery {
    pub search: Option<String>,
    pub state: ListState,
    pub sort: ListSort,
    pub offset: i64,
    pub limit: i64,
}

/// Search words as typed in a box or a query string: trimmed, at most 100
/// characters, and `None` when blank.
pub fn search_terms(raw: Option<&str>) -> Option<String> {
    let terms: String = raw?.trim().chars().take(100).collect();
    (!terms.is_empty()).then_some(terms)
}

/// A page of petitions and the total that match. Sorting by signatures uses
/// the batched `signature_count` snapshot, so it may trail by a second.
pub fn list(conn: &mut DbConnection, query: &ListQuery) -> anyhow::Result<(Vec<Petition>, i64)> {
    let (rows, total) = list_matching(conn, query, true)?;
    Ok((rows, total.unwrap_or_default()))
}

/// A page of petitions, without counting all that match.
pub fn list_page(conn: &mut DbConnection, query: &ListQuery) -> anyhow::Result<Vec<Petition>> {
    Ok(list_matching(conn, query, false)?.0)
}

fn list_matching(
    conn: &mut DbConnection,
    query: &ListQuery,
    with_total: bool,
) -> anyhow::Result<(Vec<Petition>, Option<i64>)> {
    let at = now();
    let pattern = query.search.as_ref().map(|q| {
        // Control characters (NUL above all) never match a title anyway.
        let escaped = q
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    macro_rules! filtered {
        () => {{
            let mut q = petitions::table
                .filter(petitions::hidden_at.is_null())
                .into_boxed();
            if let Some(pattern) = &pattern {
                q = q.filter(
                    lower(petitions::title)
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(petitions::summary).like(pattern.clone()).escape('\\')),
                );
            }
            match query.state {
                ListState::Open => {
                    q = q.filter(petitions::state.eq(PetitionState::Open)).filter(
                        petitions::closes_at
                            .is_null()
                            .or(petitions::closes_at.gt(at)),
                    )
                }
                ListState::Closed => {
                    q = q.filter(
                        petitions::state
                            .eq(PetitionState::Closed)
                            .or(petitions::closes_at.le(at)),
                    )
                }
                ListState::Any => {}
            }
            q
        }};
    }
    let (rows, total) = db_run!(conn: {
        let total: Option<i64> = if with_total {
            Some(filtered!().count().get_result(conn)?)
        } else {
            None
        };
        let mut q = filtered!();
        q = match query.sort {
            ListSort::Signatures => q.order((petitions::signature_count.desc(), petitions::created_at.desc())),
            ListSort::Recent => q.order(petitions::created_at.desc()),
        };
        let rows = q
            .offset(query.offset)
            .limit(query.limit)
            .select(Petition::as_select())
            .load(conn)?;
        Ok::<_, diesel::result::Error>((rows, total))
    })
    .context("listing petitions")?;
    Ok((rows, total))
}

/// Closes a petition to new signatures, if `closer` may change it: its
/// owner, or an admin (see [`find_editable`]).
pub fn close(
    conn: &mut DbConnection,
    slug: &str,
    closer_id: &str,
    closer_is_admin: bool,
) -> anyhow::Result<Result<Petition, NotEditable>> {
    write_transaction(conn, |conn| {
        let (petition, _) = match find_editable(conn, slug, closer_id, closer_is_admin)? {
            Ok(found) => found,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let at = now();
        let closed: Petition = db_run!(conn: {
            diesel::update(petitions::table.filter(petitions::id.eq(&petition.id)))
                .set((
                    petitions::state.eq(PetitionState::Closed),
                    petitions::closed_at.eq(at),
                    petitions::updated_at.eq(at),
                ))
                .returning(Petition::as_returning())
                .get_result(conn)
        })
        .context("closing petition")?;
        Ok(Ok(closed))
    })
}

/// Why someone may not change a petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotEditable {
    NotFound,
    /// Someone else's, and they are no admin.
    NotYours,
}

/// The petition behind `slug` if `editor` may change it: its owner, or an
/// admin.
pub fn find_editable(
    conn: &mut DbConnection,
    slug: &str,
    editor_id: &str,
    editor_is_admin: bool,
) -> anyhow::Result<Result<(Petition, Vec<Target>), NotEditable>> {
    let Some(petition) = find_by_slug_including_hidden(conn, slug)? else {
        return Ok(Err(NotEditable::NotFound));
    };
    if petition.owner_id != editor_id && !editor_is_admin {
        return Ok(Err(NotEditable::NotYours));
    }
    let targets = targets_of(conn, std::slice::from_ref(&petition.id))?
        .remove(&petition.id)
        .unwrap_or_default();
    Ok(Ok((petition, targets)))
}

/// Rewrites a petition's text, goal, closing date and targets. The slug
/// never changes, so every link already shared keeps working.
pub fn update(
    conn: &mut DbConnection,
    slug: &str,
    editor_id: &str,
    editor_is_admin: bool,
    edited: &NewPetition,
) -> anyhow::Result<Result<Petition, NotEditable>> {
    write_transaction(conn, |conn| {
        let (petition, _) = match find_editable(conn, slug, editor_id, editor_is_admin)? {
            Ok(found) => found,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let updated: Petition = db_run!(conn: {
            diesel::update(petitions::table.filter(petitions::id.eq(&petition.id)))
                .set((
                    petitions::title.eq(&edited.title),
                    petitions::summary.eq(&edited.summary),
                    petitions::body_markdown.eq(&edited.body_markdown),
                    petitions::body_html.eq(&edited.body_html),
                    petitions::goal.eq(edited.goal),
                    petitions::closes_at.eq(edited.closes_at),
                    petitions::language.eq(edited.language.code()),
                    petitions::updated_at.eq(now()),
                ))
                .returning(Petition::as_returning())
                .get_result(conn)
        })
        .context("updating petition")?;
        if edited.goal != petition.goal {
            // A new goal is a new milestone to tell the organizer about.
            db_run!(conn: {
                diesel::update(petitions::table.filter(petitions::id.eq(&petition.id)))
                    .set(petitions::goal_reached_at.eq(None::<PrimitiveDateTime>))
                    .execute(conn)
            })
            .context("resetting goal reached")?;
        }
        db_run!(conn: {
            diesel::delete(
                petition_targets::table.filter(petition_targets::petition_id.eq(&petition.id)),
            )
            .execute(conn)
        })
        .context("clearing targets")?;
        for (position, target) in edited.targets.iter().enumerate() {
            let target_id = ensure_target(conn, target.as_str(), &target.key())?;
            db_run!(conn: {
                diesel::insert_into(petition_targets::table)
                    .values((
                        petition_targets::petition_id.eq(&petition.id),
                        petition_targets::target_id.eq(&target_id),
                        petition_targets::position.eq(position as i32),
                    ))
                    .execute(conn)
            })
            .context("linking target")?;
        }
        Ok(Ok(updated))
    })
}

/// Every open, public petition's slug and last change, newest first, for
/// the sitemap: at most `limit`, as one sitemap file may hold 50,000.
pub fn sitemap_entries(
    conn: &mut DbConnection,
    limit: i64,
) -> anyhow::Result<Vec<(String, PrimitiveDateTime)>> {
    let at = now();
    db_run!(conn: {
        petitions::table
            .filter(petitions::hidden_at.is_null())
            .filter(petitions::state.eq(PetitionState::Open))
            .filter(petitions::closes_at.is_null().or(petitions::closes_at.gt(at)))
            .order(petitions::updated_at.desc())
            .limit(limit)
            .select((petitions::slug, petitions::updated_at))
            .load(conn)
    })
    .context("listing petitions for the sitemap")
}
