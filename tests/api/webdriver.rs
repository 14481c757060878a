//! Headless Chromium driven through chromedriver. This speaks the few W3C
//! WebDriver calls the tests need over the reqwest client the suite already
//! uses, rather than pulling in a second HTTP and TLS stack.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    base: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// `None` (with a note) when chromium or chromedriver is not installed,
    /// a failure under CI; `.ci/run` installs both.
    pub async fn launch() -> Option<Self> {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let driver_path = ["/usr/bin/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let (Some(chromium), Some(driver_path)) = (chromium, driver_path) else {
            crate::helpers::skip_unless_ci(
                "install chromium and chromium-driver to run browser tests",
            );
            return None;
        };
        let port = crate::helpers::free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            // A group of its own, which the browser it starts joins, so that
            // dropping the driver ends the browser too.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if let Ok(r) = http.get(format!("{base}/status")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut browser = Self {
            driver,
            base,
            http,
            _profile: profile,
        };
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-sync", "--disable-component-update",
                    format!("--user-data-dir={}", browser._profile.path().display()),
                ]
            }
        }}});
        let session = browser.call("POST", "/session", capabilities).await;
        let id = session["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        browser.base = format!("{}/session/{id}", browser.base);
        // Element lookups wait for pages that are still loading.
        browser
            .call(
                "POST",
                "/timeouts",
                json!({"implicit": 10_000, "pageLoad": 30_000, "script": 30_000}),
            )
            .await;
        Some(browser)
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let response: Value = request.send().await.unwrap().json().await.unwrap();
        let value = response["value"].clone();
        if let Some(error) = value.get("error") {
            panic!("webdriver {method} {path}: {error}: {}", value["message"]);
        }
        value
    }

    pub async fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url })).await;
    }

    pub async fn url(&self) -> String {
        self.call("GET", "/url", Value::Null)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits (up to 10 s) for a navigation, such as a form submission, to
    /// land on a URL ending with `suffix`.
    pub async fn wait_for_url(&self, suffix: &str) {
        for _ in 0..100 {
            if self.url().await.ends_with(suffix) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "expected to arrive at …{suffix}, but the browser is at {}",
            self.url().await
        );
    }

    /// Waits until the first element matching `css` reads `expected`: for
    /// a form that posts back to its own address, where the URL cannot
    /// tell the next page from this one. Read by one script call, so a
    /// page that changes between finding the element and reading it (or
    /// is between two documents) is simply read again.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let source = format!(
            "var e = document.querySelector({}); return e ? e.innerText.trim() : null;",
            serde_json::to_string(css).unwrap()
        );
        let mut last = Value::Null;
        for _ in 0..100 {
            let url = format!("{}/execute/sync", self.base);
            let body = json!({"script": source, "args": []});
            if let Ok(response) = self.http.post(url).json(&body).send().await {
                if let Ok(answer) = response.json::<Value>().await {
                    last = answer["value"].clone();
                    if last.as_str() == Some(expected) {
                        return;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never read {expected:?}; last read {last}");
    }

    pub async fn set_size(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            json!({"width": width, "height": height}),
        )
        .await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        found[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {css}: {found}"))
            .to_owned()
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.call("POST", &format!("/element/{id}/clear"), json!({}))
            .await;
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    pub async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.call("POST", &format!("/element/{id}/click"), json!({}))
            .await;
    }

    /// The rendered text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.read(css, "text").await
    }

    /// The current value of a form control (what is typed or selected).
    pub async fn value(&self, css: &str) -> String {
        self.read(css, "property/value").await
    }

    /// A PNG of the first element matching `css`, as it is drawn.
    pub async fn screenshot(&self, css: &str) -> Vec<u8> {
        use base64::Engine;
        let encoded = self.read(css, "screenshot").await;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("a base64 PNG")
    }

    async fn read(&self, css: &str, what: &str) -> String {
        let id = self.find(css).await;
        let value = self
            .call("GET", &format!("/element/{id}/{what}"), Value::Null)
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    pub async fn script(&self, source: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            json!({"script": source, "args": []}),
        )
        .await
    }

    /// Runs `source` as the body of a function whose last argument is the
    /// callback that ends it, for scripts that wait on a promise.
    pub async fn async_script(&self, source: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/async",
            json!({"script": source, "args": args}),
        )
        .await
    }

    /// Presses and releases each key in turn on whatever has focus, as a
    /// person at a keyboard would: a character, or one of [`keys`].
    pub async fn press(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|key| {
                [
                    json!({"type": "keyDown", "value": key}),
                    json!({"type": "keyUp", "value": key}),
                ]
            })
            .collect();
        self.key_actions(actions).await;
    }

    /// Holds the keys down together, then lets go: `[keys::CONTROL, "a"]`.
    pub async fn chord(&self, keys: &[&str]) {
        let down = keys.iter().map(|k| json!({"type": "keyDown", "value": k}));
        let up = keys
            .iter()
            .rev()
            .map(|k| json!({"type": "keyUp", "value": k}));
        self.key_actions(down.chain(up).collect()).await;
    }

    async fn key_actions(&self, actions: Vec<Value>) {
        self.call(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        )
        .await;
        self.call("DELETE", "/actions", Value::Null).await;
    }

    /// Types `text` on the keyboard into whatever has focus.
    pub async fn type_text(&self, text: &str) {
        let chars: Vec<String> = text.chars().map(String::from).collect();
        let keys: Vec<&str> = chars.iter().map(String::as_str).collect();
        self.press(&keys).await;
    }
}

