//! A real SMTP server on a local port that keeps what it receives. The app
//! talks to it through lettre exactly as it would to a production relay.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The header section as received, for headers the app sets itself.
    pub head: String,
    /// The whole message as received, for tools that judge mail.
    pub raw: String,
}

impl ReceivedMail {
    /// The value of header `name`, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let unfolded = self.head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    /// Every http(s) link in the text part, in order.
    pub fn links(&self) -> Vec<String> {
        self.text
            .split_whitespace()
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(|w| w.trim_end_matches(['.', ',', ')', '>']).to_owned())
            .collect()
    }

    pub fn link_containing(&self, needle: &str) -> String {
        self.links()
            .into_iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no link with {needle:?} in:\n{}", self.text))
    }
}

#[derive(Clone)]
pub struct MailSink {
    port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    running: Arc<Mutex<Option<Running>>>,
    /// How long the relay waits, after storing a message, before saying so.
    reply_delay_ms: Arc<AtomicU64>,
}

/// The listening task, and the switch that ends its sessions.
struct Running {
    accept: tokio::task::JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl MailSink {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    pub async fn start_on(port: u16) -> Self {
        Self::start_with(port, 1024, 0).await
    }

    /// A sink on `port` with a listen queue of `backlog` connections (5 is
    /// the default of Python's `smtpd`, which overflows under a burst), whose
    /// first `hang_first` connections are accepted and then never answered,
    /// like a stuck relay.
    pub async fn start_with(port: u16, backlog: u32, hang_first: usize) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let reply_delay_ms = Arc::new(AtomicU64::new(0));
        let (port, running) = listen(
            port,
            backlog,
            hang_first,
            received.clone(),
            reply_delay_ms.clone(),
        );
        Self {
            port,
            received,
            running: Arc::new(Mutex::new(Some(running))),
            reply_delay_ms,
        }
    }

    /// From now on the relay stores each message, then waits `delay` before
    /// acknowledging it: a send is "delivered" well before the sender knows.
    pub fn set_reply_delay(&self, delay: Duration) {
        self.reply_delay_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
    }

    /// Takes the relay down: nothing listens on its port any more, and
    /// each open session ends once its current message is stored and
    /// acknowledged, so no message is half received.
    pub async fn stop(&self) {
        let running = self.running.lock().unwrap().take();
        if let Some(running) = running {
            let _ = running.stop.send(true);
            running.accept.abort();
            let _ = running.accept.await;
        }
    }

    /// Brings a stopped relay back on the same port, keeping what it received.
    pub fn resume(&self) {
        let mut running = self.running.lock().unwrap();
        assert!(running.is_none(), "the relay is already running");
        *running = Some(
            listen(
                self.port,
                1024,
                0,
                self.received.clone(),
                self.reply_delay_ms.clone(),
            )
            .1,
        );
    }

    /// How many messages arrived per recipient.
    pub fn per_recipient(&self) -> std::collections::HashMap<String, usize> {
        let mut counts = std::collections::HashMap::new();
        for mail in self.all() {
            for to in mail.to {
                *counts.entry(to.to_ascii_lowercase()).or_insert(0) += 1;
            }
        }
        counts
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }

    pub fn to(&self, address: &str) -> Vec<ReceivedMail> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }

    /// Waits until `n` messages have reached `address`, failing after 45 s
    /// (longer than an email claim left by a killed worker lasts).
    pub async fn wait_for(&self, address: &str, n: usize) -> Vec<ReceivedMail> {
        for _ in 0..900 {
            let got = self.to(address);
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {n} message(s) to {address}, got {}: {:#?}",
            self.to(address).len(),
            self.all()
                .iter()
                .map(|m| (&m.to, &m.subject))
                .collect::<Vec<_>>()
        );
    }
}

fn listen(
    port: u16,
    backlog: u32,
    hang_first: usize,
    store: Arc<Mutex<Vec<ReceivedMail>>>,
    reply_delay_ms: Arc<AtomicU64>,
) -> (u16, Running) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket
        .bind(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .expect("bind the SMTP sink");
    let listener = socket.listen(backlog).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let accept = tokio::spawn(async move {
        let mut hung = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            if hung.len() < hang_first {
                hung.push(stream);
                continue;
            }
            let (store, stopped, delay) = (store.clone(), stopped.clone(), reply_delay_ms.clone());
            tokio::spawn(async move {
                let _ = serve(stream, store, stopped, delay).await;
            });
        }
    });
    (port, Running { accept, stop })
}

async fn serve(
    stream: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<ReceivedMail>>>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
    reply_delay_ms: Arc<AtomicU64>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 localhost test SMTP sink\r\n").await?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        // A stopped relay hangs up between commands, never inside DATA.
        tokio::select! {
            read = reader.read_line(&mut line) => if read? == 0 {
                return Ok(());
            },
            Ok(_) = stopped.wait_for(|stop| *stop) => return Ok(()),
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if command.starts_with("HELO") {
            b"250 localhost\r\n"
        } else if command.starts_with("MAIL FROM") {
            recipients.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            let address = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or_default()
                .to_owned();
            recipients.push(address);
            b"250 OK\r\n"
        } else if command == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = Vec::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.extend_from_slice(unstuffed.as_bytes());
            }
            store
                .lock()
                .unwrap()
                .push(parse(std::mem::take(&mut recipients), &data));
            let delay = reply_delay_ms.load(Ordering::Relaxed);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            b"250 OK queued\r\n"
        } else if command == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else if command == "RSET" || command == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// Decodes the message (quoted-printable splits long links) into its parts.
fn parse(to: Vec<String>, raw: &[u8]) -> ReceivedMail {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a parsable message");
    let text = String::from_utf8_lossy(raw);
    let head = text
        .split_once("\r\n\r\n")
        .map_or(text.as_ref(), |(head, _)| head)
        .to_owned();
    ReceivedMail {
        to,
        raw: text.clone().into_owned(),
        head,
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
    }
}

/// A relay that accepts connections and never says a word, until dropped.
pub struct SilentRelay {
    task: tokio::task::JoinHandle<()>,
}

impl SilentRelay {
    pub async fn start_on(port: u16) -> Self {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket
            .bind(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
            .expect("bind the silent relay");
        let listener = socket.listen(1024).unwrap();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        Self { task }
    }
}

impl SilentRelay {
    /// Closes the listener and every connection it held.
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}
