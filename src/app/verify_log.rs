//! `undersigned verify URL`: checks a petition's public log from the
//! outside, through its public addresses only, so that anyone can run it
//! against any instance. It trusts nothing the server says that it can
//! recompute: every leaf hash, the root, the head's signature, the
//! revokes, the totals and the count.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::{bail, ensure, Context};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::transparency::head::{public_key_from_base64, TreeHead};
use crate::transparency::leaf::{Leaf, LeafKind};
use crate::transparency::merkle::{self, Hash};

const PAGE: u64 = 10_000;
/// A signature counts about a second before its leaf is placed, and the
/// count keeps moving on a busy petition: the count must be what the log
/// added up to at some cut made after the leaves listed when it was read,
/// read again up to this many times.
const COUNT_TRIES: u32 = 4;
/// How long entries take to be placed, at most, give or take.
const PLACING_DELAY: Duration = Duration::from_secs(2);

/// What a passing check found.
#[derive(Debug)]
pub struct Report {
    pub head: TreeHead,
    /// Leaves appended after the head.
    pub later_leaves: u64,
    /// The public count, which equals adds minus revokes of every leaf.
    pub count: i64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = &self.head;
        write!(
            f,
            "ok: {}: {} leaves ({} added, {} withdrawn) match the head signed at {}; \
             {} leaves since; the public count {} equals adds minus revokes",
            h.petition, h.tree_size, h.adds, h.revokes, h.timestamp, self.later_leaves, self.count
        )
    }
}

struct Petition {
    /// The site's base address, before `/petitions/`.
    base: String,
    slug: String,
}

fn parse_url(url: &str) -> anyhow::Result<Petition> {
    let parsed = url::Url::parse(url).with_context(|| format!("{url:?} is not a URL"))?;
    ensure!(
        matches!(parsed.scheme(), "http" | "https"),
        "{url:?} is not an http or https address"
    );
    let path = parsed.path().trim_end_matches('/');
    let Some((prefix, slug)) = path.rsplit_once("/petitions/") else {
        bail!("{url:?} is not a petition's address (…/petitions/SLUG)");
    };
    ensure!(
        !slug.is_empty() && !slug.contains('/'),
        "{url:?} is not a petition's address (…/petitions/SLUG)"
    );
    let mut base = parsed.clone();
    base.set_path(prefix);
    base.set_query(None);
    base.set_fragment(None);
    Ok(Petition {
        base: base.as_str().trim_end_matches('/').to_owned(),
        slug: slug.to_owned(),
    })
}

struct Client {
    http: reqwest::Client,
}

impl Client {
    fn new() -> anyhow::Result<Self> {
        Ok(Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .user_agent(concat!("undersigned-verify/", env!("CARGO_PKG_VERSION")))
                .build()?,
        })
    }

    async fn get<T: DeserializeOwned>(&self, url: &str) -> anyhow::Result<T> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .with_context(|| format!("GET {url}"))?;
        ensure!(
            status.is_success(),
            "GET {url} answered {status}: {}",
            body.chars().take(300).collect::<String>()
        );
        serde_json::from_str(&body).with_context(|| format!("GET {url}: unexpected JSON"))
    }
}

#[derive(Deserialize)]
struct KeyJson {
    algorithm: String,
    public_key: String,
}

#[derive(Deserialize)]
struct LeafJson {
    index: u64,
    kind: String,
    revokes: Option<u64>,
    day: String,
    commitment: String,
    leaf_hash: String,
}

#[derive(Deserialize)]
struct LeavesJson {
    data: Vec<LeafJson>,
}

#[derive(Deserialize)]
struct ConsistencyJson {
    path: Vec<String>,
}

#[derive(Deserialize)]
struct CountJson {
    signature_count: i64,
}

fn hash_of(hex_str: &str, what: &str) -> anyhow::Result<Hash> {
    ensure!(
        hex_str.len() == 64
            && hex_str
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
        "{what} is not 64 lowercase hex characters"
    );
    Ok(hex::decode(hex_str)?
        .try_into()
        .expect("64 hex characters are 32 bytes"))
}

/// Every leaf read so far, checked one by one as it arrives.
#[derive(Default)]
struct Leaves {
    hashes: Vec<Hash>,
    /// Adds minus revokes of the log up to and including each leaf.
    nets: Vec<i64>,
    adds: u64,
    revokes: u64,
    added: HashSet<u64>,
    revoked: HashSet<u64>,
}

