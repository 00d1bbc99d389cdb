//! The API key's only home: the OS keychain (the Secret Service on Linux, through `keyring`),
//! under service `easel`, one entry per backend account. Keys travel as `Sensitive<String>` so
//! they cannot be printed by accident. Nothing here caches or writes the key anywhere else;
//! choosing which account a backend uses is the caller's business.

use easel_tams::Sensitive;

/// Keychain service name shared by every Easel entry.
pub const SERVICE: &str = "easel";

/// Why the keychain could not be used. Messages never contain the key.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeychainError {
    /// No keychain is reachable (no Secret Service on the session bus, locked collection...).
    #[error("the system keychain is not available: {0}")]
    Unavailable(String),
    /// The keychain refused or failed the operation.
    #[error("the system keychain failed: {0}")]
    Failed(String),
    /// An empty key was given.
    #[error("the API key is empty")]
    EmptyKey,
}

/// The keychain entry for one account (e.g. `tams:https://ap-east-1.tensorart.cloud`).
#[derive(Debug)]
pub struct KeychainEntry {
    entry: keyring::Entry,
}

impl KeychainEntry {
    /// The entry for `account` under service `easel`.
    pub fn new(account: &str) -> Result<KeychainEntry, KeychainError> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(classify)?;
        Ok(KeychainEntry { entry })
    }

    /// Stores (or replaces) the key.
    pub fn store(&self, key: &Sensitive<String>) -> Result<(), KeychainError> {
        let trimmed = key.expose().trim();
        if trimmed.is_empty() {
            return Err(KeychainError::EmptyKey);
        }
        self.entry.set_password(trimmed).map_err(classify)
    }

    /// The stored key, or `None` when there is none.
    pub fn load(&self) -> Result<Option<Sensitive<String>>, KeychainError> {
        match self.entry.get_password() {
            Ok(key) => Ok(Some(Sensitive::new(key))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    /// Removes the key; `false` when there was none.
    pub fn remove(&self) -> Result<bool, KeychainError> {
        match self.entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(classify(e)),
        }
    }
}

/// Characters of the key the hint shows.
const HINT_CHARS: usize = 4;

/// The shortest key whose hint shows any of it: four characters of a key this short or shorter
/// would be half of it or more, so its hint is the bare `…`.
const MIN_KEY_CHARS_FOR_HINT: usize = 9;

/// A hint safe to show: the key's last four characters, e.g. `…a1b2`; only `…` for a key of 8
/// characters or fewer, so a short key is never shown whole (or mostly).
pub fn key_hint(key: &Sensitive<String>) -> String {
    let count = key.expose().chars().count();
    if count < MIN_KEY_CHARS_FOR_HINT {
        return "…".to_string();
    }
    let tail: String = key.expose().chars().skip(count - HINT_CHARS).collect();
    format!("…{tail}")
}

fn classify(e: keyring::Error) -> KeychainError {
    match e {
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
            KeychainError::Unavailable(inner.to_string())
        }
        other => KeychainError::Failed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hint_shows_only_the_last_four() {
        let key = easel_tams::Sensitive::new("sk-live-123456789".to_string());
        assert_eq!(super::key_hint(&key), "…6789");
        for short in ["", "ab", "abcd", "abcdefgh"] {
            assert_eq!(super::key_hint(&easel_tams::Sensitive::new(short.into())), "…", "{short}");
        }
        assert_eq!(super::key_hint(&easel_tams::Sensitive::new("abcdefghi".into())), "…fghi");
        assert_eq!(
            super::key_hint(&easel_tams::Sensitive::new("密钥密钥密钥密钥密钥".into())),
            "…密钥密钥",
            "counted in characters, not bytes"
        );
    }
}
