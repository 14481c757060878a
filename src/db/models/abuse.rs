//! What admins review for abuse: a petition's recent signatures grouped by
//! IP address, email domain and country, and invalidating the signatures
//! that match some criteria, with an audit record of each time.

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use time::PrimitiveDateTime;

use super::{counts, new_id, public_log};
use crate::db::schema::{email_outbox, organizers, signature_invalidations, signatures};
use crate::db::{write_transaction, DbConnection};
use crate::db_run;
use crate::domain::abuse::Criteria;
use crate::domain::signer::SignatureState;

/// What the abuse tables group signatures by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Ip,
    Domain,
    Country,
}

impl Dimension {
    /// The grouping expression. The domain is what follows the last `@`
    /// of the canonical email; SQLite has no search from the right, so
    /// there `rtrim` strips every character but `@` from the end.
    fn key(self, conn: &DbConnection) -> &'static str {
        match (self, conn) {
            (Self::Ip, _) => "ip",
            (Self::Country, _) => "country",
            (Self::Domain, DbConnection::Postgresql(_)) => {
                "substring(email_canonical from '[^@]*$')"
            }
            (Self::Domain, DbConnection::Sqlite(_)) => {
                "substr(email_canonical, \
                 length(rtrim(email_canonical, replace(email_canonical, '@', ''))) + 1)"
            }
        }
    }
}

/// One row of an abuse table: signatures sharing an IP address, an email
/// domain or a country. `key` is `None` for signatures without an IP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub key: Option<String>,
    pub confirmed: i64,
    pub pending: i64,
}

impl GroupRow {
    pub fn total(&self) -> i64 {
        self.confirmed + self.pending
    }
}

/// A window's signatures grouped one way: the biggest rows, and how the
/// sizes of all its rows are spread.
#[derive(Debug, Clone, Default)]
pub struct Breakdown {
    /// The biggest rows, biggest first.
    pub top: Vec<GroupRow>,
    /// `(size, how many rows have that size)` over every row.
    pub sizes: Vec<(i64, i64)>,
}

impl Breakdown {
    /// Signatures in the window, pending and confirmed.
    pub fn total(&self) -> i64 {
        self.sizes.iter().map(|&(size, rows)| size * rows).sum()
    }

    /// How many rows (addresses, domains, countries) the window has.
    pub fn rows(&self) -> i64 {
        self.sizes.iter().map(|&(_, rows)| rows).sum()
    }
}

#[derive(QueryableByName)]
struct BreakdownRow {
    /// 0 for a top row, 1 for a line of the size distribution.
    #[diesel(sql_type = Integer)]
    part: i32,
    #[diesel(sql_type = Nullable<Text>)]
    k: Option<String>,
    /// Confirmed signatures of a top row; the size of a distribution line.
    #[diesel(sql_type = BigInt)]
    a: i64,
    /// Pending signatures of a top row; how many rows have that size.
    #[diesel(sql_type = BigInt)]
    b: i64,
}

/// A petition's valid (pending and confirmed) signatures made since
/// `since`, grouped by `dimension`: the `limit` biggest rows and the
/// distribution of row sizes, from one range scan of the covering
/// `signatures_abuse_idx`. The grouped rows are materialized once and read
/// twice.
pub fn breakdown(
    conn: &mut DbConnection,
    petition_id: &str,
    dimension: Dimension,
    since: PrimitiveDateTime,
    limit: i64,
) -> anyhow::Result<Breakdown> {
    let sql = format!(
        "WITH g AS ( \
           SELECT {key} AS k, \
             CAST(SUM(CASE WHEN state = 'confirmed' THEN 1 ELSE 0 END) AS BIGINT) AS c, \
             CAST(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS BIGINT) AS p \
           FROM signatures \
           WHERE petition_id = $1 AND created_at >= $2 \
           GROUP BY {key} \
           HAVING SUM(CASE WHEN state IN ('pending', 'confirmed') THEN 1 ELSE 0 END) > 0 \
         ) \
         SELECT part, k, a, b FROM ( \
           SELECT 0 AS part, k, c AS a, p AS b FROM g ORDER BY c + p DESC, k LIMIT $3 \
         ) AS top \
         UNION ALL \
         SELECT 1 AS part, NULL AS k, CAST(c + p AS BIGINT) AS a, CAST(COUNT(*) AS BIGINT) AS b \
         FROM g GROUP BY c + p",
        key = dimension.key(conn),
    );
    let rows: Vec<BreakdownRow> = match conn {
        DbConnection::Postgresql(conn) => diesel::sql_query(sql)
            .bind::<Text, _>(petition_id)
            .bind::<Timestamp, _>(since)
            .bind::<BigInt, _>(limit)
            .load(conn),
        DbConnection::Sqlite(conn) => {
            diesel::sql_query(sql.replace("$1", "?").replace("$2", "?").replace("$3", "?"))
                .bind::<Text, _>(petition_id)
                .bind::<Timestamp, _>(since)
                .bind::<BigInt, _>(limit)
                .load(conn)
        }
    }
    .context("grouping recent signatures")?;
    let mut breakdown = Breakdown::default();
    for row in rows {
        if row.part == 0 {
            breakdown.top.push(GroupRow {
                key: row.k,
                confirmed: row.a,
                pending: row.b,
            });
        } else {
            breakdown.sizes.push((row.a, row.b));
        }
    }
    // UNION ALL keeps no order of its own.
    breakdown
        .top
        .sort_by(|x, y| y.total().cmp(&x.total()).then_with(|| x.key.cmp(&y.key)));
    breakdown.sizes.sort_unstable();
    Ok(breakdown)
}

