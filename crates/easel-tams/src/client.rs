//! The HTTP core every endpoint goes through: serialises a request body once (so every attempt
//! sends, and with RSA signs, the same bytes and the same requestId), waits on the shared budget
//! before every API attempt, authenticates each attempt afresh (a new RSA nonce and timestamp per
//! attempt), retries 429/5xx/network failures with exponential backoff and full jitter, and
//! decodes answers. The endpoints themselves live in `workflow`, `template`, `stages`,
//! `resource`, `model` and `download`; this file knows no paths.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::endpoint::{check_endpoint, endpoint_label, is_loopback};
use crate::{server_text, Auth, Budget, TamsError};

/// Where and how to talk to the service.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL without a trailing slash, e.g. `https://ap-east-1.tensorart.cloud`.
    pub base_url: String,
    /// Credentials.
    pub auth: Auth,
    /// Attempts per call, retries included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubled each time, capped at `max_backoff`.
    pub base_backoff: Duration,
    /// Longest delay between two attempts.
    pub max_backoff: Duration,
    /// Timeout of one attempt.
    pub timeout: Duration,
    /// How long 429 answers are waited out before a call gives up with `RateLimited`.
    pub rate_limit_patience: Duration,
    /// What the journal records this backend as, when not its `endpoint_label`: a server whose
    /// address changes at every start (the offline demo) needs a name that does not, or its
    /// unfinished runs would never be found again.
    pub label: Option<String>,
}

/// How long a call keeps waiting out 429 answers: long enough for another program's burst to
/// pass, short enough that a key shared with a runaway script still ends in a clear error.
pub const RATE_LIMIT_PATIENCE: Duration = Duration::from_secs(300);

impl ClientConfig {
    /// Defaults suited to the real service: 5 attempts, 250 ms doubling to 8 s, 60 s timeout,
    /// 429s waited out for up to `RATE_LIMIT_PATIENCE`.
    pub fn new(base_url: impl Into<String>, auth: Auth) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            auth,
            max_attempts: 5,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            timeout: Duration::from_secs(60),
            rate_limit_patience: RATE_LIMIT_PATIENCE,
            label: None,
        }
    }
}

/// A TAMS client; cheap to clone, all clones share one connection pool and one budget.
#[derive(Debug, Clone)]
pub struct Client {
    /// Built at the first request, and shared by every clone. Building it loads the system's CA
    /// certificates (2 ms with rustls on this project's VM, 34 ms with OpenSSL before:
    /// `tls_bench`): the app's start, which makes a client for the offline demo, need not wait
    /// for that (issue 18, BENCHMARKS.md). A failed build is kept: a TLS set-up that failed
    /// once fails again.
    http: Arc<OnceLock<Result<reqwest::Client, String>>>,
    config: Arc<ClientConfig>,
    base: Url,
    budget: Arc<Budget>,
}

/// One failed attempt: the error and the server's `Retry-After`, if it sent one.
pub(crate) type Failure = (TamsError, Option<Duration>);

impl Client {
    /// A client that spends requests from `budget`. Fails when `base_url` is not a URL, or is
    /// plain `http://` to a host other than this machine (`CLEARTEXT_RULE`): the key would
    /// travel readable by anyone on the path.
    pub fn new(config: ClientConfig, budget: Arc<Budget>) -> Result<Client, TamsError> {
        let base = check_endpoint(&config.base_url)?;
        Ok(Client { http: Arc::default(), config: Arc::new(config), base, budget })
    }

    /// The HTTP client, built on first use (see the field).
    pub(crate) fn http(&self) -> Result<&reqwest::Client, TamsError> {
        let built = self.http.get_or_init(|| {
            let mut builder =
                reqwest::Client::builder().timeout(self.config.timeout).connect_timeout(Duration::from_secs(10));
            // A loopback endpoint is never reached through `HTTP_PROXY`/`ALL_PROXY`: the request,
            // key included, would go in cleartext to the proxy (reqwest applies those variables
            // to loopback hosts too unless `NO_PROXY` lists them). Remote endpoints are https and
            // keep the system proxy, which networks may require: it tunnels (CONNECT), so the key
            // stays inside TLS to the service.
            if is_loopback(&self.base) {
                builder = builder.no_proxy();
            }
            builder.build().map_err(|e| easel_error::with_causes(&e))
        });
        built.as_ref().map_err(|reason| TamsError::Network {
            host: endpoint_label(&self.config.base_url),
            reason: reason.clone(),
        })
    }

    /// A client for a real service: its budget is shared with every Easel process on this machine
    /// that uses the same credentials on the same service (`Budget::for_service`).
    pub fn for_service(config: ClientConfig) -> Result<Client, TamsError> {
        let budget = Budget::for_service(&config.base_url, &config.auth.budget_identity());
        Client::new(config, Arc::new(budget))
    }

