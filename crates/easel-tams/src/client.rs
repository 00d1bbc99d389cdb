//! The HTTP client proper: builds each request once (so a retry sends the same bytes and the
//! same requestId), waits on the shared budget before every attempt, retries 429/5xx/network
//! failures with exponential backoff and full jitter, and decodes answers. Downloads of signed
//! result URLs go to the storage host, not the API, so they bypass the API budget.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::{Budget, Job, Sensitive, TamsError};

/// How requests prove who sends them.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer(Sensitive<String>),
}

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
}

impl ClientConfig {
    /// Defaults suited to the real service: 5 attempts, 250 ms doubling to 8 s, 60 s timeout.
    pub fn new(base_url: impl Into<String>, auth: Auth) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            auth,
            max_attempts: 5,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            timeout: Duration::from_secs(60),
        }
    }
}

/// A TAMS client; cheap to clone, all clones share one connection pool and one budget.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    budget: Arc<Budget>,
}

#[derive(Deserialize)]
struct JobEnvelope {
    #[serde(default)]
    job: Job,
}

impl Client {
    /// A client that spends requests from `budget`.
    pub fn new(config: ClientConfig, budget: Arc<Budget>) -> Result<Client, TamsError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| TamsError::Network { host: config.base_url.clone(), reason: e.to_string() })?;
        Ok(Client { http, config: Arc::new(config), budget })
    }

    /// The base URL this client talks to.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// `POST /v1/jobs/workflow`: creates a job from a raw graph (TAMS `params` map).
    pub async fn create_workflow_job(&self, request_id: &str, params: &Value) -> Result<Job, TamsError> {
        let body = json!({ "requestId": request_id, "params": params });
        let envelope: JobEnvelope = self.call(Method::POST, "/v1/jobs/workflow", Some(&body)).await?;
        Ok(envelope.job)
    }

    /// `GET /v1/jobs/{id}`.
    pub async fn get_job(&self, job_id: &str) -> Result<Job, TamsError> {
        let envelope: JobEnvelope = self.call(Method::GET, &format!("/v1/jobs/{job_id}"), None).await?;
        Ok(envelope.job)
    }

    /// `DELETE /v1/jobs/{id}`: asks the service to cancel.
    pub async fn cancel_job(&self, job_id: &str) -> Result<(), TamsError> {
        let _: Value = self.call(Method::DELETE, &format!("/v1/jobs/{job_id}"), None).await?;
        Ok(())
    }

    /// Streams a signed result URL into `file`; returns the byte count. 403 means the URL expired.
    pub async fn download(&self, url: &str, file: &mut tokio::fs::File) -> Result<u64, TamsError> {
        let net = |e: reqwest::Error| TamsError::Network { host: host_of(url), reason: e.without_url().to_string() };
        let response = self.http.get(url).send().await.map_err(net)?;
        let status = response.status();
        if status == StatusCode::FORBIDDEN {
            return Err(TamsError::UrlExpired);
        }
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            return Err(TamsError::from_response(status.as_u16(), &text));
        }
        let expected = response.content_length();
        let mut written = 0u64;
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(net)?;
            file.write_all(&chunk).await.map_err(|e| TamsError::Network { host: host_of(url), reason: e.to_string() })?;
            written += chunk.len() as u64;
        }
        if let Some(expected) = expected.filter(|e| *e != written) {
            return Err(TamsError::Network {
                host: host_of(url),
                reason: format!("download cut short: {written} of {expected} bytes"),
            });
        }
        Ok(written)
    }

    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T, TamsError> {
        // Serialised once: every attempt sends (and, with RSA, would sign) the same bytes.
        let bytes = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| TamsError::Decode(e.to_string()))?,
            None => Vec::new(),
        };
        let url = format!("{}{}", self.config.base_url, path);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.budget.acquire().await;
            let result = self.attempt(method.clone(), &url, &bytes).await;
            match result {
                Ok(text) => {
                    return serde_json::from_str(&text)
                        .map_err(|e| TamsError::Decode(format!("{e} in answer to {method} {path}")));
                }
                Err((err, retry_after)) if err.is_retryable() && attempt < self.config.max_attempts => {
                    tokio::time::sleep(retry_after.unwrap_or_else(|| self.backoff(attempt))).await;
                }
                Err((TamsError::Server { status: 429, .. }, _)) => return Err(TamsError::RateLimited { attempts: attempt }),
                Err((err, _)) => return Err(err),
            }
        }
    }

    async fn attempt(&self, method: Method, url: &str, body: &[u8]) -> Result<String, (TamsError, Option<Duration>)> {
        let mut request = self.http.request(method.clone(), url).header("Accept", "application/json");
        if !body.is_empty() {
            request = request.header("Content-Type", "application/json").body(body.to_vec());
        }
        request = match &self.config.auth {
            Auth::Bearer(key) => request.header("Authorization", format!("Bearer {}", key.expose())),
        };
        let net = |e: reqwest::Error| TamsError::Network { host: host_of(url), reason: e.without_url().to_string() };
        let response = request.send().await.map_err(|e| (net(e), None))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s.min(30)));
        let text = response.text().await.map_err(|e| (net(e), None))?;
        if status.is_success() {
            Ok(text)
        } else {
            Err((TamsError::from_response(status.as_u16(), &text), retry_after))
        }
    }

    /// Full jitter: a uniform delay in [0, min(max, base * 2^(attempt-1))].
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.config.base_backoff.saturating_mul(1u32 << (attempt - 1).min(16));
        let cap = exp.min(self.config.max_backoff);
        cap.mul_f64(fastrand::f64())
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_strips_scheme_path_and_query() {
        assert_eq!(super::host_of("http://127.0.0.1:80/files/1.png?Expires=2"), "127.0.0.1:80");
    }
}
