//! The public log: receipts proven to signed heads, withdrawals shown as
//! revokes, heads that only ever extend, a count that always equals adds
//! minus revokes, `undersigned verify` catching a tampered database, and no
//! personal data in any answer.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::Value;
use undersigned::transparency::head::{public_key_from_base64, LogKey, TreeHead};
use undersigned::transparency::leaf::{Leaf, LeafKind};
use undersigned::transparency::merkle::{self, Hash};
use undersigned::transparency::receipt::Receipt;

use crate::app_tests;
use crate::helpers::{signature, Page, TestApp, TEST_LOG_KEY};

app_tests!(
    a_receipt_is_proven_to_the_signed_head,
    a_withdrawn_signature_shows_its_revoke,
    later_heads_extend_earlier_ones,
    verify_passes_on_an_honest_log_and_fails_on_a_tampered_database,
    the_count_equals_adds_minus_revokes_under_concurrent_confirmations_and_withdrawals,
    bad_log_requests_get_clear_errors,
);

struct Signed {
    receipt: String,
    withdraw_link: String,
}

/// Signs and confirms as a person does; the thank-you page shows the receipt.
async fn sign_and_confirm(app: &TestApp, slug: &str, email: &str) -> Signed {
    app.sign(slug, &signature(email)).await;
    let mail = &app.mail.wait_for(email, 1).await[0];
    let thanks = app
        .confirm(&mail.link_containing("/signatures/confirm/"))
        .await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    let receipt = thanks
        .text_of("#receipt-code")
        .expect("the thank-you page shows a receipt code");
    Signed {
        receipt: receipt.trim().to_owned(),
        withdraw_link: mail.link_containing("/signatures/withdraw/"),
    }
}

async fn withdraw(app: &TestApp, link: &str) {
    let form = app.follow(link).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let path = link.strip_prefix(&app.address).unwrap();
    let done = app
        .post_form(path, &[("csrf_token", form.csrf_token())])
        .await;
    assert_eq!(done.status(), 200);
}

