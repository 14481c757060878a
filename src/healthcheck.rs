//! `undersigned healthcheck`: a probe for container health checks, which
//! need no HTTP client in the image.

use std::time::Duration;

use anyhow::{bail, Context};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The whole probe, connection to answer, must take no longer.
const BUDGET: Duration = Duration::from_secs(3);

/// `Ok` when `GET /health` on the instance at `host:port` answers 200.
pub async fn check(host: &str, port: u16) -> anyhow::Result<()> {
    if port == 0 {
        bail!("server.port is 0 (a free port picked at start), so there is no address to ask");
    }
    // An instance listening on every interface is asked on loopback.
    let host = match host {
        "0.0.0.0" | "" => "127.0.0.1",
        "::" | "[::]" => "::1",
        other => other,
    };
    tokio::time::timeout(BUDGET, ask(host, port))
        .await
        .context("no answer within 3 seconds")?
}

async fn ask(host: &str, port: u16) -> anyhow::Result<()> {
    let address = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .with_context(|| format!("cannot connect to {address}"))?;
    let request = format!(
        "GET /health HTTP/1.1\r\nHost: {address}\r\nUser-Agent: undersigned-healthcheck\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::with_capacity(512);
    stream.take(64 * 1024).read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer);
    let status_line = answer.lines().next().unwrap_or_default();
    let status = status_line.split_whitespace().nth(1).unwrap_or_default();
    if status == "200" {
        return Ok(());
    }
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default().trim();
    bail!("/health answered {status_line:?}: {body}")
}