    /// The base URL this client talks to, as configured (it may hold tokens: never record it;
    /// use `backend_label`).
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The endpoint as Easel records it (`ClientConfig::label`, else `endpoint_label`): the
    /// journal's backend key and the `backend` of every saved image.
    pub fn backend_label(&self) -> String {
        self.config.label.clone().unwrap_or_else(|| endpoint_label(&self.config.base_url))
    }

    /// `raw` server text made safe to show and store, with this client's key redacted.
    pub(crate) fn server_text(&self, raw: &str) -> String {
        server_text::clean(raw, self.redaction_key())
    }

    /// The secret a reply might reflect, for `server_text::clean`.
    pub(crate) fn redaction_key(&self) -> Option<&str> {
        self.config.auth.redaction_key()
    }

    /// The URL of `segments` under the base URL; each segment is percent-encoded, so an id can
    /// never step outside its path segment.
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// A GET or DELETE (no body) to the API.
    pub(crate) async fn call_empty<T: DeserializeOwned>(&self, method: Method, url: Url) -> Result<T, TamsError> {
        self.call(method, url, Vec::new()).await
    }

    /// A POST of `body` as JSON to the API.
    pub(crate) async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        url: Url,
        body: &B,
    ) -> Result<T, TamsError> {
        // Serialised once: every attempt sends (and signs) these very bytes.
        let bytes = serde_json::to_vec(body).map_err(|e| TamsError::Decode(e.to_string()))?;
        self.call(Method::POST, url, bytes).await
    }

    async fn call<T: DeserializeOwned>(&self, method: Method, url: Url, body: Vec<u8>) -> Result<T, TamsError> {
        let text = self.retrying(|| self.api_attempt(&method, &url, &body)).await?;
        serde_json::from_str(&text).map_err(|e| TamsError::Decode(format!("{e} in answer to {method} {}", url.path())))
    }

    /// Runs `attempt` until it succeeds, fails for good, or `max_attempts` is reached. A 429
    /// that outlives every attempt becomes `RateLimited`.
    pub(crate) async fn retrying<T, F, Fut>(&self, mut attempt: F) -> Result<T, TamsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let mut attempts = 0;
        let mut limited = 0;
        let started = tokio::time::Instant::now();
        loop {
            attempts += 1;
            match attempt().await {
                Ok(value) => return Ok(value),
                // A 429 means another program spends the same key: wait our turn instead of
                // failing, closing the shared window so every Easel process waits too. Bounded
                // by time, not attempts (`RATE_LIMIT_PATIENCE`).
                Err((TamsError::Server { status: 429, .. }, retry_after))
                    if started.elapsed() < self.config.rate_limit_patience =>
                {
                    limited += 1;
                    let pause = retry_after.unwrap_or_else(|| self.backoff(limited.min(6)).max(Duration::from_secs(1)));
                    eprintln!(
                        "easel: {} answered 429 (rate limited, {limited} so far); waiting {} ms before trying again",
                        host_of(&self.config.base_url),
                        pause.as_millis()
                    );
                    self.budget.hold_off(pause).await;
                    attempts -= 1;
                }
                Err((TamsError::Server { status: 429, .. }, _)) => {
                    return Err(TamsError::RateLimited { attempts: attempts + limited })
                }
                Err((err, retry_after)) if err.is_retryable() && attempts < self.config.max_attempts => {
                    tokio::time::sleep(retry_after.unwrap_or_else(|| self.backoff(attempts))).await;
                }
                Err((err, _)) => return Err(err),
            }
        }
    }

    async fn api_attempt(&self, method: &Method, url: &Url, body: &[u8]) -> Result<String, Failure> {
        let grant = self.budget.acquire().await;
        let request = match self.signed_request(method, url, body) {
            Ok(request) => request,
            Err(failure) => {
                // Nothing left this machine.
                grant.answered();
                return Err(failure);
            }
        };
        let sent = request.send().await;
        // The service has had the request (or never will): it leaves the budget's window one
        // window from now. The body is read after, outside the grant.
        grant.answered();
        read_reply(sent, url.as_str(), self.config.auth.redaction_key()).await
    }

    /// The request of one attempt. Signed per attempt: a retry gets a fresh timestamp and nonce
    /// over the same bytes. The signed path is the one actually sent, so a base URL with a path
    /// prefix still verifies.
    fn signed_request(&self, method: &Method, url: &Url, body: &[u8]) -> Result<reqwest::RequestBuilder, Failure> {
        let mut signed_path = url.path().to_string();
        if let Some(query) = url.query() {
            signed_path.push('?');
            signed_path.push_str(query);
        }
        let header = self.config.auth.authorization(method.as_str(), &signed_path, body).map_err(|e| (e, None))?;
        let mut value = HeaderValue::from_str(header.expose()).map_err(|_| {
            (TamsError::InvalidKey("the credentials contain characters not allowed in a header".into()), None)
        })?;
        value.set_sensitive(true);
        let mut request = self
            .http()
            .map_err(|e| (e, None))?
            .request(method.clone(), url.clone())
            .header("Accept", "application/json")
            .header(AUTHORIZATION, value);
        if !body.is_empty() {
            request = request.header("Content-Type", "application/json").body(body.to_vec());
        }
        Ok(request)
    }

    /// Full jitter: a uniform delay in [0, min(max, base * 2^(attempt-1))].
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.config.base_backoff.saturating_mul(1u32 << (attempt - 1).min(16));
        let cap = exp.min(self.config.max_backoff);
        cap.mul_f64(fastrand::f64())
    }
}

