//! Opens many live count streams on one petition, changes the count once,
//! and reports how long the change took to reach every stream and how much
//! memory the server used. Run by `benches/sse.sh`, which starts the
//! server; see there.
//!
//! Usage: sse_clients BASE_URL EMAIL PASSWORD SUBSCRIBERS SERVER_PID SERVER_LOG

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Semaphore};

/// Connections being opened at once, below the server's listen backlog.
const OPENING_AT_ONCE: usize = 256;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, email, password, subscribers, pid, log] = &args[..] else {
        eprintln!("usage: sse_clients BASE_URL EMAIL PASSWORD SUBSCRIBERS SERVER_PID SERVER_LOG");
        std::process::exit(2);
    };
    let subscribers: usize = subscribers.parse().expect("SUBSCRIBERS is a number");
    let base = base.trim_end_matches('/').to_owned();
    let authority = base
        .strip_prefix("http://")
        .expect("an http:// base URL")
        .to_owned();

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let slug = create_petition(&client, &base, email, password).await;
    let rss_idle = rss_kib(pid);

    let opened = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(OPENING_AT_ONCE));
    let (arrived_tx, mut arrived) = mpsc::unbounded_channel::<Instant>();
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<()>();
    let started = Instant::now();
    for _ in 0..subscribers {
        let (authority, slug) = (authority.clone(), slug.clone());
        let (gate, opened) = (gate.clone(), opened.clone());
        let (ready_tx, arrived_tx) = (ready_tx.clone(), arrived_tx.clone());
        tokio::spawn(async move {
            let permit = gate.acquire_owned().await.unwrap();
            let mut stream = TcpStream::connect(&authority).await.expect("connect");
            let request = format!(
                "GET /petitions/{slug}/live HTTP/1.1\r\nHost: {authority}\r\nAccept: text/event-stream\r\n\r\n"
            );
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut seen = Vec::with_capacity(1024);
            read_until(&mut stream, &mut seen, b"\"signature_count\":0").await;
            drop(permit);
            opened.fetch_add(1, Ordering::Relaxed);
            let _ = ready_tx.send(());
            seen.clear();
            read_until(&mut stream, &mut seen, b"\"signature_count\":1").await;
            let _ = arrived_tx.send(Instant::now());
            // Kept open until the process ends, so that the count of open
            // streams does not fall while others are still waiting.
            std::future::pending::<()>().await;
        });
    }
    drop(ready_tx);
    for _ in 0..subscribers {
        ready.recv().await.expect("every subscriber connects");
    }
    let connect_time = started.elapsed();
    // Let the server settle (allocator, heartbeat) before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_open = rss_kib(pid);

    let signer = format!("bench-{}@example.org", std::process::id());
    let signed = client
        .post(format!("{base}/api/v1/petitions/{slug}/signatures"))
        .json(&serde_json::json!({
            "name": "Bench Signer", "email": signer, "country": "DE",
            "postcode": "10115",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 202, "{}", signed.text().await.unwrap());
    let link = confirmation_link(log).await;
    let sent = Instant::now();
    // The button's POST: opening the link only shows the button.
    let confirmed = client.post(&link).body("").send().await.unwrap();
    let answered = Instant::now();
    assert_eq!(confirmed.status(), 200);

    let mut latencies = Vec::with_capacity(subscribers);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while latencies.len() < subscribers {
        match tokio::time::timeout_at(deadline, arrived.recv()).await {
            Ok(Some(at)) => latencies.push(at.saturating_duration_since(sent)),
            _ => break,
        }
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!("subscribers:            {subscribers}");
    println!(
        "all connected in:       {:.1} s",
        connect_time.as_secs_f64()
    );
    println!("server RSS, no streams: {:.1} MB", rss_idle as f64 / 1024.0);
    println!(
        "server RSS, all open:   {:.1} MB ({:.1} KB per stream)",
        rss_open as f64 / 1024.0,
        (rss_open.saturating_sub(rss_idle)) as f64 / subscribers as f64
    );
    println!(
        "confirmation answered:  {:.1} ms after the request",
        ms(answered - sent)
    );
    if latencies.is_empty() {
        println!("no stream saw the change within 30 s");
        std::process::exit(1);
    }
    println!(
        "change reached:         {} of {subscribers} streams",
        latencies.len()
    );
    println!(
        "after the request:      first {:.1} ms, median {:.1} ms, p99 {:.1} ms, last {:.1} ms",
        ms(latencies[0]),
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(*latencies.last().unwrap())
    );
    std::process::exit(if latencies.len() == subscribers { 0 } else { 1 });
}

async fn read_until(stream: &mut TcpStream, seen: &mut Vec<u8>, needle: &[u8]) {
    let mut buf = [0u8; 2048];
    loop {
        if seen.windows(needle.len()).any(|w| w == needle) {
            return;
        }
        let n = stream.read(&mut buf).await.expect("read");
        assert!(n > 0, "the server closed a stream");
        seen.extend_from_slice(&buf[..n]);
        // Keep only a tail long enough to hold a split needle.
        if seen.len() > 4096 {
            seen.drain(..seen.len() - 256);
        }
    }
}

/// The server's resident memory, from /proc.
fn rss_kib(pid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server runs");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

fn csrf_token(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a csrf_token field")
        + 25;
    html[at..].split('"').next().unwrap().to_owned()
}

async fn create_petition(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> String {
    let page = client.get(format!("{base}/login")).send().await.unwrap();
    let token = csrf_token(&page.text().await.unwrap());
    let login = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303, "login failed");
    let page = client
        .get(format!("{base}/dashboard/petitions/new"))
        .send()
        .await
        .unwrap();
    let token = csrf_token(&page.text().await.unwrap());
    let created = client
        .post(format!("{base}/dashboard/petitions/new"))
        .form(&[
            ("title", "Live count benchmark"),
            ("summary", "Many pages open at once."),
            ("body", "Watching the count."),
            ("targets", "Everyone"),
            ("goal", "100000"),
            ("closes_on", ""),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303, "creating the petition failed");
    created.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/petitions/")
        .to_owned()
}

/// The confirmation link the server logged (the `file` email transport
/// logs every link it writes).
async fn confirmation_link(log: &str) -> String {
    for _ in 0..200 {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(at) = text.rfind("/signatures/confirm/") {
            let start = text[..at].rfind("http").expect("an absolute link");
            let end = text[at..]
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\u{1b}')
                .map_or(text.len(), |e| at + e);
            return text[start..end].to_owned();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no confirmation link in {log}");
}