/// Ids per UPDATE: well under SQLite's and PostgreSQL's bind limits.
const CHUNK: usize = 500;

/// What an invalidation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalidated {
    /// The audit record's id.
    pub id: String,
    pub matched: i64,
    /// Of `matched`, those that had been confirmed and so came off the count.
    pub confirmed: i64,
}

/// Invalidates the petition's pending and confirmed signatures that match
/// every given criterion, in one transaction that also writes the audit
/// record, drops their unsent emails and takes the confirmed ones off the
/// count shards. The caller then reloads the petition's count.
///
/// The domain and the times are matched in SQL; an IP range is matched
/// here, for SQLite has no address type, over just the rows the other
/// criteria leave.
pub fn invalidate(
    conn: &mut DbConnection,
    petition_id: &str,
    admin_id: &str,
    criteria: &Criteria,
    now: PrimitiveDateTime,
) -> anyhow::Result<Invalidated> {
    write_transaction(conn, |conn| {
        let id = new_id();
        // First, so that the signatures can name it.
        db_run!(conn: {
            diesel::insert_into(signature_invalidations::table)
                .values((
                    signature_invalidations::id.eq(&id),
                    signature_invalidations::petition_id.eq(petition_id),
                    signature_invalidations::admin_id.eq(admin_id),
                    signature_invalidations::ip_range.eq(criteria.ip_text()),
                    signature_invalidations::email_domain.eq(&criteria.domain),
                    signature_invalidations::signed_since.eq(criteria.since),
                    signature_invalidations::signed_before.eq(criteria.until),
                    signature_invalidations::matched.eq(0i64),
                    signature_invalidations::confirmed.eq(0i64),
                    signature_invalidations::created_at.eq(now),
                ))
                .execute(conn)
        })
        .context("recording an invalidation")?;

        let candidates: Vec<(String, Option<String>)> = db_run!(conn: {
            let mut query = signatures::table
                .filter(signatures::petition_id.eq(petition_id))
                .filter(signatures::state.eq_any([SignatureState::Pending, SignatureState::Confirmed]))
                .select((signatures::id, signatures::ip))
                .into_boxed();
            if let Some(domain) = &criteria.domain {
                // The domain holds only letters, digits, dots and hyphens,
                // so nothing in it is a LIKE wildcard.
                query = query.filter(signatures::email_canonical.like(format!("%@{domain}")));
            }
            if let Some(since) = criteria.since {
                query = query.filter(signatures::created_at.ge(since));
            }
            if let Some(until) = criteria.until {
                query = query.filter(signatures::created_at.lt(until));
            }
            if criteria.ip.is_some() {
                query = query.filter(signatures::ip.is_not_null());
            }
            query.load(conn)
        })
        .context("finding signatures to invalidate")?;
        let ids: Vec<String> = candidates
            .into_iter()
            .filter(|(_, ip)| criteria.ip_matches(ip.as_deref()))
            .map(|(id, _)| id)
            .collect();

        let (mut pending, mut confirmed) = (0i64, 0i64);
        for chunk in ids.chunks(CHUNK) {
            // Pending ones first: one that is confirmed meanwhile (on
            // PostgreSQL, by a transaction that commits while this waits
            // for its row) is then caught by the second statement and
            // taken off the count with the rest.
            let invalidated = (
                signatures::state.eq(SignatureState::Invalidated),
                signatures::invalidation_id.eq(&id),
            );
            pending += db_run!(conn: {
                diesel::update(
                    signatures::table
                        .filter(signatures::id.eq_any(chunk))
                        .filter(signatures::state.eq(SignatureState::Pending)),
                )
                .set(invalidated)
                .execute(conn)
            })
            .context("invalidating pending signatures")? as i64;
            let counted: Vec<Option<Vec<u8>>> = db_run!(conn: {
                diesel::update(
                    signatures::table
                        .filter(signatures::id.eq_any(chunk))
                        .filter(signatures::state.eq(SignatureState::Confirmed)),
                )
                .set(invalidated)
                .returning(signatures::commitment)
                .load(conn)
            })
            .context("invalidating confirmed signatures")?;
            confirmed += counted.len() as i64;
            // Each leaves the public log by a revoke of its add.
            for commitment in counted.into_iter().flatten() {
                let commitment = public_log::to_hash(commitment)?;
                public_log::queue_revoke(conn, petition_id, &commitment, now)?;
            }
            // Their confirmation links and news go nowhere now.
            db_run!(conn: {
                diesel::delete(
                    email_outbox::table
                        .filter(email_outbox::signature_id.eq_any(chunk))
                        .filter(email_outbox::sent_at.is_null())
                        .filter(email_outbox::failed_at.is_null()),
                )
                .execute(conn)
            })
            .context("dropping unsent email of invalidated signatures")?;
        }

        let matched = pending + confirmed;
        db_run!(conn: {
            diesel::update(signature_invalidations::table.filter(signature_invalidations::id.eq(&id)))
                .set((
                    signature_invalidations::matched.eq(matched),
                    signature_invalidations::confirmed.eq(confirmed),
                ))
                .execute(conn)
        })
        .context("recording what an invalidation matched")?;
        if confirmed > 0 {
            counts::add(conn, petition_id, -confirmed)?;
        }
        Ok(Invalidated {
            id,
            matched,
            confirmed,
        })
    })
}

