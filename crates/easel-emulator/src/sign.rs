//! Signed download URLs in the style of the seed's OSS links:
//! `<path>?Expires=<unix seconds>&OSSAccessKeyId=easel-emulator&Signature=<base64 HMAC-SHA256>`.
//! The same scheme signs upload (`PUT`) URLs. The signature covers the method, the path and the
//! expiry, under a secret that lives only
//! in this emulator instance. Checking the clock is the caller's business (it passes `now`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::digest::generic_array::GenericArray;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The access key id written into every URL.
pub const ACCESS_KEY_ID: &str = "easel-emulator";

/// Signs and checks URLs with one secret.
#[derive(Clone)]
pub struct Signer {
    /// The HMAC key: SHA-256 of the secret, zero-padded to SHA-256's 64-byte block.
    key: [u8; 64],
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<secret>)")
    }
}

/// Why a signed URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The signature does not match the path and expiry.
    Tampered,
    /// `Expires` is in the past.
    Expired,
}

impl Signer {
    /// A signer with `secret`.
    pub fn new(secret: &[u8]) -> Signer {
        let mut key = [0u8; 64];
        key[..32].copy_from_slice(&Sha256::digest(secret));
        Signer { key }
    }

    fn mac(&self, method: &str, path: &str, expires: u64) -> Hmac<Sha256> {
        // A block-sized key makes construction infallible (no length check needed).
        let mut mac = <Hmac<Sha256> as KeyInit>::new(GenericArray::from_slice(&self.key));
        mac.update(format!("{method}\n{path}\n{expires}").as_bytes());
        mac
    }

    /// `base` + `path` + the query signing `method` on it, the signature percent-encoded as OSS does.
    pub fn url(&self, method: &str, base: &str, path: &str, expires: u64) -> String {
        let signature = STANDARD.encode(self.mac(method, path, expires).finalize().into_bytes());
        let signature = signature.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
        format!("{base}{path}?Expires={expires}&OSSAccessKeyId={ACCESS_KEY_ID}&Signature={signature}")
    }

    /// Checks an already percent-decoded signature of `method` on `path` and `expires` at `now`.
    pub fn check(&self, method: &str, path: &str, expires: u64, signature: &str, now: u64) -> Result<(), Refusal> {
        let bytes = STANDARD.decode(signature).map_err(|_| Refusal::Tampered)?;
        self.mac(method, path, expires).verify_slice(&bytes).map_err(|_| Refusal::Tampered)?;
        if now > expires {
            return Err(Refusal::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature_of(url: &str) -> String {
        let raw = url.split("Signature=").nth(1).unwrap();
        raw.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=")
    }

    #[test]
    fn accepts_own_urls_until_they_expire() {
        let signer = Signer::new(b"k");
        let url = signer.url("GET", "http://h", "/files/1/0.png", 100);
        assert!(url.starts_with("http://h/files/1/0.png?Expires=100&OSSAccessKeyId=easel-emulator&Signature="));
        let sig = signature_of(&url);
        assert_eq!(signer.check("GET", "/files/1/0.png", 100, &sig, 100), Ok(()));
        assert_eq!(signer.check("GET", "/files/1/0.png", 100, &sig, 101), Err(Refusal::Expired));
        assert_eq!(signer.check("GET", "/files/1/1.png", 100, &sig, 0), Err(Refusal::Tampered));
        assert_eq!(signer.check("GET", "/files/1/0.png", 200, &sig, 0), Err(Refusal::Tampered));
        assert_eq!(signer.check("PUT", "/files/1/0.png", 100, &sig, 0), Err(Refusal::Tampered));
        assert_eq!(Signer::new(b"other").check("GET", "/files/1/0.png", 100, &sig, 0), Err(Refusal::Tampered));
    }
}
