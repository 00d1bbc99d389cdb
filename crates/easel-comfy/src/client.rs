//! One ComfyUI server as a client sees it: its base URL (a proxy's path prefix kept), an
//! optional extra header for servers behind a proxy (a credential: sent only over https or to
//! this machine, marked sensitive, redacted from every server text), and this client's id (the
//! websocket that gets our prompts' events). Plain JSON routes live here: `/object_info`,
//! `/queue` and cancelling (model lists come from the loaders' combos in `/object_info`). Leaves out retries: a local server either
//! answers or is down, and the engine decides what a failure means for a run.

use std::time::Duration;

use easel_tams::{clean_server_text, is_loopback, Sensitive};
use easel_workflow::Schemas;
use futures_util::StreamExt;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Url;
use serde_json::{json, Value};

use crate::ComfyError;

/// The largest JSON reply read: `/object_info` of a server with many custom nodes runs to a few
/// megabytes, and a history entry holds its whole graph.
pub const MAX_REPLY_BYTES: u64 = 64 * 1024 * 1024;

/// How long one HTTP request may take (a first `/object_info` imports every node's module).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the server is and how to reach it.
#[derive(Debug)]
pub struct ComfyConfig {
    /// `http://127.0.0.1:8188` by default; a path (`https://host/comfy/`) is kept as a prefix.
    pub base_url: String,
    /// An extra header every request and the websocket carry (`Authorization: Bearer …`).
    pub header: Option<(String, Sensitive<String>)>,
    /// This client's id: the server sends our prompts' run events to its socket only.
    pub client_id: String,
}

impl ComfyConfig {
    /// The server at `base_url`, no extra header, a fresh client id.
    pub fn new(base_url: &str) -> ComfyConfig {
        ComfyConfig { base_url: base_url.to_string(), header: None, client_id: uuid::Uuid::new_v4().to_string() }
    }
}

/// A connected ComfyUI server. Cheap to clone.
#[derive(Clone)]
pub struct Comfy {
    pub(crate) base: Url,
    pub(crate) http: reqwest::Client,
    pub(crate) header: Option<(HeaderName, HeaderValue)>,
    /// The header's value, kept to redact it from server texts.
    secret: Option<std::sync::Arc<Sensitive<String>>>,
    pub(crate) client_id: String,
}

/// The server's queue: the prompt running now and those waiting, in the order they will run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueState {
    pub running: Vec<String>,
    pub pending: Vec<String>,
}

