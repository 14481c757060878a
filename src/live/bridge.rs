//! Carries count changes between instances that share a PostgreSQL
//! database, with LISTEN/NOTIFY: what an announcement says. The jobs that
//! send and read them are [`crate::workers::count_announcer`] and
//! [`crate::workers::count_listener`].
//!
//! # Why batches
//!
//! A NOTIFY takes a database-wide lock when its transaction commits, so a
//! NOTIFY per signature would queue every confirming transaction behind
//! each other. Instead confirmations only mark their petition as changed
//! in the count store; the announcer sends at most one NOTIFY every
//! [`ANNOUNCE_EVERY`], naming all petitions changed meanwhile, on its own
//! connection and outside any signature's transaction. Petitions created,
//! edited, hidden or shown again are announced the same way, so that every
//! instance re-reads the whole row (slug, goal, hidden) and not only the
//! count.
//!
//! The listener holds one dedicated connection per instance, LISTENing,
//! and re-reads the petitions named in each announcement.
//!
//! [`ANNOUNCE_EVERY`]: crate::workers::count_announcer::ANNOUNCE_EVERY

/// PostgreSQL refuses payloads of 8000 bytes or more.
const MAX_PAYLOAD: usize = 7_000;

/// `"{sender} {id},{id},…"`, split so that no payload is too long.
pub(crate) fn payloads(sender: &str, ids: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for id in ids {
        if !current.is_empty() && current.len() + 1 + id.len() > MAX_PAYLOAD {
            out.push(std::mem::take(&mut current));
        }
        if current.is_empty() {
            current.push_str(sender);
            current.push(' ');
        } else {
            current.push(',');
        }
        current.push_str(id);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The petition ids in an announcement from another instance; `None` for
/// this instance's own, whose changes are already in its store.
pub(crate) fn parse(payload: &str, own: &str) -> Option<Vec<String>> {
    let (sender, ids) = payload.split_once(' ')?;
    if sender == own {
        return None;
    }
    Some(
        ids.split(',')
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_the_sender_and_stay_under_postgresql_limit() {
        let ids: Vec<String> = (0..1000).map(|i| format!("{i:036}")).collect();
        let payloads = payloads("me", &ids);
        assert!(payloads.len() > 1);
        let mut back = Vec::new();
        for p in &payloads {
            assert!(p.len() < 8000);
            back.extend(parse(p, "other").unwrap());
        }
        assert_eq!(back, ids);
        assert_eq!(parse(&payloads[0], "me"), None);
    }
}
