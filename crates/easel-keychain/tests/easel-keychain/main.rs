//! Round trip against the real Secret Service. `make test` runs the suite inside
//! `dbus-run-session` with an unlocked gnome-keyring, so this talks to a real daemon; the check
//! through `secret-tool` proves the key reached the Secret Service and not an in-memory fallback.

use std::process::Command;

use easel_keychain::{KeychainEntry, KeychainError};
use easel_tams::Sensitive;

fn secret_tool_lookup(account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", easel_keychain::SERVICE, "username", account])
        .output()
        .expect("secret-tool (package libsecret-tools) must be installed; `make test` installs it");
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn key_round_trips_through_the_secret_service() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        panic!("no session bus: run this suite through `make test` (dbus-run-session + gnome-keyring)");
    }
    let account = format!("test:{}", std::process::id());
    let entry = KeychainEntry::new(&account).unwrap();
    assert_eq!(entry.load().unwrap(), None);

    let key = Sensitive::new("test-key-0001-abcd".to_string());
    entry.store(&key).unwrap();
    assert_eq!(entry.load().unwrap(), Some(key.clone()));
    assert_eq!(secret_tool_lookup(&account).as_deref(), Some("test-key-0001-abcd"), "not in the Secret Service");

    let replacement = Sensitive::new("test-key-0002-wxyz".to_string());
    entry.store(&replacement).unwrap();
    assert_eq!(KeychainEntry::new(&account).unwrap().load().unwrap(), Some(replacement));

    assert!(entry.remove().unwrap());
    assert!(!entry.remove().unwrap());
    assert_eq!(entry.load().unwrap(), None);
    assert_eq!(secret_tool_lookup(&account), None);
    assert_eq!(entry.store(&Sensitive::new("  ".into())), Err(KeychainError::EmptyKey));
}