impl Comfy {
    /// Checks the address and builds the client; nothing is sent yet.
    pub fn new(config: ComfyConfig) -> Result<Comfy, ComfyError> {
        let mut base = Url::parse(config.base_url.trim())
            .map_err(|e| ComfyError::Endpoint(format!("{}: {e}", clean_server_text(&config.base_url, None))))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(ComfyError::Endpoint("the address must be http:// or https:// with a host".into()));
        }
        if config.header.is_some() && base.scheme() == "http" && !is_loopback(&base) {
            return Err(ComfyError::Endpoint(
                "a header with a credential is sent only over https:// or to this machine".into(),
            ));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let header = match &config.header {
            None => None,
            Some((name, value)) => {
                let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
                    ComfyError::Endpoint(format!("`{}` is not a header name", clean_server_text(name, None)))
                })?;
                let mut value = HeaderValue::from_str(value.expose()).map_err(|_| {
                    ComfyError::Endpoint("the header's value has characters a header cannot carry".into())
                })?;
                value.set_sensitive(true);
                Some((name, value))
            }
        };
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| ComfyError::Endpoint(e.to_string()))?;
        let secret = config.header.map(|(_, value)| std::sync::Arc::new(value));
        Ok(Comfy { base, http, header, secret, client_id: config.client_id })
    }

    /// This client's id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The server as recorded with a run: scheme, host and port, never a path's secrets.
    pub fn label(&self) -> String {
        easel_tams::endpoint_label(self.base.as_str())
    }

    /// Every installed node's schema, custom nodes included.
    pub async fn object_info(&self) -> Result<Schemas, ComfyError> {
        let text = self.get_text("object_info").await?;
        Schemas::from_object_info_str(&text)
            .map_err(|e| ComfyError::BadReply { route: "/object_info".into(), why: e.to_string() })
    }

    /// What is running and waiting.
    pub async fn queue(&self) -> Result<QueueState, ComfyError> {
        let value = self.get_json("queue").await?;
        let ids = |key: &str| -> Vec<(f64, String)> {
            let items = value.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            items.iter().filter_map(|item| Some((item.get(0)?.as_f64()?, item.get(1)?.as_str()?.to_string()))).collect()
        };
        // The pending list is the server's heap array as is: sorted by number, it is the run order.
        let mut pending = ids("queue_pending");
        pending.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(QueueState {
            running: ids("queue_running").into_iter().map(|(_, id)| id).collect(),
            pending: pending.into_iter().map(|(_, id)| id).collect(),
        })
    }

    /// Stops `prompt_id` if it is the one running (a newer server ignores another id; an older
    /// one stops whatever runs, so ask only when it is running).
    pub async fn interrupt(&self, prompt_id: &str) -> Result<(), ComfyError> {
        self.post_json("interrupt", &json!({ "prompt_id": prompt_id })).await.map(drop)
    }

    /// Takes waiting prompts out of the queue (a running one is untouched).
    pub async fn delete_pending(&self, prompt_ids: &[String]) -> Result<(), ComfyError> {
        self.post_json("queue", &json!({ "delete": prompt_ids })).await.map(drop)
    }

    pub(crate) fn url(&self, route: &str) -> Result<Url, ComfyError> {
        self.base.join(route).map_err(|e| ComfyError::Endpoint(e.to_string()))
    }

    pub(crate) fn request(&self, method: reqwest::Method, url: Url) -> reqwest::RequestBuilder {
        let builder = self.http.request(method, url);
        match &self.header {
            Some((name, value)) => builder.header(name.clone(), value.clone()),
            None => builder,
        }
    }

    pub(crate) async fn get_json(&self, route: &str) -> Result<Value, ComfyError> {
        let text = self.get_text(route).await?;
        serde_json::from_str(&text).map_err(|e| ComfyError::BadReply { route: format!("/{route}"), why: e.to_string() })
    }

    async fn get_text(&self, route: &str) -> Result<String, ComfyError> {
        let response = self.send(self.request(reqwest::Method::GET, self.url(route)?), route).await?;
        let status = response.status();
        let text = self.read(response, route).await?;
        if !status.is_success() {
            return Err(self.http_error(route, status.as_u16(), &text));
        }
        Ok(text)
    }

    /// Posts JSON; returns the status and body of any answer (a 400 carries the refusal).
    pub(crate) async fn post_json(&self, route: &str, body: &Value) -> Result<(u16, String), ComfyError> {
        let request = self.request(reqwest::Method::POST, self.url(route)?).json(body);
        let response = self.send(request, route).await?;
        let status = response.status().as_u16();
        let text = self.read(response, route).await?;
        if !(200..300).contains(&status) && status != 400 {
            return Err(self.http_error(route, status, &text));
        }
        Ok((status, text))
    }

    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
        route: &str,
    ) -> Result<reqwest::Response, ComfyError> {
        request.send().await.map_err(|e| self.network(route, &e))
    }

    pub(crate) fn network(&self, route: &str, e: &reqwest::Error) -> ComfyError {
        if let Some(reason) = easel_tams::refused_certificate(e) {
            return ComfyError::Untrusted { host: self.label(), reason: self.clean(&reason) };
        }
        let reason = self.clean(&format!("/{route}: {}", error_text(e)));
        ComfyError::Network { host: self.label(), reason }
    }

    pub(crate) fn http_error(&self, route: &str, status: u16, body: &str) -> ComfyError {
        ComfyError::Http { route: format!("/{route}"), status, message: self.clean(body) }
    }

    /// A server's text, safe to show: controls gone, the header's value redacted, length capped.
    pub(crate) fn clean(&self, text: &str) -> String {
        clean_server_text(text, self.secret.as_ref().map(|s| s.expose().as_str()))
    }

    pub(crate) async fn read(&self, response: reqwest::Response, route: &str) -> Result<String, ComfyError> {
        let too_large =
            || ComfyError::TooLarge { what: format!("the reply of /{route}"), limit_mb: MAX_REPLY_BYTES >> 20 };
        if response.content_length().is_some_and(|n| n > MAX_REPLY_BYTES) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.network(route, &e))?;
            if body.len() as u64 + chunk.len() as u64 > MAX_REPLY_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    }
}

/// A transport error's text with its causes (the top one alone says only "error sending
/// request"), without the URL (a proxy path can carry a token).
fn error_text(e: &reqwest::Error) -> String {
    let text = easel_error::with_causes(e);
    match e.url() {
        Some(url) => text.replace(url.as_str(), ""),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(url: &str) -> ComfyConfig {
        ComfyConfig {
            header: Some(("Authorization".into(), Sensitive::new("Bearer s3cret".into()))),
            ..ComfyConfig::new(url)
        }
    }

    #[test]
    fn a_credential_goes_only_over_https_or_to_this_machine() {
        assert!(Comfy::new(ComfyConfig::new("http://192.168.1.20:8188")).is_ok(), "a LAN server without a header");
        assert!(Comfy::new(with_header("http://127.0.0.1:8188")).is_ok());
        assert!(Comfy::new(with_header("https://gpu.example.com/comfy")).is_ok());
        let refused = Comfy::new(with_header("http://gpu.example.com")).err().unwrap();
        assert_eq!(refused.code(), easel_error::ErrorCode::InvalidSettings);
        assert!(Comfy::new(ComfyConfig::new("ftp://host")).is_err());
        assert!(Comfy::new(ComfyConfig::new("not a url")).is_err());
    }

    #[test]
    fn a_path_prefix_is_kept_and_the_header_is_redacted_from_server_text() {
        let comfy = Comfy::new(with_header("https://gpu.example.com/comfy")).unwrap();
        assert_eq!(comfy.url("prompt").unwrap().as_str(), "https://gpu.example.com/comfy/prompt");
        assert_eq!(comfy.label(), "https://gpu.example.com");
        let cleaned = comfy.clean("proxy said: Authorization: Bearer s3cret\x1b[2J");
        assert!(!cleaned.contains("s3cret") && !cleaned.contains('\x1b'), "{cleaned}");
    }
}
