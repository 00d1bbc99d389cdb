//! A small W3C WebDriver client over HTTP, plus the lifecycle of `tauri-driver` and the app it
//! launches. Every wait polls a condition with a bound on time; nothing sleeps a fixed delay
//! in place of a condition.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

/// One app window at a time: journeys run in parallel test threads, but several WebKit
/// instances on one small display would only make each other slow and flaky.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A live WebDriver session on a fresh app instance with its own library and data folders.
pub struct Session {
    http: reqwest::Client,
    base: String,
    id: String,
    driver: Child,
    pub library: tempfile_dir::Dir,
    /// When the session (and so the program's launch) was requested, in ms since the epoch.
    pub requested_at_ms: f64,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

/// A temporary folder removed on drop (kept small: the e2e suite needs nothing more).
pub mod tempfile_dir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(tag: &str) -> Dir {
            let path = std::env::temp_dir().join(format!("easel-e2e-{tag}-{}-{}", std::process::id(), super::nanos()));
            std::fs::create_dir_all(&path).expect("create temp dir");
            Dir(path)
        }

        /// No folder: what a session holds once its folder was handed on (`Session::restart`).
        pub fn none() -> Dir {
            Dir(PathBuf::new())
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            // Best effort cleanup of a test folder.
            if !self.0.as_os_str().is_empty() {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// Two distinct free ports: both listeners stay open until both are known, so the OS cannot
/// hand out the same port twice.
fn free_ports() -> (u16, u16) {
    let a = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let b = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    (a.local_addr().expect("local addr").port(), b.local_addr().expect("local addr").port())
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/bin/tauri-driver");
    if local.exists() {
        return local;
    }
    PathBuf::from("tauri-driver")
}

/// A file of the shared corpus (CI exports EASEL_SHARED; a checkout next to ../shared works too).
pub fn corpus(path: &str) -> PathBuf {
    std::env::var_os("EASEL_SHARED")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
        .join("corpus")
        .join(path)
}

/// Where screenshots go: target/e2e/.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e");
    std::fs::create_dir_all(&dir).expect("create target/e2e");
    dir
}

/// The environment that gives an app started in the folder `root` its own library, data,
/// settings and cache, so it never touches a real user's.
pub fn folders(root: &Path) -> [(&'static str, PathBuf); 4] {
    [
        ("EASEL_LIBRARY", root.join("library")),
        ("XDG_DATA_HOME", root.join("data")),
        ("XDG_CONFIG_HOME", root.join("config")),
        ("XDG_CACHE_HOME", root.join("cache")),
    ]
}

impl Session {
    /// Starts tauri-driver and a session on the app binary, with extra environment variables.
    pub async fn start_with(tag: &str, env: &[(&str, &str)]) -> Session {
        Session::start_prepared(tag, env, |_| {}).await
    }

    /// Like `start_with`, after `prepare` has filled the session's folder (the library is
    /// `<root>/library`, settings are under `<root>/config/dev.easel.studio`). The app's stderr
    /// goes to `<root>/app.log`.
    ///
    /// The journeys run WebKit's GL compositing path whatever the machine: WebKitWebDriver's
    /// screenshot never answers when compositing is off (seen under Xvfb, WebKitGTK 2.4x), and
    /// the app chooses that path on a machine without a GPU. A journey's own `env` still wins.
    pub async fn start_prepared(tag: &str, env: &[(&str, &str)], prepare: impl FnOnce(&Path)) -> Session {
        let mut env = env.to_vec();
        env.insert(0, (easel_settings::WEBKIT_NO_COMPOSITING, "0"));
        Session::start_program(tag, &env, prepare, env!("CARGO_BIN_EXE_easel-app")).await
    }

    /// Like `start_prepared` with another Tauri program than the app (the benchmark's empty
    /// window), launched by tauri-driver the same way.
    pub async fn start_program(
        tag: &str,
        env: &[(&str, &str)],
        prepare: impl FnOnce(&Path),
        application: &str,
    ) -> Session {
        let library = tempfile_dir::Dir::new(tag);
        prepare(library.path());
        Session::start_in(library, env, application).await
    }

    /// Quits the app (as a person closing its window would leave it: nothing more is saved) and
    /// starts it again on the same folder: library, settings, keychain and log kept.
    pub async fn restart(self, env: &[(&str, &str)]) -> Session {
        let library = self.quit().await;
        let mut env = env.to_vec();
        env.insert(0, (easel_settings::WEBKIT_NO_COMPOSITING, "0"));
        Session::start_in(library, &env, env!("CARGO_BIN_EXE_easel-app")).await
    }

    async fn start_in(library: tempfile_dir::Dir, env: &[(&str, &str)], application: &str) -> Session {
        let turn = ONE_AT_A_TIME.lock().await;
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no X display: run the end-to-end suite through `make test` (xvfb-run)"
        );
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(library.path().join("app.log"))
            .expect("open app.log");
        let (port, native_port) = free_ports();
        let driver = Command::new(tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .envs(folders(library.path()))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start tauri-driver (make test installs it under target/tools)");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("http client");
        let base = format!("http://127.0.0.1:{port}");
        let mut session = Session { http, base, id: String::new(), driver, library, requested_at_ms: 0.0, _turn: turn };
        session.wait_for_driver().await;
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": application
        }}}});
        session.requested_at_ms = nanos() as f64 / 1e6;
        let created = session.http.post(format!("{}/session", session.base)).json(&caps).send().await;
        let created = match created {
            Ok(response) if response.status().is_success() => response.json::<Value>().await.ok(),
            _ => None,
        };
        let Some(id) = created.as_ref().and_then(|c| c["value"]["sessionId"].as_str()) else {
            // The app did not come up: what it and the drivers said is the only clue left, since
            // the folder goes with the session.
            panic!("no WebDriver session ({created:?}); the end of app.log:\n{}", session.log_tail(60));
        };
        session.id = id.to_string();
        session
    }

    /// A fresh app with the reference workflow drawn (all 11 node cards); returns the Run button.
    pub async fn open_reference(tag: &str, env: &[(&str, &str)]) -> (Session, String) {
        let session = Session::start_with(tag, env).await;
        let run = session.reference_drawn().await;
        (session, run)
    }

    /// Waits for the window's opening workflow, the reference, to be drawn (its 11 node cards);
    /// returns the Run button.
    pub async fn reference_drawn(&self) -> String {
        let run = self.find("[data-testid=run]", Duration::from_secs(90)).await;
        self.wait_until(
            "11 node cards",
            "return document.querySelectorAll('[data-testid^=node-]').length === 11",
            Duration::from_secs(20),
        )
        .await;
        run
    }

    async fn wait_for_driver(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = self.http.get(format!("{}/status", self.base)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "tauri-driver did not answer within 30 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let response =
            self.http.post(format!("{}{path}", self.base)).json(&body).send().await.expect("webdriver request");
        let status = response.status();
        let value: Value = response.json().await.expect("webdriver json");
        assert!(status.is_success(), "POST {path} -> {status}: {value}");
        value["value"].clone()
    }

    async fn get(&self, path: &str) -> Value {
        let response = self.http.get(format!("{}{path}", self.base)).send().await.expect("webdriver request");
        let status = response.status();
        let value: Value = response.json().await.expect("webdriver json");
        assert!(status.is_success(), "GET {path} -> {status}: {value}");
        value["value"].clone()
    }

    /// Runs a script in the page and returns its result.
    pub async fn script(&self, source: &str, args: Value) -> Value {
        self.post(&format!("/session/{}/execute/sync", self.id), json!({"script": source, "args": args})).await
    }

    /// Runs an asynchronous script (its last argument is the callback) and returns what it passes.
    pub async fn script_async(&self, source: &str, args: Value) -> Value {
        self.post(&format!("/session/{}/execute/async", self.id), json!({"script": source, "args": args})).await
    }

    /// Waits until `source` (a script returning a value) returns something truthy; returns it.
    pub async fn wait_until(&self, what: &str, source: &str, limit: Duration) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let value = self.script(source, json!([])).await;
            let truthy = !matches!(&value, Value::Null | Value::Bool(false)) && value != json!("") && value != json!(0);
            if truthy {
                return value;
            }
            if Instant::now() >= deadline {
                let page = self.page_text().await;
                panic!("timed out after {limit:?} waiting for {what}; the page shows:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Finds one element by CSS selector, waiting for it to exist.
    pub async fn find(&self, css: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let response = self
                .http
                .post(format!("{}/session/{}/element", self.base, self.id))
                .json(&json!({"using": "css selector", "value": css}))
                .send()
                .await
                .expect("webdriver request");
            if response.status().is_success() {
                let value: Value = response.json().await.expect("webdriver json");
                if let Some(id) = value["value"][ELEMENT_KEY].as_str() {
                    return id.to_string();
                }
                assert!(value["value"].is_null(), "unexpected answer to find {css}: {value}");
            }
            if Instant::now() >= deadline {
                let page = self.page_text().await;
                panic!("no element matches {css} after {limit:?}; the page shows:\n{page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types `text` into an input element (after clearing it), as a person would.
    pub async fn type_into(&self, element: &str, text: &str) {
        self.post(&format!("/session/{}/element/{element}/clear", self.id), json!({})).await;
        if !text.is_empty() {
            self.post(&format!("/session/{}/element/{element}/value", self.id), json!({"text": text})).await;
        }
    }

    /// Moves the mouse over an element (hover styles and controls appear as for a person).
    pub async fn hover(&self, element: &str) {
        let origin = json!({ELEMENT_KEY: element});
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "duration": 0, "origin": origin, "x": 0, "y": 0}]}]});
        self.post(&format!("/session/{}/actions", self.id), actions).await;
    }

    /// Double-clicks an element.
    pub async fn double_click(&self, element: &str) {
        let origin = json!({ELEMENT_KEY: element});
        let click = [json!({"type": "pointerDown", "button": 0}), json!({"type": "pointerUp", "button": 0})];
        let mut steps = vec![json!({"type": "pointerMove", "duration": 0, "origin": origin, "x": 0, "y": 0})];
        steps.extend(click.iter().cloned());
        steps.extend(click.iter().cloned());
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": steps}]});
        self.post(&format!("/session/{}/actions", self.id), actions).await;
    }

    /// Clicks the first element matching `css`, waiting for it.
    pub async fn click_on(&self, css: &str) {
        let element = self.find(css, Duration::from_secs(20)).await;
        self.click(&element).await;
    }

    /// In Settings, picks `value` in the select `settings-<field>` and saves.
    pub async fn choose_setting(&self, field: &str, value: &str) {
        self.click_on("[data-testid=nav-settings]").await;
        self.click_on(&format!("[data-testid=settings-{field}] option[value={value}]")).await;
        self.click_on("[data-testid=settings-save]:not([disabled])").await;
    }

    /// Delivers an OS file drop of `paths` at window point (x, y), through the same Tauri event
    /// a real drag-and-drop produces (Xvfb has no drag source to do it for real).
    pub async fn drop_files(&self, paths: &[&Path], x: f64, y: f64) {
        let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        // Offered first, and only then dropped: the app's test-only listener records the paths
        // while the offer's emit is handled, so the page's drop listener finds them recorded.
        self.script(
            "const emit = (event, payload) => window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event, payload });
             return emit(arguments[3], { paths: arguments[0] })
               .then(() => emit('tauri://drag-drop', { paths: arguments[0], position: { x: arguments[1], y: arguments[2] } }));",
            json!([paths, x, y, easel_app::E2E_OFFER]),
        )
        .await;
    }

    /// What the app wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.library.path().join("app.log")).unwrap_or_default()
    }

    /// The last `lines` lines of the app's stderr (and tauri-driver's), for failure messages.
    fn log_tail(&self, lines: usize) -> String {
        let log = self.log();
        let tail: Vec<&str> = log.lines().rev().take(lines).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// The page's visible text (and the app's log tail), for failure messages.
    async fn page_text(&self) -> String {
        let text = self
            .http
            .post(format!("{}/session/{}/execute/sync", self.base, self.id))
            .json(&json!({"script": "return document.body ? document.body.innerText.slice(0, 1500) : '(no body)'", "args": []}))
            .send()
            .await;
        let text = match text {
            Ok(r) => r.json::<Value>().await.map(|v| v["value"].to_string()).unwrap_or_default(),
            Err(e) => format!("(no answer: {e})"),
        };
        format!("{text}\n--- app log tail ---\n{}", self.log_tail(15))
    }

    /// Clicks an element.
    pub async fn click(&self, element: &str) {
        self.post(&format!("/session/{}/element/{element}/click", self.id), json!({})).await;
    }

    /// Saves a PNG screenshot of the window to target/e2e/<name>.png and returns its bytes.
    pub async fn screenshot(&self, name: &str) -> Vec<u8> {
        // Let the page paint what the DOM already says: two animation frames.
        self.script_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            json!([]),
        )
        .await;
        let encoded = self.get(&format!("/session/{}/screenshot", self.id)).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("screenshot base64"))
            .expect("screenshot decodes");
        std::fs::write(screenshot_dir().join(format!("{name}.png")), &bytes).expect("write screenshot");
        bytes
    }

    /// Ends the session and stops tauri-driver with SIGTERM (SIGKILL would orphan WebKitWebDriver).
    pub async fn close(self) {
        drop(self.quit().await);
    }

    /// Ends the session and tauri-driver; returns the session's folder, still on disk.
    async fn quit(mut self) -> tempfile_dir::Dir {
        self.stop().await;
        std::mem::replace(&mut self.library, tempfile_dir::Dir::none())
    }

    async fn stop(&mut self) {
        // The session may already be gone if the app exited; closing is best effort.
        let _ = self.http.delete(format!("{}/session/{}", self.base, self.id)).send().await;
        let pid = self.driver.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && !matches!(self.driver.try_wait(), Ok(Some(_))) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.driver.kill();
        self.end_app().await;
    }

    /// Ends the app this session started, as a person quitting it would. WebKitWebDriver normally
    /// kills it, but stopped under load before it has, it leaves the app running as an orphan: a
    /// live process that still owns its runs, so a restarted app never takes them back. Found by
    /// its library folder in `/proc/<pid>/environ`; waits (bounded) until it has exited.
    async fn end_app(&self) {
        let marker = format!("EASEL_LIBRARY={}", self.library.path().join("library").display());
        let live_apps = || -> Vec<String> {
            let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|pid| pid.chars().all(|c| c.is_ascii_digit()))
                .filter(|pid| {
                    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
                    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                    let running = stat.rsplit(')').next().and_then(|r| r.split_whitespace().next()) != Some("Z");
                    running
                        && stat.contains("(easel-app)")
                        && environ.split(|b| *b == 0).any(|v| v == marker.as_bytes())
                })
                .collect()
        };
        for _ in 0..200 {
            let pids = live_apps();
            if pids.is_empty() {
                return;
            }
            for pid in pids {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        eprintln!("the app of this session did not exit within 10 s");
    }
}

impl Drop for Session {
    /// A journey that panicked never reached `close`: stop tauri-driver (and with it the app) so
    /// the next journey starts clean.
    fn drop(&mut self) {
        if matches!(self.driver.try_wait(), Ok(None)) {
            // Best effort while unwinding; SIGTERM lets tauri-driver stop WebKitWebDriver too.
            let _ = Command::new("kill").args(["-TERM", &self.driver.id().to_string()]).status();
            let _ = self.driver.wait();
        }
    }
}
