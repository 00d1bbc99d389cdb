//! Tests of `auth`: a known answer computed outside this crate (by OpenSSL), signatures checked
//! through `rsa`'s verifier against the public key rather than by re-signing, the exact header
//! shape, both PEM forms, and that no error or Debug output carries key material.

use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;

use super::*;

const PKCS8: &str = include_str!("../tests/easel-tams/test-key.pem");
const PKCS1: &str = include_str!("../tests/easel-tams/test-key.pkcs1.pem");
const PUBLIC: &str = include_str!("../tests/easel-tams/test-key.pub.pem");

/// `printf 'POST\n/v1/jobs/workflow\n1700000000\n5f2b1c\n{"requestId":"r1"}' |
///  openssl dgst -sha256 -sign test-key.pem | base64 -w0`
const OPENSSL_SIGNATURE: &str = "Aw3bNXVfna1OSmY6TOC+5sB0rHzIvQbPIMLABO9wDW9rK5DZpTYrXtWBEvzYJCniZ4vQ4dxoEjGMeaUQ0hMbMhEcBXAhTAdqWWsMM3nsrACUvi2OCmPrVsxS9yYGYDqgd8ns28YDfhFewzqNiYXZlAPOmHwJ2qc1SHKSDuRA3HW7EilHobvAg1vwZSyknrPgT64Ma2eCx0XlATB4V0s6P5znADYKJGs2NTSK/heZZcoMI5RUwRFq0DKOdNWHl9pRH5BPp76m6NboHNHzr8DigW921g2csh2T5XG6DuznuOZiKZmdBzudC7Lt2gH5DSaamDvFRSglCZi8BPuMaiJHJw==";

fn key(auth: &Auth) -> &RsaPrivateKey {
    match auth {
        Auth::Rsa { private_key, .. } => private_key.expose(),
        Auth::Bearer(_) => panic!("expected RSA auth"),
    }
}

/// Splits a header into its four parameters, insisting on the exact documented shape.
fn parts(header: &str) -> [String; 4] {
    let params = header.strip_prefix("TAMS-SHA256-RSA ").expect("scheme and one space");
    let items: Vec<&str> = params.split(',').collect();
    assert_eq!(items.len(), 4, "{header}");
    let names = ["app_id=", "nonce_str=", "timestamp=", "signature="];
    let values: Vec<String> = items
        .iter()
        .zip(names)
        .map(|(item, name)| item.strip_prefix(name).unwrap_or_else(|| panic!("{name} in {header}")).to_string())
        .collect();
    values.try_into().unwrap()
}

#[test]
fn known_answer_matches_openssl_and_the_exact_header_shape() {
    let auth = Auth::rsa_from_pem("rA0R2ywjw", PKCS8).unwrap();
    let request = SignedRequest {
        method: "POST",
        path_and_query: "/v1/jobs/workflow",
        timestamp: 1_700_000_000,
        nonce: "5f2b1c",
        body: br#"{"requestId":"r1"}"#,
    };
    let header = rsa_header("rA0R2ywjw", key(&auth), &request).unwrap();
    assert_eq!(
        header,
        format!("TAMS-SHA256-RSA app_id=rA0R2ywjw,nonce_str=5f2b1c,timestamp=1700000000,signature={OPENSSL_SIGNATURE}")
    );
}

#[test]
fn each_header_verifies_with_the_public_key_and_has_a_fresh_nonce() {
    let auth = Auth::rsa_from_pem("app", PKCS1).unwrap();
    let verifier = VerifyingKey::<Sha256>::new(RsaPublicKey::from_public_key_pem(PUBLIC).unwrap());
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let first = auth.authorization("GET", "/v1/jobs/12?x=2", b"").unwrap();
    let second = auth.authorization("GET", "/v1/jobs/12?x=2", b"").unwrap();
    for header in [&first, &second] {
        let [app_id, nonce, timestamp, signature] = parts(header.expose());
        assert_eq!(app_id, "app");
        assert!(nonce.len() == 32 && nonce.chars().all(|c| c.is_ascii_hexdigit()), "{nonce}");
        assert!(timestamp.parse::<u64>().unwrap().abs_diff(now) < 600, "unix seconds: {timestamp}");
        // Built here by hand, not by the code under test: GET signs an empty body, not `{}`.
        let message = format!("GET\n/v1/jobs/12?x=2\n{timestamp}\n{nonce}\n");
        let signature = Signature::try_from(STANDARD.decode(signature).unwrap().as_slice()).unwrap();
        verifier.verify(message.as_bytes(), &signature).expect("signature verifies");
        assert!(verifier.verify(format!("{message}{{}}").as_bytes(), &signature).is_err());
    }
    assert_ne!(parts(first.expose())[1], parts(second.expose())[1], "a fresh nonce per attempt");
}

#[test]
fn pkcs1_and_pkcs8_read_to_the_same_key() {
    let a = Auth::rsa_from_pem("app", PKCS8).unwrap();
    let b = Auth::rsa_from_pem("app", &format!("\n{PKCS1}\n")).unwrap();
    assert!(key(&a) == key(&b));
}

#[test]
fn bad_keys_are_refused_clearly_and_without_their_content() {
    let truncated = &PKCS8[..PKCS8.len() / 2];
    let cases = [
        (PUBLIC, "public key"),
        (truncated, "PEM form"),
        ("not a key", "PEM form"),
        ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", "passphrase"),
    ];
    for (pem, says) in cases {
        let err = Auth::rsa_from_pem("app", pem).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains(says), "{shown}");
        assert_eq!(err.code(), easel_error::ErrorCode::Auth);
        for line in pem.lines().filter(|l| l.len() > 16 && !l.starts_with("-----")) {
            assert!(!shown.contains(&line[..16]), "key material in `{shown}`");
        }
    }
}

#[test]
fn debug_output_never_shows_the_key() {
    let auth = Auth::rsa_from_pem("app-7", PKCS8).unwrap();
    let shown = format!("{auth:?}");
    assert!(shown.contains("app-7") && shown.contains("<redacted>"), "{shown}");
    assert!(!shown.chars().any(|c| c.is_ascii_digit() && c != '7'), "no numbers of the key: {shown}");
    let bearer = Auth::Bearer(Sensitive::new("sk-secret".into()));
    assert!(!format!("{bearer:?}").contains("sk-secret"));
    assert_eq!(bearer.authorization("GET", "/v1/jobs/1", b"").unwrap().expose(), "Bearer sk-secret");
}