impl Leaves {
    fn take(&mut self, slug: &str, json: LeafJson) -> anyhow::Result<()> {
        let index = self.hashes.len() as u64;
        ensure!(
            json.index == index,
            "leaf {index} came as index {}",
            json.index
        );
        let kind = LeafKind::parse(&json.kind)
            .with_context(|| format!("leaf {index} has the kind {:?}", json.kind))?;
        let valid_day = json.day.len() == 10
            && time::Date::parse(
                &json.day,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_ok();
        ensure!(valid_day, "leaf {index} has the day {:?}", json.day);
        let leaf = Leaf {
            index,
            kind,
            revokes: json.revokes,
            day: json.day,
            commitment: hash_of(&json.commitment, &format!("leaf {index}'s commitment"))?,
        };
        let hash = leaf.hash(slug);
        ensure!(
            hash == hash_of(&json.leaf_hash, &format!("leaf {index}'s hash"))?,
            "leaf {index}'s hash does not match its fields"
        );
        match (kind, leaf.revokes) {
            (LeafKind::Add, None) => {
                self.adds += 1;
                self.added.insert(index);
            }
            (LeafKind::Revoke, Some(target)) => {
                ensure!(
                    self.added.contains(&target),
                    "leaf {index} revokes {target}, which is not an earlier add"
                );
                ensure!(
                    self.revoked.insert(target),
                    "leaf {index} revokes {target} a second time"
                );
                self.revokes += 1;
            }
            (LeafKind::Add, Some(_)) => bail!("leaf {index} is an add that names a revoke"),
            (LeafKind::Revoke, None) => bail!("leaf {index} is a revoke that names no add"),
        }
        self.hashes.push(hash);
        self.nets.push(self.adds as i64 - self.revokes as i64);
        Ok(())
    }

    /// The least and the most adds minus revokes of the log cut after any
    /// leaf from the first `from` on. Each leaf moves it by one, so every
    /// value between the two is that of some such cut.
    fn net_range(&self, from: usize) -> (i64, i64) {
        let start = if from == 0 { 0 } else { self.nets[from - 1] };
        self.nets[from..]
            .iter()
            .fold((start, start), |(low, high), net| {
                (low.min(*net), high.max(*net))
            })
    }

    /// Reads leaves from the end of what is held until the log's end.
    async fn read_more(&mut self, client: &Client, petition: &Petition) -> anyhow::Result<()> {
        loop {
            let start = self.hashes.len() as u64;
            let url = format!(
                "{}/petitions/{}/log/leaves?start={start}&end={}",
                petition.base,
                petition.slug,
                start + PAGE
            );
            let page: LeavesJson = client.get(&url).await?;
            let got = page.data.len() as u64;
            for leaf in page.data {
                self.take(&petition.slug, leaf)?;
            }
            if got < PAGE {
                return Ok(());
            }
        }
    }

    /// Adds and revokes among the first `size` leaves.
    fn totals_at(&self, size: u64) -> (u64, u64) {
        // Every leaf is an add or a revoke.
        let adds = self.added.iter().filter(|i| **i < size).count() as u64;
        let revokes = size - adds;
        (adds, revokes)
    }
}

/// Checks the petition at `url`; `since` is a head saved earlier.
pub async fn verify(url: &str, since: Option<TreeHead>) -> anyhow::Result<Report> {
    let petition = parse_url(url)?;
    let client = Client::new()?;
    let key: KeyJson = client.get(&format!("{}/log/key", petition.base)).await?;
    ensure!(
        key.algorithm == "ed25519",
        "the log key's algorithm is {:?}, not ed25519",
        key.algorithm
    );
    let key = public_key_from_base64(&key.public_key).context("the log's public key")?;
    let head: TreeHead = client
        .get(&format!(
            "{}/petitions/{}/log/head",
            petition.base, petition.slug
        ))
        .await?;
    ensure!(
        head.petition == petition.slug,
        "the head is for {:?}, not {:?}",
        head.petition,
        petition.slug
    );
    ensure!(
        head.is_signed_by(&key),
        "the head's signature does not verify with the log's key"
    );

    let mut leaves = Leaves::default();
    leaves.read_more(&client, &petition).await?;
    let held = leaves.hashes.len() as u64;
    ensure!(
        held >= head.tree_size,
        "the log lists {held} leaves, fewer than its head's {}",
        head.tree_size
    );
    let root = merkle::root_of(&leaves.hashes[..head.tree_size as usize]);
    ensure!(
        hex::encode(root) == head.root_hash,
        "the leaves do not add up to the head's root hash"
    );
    let (adds, revokes) = leaves.totals_at(head.tree_size);
    ensure!(
        (adds, revokes) == (head.adds, head.revokes),
        "the head says {} added and {} withdrawn; its leaves hold {adds} and {revokes}",
        head.adds,
        head.revokes
    );

    if let Some(saved) = since {
        check_since(&client, &petition, &key, &saved, &head, &leaves).await?;
    }

    // Every leaf listed before the count is read was counted in it, and
    // everything it counted is placed soon after: the count must equal
    // adds minus revokes at a cut of the log from there on.
    let count_url = format!("{}/api/v1/petitions/{}/count", petition.base, petition.slug);
    let mut tries = 0;
    let count = loop {
        let from = leaves.hashes.len();
        let count: CountJson = client.get(&count_url).await?;
        if tries > 0 {
            tokio::time::sleep(PLACING_DELAY).await;
        }
        leaves.read_more(&client, &petition).await?;
        let (low, high) = leaves.net_range(from);
        if (low..=high).contains(&count.signature_count) {
            break count.signature_count;
        }
        tries += 1;
        if tries >= COUNT_TRIES {
            bail!(
                "the public count is {}, but the log's adds minus revokes were between {low} and {high} while it was read",
                count.signature_count
            );
        }
    };
    Ok(Report {
        later_leaves: leaves.hashes.len() as u64 - head.tree_size,
        head,
        count,
    })
}

async fn check_since(
    client: &Client,
    petition: &Petition,
    key: &ed25519_dalek::VerifyingKey,
    saved: &TreeHead,
    head: &TreeHead,
    leaves: &Leaves,
) -> anyhow::Result<()> {
    ensure!(
        saved.petition == petition.slug,
        "the saved head is for {:?}, not {:?}",
        saved.petition,
        petition.slug
    );
    ensure!(
        saved.is_signed_by(key),
        "the saved head's signature does not verify with the log's key"
    );
    ensure!(
        saved.tree_size <= head.tree_size,
        "the saved head has {} leaves, more than the latest head's {}: the log shrank",
        saved.tree_size,
        head.tree_size
    );
    let saved_root = hash_of(&saved.root_hash, "the saved head's root")?;
    let head_root = hash_of(&head.root_hash, "the head's root")?;
    ensure!(
        merkle::root_of(&leaves.hashes[..saved.tree_size as usize]) == saved_root,
        "the log's first {} leaves no longer add up to the saved head's root",
        saved.tree_size
    );
    if saved.tree_size > 0 && saved.tree_size < head.tree_size {
        let proof: ConsistencyJson = client
            .get(&format!(
                "{}/petitions/{}/log/consistency?first={}&second={}",
                petition.base, petition.slug, saved.tree_size, head.tree_size
            ))
            .await?;
        let path = proof
            .path
            .iter()
            .map(|h| hash_of(h, "a consistency proof hash"))
            .collect::<anyhow::Result<Vec<_>>>()?;
        ensure!(
            merkle::verify_consistency(
                saved.tree_size,
                head.tree_size,
                &saved_root,
                &head_root,
                &path
            ),
            "the consistency proof from {} to {} leaves does not verify",
            saved.tree_size,
            head.tree_size
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_petition_address_gives_the_site_and_the_slug() {
        let p = parse_url("https://example.org/petitions/save-bees/").unwrap();
        assert_eq!(
            (p.base.as_str(), p.slug.as_str()),
            ("https://example.org", "save-bees")
        );
        let p = parse_url("http://127.0.0.1:8080/sub/petitions/x?lang=ko").unwrap();
        assert_eq!(
            (p.base.as_str(), p.slug.as_str()),
            ("http://127.0.0.1:8080/sub", "x")
        );
        assert!(parse_url("https://example.org/about").is_err());
        assert!(parse_url("ftp://example.org/petitions/x").is_err());
    }
}
