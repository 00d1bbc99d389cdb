//! Downloads of signed result URLs. They go to the storage host, not the API, so they neither
//! spend the API budget nor carry credentials, and they are not retried here: a failed or short
//! download is reported, and the caller (which owns the file) decides whether to start over or
//! to re-read the job for a fresh URL. Verifying the image is left to the caller too.

use futures_util::StreamExt;
use reqwest::StatusCode;
use tokio::io::AsyncWriteExt;

use crate::client::{host_of, network, read_capped};
use crate::{Client, TamsError};

/// The largest result file downloaded: an 8192² RGBA PNG stored without compression is 256 MB,
/// far above any real result (a 1024² PNG is 1–3 MB).
pub const MAX_DOWNLOAD_BYTES: u64 = 256 * 1024 * 1024;

impl Client {
    /// Streams a signed result URL into `file`; returns the byte count. 403 means the URL expired.
    pub async fn download(&self, url: &str, file: &mut tokio::fs::File) -> Result<u64, TamsError> {
        let response = self.http()?.get(url).send().await.map_err(|e| network(url, e))?;
        let status = response.status();
        if status == StatusCode::FORBIDDEN {
            return Err(TamsError::UrlExpired);
        }
        if !status.is_success() {
            // The body only explains the status; failing to read it loses nothing important.
            let text = read_capped(response, url, "an error body").await.unwrap_or_default();
            return Err(TamsError::from_response(status.as_u16(), &text, self.redaction_key()));
        }
        let too_large = || TamsError::TooLarge {
            what: "a result file".into(),
            host: host_of(url),
            limit_mb: MAX_DOWNLOAD_BYTES >> 20,
        };
        let expected = response.content_length();
        if expected.is_some_and(|n| n > MAX_DOWNLOAD_BYTES) {
            return Err(too_large());
        }
        let mut written = 0u64;
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| network(url, e))?;
            if written + chunk.len() as u64 > MAX_DOWNLOAD_BYTES {
                return Err(too_large());
            }
            file.write_all(&chunk).await.map_err(|e| TamsError::Write { host: host_of(url), reason: e.to_string() })?;
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
}
