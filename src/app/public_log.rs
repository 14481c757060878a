//! Reading a petition's public log: its signed heads, its leaves, and the
//! proofs that tie a leaf or an older head to the latest head. Everything
//! here is an indexed lookup; nothing scans a log.

use crate::db::models::public_log::{self as log_rows, LeafKey, StoredLeaf, MAX_LEAVES_PER_PAGE};
use crate::state::AppState;
use crate::transparency::head::TreeHead;
use crate::transparency::merkle::{self, Hash};

/// Heads on one page of the list.
pub const HEADS_PER_PAGE: i64 = 1000;

/// Why a log read has nothing to show.
#[derive(Debug, PartialEq, Eq)]
pub enum Missing {
    /// No public petition by that slug.
    Petition,
    /// The log has no signed head yet.
    Head,
    /// No leaf matches.
    Leaf,
    /// The leaf is queued for the log, or in it but appended after the
    /// latest head.
    NotYetSigned,
}

pub type LogResult<T> = anyhow::Result<Result<T, Missing>>;

/// The petition behind a public log. The count store answers for hidden
/// and unknown petitions from memory.
async fn petition_id(state: &AppState, slug: &str) -> anyhow::Result<Option<String>> {
    if state.counts.get(slug).is_none() {
        return Ok(None);
    }
    let slug = slug.to_owned();
    state
        .db
        .run(move |conn| log_rows::public_petition_id(conn, &slug))
        .await
}

pub async fn latest_head(state: &AppState, slug: String) -> LogResult<TreeHead> {
    let Some(id) = petition_id(state, &slug).await? else {
        return Ok(Err(Missing::Petition));
    };
    let head = state
        .db
        .run(move |conn| log_rows::latest_head(conn, &id, &slug))
        .await?;
    Ok(head.ok_or(Missing::Head))
}

/// One page of heads, oldest first, and whether more follow.
pub async fn heads(state: &AppState, slug: String, page: i64) -> LogResult<(Vec<TreeHead>, bool)> {
    let Some(id) = petition_id(state, &slug).await? else {
        return Ok(Err(Missing::Petition));
    };
    let offset = (page - 1) * HEADS_PER_PAGE;
    let mut heads = state
        .db
        .run(move |conn| log_rows::heads(conn, &id, &slug, offset, HEADS_PER_PAGE + 1))
        .await?;
    let more = heads.len() as i64 > HEADS_PER_PAGE;
    heads.truncate(HEADS_PER_PAGE as usize);
    Ok(Ok((heads, more)))
}

/// Leaves `start <= index < end`, at most [`MAX_LEAVES_PER_PAGE`]; a
/// longer range is cut short, and the reader asks again from where it
/// ends.
pub async fn leaves(
    state: &AppState,
    slug: String,
    start: u64,
    end: Option<u64>,
) -> LogResult<Vec<StoredLeaf>> {
    let Some(id) = petition_id(state, &slug).await? else {
        return Ok(Err(Missing::Petition));
    };
    let limit = start.saturating_add(MAX_LEAVES_PER_PAGE);
    let end = end.map_or(limit, |e| e.min(limit));
    let leaves = state
        .db
        .run(move |conn| log_rows::leaves(conn, &id, start, end))
        .await?;
    Ok(Ok(leaves))
}

/// An inclusion proof to the latest head.
#[derive(Debug)]
pub struct Proof {
    pub index: u64,
    pub leaf_hash: Hash,
    pub head: TreeHead,
    pub path: Vec<Hash>,
    pub revoked_by: Option<u64>,
    /// Whether the path leads from the leaf to the head's root. It is given
    /// either way: a log that does not check out is for its readers to see,
    /// not for the server to hide.
    pub checks_out: bool,
}

pub async fn proof(state: &AppState, slug: String, key: LeafKey) -> LogResult<Proof> {
    let Some(id) = petition_id(state, &slug).await? else {
        return Ok(Err(Missing::Petition));
    };
    state
        .db
        .run(move |conn| {
            let mut found = log_rows::find_leaf(conn, &id, &key)?;
            if found.is_none() {
                // A receipt shown a moment ago may still wait for its
                // place, or have been given it since the first look.
                if let LeafKey::Commitment(commitment) = &key {
                    if log_rows::is_queued(conn, &id, commitment)? {
                        return Ok(Err(Missing::NotYetSigned));
                    }
                    found = log_rows::find_leaf(conn, &id, &key)?;
                }
            }
            let Some((index, leaf_hash)) = found else {
                return Ok(Err(Missing::Leaf));
            };
            let Some(head) = log_rows::latest_head(conn, &id, &slug)? else {
                return Ok(Err(Missing::NotYetSigned));
            };
            if index >= head.tree_size {
                return Ok(Err(Missing::NotYetSigned));
            }
            let path = log_rows::inclusion_path(conn, &id, index, head.tree_size)?;
            // Our own answer, checked before it is given.
            let root: Option<Hash> = hex::decode(&head.root_hash)
                .ok()
                .and_then(|r| r.try_into().ok());
            let checks_out = root.is_some_and(|root| {
                merkle::verify_inclusion(index, head.tree_size, &leaf_hash, &path, &root)
            });
            if !checks_out {
                tracing::error!(
                    slug = %slug,
                    index,
                    tree_size = head.tree_size,
                    "the log's stored hashes do not reach its signed head"
                );
            }
            // Only a revoke the same head covers, which its proof can show.
            let revoked_by =
                log_rows::revoked_by(conn, &id, index)?.filter(|revoke| *revoke < head.tree_size);
            Ok(Ok(Proof {
                index,
                leaf_hash,
                head,
                path,
                revoked_by,
                checks_out,
            }))
        })
        .await
}

/// Why a consistency proof cannot be given.
#[derive(Debug, PartialEq, Eq)]
pub enum BadSizes {
    /// The sizes must satisfy `1 <= first <= second <= size`.
    OutOfRange { size: u64 },
}

pub async fn consistency(
    state: &AppState,
    slug: String,
    first: u64,
    second: u64,
) -> LogResult<Result<Vec<Hash>, BadSizes>> {
    let Some(id) = petition_id(state, &slug).await? else {
        return Ok(Err(Missing::Petition));
    };
    state
        .db
        .run(move |conn| {
            let size = log_rows::totals(conn, &id)?.size as u64;
            if first == 0 || first > second || second > size {
                return Ok(Ok(Err(BadSizes::OutOfRange { size })));
            }
            Ok(Ok(Ok(log_rows::consistency_path(
                conn, &id, first, second,
            )?)))
        })
        .await
}
