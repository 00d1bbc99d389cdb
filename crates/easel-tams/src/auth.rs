//! Credentials and the `Authorization` header: Bearer keys, and `TAMS-SHA256-RSA` signatures as
//! the reference's section 2.2 defines them (RSASSA-PKCS1-v1_5 / SHA-256, standard Base64, over
//! `METHOD\npath?query\ntimestamp\nnonce\nbody`). The caller passes the exact body bytes it sends
//! and asks for a header per attempt, so every retry is signed afresh. Keys are read from PEM
//! (PKCS#1 or PKCS#8, unencrypted); reading keys from files or the keychain is left to callers.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;

use crate::{Sensitive, TamsError};

/// The scheme name of RSA signatures, followed by exactly one space in the header.
pub const RSA_SCHEME: &str = "TAMS-SHA256-RSA";

/// How requests prove who sends them.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer <key>`.
    Bearer(Sensitive<String>),
    /// `Authorization: TAMS-SHA256-RSA app_id=..,nonce_str=..,timestamp=..,signature=..`.
    Rsa {
        /// The application id shown in the TAMS console.
        app_id: String,
        /// The private key whose public half is registered with the application (shared, so
        /// cloning a config never copies key material).
        private_key: Sensitive<Arc<RsaPrivateKey>>,
    },
}

impl Auth {
    /// Who spends the service's request budget, as a string that identifies the credentials
    /// without revealing them (a SHA-256 of the key; the app id for RSA). Processes with the
    /// same identity on the same service share one budget.
    pub fn budget_identity(&self) -> String {
        use rsa::sha2::Digest;
        match self {
            Auth::Bearer(key) => {
                let digest = Sha256::digest(format!("easel-key\n{}", key.expose()).as_bytes());
                digest.iter().map(|b| format!("{b:02x}")).collect()
            }
            Auth::Rsa { app_id, .. } => format!("rsa:{app_id}"),
        }
    }

    /// The secret a reply could echo back (a proxy reflecting the `Authorization` header), for
    /// redaction. RSA sends only a one-time signature and the public app id, so none.
    pub(crate) fn redaction_key(&self) -> Option<&str> {
        match self {
            Auth::Bearer(key) => Some(key.expose().as_str()),
            Auth::Rsa { .. } => None,
        }
    }

    /// RSA auth from a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`). The error says what was wrong, never what the key holds.
    pub fn rsa_from_pem(app_id: impl Into<String>, pem: &str) -> Result<Auth, TamsError> {
        let pem = pem.trim();
        let refuse = |why: &str| Err(TamsError::InvalidKey(format!("the RSA private key cannot be used: {why}")));
        if pem.contains("BEGIN ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            return refuse("it is encrypted with a passphrase; export it unencrypted");
        }
        if pem.contains("PUBLIC KEY-----") && !pem.contains("PRIVATE KEY-----") {
            return refuse("this is a public key; signing needs the private key (upload the public one to TAMS)");
        }
        // The parsers' own errors name only the ASN.1 or PEM structure that failed, not its
        // content, but they are still left out: a message is no place for key material.
        let key = if pem.contains("BEGIN RSA PRIVATE KEY") {
            RsaPrivateKey::from_pkcs1_pem(pem).ok()
        } else {
            RsaPrivateKey::from_pkcs8_pem(pem).ok()
        };
        match key {
            Some(key) => Ok(Auth::Rsa { app_id: app_id.into(), private_key: Sensitive::new(Arc::new(key)) }),
            None => refuse("expected an RSA key in PEM form (`BEGIN PRIVATE KEY` or `BEGIN RSA PRIVATE KEY`)"),
        }
    }

    /// The `Authorization` value for one attempt; `path_and_query` and `body` are exactly what is
    /// sent (an empty body for GET and DELETE).
    pub(crate) fn authorization(
        &self,
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> Result<Sensitive<String>, TamsError> {
        match self {
            Auth::Bearer(key) => Ok(Sensitive::new(format!("Bearer {}", key.expose()))),
            Auth::Rsa { app_id, private_key } => {
                // A clock before 1970 cannot be fixed here; the service will refuse the stamp.
                let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
                let nonce = uuid::Uuid::new_v4().simple().to_string();
                let request = SignedRequest { method, path_and_query, timestamp: now, nonce: &nonce, body };
                rsa_header(app_id, private_key.expose(), &request).map(Sensitive::new)
            }
        }
    }
}

/// What one RSA signature covers.
pub(crate) struct SignedRequest<'a> {
    pub method: &'a str,
    pub path_and_query: &'a str,
    pub timestamp: u64,
    pub nonce: &'a str,
    pub body: &'a [u8],
}

impl SignedRequest<'_> {
    /// The five parts joined by single LFs, no trailing newline; the body as raw bytes.
    fn string_to_sign(&self) -> Vec<u8> {
        let head = format!(
            "{}\n{}\n{}\n{}\n",
            self.method.to_ascii_uppercase(),
            self.path_and_query,
            self.timestamp,
            self.nonce
        );
        let mut message = head.into_bytes();
        message.extend_from_slice(self.body);
        message
    }
}

/// The header value for `request` signed with `key`.
pub(crate) fn rsa_header(app_id: &str, key: &RsaPrivateKey, request: &SignedRequest<'_>) -> Result<String, TamsError> {
    let signer = SigningKey::<Sha256>::new(key.clone());
    let signature = signer
        .try_sign(&request.string_to_sign())
        .map_err(|_| TamsError::InvalidKey("the RSA key is too small to sign a SHA-256 digest".into()))?;
    let signature = STANDARD.encode(signature.to_bytes());
    Ok(format!(
        "{RSA_SCHEME} app_id={app_id},nonce_str={},timestamp={},signature={signature}",
        request.nonce, request.timestamp
    ))
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