/// Reads a reply as text; non-2xx becomes a classified error with the server's `Retry-After`,
/// its text cleaned with `key` redacted (`server_text`).
pub(crate) async fn read_reply(
    sent: reqwest::Result<reqwest::Response>,
    url: &str,
    key: Option<&str>,
) -> Result<String, Failure> {
    let net = |e: reqwest::Error| (network(url, e), None);
    let response = sent.map_err(net)?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|s| Duration::from_secs(s.min(30)));
    let text = read_capped(response, url, "a reply").await?;
    if status.is_success() {
        Ok(text)
    } else {
        Err((TamsError::from_response(status.as_u16(), &text, key), retry_after))
    }
}

/// The largest API reply read (job snapshots and catalogues are a few KB; a template a few hundred).
pub const MAX_REPLY_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a body as text, refusing (without reading further) one longer than `MAX_REPLY_BYTES`.
pub(crate) async fn read_capped(response: reqwest::Response, url: &str, what: &str) -> Result<String, Failure> {
    use futures_util::StreamExt;
    let too_large =
        || (TamsError::TooLarge { what: what.to_string(), host: host_of(url), limit_mb: MAX_REPLY_BYTES >> 20 }, None);
    if response.content_length().is_some_and(|n| n > MAX_REPLY_BYTES) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| (network(url, e), None))?;
        if body.len() as u64 + chunk.len() as u64 > MAX_REPLY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// A transport failure, named by host only (signed URLs carry secrets in their query). The
/// reason is the HTTP stack's own text with its causes (the top one alone says only "error
/// sending request"), cleaned all the same: it can quote what a server sent. A refused
/// certificate is `Untrusted`, which is not retried.
pub(crate) fn network(url: &str, e: reqwest::Error) -> TamsError {
    let e = e.without_url();
    let host = host_of(url);
    match refused_certificate(&e) {
        Some(reason) => TamsError::Untrusted { host, reason: server_text::clean(&reason, None) },
        None => TamsError::Network { host, reason: server_text::clean(&easel_error::with_causes(&e), None) },
    }
}

/// What the TLS library found wrong with the server's certificate, when that is why `e` (a
/// transport error from the HTTP client) happened: the one place that knows how a refused
/// certificate looks, for both backends' clients. Text as the library gives it, not cleaned.
pub fn refused_certificate(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    match easel_error::find_cause::<rustls::Error>(e)? {
        tls @ rustls::Error::InvalidCertificate(_) => Some(tls.to_string()),
        _ => None,
    }
}

/// The host (and port) of a URL the server may have chosen (result and upload URLs), without
/// userinfo, path or query, and with no control characters.
pub(crate) fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    server_text::clean(authority.rsplit('@').next().unwrap_or(authority), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sensitive;

    fn client(base: &str) -> Client {
        let auth = Auth::Bearer(Sensitive::new("k".into()));
        Client::new(ClientConfig::new(base, auth), Arc::new(Budget::tams_default())).unwrap()
    }

    #[test]
    fn host_strips_scheme_path_and_query() {
        assert_eq!(host_of("http://127.0.0.1:80/files/1.png?Expires=2"), "127.0.0.1:80");
        assert_eq!(host_of("http://user:pw@h\x1b[2J:1/x"), "h[2J:1");
    }

    #[test]
    fn endpoints_keep_a_base_path_and_encode_ids() {
        assert_eq!(client("https://h:1/").endpoint(&["v1", "jobs", "12"]).as_str(), "https://h:1/v1/jobs/12");
        assert_eq!(client("https://h/proxy").endpoint(&["v1", "jobs", "1"]).path(), "/proxy/v1/jobs/1");
        assert_eq!(client("https://h").endpoint(&["v1", "jobs", "../x?y"]).path(), "/v1/jobs/..%2Fx%3Fy");
    }

    #[test]
    fn invalid_base_url_is_refused_up_front() {
        let auth = Auth::Bearer(Sensitive::new("k".into()));
        let err = Client::new(ClientConfig::new("not a url", auth), Arc::new(Budget::tams_default())).unwrap_err();
        assert_eq!(err.code(), easel_error::ErrorCode::Network);
    }
}