/// An invalidation as the abuse page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct InvalidationRecord {
    pub id: String,
    pub created_at: PrimitiveDateTime,
    pub admin_name: Option<String>,
    pub admin_email: Option<String>,
    pub ip_range: Option<String>,
    pub email_domain: Option<String>,
    pub signed_since: Option<PrimitiveDateTime>,
    pub signed_before: Option<PrimitiveDateTime>,
    pub matched: i64,
    pub confirmed: i64,
}

macro_rules! records {
    ($petition_id:expr) => {
        signature_invalidations::table
            .left_join(
                organizers::table
                    .on(signature_invalidations::admin_id.eq(organizers::id.nullable())),
            )
            .filter(signature_invalidations::petition_id.eq($petition_id))
            .select((
                signature_invalidations::id,
                signature_invalidations::created_at,
                organizers::name.nullable(),
                organizers::email.nullable(),
                signature_invalidations::ip_range,
                signature_invalidations::email_domain,
                signature_invalidations::signed_since,
                signature_invalidations::signed_before,
                signature_invalidations::matched,
                signature_invalidations::confirmed,
            ))
    };
}

/// The petition's most recent invalidations, newest first.
pub fn recent_invalidations(
    conn: &mut DbConnection,
    petition_id: &str,
    limit: i64,
) -> anyhow::Result<Vec<InvalidationRecord>> {
    db_run!(conn: {
        records!(petition_id)
            .order((signature_invalidations::created_at.desc(), signature_invalidations::id.desc()))
            .limit(limit)
            .load(conn)
    })
    .context("loading invalidations")
}

/// One invalidation of this petition, for the notice after making it.
pub fn find_invalidation(
    conn: &mut DbConnection,
    petition_id: &str,
    id: &str,
) -> anyhow::Result<Option<InvalidationRecord>> {
    db_run!(conn: {
        records!(petition_id)
            .filter(signature_invalidations::id.eq(id))
            .first(conn)
            .optional()
    })
    .context("loading an invalidation")
}