/// The latest head, once one covers at least `size` leaves.
pub(crate) async fn head_covering(app: &TestApp, slug: &str, size: u64) -> TreeHead {
    for _ in 0..150 {
        let (status, body) = app.get_json(&format!("/petitions/{slug}/log/head")).await;
        if status == 200 {
            let head: TreeHead = serde_json::from_value(body).unwrap();
            if head.tree_size >= size {
                return head;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no head of {size} leaves was signed within 15 s");
}

/// Waits until the sequencer has placed every queued log entry.
async fn all_placed(app: &TestApp) {
    for _ in 0..150 {
        if app.db.count("log_queue", "1 = 1") == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("log entries were still queued after 15 s");
}

async fn log_key(app: &TestApp) -> ed25519_dalek::VerifyingKey {
    let (status, body) = app.get_json("/log/key").await;
    assert_eq!(status, 200);
    assert_eq!(body["algorithm"], "ed25519");
    public_key_from_base64(body["public_key"].as_str().unwrap()).unwrap()
}

fn hash(value: &Value) -> Hash {
    hex::decode(value.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

fn hashes(value: &Value) -> Vec<Hash> {
    value.as_array().unwrap().iter().map(hash).collect()
}

/// A leaf rebuilt from its public fields, as any checker would.
fn leaf_from(json: &Value) -> Leaf {
    Leaf {
        index: json["index"].as_u64().unwrap(),
        kind: LeafKind::parse(json["kind"].as_str().unwrap()).unwrap(),
        revokes: json["revokes"].as_u64(),
        day: json["day"].as_str().unwrap().to_owned(),
        commitment: hash(&json["commitment"]),
    }
}

async fn leaves(app: &TestApp, slug: &str) -> Vec<Value> {
    let (status, body) = app
        .get_json(&format!("/petitions/{slug}/log/leaves?start=0&end=1000"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"].as_array().unwrap().clone()
}

async fn a_receipt_is_proven_to_the_signed_head(app: TestApp) {
    let slug = app.petition("Proven bees").await;
    let mut receipts = Vec::new();
    for n in 0..3 {
        receipts.push(
            sign_and_confirm(&app, &slug, &format!("signer{n}@example.com"))
                .await
                .receipt,
        );
    }
    let key = log_key(&app).await;
    let head = head_covering(&app, &slug, 3).await;
    assert!(head.is_signed_by(&key), "{head:?}");
    assert_eq!((head.tree_size, head.adds, head.revokes), (3, 3, 0));
    assert_eq!(app.count(&slug).await, 3);

    let all = leaves(&app, &slug).await;
    for code in &receipts {
        let receipt = Receipt::parse(code).expect("the page shows a valid code");
        let (status, proof) = app
            .get_json(&format!("/petitions/{slug}/log/proof?receipt={code}"))
            .await;
        assert_eq!(status, 200, "{proof}");
        let index = proof["index"].as_u64().unwrap();
        let leaf = leaf_from(&all[index as usize]);
        // The leaf commits to this receipt, and hashes as RFC 9162 says.
        assert_eq!(leaf.commitment, receipt.commitment());
        assert_eq!(leaf.hash(&slug), hash(&proof["leaf_hash"]));
        assert_eq!(proof["tree_size"].as_u64(), Some(head.tree_size));
        assert_eq!(proof["root_hash"].as_str(), Some(head.root_hash.as_str()));
        assert!(merkle::verify_inclusion(
            index,
            head.tree_size,
            &leaf.hash(&slug),
            &hashes(&proof["path"]),
            &hash(&proof["root_hash"]),
        ));
        assert_eq!(proof["revoked_by"], Value::Null);
        // The same proof by leaf hash.
        let (status, by_hash) = app
            .get_json(&format!(
                "/petitions/{slug}/log/proof?leaf_hash={}",
                proof["leaf_hash"].as_str().unwrap()
            ))
            .await;
        assert_eq!((status, by_hash["index"].as_u64()), (200, Some(index)));
    }
    let all_hashes: Vec<Hash> = all.iter().map(|l| hash(&l["leaf_hash"])).collect();
    assert_eq!(hex::encode(merkle::root_of(&all_hashes)), head.root_hash);

    // Without JavaScript the page's form asks the server, which says so.
    let page = app
        .get(&format!("/petitions/{slug}/verify?receipt={}", receipts[0]))
        .await;
    assert_eq!(page.status, 200);
    let result = page.text_of("#verify-result").unwrap();
    assert!(result.contains("Your signature is counted"), "{result}");
    let unknown = Receipt::generate().code();
    let page = app
        .get(&format!("/petitions/{slug}/verify?receipt={unknown}"))
        .await;
    assert!(page
        .text_of("#verify-result")
        .unwrap()
        .contains("No signature"));
    // A receipt from another petition proves nothing here.
    let other = app.petition("Other bees").await;
    let (status, _) = app
        .get_json(&format!(
            "/petitions/{other}/log/proof?receipt={}",
            receipts[0]
        ))
        .await;
    assert_eq!(status, 404);

    // Nothing personal in any answer of the log.
    let mut bodies = vec![
        app.get("/log/key").await.body,
        app.get(&format!("/petitions/{slug}/log/head")).await.body,
        app.get(&format!("/petitions/{slug}/log/heads")).await.body,
        app.get(&format!("/petitions/{slug}/log/leaves")).await.body,
        app.get(&format!(
            "/petitions/{slug}/log/consistency?first=1&second=3"
        ))
        .await
        .body,
    ];
    for code in &receipts {
        bodies.push(
            app.get(&format!("/petitions/{slug}/log/proof?receipt={code}"))
                .await
                .body,
        );
    }
    for body in bodies {
        for personal in [
            "example.com",
            "signer",
            "Jane",
            "Doe",
            "10115",
            "127.0.0.1",
            "Bees matter",
        ] {
            assert!(!body.contains(personal), "{personal:?} in {body}");
        }
        for code in &receipts {
            assert!(!body.contains(code.as_str()), "a receipt code in {body}");
        }
    }

    // Stored hashes altered in the database: the proof is still given, for
    // its reader to find it wrong, and the server's own check says so.
    let (_, proof) = app
        .get_json(&format!(
            "/petitions/{slug}/log/proof?receipt={}",
            receipts[0]
        ))
        .await;
    let index = proof["index"].as_u64().unwrap();
    app.db.execute(&format!(
        "UPDATE log_leaves SET leaf_hash = commitment WHERE idx <> {index}; \
         UPDATE log_nodes SET hash = (SELECT commitment FROM log_leaves WHERE idx = {index})"
    ));
    let (status, bad) = app
        .get_json(&format!(
            "/petitions/{slug}/log/proof?receipt={}",
            receipts[0]
        ))
        .await;
    assert_eq!(status, 200, "{bad}");
    assert!(!merkle::verify_inclusion(
        index,
        head.tree_size,
        &hash(&bad["leaf_hash"]),
        &hashes(&bad["path"]),
        &hash(&bad["root_hash"]),
    ));
    let page = app
        .get(&format!("/petitions/{slug}/verify?receipt={}", receipts[0]))
        .await;
    assert_eq!(page.status, 200);
    let result = page.text_of("#verify-result").unwrap();
    assert!(result.contains("does not check out"), "{result}");
}

async fn a_withdrawn_signature_shows_its_revoke(app: TestApp) {
    let slug = app.petition("Withdrawn bees").await;
    let kept = sign_and_confirm(&app, &slug, "kept@example.com").await;
    let gone = sign_and_confirm(&app, &slug, "gone@example.com").await;
    let before = head_covering(&app, &slug, 2).await;

    withdraw(&app, &gone.withdraw_link).await;
    assert_eq!(app.count(&slug).await, 1);
    let head = head_covering(&app, &slug, 3).await;
    assert_eq!((head.tree_size, head.adds, head.revokes), (3, 2, 1));
    assert!(head.is_signed_by(&log_key(&app).await));

    let (status, proof) = app
        .get_json(&format!(
            "/petitions/{slug}/log/proof?receipt={}",
            gone.receipt
        ))
        .await;
    assert_eq!(status, 200, "{proof}");
    let index = proof["index"].as_u64().unwrap();
    let revoke_index = proof["revoked_by"].as_u64().expect("the revoke is named");
    let all = leaves(&app, &slug).await;
    let revoke = leaf_from(&all[revoke_index as usize]);
    assert_eq!(revoke.kind, LeafKind::Revoke);
    assert_eq!(revoke.revokes, Some(index));
    assert_eq!(
        revoke.commitment,
        Receipt::parse(&gone.receipt).unwrap().commitment()
    );
    // The signature that stays is not revoked.
    let (_, kept_proof) = app
        .get_json(&format!(
            "/petitions/{slug}/log/proof?receipt={}",
            kept.receipt
        ))
        .await;
    assert_eq!(kept_proof["revoked_by"], Value::Null);

    let page = app
        .get(&format!(
            "/petitions/{slug}/verify?receipt={}",
            gone.receipt
        ))
        .await;
    let result = page.text_of("#verify-result").unwrap();
    assert!(result.contains("withdrawn"), "{result}");
    // The head before the withdrawal still holds: the log only grew.
    assert!(before.tree_size < head.tree_size);
}

async fn later_heads_extend_earlier_ones(app: TestApp) {
    let slug = app.petition("Growing bees").await;
    for n in 0..2 {
        sign_and_confirm(&app, &slug, &format!("early{n}@example.com")).await;
    }
    let first = head_covering(&app, &slug, 2).await;
    let mut links = Vec::new();
    for n in 0..4 {
        links.push(sign_and_confirm(&app, &slug, &format!("late{n}@example.com")).await);
    }
    withdraw(&app, &links[0].withdraw_link).await;
    let second = head_covering(&app, &slug, 7).await;

    let (status, body) = app
        .get_json(&format!(
            "/petitions/{slug}/log/consistency?first={}&second={}",
            first.tree_size, second.tree_size
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    let path = hashes(&body["path"]);
    let (r1, r2) = (
        hex::decode(&first.root_hash).unwrap().try_into().unwrap(),
        hex::decode(&second.root_hash).unwrap().try_into().unwrap(),
    );
    assert!(merkle::verify_consistency(
        first.tree_size,
        second.tree_size,
        &r1,
        &r2,
        &path
    ));
    assert!(!merkle::verify_consistency(
        first.tree_size,
        second.tree_size,
        &r2,
        &r1,
        &path
    ));

    // Every head is kept, oldest first, each signed.
    let (status, list) = app.get_json(&format!("/petitions/{slug}/log/heads")).await;
    assert_eq!(status, 200);
    let heads: Vec<TreeHead> = serde_json::from_value(list["data"].clone()).unwrap();
    let key = log_key(&app).await;
    assert!(heads.iter().all(|h| h.is_signed_by(&key)));
    assert!(heads.contains(&first), "{heads:?}");
    assert!(heads.contains(&second), "{heads:?}");
    assert!(heads.windows(2).all(|w| w[0].tree_size <= w[1].tree_size));

    // Closing the petition signs one more head, though the log did not grow.
    let token = app.get("/dashboard").await.csrf_token();
    let closing = app
        .post_form(
            &format!("/dashboard/petitions/{slug}/close"),
            &[("csrf_token", token)],
        )
        .await;
    assert_eq!(closing.status(), 303);
    let signed_heads = |page: &Page| -> Vec<TreeHead> {
        let list: Value = serde_json::from_str(&page.body).unwrap();
        serde_json::from_value(list["data"].clone()).unwrap()
    };
    let listed = app
        .get_when(&format!("/petitions/{slug}/log/heads"), |p| {
            signed_heads(p).len() > heads.len()
        })
        .await;
    let after_close = signed_heads(&listed);
    assert_eq!(after_close.len(), heads.len() + 1, "{after_close:?}");
    let last: &TreeHead = after_close.last().unwrap();
    assert_eq!(
        (last.tree_size, &last.root_hash),
        (second.tree_size, &second.root_hash)
    );
    assert!(last.is_signed_by(&key));
}

async fn run_verify(app: &TestApp, slug: &str, since: Option<&std::path::Path>) -> (bool, String) {
    let url = app.url(&format!("/petitions/{slug}"));
    let mut args = vec!["verify".to_owned(), url];
    if let Some(path) = since {
        args.push("--since".into());
        args.push(path.display().to_string());
    }
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .args(&args)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

async fn verify_passes_on_an_honest_log_and_fails_on_a_tampered_database(app: TestApp) {
    let slug = app.petition("Checked bees").await;
    let mut signed = Vec::new();
    for n in 0..3 {
        signed.push(sign_and_confirm(&app, &slug, &format!("checked{n}@example.com")).await);
    }
    let saved = head_covering(&app, &slug, 3).await;
    let dir = tempfile::tempdir().unwrap();
    let saved_path = dir.path().join("head.json");
    std::fs::write(&saved_path, serde_json::to_string(&saved).unwrap()).unwrap();
    withdraw(&app, &signed[1].withdraw_link).await;
    sign_and_confirm(&app, &slug, "checked9@example.com").await;
    head_covering(&app, &slug, 5).await;

    let (ok, out) = run_verify(&app, &slug, Some(&saved_path)).await;
    assert!(ok, "{out}");
    assert!(out.starts_with("ok:"), "{out}");

    // A leaf altered in the database.
    let day = app
        .db
        .strings("SELECT day AS value FROM log_leaves WHERE idx = 1");
    app.db
        .execute("UPDATE log_leaves SET day = '1999-01-01' WHERE idx = 1");
    let (ok, out) = run_verify(&app, &slug, None).await;
    assert!(!ok && out.contains("leaf 1"), "{out}");
    app.db.execute(&format!(
        "UPDATE log_leaves SET day = '{}' WHERE idx = 1",
        day[0]
    ));
    assert!(run_verify(&app, &slug, None).await.0);

    // A count inflated in the database: a confirmed signature that never
    // reached the log, seen by an instance started afterwards.
    app.db.forge_confirmed_signature();
    app.db
        .execute("UPDATE signature_count_shards SET confirmed = confirmed + 1 WHERE shard = 0");
    let other = app.start_another_instance().await;
    let url = format!("{other}/petitions/{slug}");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .args(["verify", &url])
        .output()
        .await
        .unwrap();
    let out = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && out.contains("the public count is"),
        "{out}"
    );
    app.db.execute("DELETE FROM signatures WHERE id = 'forged'");
    app.db
        .execute("UPDATE signature_count_shards SET confirmed = confirmed - 1 WHERE shard = 0");

    // A head altered in the database.
    app.db.execute("UPDATE log_heads SET adds = adds + 1");
    let (ok, out) = run_verify(&app, &slug, None).await;
    assert!(!ok && out.contains("signature"), "{out}");
    app.db.execute("UPDATE log_heads SET adds = adds - 1");

    // A head once shown to someone that this log does not extend: the
    // site signed two histories. Any holder of both catches it.
    let mut forked = saved.clone();
    forked.root_hash = hex::encode([7u8; 32]);
    LogKey::from_base64(TEST_LOG_KEY).unwrap().sign(&mut forked);
    std::fs::write(&saved_path, serde_json::to_string(&forked).unwrap()).unwrap();
    let (ok, out) = run_verify(&app, &slug, Some(&saved_path)).await;
    assert!(!ok && out.contains("saved head"), "{out}");
}

async fn the_count_equals_adds_minus_revokes_under_concurrent_confirmations_and_withdrawals(
    app: TestApp,
) {
    let slug = app.petition("Busy bees").await;
    let emails: Vec<String> = (0..12).map(|n| format!("busy{n}@example.com")).collect();
    for email in &emails {
        app.sign(&slug, &signature(email)).await;
    }
    let mut mails = Vec::new();
    for email in &emails {
        mails.push(app.mail.wait_for(email, 1).await[0].clone());
    }
    // Half are confirmed first; then the rest are confirmed while the
    // first half and some of the rest are withdrawn, all at once.
    let first = mails[..6]
        .iter()
        .map(|m| m.link_containing("/signatures/confirm/"))
        .collect::<Vec<_>>();
    join_all(first.iter().map(|l| app.confirm(l))).await;
    let confirms = mails[6..]
        .iter()
        .map(|m| m.link_containing("/signatures/confirm/"))
        .collect::<Vec<_>>();
    let withdrawals = mails[..9]
        .iter()
        .map(|m| m.link_containing("/signatures/withdraw/"))
        .collect::<Vec<_>>();
    let confirming = join_all(confirms.iter().map(|l| app.confirm(l)));
    let withdrawing = join_all(withdrawals.iter().map(|l| withdraw_if_possible(&app, l)));
    tokio::join!(confirming, withdrawing);

    all_placed(&app).await;
    let confirmed = app.db.count("signatures", "state = 'confirmed'") as i64;
    let adds = app.db.count("log_leaves", "kind = 'add'") as i64;
    let revokes = app.db.count("log_leaves", "kind = 'revoke'") as i64;
    assert_eq!(confirmed, 3, "12 signed, 9 withdrawn");
    assert_eq!(adds - revokes, confirmed);
    assert_eq!(app.count(&slug).await, confirmed);
    head_covering(&app, &slug, (adds + revokes) as u64).await;
    let (ok, out) = run_verify(&app, &slug, None).await;
    assert!(ok, "{out}");
}

/// Withdraws through the link; a link already spent is fine.
async fn withdraw_if_possible(app: &TestApp, link: &str) {
    let form = app.follow(link).await;
    if form.status != 200 {
        return;
    }
    let path = link.strip_prefix(&app.address).unwrap();
    app.post_form(path, &[("csrf_token", form.csrf_token())])
        .await;
}

async fn bad_log_requests_get_clear_errors(app: TestApp) {
    let slug = app.petition("Strict bees").await;
    for (path, status, words) in [
        (format!("/petitions/{slug}/log/head"), 404, "no signed head"),
        (
            format!("/petitions/{slug}/log/leaves?start=x"),
            400,
            "start must be a whole number",
        ),
        (
            format!("/petitions/{slug}/log/leaves?start=5&end=2"),
            400,
            "end must not be less",
        ),
        (
            format!("/petitions/{slug}/log/proof"),
            400,
            "Give either receipt",
        ),
        (
            format!("/petitions/{slug}/log/proof?receipt=nope"),
            400,
            "not a receipt code",
        ),
        (
            format!("/petitions/{slug}/log/proof?leaf_hash=zz"),
            400,
            "64 hexadecimal",
        ),
        (
            format!("/petitions/{slug}/log/consistency?first=1&second=9"),
            400,
            "1 ≤ first",
        ),
        (
            format!("/petitions/{slug}/log/consistency"),
            400,
            "Give both",
        ),
        ("/petitions/no-such-petition/log/head".to_owned(), 404, ""),
    ] {
        let (got, body) = app.get_json(&path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(body.to_string().contains(words), "{path}: {body}");
    }
    let post = app.client.post(app.url("/log/key")).send().await.unwrap();
    assert_eq!(post.status(), 405);
    let empty = app.get(&format!("/petitions/{slug}/log/leaves")).await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.body, r#"{"data":[]}"#);
}
