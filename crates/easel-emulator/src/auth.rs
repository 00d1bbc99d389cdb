//! Who may call `/v1`. Two schemes, as the reference's section 2 describes:
//! `Authorization: Bearer <configured key>`, and `TAMS-SHA256-RSA app_id=..,nonce_str=..,
//! timestamp=..,signature=..` where the signature is RSASSA-PKCS1-v1_5 / SHA-256 (standard
//! Base64) over `METHOD\npath?query\ntimestamp\nnonce\nbody`, checked against the configured app
//! id and public key. Anything else is HTTP 401 `{"code":16,"message":"unauthenticated"}`.
//! An RSA header is first judged without its body (shape, app id, timestamp window), so callers
//! who cannot be right are refused before their bodies are read; only then is the signature
//! over the body verified. Signed file and upload URLs are outside `/v1` and carry their own proof.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use sha2::Sha256;

use crate::rpc::Status;
use crate::EmulatorError;

/// The scheme name and its single following space, exactly as sent.
pub const RSA_SCHEME: &str = "TAMS-SHA256-RSA ";
/// How far a signed timestamp may be from the emulator's clock, in seconds (an assumption).
pub const TIMESTAMP_TOLERANCE: u64 = 300;

/// The credential a request proved; the rate limit is kept per caller. `Debug` hides the key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Caller {
    /// A Bearer key.
    Key(String),
    /// An app id with a valid RSA signature.
    App(String),
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::Key(key) => f.debug_tuple("Key").field(&redacted(key)).finish(),
            Caller::App(app) => f.debug_tuple("App").field(app).finish(),
        }
    }
}

/// What the emulator accepts. `Debug` hides the key.
#[derive(Clone)]
pub struct Credentials {
    /// The Bearer key (an empty key accepts nothing).
    pub api_key: String,
    /// App id and public key for RSA signatures, when configured.
    pub rsa: Option<(String, VerifyingKey<Sha256>)>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &redacted(&self.api_key))
            .field("rsa", &self.rsa.as_ref().map(|(app, _)| (app, "<public key>")))
            .finish()
    }
}

/// How a key appears in `Debug` output: whether one is set, never what it is.
pub(crate) fn redacted(key: &str) -> &'static str {
    if key.is_empty() {
        "<none>"
    } else {
        "<redacted>"
    }
}

/// The parts of a request an RSA signature covers.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    /// Upper-case method.
    pub method: &'a str,
    /// Path plus `?query` when there is one.
    pub path_and_query: &'a str,
    /// The body bytes as received.
    pub body: &'a [u8],
    /// Unix seconds now.
    pub now: u64,
}

/// Reads a PEM public key: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`).
pub fn read_public_key(pem: &str) -> Result<VerifyingKey<Sha256>, EmulatorError> {
    let key = RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|e| EmulatorError::PublicKey(e.to_string()))?;
    Ok(VerifyingKey::new(key))
}

impl Credentials {
    /// Checks an `Authorization` header. `signed` is needed only for the RSA scheme.
    pub fn check(&self, header: Option<&str>, signed: Option<Signed<'_>>) -> Result<Caller, Status> {
        let header = header.ok_or_else(Status::unauthenticated)?;
        if let Some(key) = header.strip_prefix("Bearer ") {
            let key = key.trim();
            if !self.api_key.is_empty() && key == self.api_key {
                return Ok(Caller::Key(key.to_string()));
            }
        }
        if let (Some(params), Some(signed)) = (header.strip_prefix(RSA_SCHEME), signed) {
            return self.check_rsa(params, signed).ok_or_else(Status::unauthenticated);
        }
        Err(Status::unauthenticated())
    }

    /// Whether an `Authorization` header of the RSA scheme could still be valid once its body
    /// is read: the configured app id, a well-formed header, a timestamp within tolerance of
    /// `now`. What fails here would fail the full check too, so the body need not be read.
    pub fn rsa_may_pass(&self, header: &str, now: u64) -> Result<(), Status> {
        let params = header.strip_prefix(RSA_SCHEME).ok_or_else(Status::unauthenticated)?;
        self.admissible(params, now).map(|_| ()).ok_or_else(Status::unauthenticated)
    }

    /// The parsed header and the key to verify it with, if everything but the signature holds.
    fn admissible<'a>(&self, params: &'a str, now: u64) -> Option<(RsaHeader<'a>, &VerifyingKey<Sha256>)> {
        let (app_id, key) = self.rsa.as_ref()?;
        let header = RsaHeader::parse(params)?;
        if header.app_id != app_id {
            return None;
        }
        let ts: u64 = header.timestamp.parse().ok()?;
        if ts.abs_diff(now) > TIMESTAMP_TOLERANCE {
            return None;
        }
        Some((header, key))
    }

    fn check_rsa(&self, params: &str, signed: Signed<'_>) -> Option<Caller> {
        let (header, key) = self.admissible(params, signed.now)?;
        let RsaHeader { app_id, nonce, timestamp, signature } = header;
        let mut message = format!("{}\n{}\n{timestamp}\n{nonce}\n", signed.method, signed.path_and_query).into_bytes();
        message.extend_from_slice(signed.body);
        let signature = Signature::try_from(STANDARD.decode(signature).ok()?.as_slice()).ok()?;
        key.verify(&message, &signature).ok()?;
        Some(Caller::App(app_id.to_string()))
    }
}

