//! Image uploads: ask for a slot (`POST /v1/resource/image`), then PUT the bytes to its presigned
//! storage URL with exactly the headers the slot names (they include the OSS callback that tells
//! TAMS the upload arrived). The PUT carries no TAMS credentials and goes to the storage host, so
//! it does not spend the API budget; it is retried like an API call. The STS variant
//! (`/v1/resource/image/sts`) is typed but not used: no official client uploads that way.

use std::collections::BTreeMap;
use std::fmt;

use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use serde::{Deserialize, Serialize};

use crate::client::read_reply;
use crate::{number, Client, TamsError};

/// The id of an uploaded image: what a LoadImage input or an image template field takes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceId(pub String);

impl ResourceId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Options of an upload slot; the default (`{}`) leaves both to the service.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadRequest {
    /// How long the upload URL stays valid, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_sec: Option<u64>,
    /// Retention: 1 keeps the image 7 days, 2 forever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<i32>,
}

/// An upload slot: where to PUT the bytes and the headers to PUT them with.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UploadSlot {
    /// The id the image will have.
    #[serde(deserialize_with = "number::id")]
    pub resource_id: Option<String>,
    /// Presigned storage URL.
    pub put_url: Option<String>,
    /// Headers to send verbatim with the PUT.
    pub headers: BTreeMap<String, String>,
}

/// An STS / POST-policy upload credential (`POST /v1/resource/image/sts`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StsCredential {
    /// The id the image will have.
    #[serde(deserialize_with = "number::id")]
    pub resource_id: Option<String>,
    /// Storage access key id.
    pub access_id: Option<String>,
    /// Policy signature.
    pub signature: Option<String>,
    /// Storage host to POST to.
    pub host: Option<String>,
    /// Expiry (int64; its unit is undocumented).
    #[serde(deserialize_with = "number::int")]
    pub expire: Option<i64>,
    /// Callback to pass along.
    pub callback: Option<String>,
    /// Object key to upload as.
    pub file_path: Option<String>,
    /// Base64 POST policy.
    pub policy: Option<String>,
    /// STS security token.
    pub security_token: Option<String>,
}

impl Client {
    /// `POST /v1/resource/image`: an upload slot.
    pub async fn request_upload(&self, request: &UploadRequest) -> Result<UploadSlot, TamsError> {
        self.post(self.endpoint(&["v1", "resource", "image"]), request).await
    }

    /// `POST /v1/resource/image/sts`: an STS upload credential.
    pub async fn request_upload_credential(&self, request: &UploadRequest) -> Result<StsCredential, TamsError> {
        self.post(self.endpoint(&["v1", "resource", "image", "sts"]), request).await
    }

    /// Uploads `bytes` as an image: a slot with the service's defaults, then the PUT. The slot's
    /// headers are sent exactly; `content_type` is added only when they name none. A 203 (OSS
    /// "callback failed") is accepted as official and third-party clients do.
    pub async fn upload_image(&self, bytes: Vec<u8>, content_type: Option<&str>) -> Result<ResourceId, TamsError> {
        let slot = self.request_upload(&UploadRequest::default()).await?;
        self.put_upload(&slot, bytes, content_type).await
    }

    /// PUTs `bytes` into `slot` (see `upload_image`).
    pub async fn put_upload(
        &self,
        slot: &UploadSlot,
        bytes: Vec<u8>,
        content_type: Option<&str>,
    ) -> Result<ResourceId, TamsError> {
        let missing = |what: &str| TamsError::Decode(format!("the upload slot has no {what}"));
        let resource_id = slot.resource_id.clone().ok_or_else(|| missing("resourceId"))?;
        let url = slot.put_url.as_deref().ok_or_else(|| missing("putUrl"))?;
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &slot.headers {
            let bad = || TamsError::Decode(format!("the upload slot's header `{name}` cannot be sent"));
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
            headers.insert(name, HeaderValue::from_str(value).map_err(|_| bad())?);
        }
        if let Some(kind) = content_type.filter(|_| !headers.contains_key(CONTENT_TYPE)) {
            let value = HeaderValue::from_str(kind)
                .map_err(|_| TamsError::Decode(format!("`{kind}` is not a valid content type")))?;
            headers.insert(CONTENT_TYPE, value);
        }
        let http = self.http()?;
        self.retrying(|| {
            // A copy per attempt: a request body is consumed by sending it.
            let request = http.put(url).headers(headers.clone()).body(bytes.clone());
            let key = self.redaction_key();
            async move { read_reply(request.send().await, url, key).await }
        })
        .await?;
        Ok(ResourceId(resource_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_and_request_shapes() {
        assert_eq!(serde_json::to_string(&UploadRequest::default()).unwrap(), "{}");
        let request = UploadRequest { expire_sec: Some(3600), term: Some(2) };
        assert_eq!(serde_json::to_string(&request).unwrap(), r#"{"expireSec":3600,"term":2}"#);
        let slot: UploadSlot = serde_json::from_str(
            r#"{"resourceId":"f2","putUrl":"http://s/u?Expires=1","headers":{"X-Oss-Callback":"e30="}}"#,
        )
        .unwrap();
        assert_eq!(slot.headers["X-Oss-Callback"], "e30=");
        let sts: StsCredential =
            serde_json::from_str(r#"{"resourceId":"r","expire":"1700","filePath":"a/b"}"#).unwrap();
        assert_eq!((sts.expire, sts.file_path.as_deref()), (Some(1700), Some("a/b")));
    }
}