/// What the server sent, read through chromedriver's door to the Chrome
/// DevTools Protocol: the markup as served, before any script or the
/// parser's repairs touched it.
impl Browser {
    async fn devtools(&self, command: &str, params: Value) -> Value {
        self.call(
            "POST",
            "/goog/cdp/execute",
            json!({"cmd": command, "params": params}),
        )
        .await
    }

    /// From now on the browser keeps the bodies of the responses it
    /// receives, so that [`Browser::served_html`] can read them.
    pub async fn keep_responses(&self) {
        self.devtools("Network.enable", json!({})).await;
    }

    /// The body of the response that the page now shown was made from, as
    /// the server sent it: the answer to a form's POST too, which no GET
    /// could fetch again. Needs [`Browser::keep_responses`] before the
    /// page was loaded.
    pub async fn served_html(&self) -> String {
        let tree = self.devtools("Page.getFrameTree", json!({})).await;
        // A navigation's loader is named after its request.
        let request = tree["frameTree"]["frame"]["loaderId"].clone();
        let body = self
            .devtools("Network.getResponseBody", json!({ "requestId": request }))
            .await;
        let text = body["body"].as_str().expect("a response body");
        if body["base64Encoded"].as_bool() == Some(true) {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .expect("a base64 body");
            String::from_utf8(bytes).expect("a UTF-8 page")
        } else {
            text.to_owned()
        }
    }

    /// The role the browser exposes to assistive technology for the first
    /// element matching `css`, as its accessibility tree has it.
    pub async fn role(&self, css: &str) -> String {
        self.read(css, "computedrole").await
    }
}

/// WebDriver's codes for the keys that are not characters.
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SPACE: &str = "\u{E00D}";
    pub const CONTROL: &str = "\u{E009}";
}

impl Drop for Browser {
    /// Ends the WebDriver session first, so chromedriver quits Chromium
    /// and every process it started; then, in case a test panicked with
    /// the browser stuck, the whole process group goes. (Killing
    /// chromedriver alone once left its Chromium running, orphaned.)
    fn drop(&mut self) {
        self.end_session();
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// `DELETE /session/{id}`, blocking (a drop cannot await), waiting for
    /// chromedriver's answer, which comes once the browser has quit.
    fn end_session(&self) {
        use std::io::{Read, Write};
        let Some((host, path)) = self
            .base
            .strip_prefix("http://")
            .and_then(|rest| rest.split_once('/'))
        else {
            return;
        };
        if !path.starts_with("session/") {
            return; // no session was made
        }
        let Ok(address) = host.parse::<std::net::SocketAddr>() else {
            return;
        };
        let Ok(mut stream) = std::net::TcpStream::connect_timeout(&address, Duration::from_secs(2))
        else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let request = format!(
            "DELETE /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}

/// Frames, for the embedded widget.
impl Browser {
    /// Moves into the iframe matching `css`; later lookups happen inside it.
    pub async fn enter_frame(&self, css: &str) {
        let id = self.find(css).await;
        self.call("POST", "/frame", json!({ "id": { ELEMENT_KEY: id } }))
            .await;
    }

    /// Back to the top-level page.
    pub async fn leave_frames(&self) {
        self.call("POST", "/frame", json!({ "id": null })).await;
    }
}