/// The four `name=value` fields of a `TAMS-SHA256-RSA` header, each exactly once in any order.
#[derive(Debug, Clone, Copy)]
struct RsaHeader<'a> {
    app_id: &'a str,
    nonce: &'a str,
    timestamp: &'a str,
    signature: &'a str,
}

impl<'a> RsaHeader<'a> {
    fn parse(params: &'a str) -> Option<RsaHeader<'a>> {
        let mut fields = [("app_id", None), ("nonce_str", None), ("timestamp", None), ("signature", None)];
        for part in params.split(',') {
            let (name, value) = part.split_once('=')?;
            let slot = fields.iter_mut().find(|(n, _)| *n == name)?;
            slot.1 = Some(value);
        }
        let [(_, Some(app_id)), (_, Some(nonce)), (_, Some(timestamp)), (_, Some(signature))] = fields else {
            return None;
        };
        Some(RsaHeader { app_id, nonce, timestamp, signature })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};

    fn credentials() -> Credentials {
        let public = read_public_key(include_str!("../tests/easel-emulator/test-key.pub.pem")).unwrap();
        Credentials { api_key: "k".into(), rsa: Some(("app".into(), public)) }
    }

    fn header(message: &str) -> String {
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(include_str!("../tests/easel-emulator/test-key.pem")).unwrap();
        let signature = STANDARD.encode(SigningKey::<Sha256>::new(private).sign(message.as_bytes()).to_bytes());
        format!("TAMS-SHA256-RSA app_id=app,nonce_str=n1,timestamp=1000,signature={signature}")
    }

    #[test]
    fn query_string_is_part_of_the_signed_path_and_get_body_is_empty() {
        let c = credentials();
        let signed = Signed { method: "GET", path_and_query: "/v1/jobs/1?x=2", body: b"", now: 1010 };
        let good = header("GET\n/v1/jobs/1?x=2\n1000\nn1\n");
        assert_eq!(c.check(Some(&good), Some(signed)), Ok(Caller::App("app".into())));
        let without_query = header("GET\n/v1/jobs/1\n1000\nn1\n");
        assert!(c.check(Some(&without_query), Some(signed)).is_err());
        let braces_body = header("GET\n/v1/jobs/1?x=2\n1000\nn1\n{}");
        assert!(c.check(Some(&braces_body), Some(signed)).is_err());
        assert!(c.check(Some(&good), Some(Signed { now: 1000 + 301, ..signed })).is_err());
    }

    #[test]
    fn rsa_headers_that_cannot_pass_are_known_before_the_body() {
        let c = credentials();
        let good = header("GET\n/v1/jobs/1\n1000\nn1\n");
        assert_eq!(c.rsa_may_pass(&good, 1010), Ok(()));
        assert!(c.rsa_may_pass(&good, 1000 + 301).is_err(), "stale timestamp");
        assert!(c.rsa_may_pass(&good.replace("app_id=app", "app_id=other"), 1010).is_err());
        assert!(c.rsa_may_pass(&good.replace(",nonce_str=n1", ""), 1010).is_err());
        assert!(c.rsa_may_pass("Bearer k", 1010).is_err());
        let no_rsa = Credentials { api_key: "k".into(), rsa: None };
        assert!(no_rsa.rsa_may_pass(&good, 1010).is_err());
    }

    #[test]
    fn bearer_must_match_exactly_and_empty_key_accepts_nothing() {
        let c = credentials();
        assert_eq!(c.check(Some("Bearer k"), None), Ok(Caller::Key("k".into())));
        assert!(c.check(Some("bearer k"), None).is_err());
        assert!(c.check(Some("Bearer kk"), None).is_err());
        let creds = Credentials { api_key: "k-secret-1".into(), rsa: None };
        let shown = format!("{:?} {:?}", creds, Caller::Key("k-secret-1".into()));
        assert!(!shown.contains("k-secret-1") && shown.contains("<redacted>"), "{shown}");
        let config = crate::EmulatorConfig { api_key: "cfg-secret-2".into(), ..Default::default() };
        assert!(!format!("{config:?}").contains("cfg-secret-2"), "{config:?}");
        let empty = Credentials { api_key: String::new(), rsa: None };
        assert!(empty.check(Some("Bearer "), None).is_err());
    }
}
